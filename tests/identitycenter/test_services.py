"""identitycenter's services and flows called directly: AWS's limits and errors that the wire's model
checks would stop first, the identity store's updates, and provisioning's boundaries, re-provisioning
and removal."""

import json

import pytest

from access.acting import Acting
from aws.identitycenter_errors import (
    AccessDeniedException,
    ConflictException,
    ServiceQuotaExceededException,
    ValidationException,
)
from identitycenter import flows, services
from identitycenter.models import Instance
from policies.models import Role
from policies.services.policies import policy_create
from tests.accounts.factories import AccountFactory

READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
ALLOW_S3 = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
)


def raises(error_class, call, **kwargs):
    with pytest.raises(error_class) as caught:
        call(**kwargs)
    return caught.value


def reserved_role(account):
    return Role.objects.get(account=account, name__startswith="AWSReservedSSO_")


def test_the_instance_signs_as_the_access_portal(instance):
    assert "BEGIN CERTIFICATE" in instance.certificate_pem
    assert "PRIVATE KEY" not in instance.private_key_encrypted  # encrypted at rest
    metadata = flows.saml_metadata(instance)
    assert f'entityID="{instance.portal_entity_id}"' in metadata and "X509Certificate" in metadata


def test_only_the_management_account_enables_it_once(organization, member, root_acting, instance):
    error = raises(
        AccessDeniedException,
        services.instance_create,
        organization=organization,
        acting=Acting(account=member),
    )
    assert "management account" in error.message
    raises(AccessDeniedException, services.instance_create, organization=None, acting=root_acting)
    raises(ConflictException, services.instance_create, organization=organization, acting=root_acting)
    services.instance_update(instance=instance, name="renamed", acting=root_acting)
    assert Instance.objects.get().name == "renamed"


def test_fifty_tags_at_most(instance, permission_set, root_acting):
    tags = [(f"k{index}", "v") for index in range(50)]
    services.resource_tag(instance=instance, resource_arn=permission_set.arn, tags=tags, acting=root_acting)
    raises(
        ServiceQuotaExceededException,
        services.resource_tag,
        instance=instance,
        resource_arn=permission_set.arn,
        tags=[("one-more", "v")],
        acting=root_acting,
    )


@pytest.mark.parametrize("name", ["", "x" * 33, "bad name"])
def test_permission_set_names_follow_the_model(instance, root_acting, name):
    raises(
        ValidationException, services.permission_set_create, instance=instance, name=name, acting=root_acting
    )


@pytest.mark.parametrize("field, value", [("description", "d" * 701), ("relay_state", "r" * 241)])
def test_description_and_relay_state_keep_the_models_lengths(
    instance, permission_set, root_acting, field, value
):
    raises(
        ValidationException,
        services.permission_set_create,
        instance=instance,
        name="Longer",
        acting=root_acting,
        **{field: value},
    )
    raises(
        ValidationException,
        services.permission_set_update,
        permission_set=permission_set,
        acting=root_acting,
        **{field: value},
    )
    assert not instance.permission_sets.filter(name="Longer").exists()
    permission_set.refresh_from_db()
    assert getattr(permission_set, field) == ""


def test_permission_sets_per_instance_quota(instance, permission_set, root_acting, monkeypatch):
    monkeypatch.setattr(services, "PERMISSION_SETS_PER_INSTANCE", 1)
    raises(
        ServiceQuotaExceededException,
        services.permission_set_create,
        instance=instance,
        name="Another",
        acting=root_acting,
    )


def test_update_description_relay_state_and_a_duplicate_reference(permission_set, root_acting):
    services.permission_set_update(
        permission_set=permission_set,
        description="Devs",
        relay_state="https://example.com/",
        acting=root_acting,
    )
    permission_set.refresh_from_db()
    assert (permission_set.description, permission_set.relay_state) == ("Devs", "https://example.com/")
    services.customer_policy_attach(permission_set=permission_set, name="team", path="/", acting=root_acting)
    raises(
        ConflictException,
        services.customer_policy_attach,
        permission_set=permission_set,
        name="team",
        path="/",
        acting=root_acting,
    )


def test_provisioning_an_account_outside_the_organization_is_refused(permission_set, root_acting):
    raises(
        ValidationException,
        flows.provision,
        permission_set=permission_set,
        account_id=AccountFactory().id,
        acting=root_acting,
    )


