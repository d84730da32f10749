"""Service-linked roles: CreateServiceLinkedRole, DeleteServiceLinkedRole as a task with a status."""

import json

import pytest

from access.acting import Acting
from accounts.models import AuditEvent
from aws.errors import InvalidInput, NoSuchEntity
from policies.models import InstanceProfile, PolicyAttachment, Role, ServiceLinkedRoleDeletion
from policies.services.roles import (
    service_linked_role_create,
    service_linked_role_delete,
    service_linked_role_deletion_run,
    service_linked_role_deletion_status,
)
from tests.races import assert_refused_by_the_constraint, lose_race

from .roles_helpers import EC2_TRUST, managed_policy

pytestmark = pytest.mark.django_db


def test_create_names_the_role_after_the_service_under_its_path(account, root_acting):
    role = service_linked_role_create(
        account=account, aws_service_name="elasticloadbalancing.amazonaws.com", acting=root_acting
    )
    assert role.name == "AWSServiceRoleForElasticLoadBalancing"
    assert role.path == "/aws-service-role/elasticloadbalancing.amazonaws.com/"
    assert role.is_service_linked
    assert role.arn == (
        f"arn:aws:iam::{account.id}:role/aws-service-role/elasticloadbalancing.amazonaws.com/"
        "AWSServiceRoleForElasticLoadBalancing"
    )
    statement = json.loads(role.trust_policy)["Statement"][0]
    # One-element lists, as IAM's CreateServiceLinkedRole writes them.
    assert statement == {
        "Effect": "Allow",
        "Principal": {"Service": ["elasticloadbalancing.amazonaws.com"]},
        "Action": ["sts:AssumeRole"],
    }
    assert AuditEvent.objects.get(event_name="CreateServiceLinkedRole").request_parameters == {
        "aWSServiceName": "elasticloadbalancing.amazonaws.com"
    }


def test_the_services_policy_is_attached_when_the_catalog_has_it(account, root_acting):
    policy = managed_policy(
        name="AmazonECSServiceRolePolicy",
        arn="arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy",
        path="/aws-service-role/",
    )
    role = service_linked_role_create(
        account=account, aws_service_name="ecs.amazonaws.com", acting=root_acting
    )
    assert [attachment.policy for attachment in role.attachments.all()] == [policy]


def test_a_second_one_for_the_same_service_is_refused(account, root_acting):
    service_linked_role_create(account=account, aws_service_name="ecs.amazonaws.com", acting=root_acting)
    with pytest.raises(InvalidInput) as exc:
        service_linked_role_create(account=account, aws_service_name="ecs.amazonaws.com", acting=root_acting)
    assert exc.value.message == (
        "Service role name AWSServiceRoleForECS has been taken in this account, please try a different suffix."
    )


def test_custom_suffix_only_where_the_service_allows_it(account, root_acting):
    with pytest.raises(InvalidInput) as exc:
        service_linked_role_create(
            account=account, aws_service_name="ecs.amazonaws.com", custom_suffix="debug", acting=root_acting
        )
    assert exc.value.message == "Custom suffix is not allowed for ecs.amazonaws.com"
    role = service_linked_role_create(
        account=account, aws_service_name="autoscaling.amazonaws.com", custom_suffix="web", acting=root_acting
    )
    assert role.name == "AWSServiceRoleForAutoScaling_web"


def test_unknown_service_is_invalid_input(account, root_acting):
    with pytest.raises(InvalidInput):
        service_linked_role_create(
            account=account, aws_service_name="nothing.example.com", acting=root_acting
        )
    assert not Role.objects.exists()


