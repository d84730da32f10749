"""Organizations' services: IDs, the tree, accounts, policies and attachments, with AWS's errors."""

import re

import pytest
from django.contrib.auth.hashers import is_password_usable

from accounts.models import AuditEvent
from organizations import errors, services
from organizations.models import (
    FULL_AWS_ACCESS_ID,
    RCP,
    RCP_FULL_AWS_ACCESS_ID,
    SCP,
    Handshake,
    Membership,
    PolicyAttachment,
)
from policies.models import Role
from tests.accounts.factories import AccountFactory

from .conftest import document


def attached(organization, target_id, policy_type=SCP):
    return sorted(
        PolicyAttachment.objects.filter(
            organization=organization, target_id=target_id, policy__type=policy_type
        ).values_list("policy_id", flat=True)
    )


def test_create_organization_makes_the_caller_management_account_with_aws_ids(root_acting, account):
    organization = services.organization_create(acting=root_acting)

    assert re.fullmatch(r"o-[a-z0-9]{10}", organization.id)
    assert re.fullmatch(r"r-[a-z0-9]{4}", organization.root_id)
    assert organization.feature_set == "ALL"
    assert organization.management_account_id == account.id
    assert organization.arn == f"arn:aws:organizations::{account.id}:organization/{organization.id}"
    assert Membership.objects.get(account=account).parent is None
    event = AuditEvent.objects.get(event_name="CreateOrganization")
    assert event.event_source == "organizations.amazonaws.com"


def test_an_account_in_an_organization_cannot_create_another(organization, root_acting):
    with pytest.raises(errors.AlreadyInOrganizationException):
        services.organization_create(acting=root_acting)


def test_enabling_scps_attaches_full_aws_access_to_root_ous_and_accounts(organization, root_acting, account):
    ou = services.ou_create(
        organization=organization, parent_id=organization.root_id, name="Dev", acting=root_acting
    )
    assert attached(organization, ou.id) == []  # SCPs are not enabled yet

    services.policy_type_enable(organization=organization, policy_type=SCP, acting=root_acting)

    for target in (organization.root_id, ou.id, account.id):
        assert attached(organization, target) == [FULL_AWS_ACCESS_ID]
    with pytest.raises(errors.PolicyTypeAlreadyEnabledException):
        services.policy_type_enable(organization=organization, policy_type=SCP, acting=root_acting)


def test_disabling_scps_detaches_every_scp(scp_organization, root_acting, make_scp):
    policy = make_scp("deny-iam", "Deny", "iam:CreateUser")
    services.policy_attach(
        organization=scp_organization, policy=policy, target_id=scp_organization.root_id, acting=root_acting
    )
    services.policy_type_disable(organization=scp_organization, policy_type=SCP, acting=root_acting)
    assert not PolicyAttachment.objects.filter(organization=scp_organization).exists()
    with pytest.raises(errors.PolicyTypeNotEnabledException):
        services.policy_attach(
            organization=scp_organization,
            policy=policy,
            target_id=scp_organization.root_id,
            acting=root_acting,
        )


def test_ou_ids_names_and_full_aws_access(scp_organization, root_acting):
    ou = services.ou_create(
        organization=scp_organization,
        parent_id=scp_organization.root_id,
        name="Workloads",
        acting=root_acting,
    )
    root4 = scp_organization.root_id.removeprefix("r-")
    assert re.fullmatch(rf"ou-{root4}-[a-z0-9]{{8}}", ou.id)
    assert attached(scp_organization, ou.id) == [FULL_AWS_ACCESS_ID]
    # Names are unique under one parent, not across the tree.
    with pytest.raises(
        errors.DuplicateOrganizationalUnitException, match="An OU with the same name already exists."
    ):
        services.ou_create(
            organization=scp_organization,
            parent_id=scp_organization.root_id,
            name="Workloads",
            acting=root_acting,
        )
    child = services.ou_create(
        organization=scp_organization, parent_id=ou.id, name="Workloads", acting=root_acting
    )
    assert child.parent == ou


def test_ous_nest_five_levels_deep(scp_organization, root_acting):
    parent_id = scp_organization.root_id
    for level in range(5):
        parent_id = services.ou_create(
            organization=scp_organization, parent_id=parent_id, name=f"level{level + 1}", acting=root_acting
        ).id
    with pytest.raises(errors.ConstraintViolationException) as caught:
        services.ou_create(
            organization=scp_organization, parent_id=parent_id, name="level6", acting=root_acting
        )
    assert caught.value.reason == "OU_DEPTH_LIMIT_EXCEEDED"