def test_user_updates(instance, dana, root_acting):
    other = services.user_create(
        instance=instance,
        user_name="erin",
        display_name="Erin",
        given_name="Erin",
        family_name="E",
        acting=root_acting,
    )
    services.user_update(
        user=dana,
        operations=[
            ("name.givenName", "Dana-Marie"),
            ("emails", [{"Value": "dm@example.com", "Type": "work", "Primary": True, "Extra": 1}]),
        ],
        acting=root_acting,
    )
    dana.refresh_from_db()
    assert dana.given_name == "Dana-Marie"
    assert dana.emails == [{"Value": "dm@example.com", "Type": "work", "Primary": True}]
    assert dana.primary_email == "dm@example.com"
    raises(
        ValidationException, services.user_update, user=dana, operations=[("title", "x")], acting=root_acting
    )
    raises(
        ValidationException,
        services.user_update,
        user=dana,
        operations=[("userName", "")],
        acting=root_acting,
    )
    raises(
        ConflictException,
        services.user_update,
        user=dana,
        operations=[("userName", "ERIN")],
        acting=root_acting,
    )
    assert other.user_name == "erin"


def test_group_create_and_updates(instance, root_acting):
    raises(ValidationException, services.group_create, instance=instance, display_name="", acting=root_acting)
    group = services.group_create(instance=instance, display_name="developers", acting=root_acting)
    services.group_create(instance=instance, display_name="ops", acting=root_acting)
    services.group_update(group=group, operations=[("description", "Builders")], acting=root_acting)
    group.refresh_from_db()
    assert group.description == "Builders"
    raises(
        ValidationException,
        services.group_update,
        group=group,
        operations=[("members", "x")],
        acting=root_acting,
    )
    raises(
        ConflictException,
        services.group_update,
        group=group,
        operations=[("displayName", "OPS")],
        acting=root_acting,
    )


def test_a_boundary_is_provisioned_changed_and_removed(permission_set, member, dana, root_acting):
    flows.boundary_set(permission_set=permission_set, managed_arn=READ_ONLY, acting=root_acting)
    flows.assignment_create(
        permission_set=permission_set,
        account_id=member.id,
        principal_type="USER",
        principal_id=dana.id,
        acting=root_acting,
    )
    role = reserved_role(member)
    assert role.permissions_boundary_arn == READ_ONLY

    boundary = policy_create(account=member, name="edge", document=ALLOW_S3, acting=Acting(account=member))
    flows.boundary_set(permission_set=permission_set, name="edge", path="/", acting=root_acting)
    assert flows.provision(permission_set=permission_set, acting=root_acting).status == "SUCCEEDED"
    role.refresh_from_db()
    assert role.permissions_boundary_arn == boundary.arn

    services.boundary_delete(permission_set=permission_set, acting=root_acting)
    flows.provision(permission_set=permission_set, acting=root_acting)
    role.refresh_from_db()
    assert role.permissions_boundary_arn == ""


def test_an_inline_policy_removed_is_removed_from_the_role_and_the_last_assignment_takes_the_role(
    permission_set, member, dana, root_acting
):
    flows.inline_policy_set(permission_set=permission_set, document=ALLOW_S3, acting=root_acting)
    flows.managed_policy_attach(permission_set=permission_set, arn=READ_ONLY, acting=root_acting)
    assignment = {
        "permission_set": permission_set,
        "account_id": member.id,
        "principal_type": "USER",
        "principal_id": dana.id,
        "acting": root_acting,
    }
    flows.assignment_create(**assignment)
    role = reserved_role(member)
    services.inline_policy_delete(permission_set=permission_set, acting=root_acting)
    flows.provision(permission_set=permission_set, account_id=member.id, acting=root_acting)
    assert list(role.inline_policies.all()) == []
    flows.inline_policy_set(permission_set=permission_set, document=ALLOW_S3, acting=root_acting)
    flows.provision(permission_set=permission_set, acting=root_acting)
    assert [inline.name for inline in role.inline_policies.all()] == ["AwsSSOInlinePolicy"]

    flows.assignment_delete(**assignment)
    assert not Role.objects.filter(pk=role.pk).exists()
    # The provider stays, as AWS leaves it.
    assert member.saml_providers.filter(name=permission_set.instance.saml_provider_name).exists()
