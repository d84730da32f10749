"""The policy's Entities attached tab: Attach (a picker of the account's users, groups and roles) and
Detach (the checked rows), each attachment its service's call, authorized and audited as AWS's."""

import json

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from policies.models import PolicyAttachment
from policies.services.permissions import policy_attach
from policies.services.policies import policy_create
from policies.services.roles import role_create, service_linked_role_create
from tests.accounts.factories import GroupFactory, IAMUserFactory
from tests.grants import grant, statement

from .roles_helpers import EC2_TRUST

pytestmark = pytest.mark.django_db

S3_READ = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
)


@pytest.fixture
def policy(account, root_acting):
    return policy_create(account=account, name="allow-s3-read", document=S3_READ, acting=root_acting)


def _attach_url(policy):
    return reverse("policies:policy_attach", args=[policy.arn])


def _detach_url(policy):
    return reverse("policies:policy_detach", args=[policy.arn])


def test_the_tab_offers_attach_and_detach_with_a_box_per_permissions_policy_row(
    root_client, account, bob, policy, root_acting
):
    policy_attach(policy=policy, user=bob, acting=root_acting)
    html = root_client.get(
        reverse("policies:policy_detail", args=[policy.arn]) + "?tab=entities"
    ).content.decode()

    assert '<button type="submit" class="btn btn-normal" data-needs-selection="any">Detach</button>' in html
    assert f'<a class="btn btn-primary" href="{_attach_url(policy)}">Attach</a>' in html
    assert '<input type="checkbox" name="entity" value="user:bob" aria-label="Select bob">' in html


def test_attach_lists_the_entities_without_the_policy_and_filters_them(
    root_client, account, bob, policy, root_acting
):
    GroupFactory(account=account, name="developers")
    role_create(account=account, name="auditor", trust_policy=EC2_TRUST, acting=root_acting)
    linked = service_linked_role_create(
        account=account, aws_service_name="elasticloadbalancing.amazonaws.com", acting=root_acting
    )
    policy_attach(policy=policy, user=bob, acting=root_acting)

    html = root_client.get(_attach_url(policy)).content.decode()
    assert 'value="group:developers"' in html and 'value="role:auditor"' in html
    assert 'value="user:bob"' not in html  # already attached
    assert linked.name not in html  # a service-linked role takes no policies
    filtered = root_client.get(_attach_url(policy), {"q": "aud"}).content.decode()
    assert 'value="role:auditor"' in filtered and 'value="group:developers"' not in filtered


def test_attach_attaches_to_each_chosen_entity_through_its_service(
    root_client, account, bob, policy, root_acting
):
    group = GroupFactory(account=account, name="developers")
    role = role_create(account=account, name="auditor", trust_policy=EC2_TRUST, acting=root_acting)

    response = root_client.post(
        _attach_url(policy), {"entity": ["user:bob", "group:developers", "role:auditor"]}
    )

    assert response["Location"] == reverse("policies:policy_detail", args=[policy.arn]) + "?tab=entities"
    attached = PolicyAttachment.objects.filter(policy=policy)
    assert {(a.user, a.group, a.role) for a in attached} == {
        (bob, None, None),
        (None, group, None),
        (None, None, role),
    }
    assert sorted(
        AuditEvent.objects.filter(event_name__startswith="Attach").values_list("event_name", flat=True)
    ) == [
        "AttachGroupPolicy",
        "AttachRolePolicy",
        "AttachUserPolicy",
    ]


def test_attach_without_a_choice_says_so(root_client, policy):
    response = root_client.post(
        _attach_url(policy), {}, headers={"HX-Request": "true", "HX-Target": "attach-entities"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="attach-entities">')
    assert "Select one or more entities to attach the policy to." in html


def test_detach_detaches_the_checked_entities_and_answers_the_tab(
    root_client, account, bob, policy, root_acting
):
    group = GroupFactory(account=account, name="developers")
    policy_attach(policy=policy, user=bob, acting=root_acting)
    policy_attach(policy=policy, group=group, acting=root_acting)

    response = root_client.post(
        _detach_url(policy),
        {"entity": ["user:bob"]},
        headers={"HX-Request": "true", "HX-Target": "policy-tab"},
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="policy-tab">')
    assert f"Policy {policy.name} detached from bob." in html
    assert 'Entities attached <span class="count">(1)</span>' in html
    assert list(PolicyAttachment.objects.filter(policy=policy).values_list("group__name", flat=True)) == [
        "developers"
    ]
    assert AuditEvent.objects.filter(event_name="DetachUserPolicy").count() == 1


def test_a_refused_attachment_attaches_nothing_and_shows_awss_message(
    client, sign_in_as, account, bob, policy
):
    group = GroupFactory(account=account, name="developers")
    admin = IAMUserFactory(account=account, name="delegate")
    grant(
        statement(["iam:GetPolicy", "iam:ListUsers", "iam:ListGroups", "iam:ListRoles"]),
        statement(["iam:AttachGroupPolicy"]),
        user=admin,
    )
    sign_in_as(client, account, admin)

    response = client.post(_attach_url(policy), {"entity": ["group:developers", "user:bob"]})

    assert response.status_code == 422
    html = response.content.decode()
    assert f"is not authorized to perform: iam:AttachUserPolicy on resource: {bob.arn}" in html
    assert not PolicyAttachment.objects.filter(policy=policy).exists()  # the group's attachment too
    assert group.attachments.count() == 0


def test_detach_needs_detach_permission(client, sign_in_as, account, bob, policy, root_acting):
    policy_attach(policy=policy, user=bob, acting=root_acting)
    reader = IAMUserFactory(account=account, name="reader")
    grant(statement(["iam:GetPolicy", "iam:ListEntitiesForPolicy"]), user=reader)
    sign_in_as(client, account, reader)

    response = client.post(_detach_url(policy), {"entity": ["user:bob"]})

    assert response.status_code == 422
    assert "is not authorized to perform: iam:DetachUserPolicy" in response.content.decode()
    assert PolicyAttachment.objects.filter(policy=policy, user=bob).exists()