def test_deletion_runs_as_a_task_after_commit_and_reports_its_status(
    account, root_acting, django_capture_on_commit_callbacks
):
    role = service_linked_role_create(
        account=account, aws_service_name="ecs.amazonaws.com", acting=root_acting
    )
    PolicyAttachment.objects.create(
        policy=managed_policy(
            name="AmazonECSServiceRolePolicy",
            arn="arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy",
        ),
        role=role,
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        deletion = service_linked_role_delete(role=role, acting=root_acting)
    assert deletion.status == "NOT_STARTED"
    assert deletion.task_id.startswith("task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/")
    assert Role.objects.filter(pk=role.pk).exists()  # nothing happens before the commit
    assert len(callbacks) == 1

    callbacks[0]()  # the commit: the task runs (eagerly in tests)
    status = service_linked_role_deletion_status(account=account, task_id=deletion.task_id)
    assert status.status == "SUCCEEDED"
    assert status.role_name == "AWSServiceRoleForECS"
    assert not Role.objects.filter(pk=role.pk).exists()
    assert not PolicyAttachment.objects.exists()
    assert AuditEvent.objects.get(event_name="DeleteServiceLinkedRole").response_elements == {
        "deletionTaskId": deletion.task_id
    }


def test_a_second_request_while_one_is_pending_returns_the_same_task(account, root_acting):
    role = service_linked_role_create(
        account=account, aws_service_name="ecs.amazonaws.com", acting=root_acting
    )
    first = service_linked_role_delete(role=role, acting=root_acting)
    second = service_linked_role_delete(role=role, acting=root_acting)
    assert first.task_id == second.task_id
    assert ServiceLinkedRoleDeletion.objects.count() == 1


def test_running_a_task_twice_does_nothing_the_second_time(account, root_acting):
    role = service_linked_role_create(
        account=account, aws_service_name="rds.amazonaws.com", acting=root_acting
    )
    InstanceProfile.objects.create(account=account, name="rds", role=role)
    deletion = service_linked_role_delete(role=role, acting=root_acting)
    assert service_linked_role_deletion_run(deletion_id=deletion.pk) == "SUCCEEDED"
    assert service_linked_role_deletion_run(deletion_id=deletion.pk) is None
    assert InstanceProfile.objects.get(name="rds").role is None


def test_an_ordinary_role_is_not_deleted_this_way(account, root_acting):
    from policies.services.roles import role_create

    role = role_create(account=account, name="app", trust_policy=EC2_TRUST, acting=root_acting)
    with pytest.raises(NoSuchEntity) as exc:
        service_linked_role_delete(role=role, acting=root_acting)
    assert exc.value.message == "The role with name app cannot be found."


def test_status_of_another_accounts_task_is_not_found(account, root_acting, charlie_account):
    role = service_linked_role_create(
        account=account, aws_service_name="ecs.amazonaws.com", acting=root_acting
    )
    deletion = service_linked_role_delete(role=role, acting=root_acting)
    with pytest.raises(NoSuchEntity):
        service_linked_role_deletion_status(account=charlie_account, task_id=deletion.task_id)


def test_permissions_tab_of_a_service_linked_role_offers_no_changes(root_client, account, root_acting):
    role = service_linked_role_create(
        account=account, aws_service_name="elasticloadbalancing.amazonaws.com", acting=root_acting
    )

    html = root_client.get(f"/roles/{role.name}/").content.decode()

    assert 'data-testid="service-linked-note"' in html
    assert 'data-testid="add-permissions-menu"' not in html
    assert "Set permissions boundary</a>" not in html


def test_permissions_tab_of_an_ordinary_role_keeps_its_actions(root_client, account):
    Role.objects.create(account=account, name="ec2-s3-read", trust_policy=EC2_TRUST)

    html = root_client.get("/roles/ec2-s3-read/").content.decode()

    assert 'data-testid="add-permissions-menu"' in html
    assert "Set permissions boundary</a>" in html
    assert 'data-testid="service-linked-note"' not in html


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_creates_for_one_service_at_once_make_one_role(account):
    def create():
        return service_linked_role_create(
            account=account, aws_service_name="ecs.amazonaws.com", acting=Acting(account=account)
        )

    winner, lost = lose_race(winner=create, loser=create)

    assert_refused_by_the_constraint(
        lost,
        "InvalidInput",
        "Service role name AWSServiceRoleForECS has been taken in this account, please try a different suffix.",
    )
    assert list(Role.objects.values_list("pk", flat=True)) == [winner.pk]