def test_rename_and_delete_ou(scp_organization, root_acting, member):
    dev = services.ou_create(
        organization=scp_organization, parent_id=scp_organization.root_id, name="Dev", acting=root_acting
    )
    services.ou_create(
        organization=scp_organization, parent_id=scp_organization.root_id, name="Prod", acting=root_acting
    )
    with pytest.raises(errors.DuplicateOrganizationalUnitException):
        services.ou_rename(ou=dev, name="Prod", acting=root_acting)
    assert services.ou_rename(ou=dev, name="Development", acting=root_acting).name == "Development"

    services.account_move(membership=member, destination_id=dev.id, acting=root_acting)
    with pytest.raises(errors.OrganizationalUnitNotEmptyException):
        services.ou_delete(ou=dev, acting=root_acting)
    services.account_move(membership=member, destination_id=scp_organization.root_id, acting=root_acting)
    services.ou_delete(ou=dev, acting=root_acting)
    assert not PolicyAttachment.objects.filter(target_id=dev.id).exists()


def test_create_account_has_no_root_password_and_the_access_role(member, scp_organization, account):
    new = member.account
    assert re.fullmatch(r"\d{12}", new.id) and new.id != account.id
    assert not is_password_usable(new.root_password)
    assert member.joined_method == "CREATED"
    assert attached(scp_organization, new.id) == [FULL_AWS_ACCESS_ID]
    role = Role.objects.get(account=new, name="OrganizationAccountAccessRole")
    assert f"arn:aws:iam::{account.id}:root" in role.trust_policy
    assert list(role.attachments.values_list("policy__arn", flat=True)) == [
        "arn:aws:iam::aws:policy/AdministratorAccess"
    ]


def test_create_account_refuses_a_taken_email(scp_organization, root_acting, charlie_account):
    with pytest.raises(errors.DuplicateAccountException):
        services.account_create(
            organization=scp_organization, name="Copy", email="charlie@example.com", acting=root_acting
        )


def test_only_the_management_account_administers(scp_organization, member_acting, charlie_acting):
    for acting in (member_acting, charlie_acting):
        with pytest.raises(errors.AccessDeniedException):
            services.ou_create(
                organization=scp_organization, parent_id=scp_organization.root_id, name="X", acting=acting
            )


def test_move_account_to_the_same_parent_is_a_duplicate(member, scp_organization, root_acting):
    with pytest.raises(errors.DuplicateAccountException):
        services.account_move(membership=member, destination_id=scp_organization.root_id, acting=root_acting)
    with pytest.raises(errors.DestinationParentNotFoundException):
        services.account_move(membership=member, destination_id="ou-zzzz-zzzzzzzz", acting=root_acting)


def test_policy_create_validates_as_organizations_does(scp_organization, root_acting):
    with pytest.raises(errors.MalformedPolicyDocumentException):
        services.policy_create(
            organization=scp_organization, policy_type=SCP, name="bad", content="{", acting=root_acting
        )
    big = document("Deny", [f"s3:Get{'x' * 40}{n}" for n in range(120)])
    with pytest.raises(errors.ConstraintViolationException, match="maximum policy size"):
        services.policy_create(
            organization=scp_organization, policy_type=SCP, name="big", content=big, acting=root_acting
        )
    services.policy_create(
        organization=scp_organization,
        policy_type=SCP,
        name="ok",
        content=document("Deny", "s3:*"),
        acting=root_acting,
    )
    with pytest.raises(errors.DuplicatePolicyException):
        services.policy_create(
            organization=scp_organization,
            policy_type=SCP,
            name="ok",
            content=document("Deny", "s3:*"),
            acting=root_acting,
        )


def test_minify_drops_white_space_only():
    assert (
        services.minify('{\n  "Version": "2012-10-17",\n  "Statement": []\n}')
        == '{"Version":"2012-10-17","Statement":[]}'
    )
    assert services.minify("{not json") == "{not json"


def test_attach_at_most_five_per_target(scp_organization, root_acting, make_scp):
    root = scp_organization.root_id
    for n in range(4):
        services.policy_attach(
            organization=scp_organization,
            policy=make_scp(f"p{n}", "Deny", f"s3:Get{n}"),
            target_id=root,
            acting=root_acting,
        )
    sixth = make_scp("p5", "Deny", "s3:Put")
    with pytest.raises(errors.ConstraintViolationException) as caught:
        services.policy_attach(
            organization=scp_organization, policy=sixth, target_id=root, acting=root_acting
        )
    assert caught.value.reason == "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"


def test_attach_errors(scp_organization, root_acting, make_scp):
    policy = make_scp("deny", "Deny", "s3:*")
    root = scp_organization.root_id
    services.policy_attach(organization=scp_organization, policy=policy, target_id=root, acting=root_acting)
    with pytest.raises(errors.DuplicatePolicyAttachmentException):
        services.policy_attach(
            organization=scp_organization, policy=policy, target_id=root, acting=root_acting
        )
    with pytest.raises(errors.TargetNotFoundException):
        services.policy_attach(
            organization=scp_organization, policy=policy, target_id="999999999999", acting=root_acting
        )
    with pytest.raises(errors.PolicyInUseException):
        services.policy_delete(policy=policy, acting=root_acting)


def test_the_last_scp_of_a_target_cannot_be_detached(scp_organization, root_acting, make_scp):
    root = scp_organization.root_id
    full = services.full_access_policy(SCP)
    with pytest.raises(errors.ConstraintViolationException) as caught:
        services.policy_detach(organization=scp_organization, policy=full, target_id=root, acting=root_acting)
    assert caught.value.reason == "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"
    assert "You cannot remove the last policy attached to the specified target" in caught.value.message

    allow_s3 = make_scp("allow-s3", "Allow", "s3:*")
    services.policy_attach(organization=scp_organization, policy=allow_s3, target_id=root, acting=root_acting)
    services.policy_detach(organization=scp_organization, policy=full, target_id=root, acting=root_acting)
    assert attached(scp_organization, root) == [allow_s3.id]
    with pytest.raises(errors.PolicyNotAttachedException):
        services.policy_detach(organization=scp_organization, policy=full, target_id=root, acting=root_acting)


def test_rcps_keep_rcp_full_aws_access(scp_organization, root_acting):
    services.policy_type_enable(organization=scp_organization, policy_type=RCP, acting=root_acting)
    root = scp_organization.root_id
    assert attached(scp_organization, root, RCP) == [RCP_FULL_AWS_ACCESS_ID]
    rcp_full = services.full_access_policy(RCP)
    with pytest.raises(errors.ConstraintViolationException):
        services.policy_detach(
            organization=scp_organization, policy=rcp_full, target_id=root, acting=root_acting
        )


def test_aws_managed_policies_cannot_change(scp_organization, root_acting):
    with pytest.raises(errors.AccessDeniedException):
        services.policy_delete(policy=services.full_access_policy(SCP), acting=root_acting)


def test_a_failed_step_leaves_nothing_behind(scp_organization, root_acting, make_scp):
    policy = make_scp("deny", "Deny", "s3:*")
    before = PolicyAttachment.objects.count()
    with pytest.raises(errors.TargetNotFoundException):
        services.policy_attach(
            organization=scp_organization, policy=policy, target_id="ou-none-00000000", acting=root_acting
        )
    assert PolicyAttachment.objects.count() == before
    assert AuditEvent.objects.filter(event_name="AttachPolicy", error_code="TargetNotFoundException").exists()


def test_invitation_accepted_joins_under_the_root(
    scp_organization, root_acting, charlie_account, charlie_acting
):
    handshake = services.handshake_invite(
        organization=scp_organization, target=charlie_account.id, acting=root_acting
    )
    assert re.fullmatch(r"h-[a-z0-9]{10}", handshake.id)
    with pytest.raises(errors.DuplicateHandshakeException):
        services.handshake_invite(
            organization=scp_organization, target="charlie@example.com", acting=root_acting
        )
    with pytest.raises(errors.AccessDeniedException):
        services.handshake_accept(handshake=handshake, acting=root_acting)

    services.handshake_accept(handshake=handshake, acting=charlie_acting)

    membership = Membership.objects.get(account=charlie_account)
    assert membership.joined_method == "INVITED" and membership.parent is None
    assert attached(scp_organization, charlie_account.id) == [FULL_AWS_ACCESS_ID]
    with pytest.raises(errors.InvalidHandshakeTransitionException):
        services.handshake_decline(handshake=handshake, acting=charlie_acting)


def test_invitation_to_a_member_of_an_organization_is_refused(scp_organization, root_acting, member):
    with pytest.raises(errors.HandshakeConstraintViolationException) as caught:
        services.handshake_invite(
            organization=scp_organization, target=member.account.root_email, acting=root_acting
        )
    assert caught.value.reason == "ALREADY_IN_AN_ORGANIZATION"


def test_invitation_declined_and_cancelled(scp_organization, root_acting, charlie_account, charlie_acting):
    handshake = services.handshake_invite(
        organization=scp_organization, target="charlie@example.com", acting=root_acting
    )
    assert (
        services.handshake_decline(handshake=handshake, acting=charlie_acting).state
        == Handshake.State.DECLINED
    )
    other = services.handshake_invite(
        organization=scp_organization, target=charlie_account.id, acting=root_acting
    )
    assert services.handshake_cancel(handshake=other, acting=root_acting).state == Handshake.State.CANCELED
    assert not Membership.objects.filter(account=charlie_account).exists()


def test_remove_and_leave(scp_organization, root_acting, member, member_acting):
    with pytest.raises(errors.MasterCannotLeaveOrganizationException):
        services.organization_leave(acting=root_acting)
    services.organization_leave(acting=member_acting)
    assert not Membership.objects.filter(account=member.account).exists()
    assert attached(scp_organization, member.account.id) == []

    other = AccountFactory()
    handshake = services.handshake_invite(organization=scp_organization, target=other.id, acting=root_acting)
    services.handshake_accept(handshake=handshake, acting=type(member_acting)(account=other))
    services.account_remove(membership=Membership.objects.get(account=other), acting=root_acting)
    assert not Membership.objects.filter(account=other).exists()


def test_delete_organization_only_when_empty(scp_organization, root_acting, member, member_acting):
    with pytest.raises(errors.OrganizationNotEmptyException):
        services.organization_delete(organization=scp_organization, acting=root_acting)
    services.organization_leave(acting=member_acting)
    services.ou_create(
        organization=scp_organization, parent_id=scp_organization.root_id, name="Dev", acting=root_acting
    )
    services.organization_delete(organization=scp_organization, acting=root_acting)
    assert not Membership.objects.exists()


def test_scps_do_not_stop_the_access_role_of_a_new_account(scp_organization, root_acting, make_scp):
    deny_roles = make_scp("deny-roles", "Deny", "iam:*")
    services.policy_attach(
        organization=scp_organization,
        policy=deny_roles,
        target_id=scp_organization.root_id,
        acting=root_acting,
    )
    membership = services.account_create(
        organization=scp_organization, name="Guarded", email="guarded@example.com", acting=root_acting
    )
    assert Role.objects.filter(account=membership.account, name="OrganizationAccountAccessRole").exists()


@pytest.mark.parametrize(
    ("call", "reason"),
    [
        ("ou", "MIN_LENGTH_EXCEEDED"),
        ("ou-long", "MAX_LENGTH_EXCEEDED"),
        ("policy-long", "MAX_LENGTH_EXCEEDED"),
        ("account", "MIN_LENGTH_EXCEEDED"),
        ("account-long", "MAX_LENGTH_EXCEEDED"),
    ],
)
def test_names_out_of_bounds_are_invalid_input(scp_organization, root_acting, call, reason):
    calls = {
        "ou": lambda: services.ou_create(
            organization=scp_organization, parent_id=scp_organization.root_id, name="", acting=root_acting
        ),
        "ou-long": lambda: services.ou_create(
            organization=scp_organization,
            parent_id=scp_organization.root_id,
            name="x" * 129,
            acting=root_acting,
        ),
        "policy-long": lambda: services.policy_create(
            organization=scp_organization,
            policy_type=SCP,
            name="p" * 129,
            content=document("Deny", "s3:*"),
            acting=root_acting,
        ),
        "account": lambda: services.account_create(
            organization=scp_organization, name="", email="empty@example.com", acting=root_acting
        ),
        "account-long": lambda: services.account_create(
            organization=scp_organization, name="a" * 51, email="long@example.com", acting=root_acting
        ),
    }
    with pytest.raises(errors.InvalidInputException) as caught:
        calls[call]()
    assert caught.value.reason == reason


def test_an_expired_invitation_cannot_be_accepted(
    scp_organization, root_acting, charlie_account, charlie_acting
):
    from datetime import timedelta

    from django.utils import timezone

    handshake = services.handshake_invite(
        organization=scp_organization, target=charlie_account.id, acting=root_acting
    )
    Handshake.objects.filter(pk=handshake.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    handshake.refresh_from_db()
    assert handshake.current_state == "EXPIRED"
    with pytest.raises(errors.InvalidHandshakeTransitionException):
        services.handshake_accept(handshake=handshake, acting=charlie_acting)
    assert not Membership.objects.filter(account=charlie_account).exists()
