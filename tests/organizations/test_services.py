"""Organizations' services: IDs, the tree, accounts, policies and attachments, with AWS's errors."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import is_password_usable

from access.acting import Acting
from accounts.models import Account, AuditEvent
from aws import organizations_errors as errors
from organizations import flows as organizations_flows
from organizations import services
from organizations.models import (
    FULL_AWS_ACCESS_ID,
    RCP,
    RCP_FULL_AWS_ACCESS_ID,
    SCP,
    Handshake,
    Membership,
    OrganizationalUnit,
    Policy,
    PolicyAttachment,
)
from policies.models import Role
from tests.accounts.factories import AccountFactory
from tests.races import assert_refused_by_the_constraint, lose_race

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
        organizations_flows.account_create_with_access_role(
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
    big = document("Deny", [f"s3:Get{'x' * 40}{n}" for n in range(240)])  # over 10,240 characters
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


def test_attach_at_most_ten_scps_per_target(scp_organization, root_acting, make_scp):
    """Ten since AWS doubled the quota on 15 May 2026 (FullAWSAccess is one of them)."""
    root = scp_organization.root_id
    for n in range(9):
        services.policy_attach(
            organization=scp_organization,
            policy=make_scp(f"p{n}", "Deny", f"s3:Get{n}"),
            target_id=root,
            acting=root_acting,
        )
    eleventh = make_scp("p10", "Deny", "s3:Put")
    with pytest.raises(errors.ConstraintViolationException) as caught:
        services.policy_attach(
            organization=scp_organization, policy=eleventh, target_id=root, acting=root_acting
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
    membership = organizations_flows.account_create_with_access_role(
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
        "account": lambda: organizations_flows.account_create_with_access_role(
            organization=scp_organization, name="", email="empty@example.com", acting=root_acting
        ),
        "account-long": lambda: organizations_flows.account_create_with_access_role(
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


def _detach_after_disabling(organization, acting, make_scp):
    policy = make_scp("deny", "Deny", "s3:*")
    services.policy_type_disable(organization=organization, policy_type=SCP, acting=acting)
    organization.refresh_from_db()
    services.policy_detach(
        organization=organization, policy=policy, target_id=organization.root_id, acting=acting
    )


def _rename_to_a_taken_name(organization, acting, make_scp):
    make_scp("taken", "Deny", "s3:*")
    services.policy_update(policy=make_scp("other", "Deny", "ec2:*"), name="taken", acting=acting)


@pytest.mark.parametrize(
    ("case", "code", "message", "reason"),
    [
        (
            "enable an unknown policy type",
            "InvalidInputException",
            "You specified an invalid value.",
            "INVALID_ENUM",
        ),
        (
            "disable a policy type that is not enabled",
            "PolicyTypeNotEnabledException",
            "This operation can be performed only for enabled policy types.",
            None,
        ),
        (
            "create an account with an invalid email",
            "InvalidInputException",
            "You specified an invalid email address.",
            "INVALID_EMAIL_ADDRESS_TARGET",
        ),
        (
            "create an account with a 65-character email",
            "InvalidInputException",
            "You provided a string parameter that is longer than allowed.",
            "MAX_LENGTH_EXCEEDED",
        ),
        (
            "invite neither an account ID nor an email",
            "InvalidInputException",
            "You provided a value that does not match the required pattern.",
            "INVALID_PARTY_TYPE_TARGET",
        ),
        (
            "invite an account ID nobody has",
            "AccountNotFoundException",
            "You specified an account that doesn't exist.",
            None,
        ),
        (
            "invite an email nobody has",
            "AccountNotFoundException",
            "You specified an account that doesn't exist.",
            None,
        ),
        (
            "create a policy with a 513-character description",
            "InvalidInputException",
            "You provided a string parameter that is longer than allowed.",
            "MAX_LENGTH_EXCEEDED",
        ),
        (
            "rename a policy to a taken name",
            "DuplicatePolicyException",
            "A policy with the same name already exists.",
            None,
        ),
        (
            "detach from a target that does not exist",
            "TargetNotFoundException",
            "You specified a target that doesn't exist.",
            None,
        ),
        (
            "detach a policy whose type was disabled",
            "PolicyTypeNotEnabledException",
            "This operation can be performed only for enabled policy types.",
            None,
        ),
    ],
)
def test_refusals_carry_awss_code_message_and_reason(
    scp_organization, root_acting, make_scp, case, code, message, reason
):
    organization, acting = scp_organization, root_acting
    calls = {
        "enable an unknown policy type": lambda: services.policy_type_enable(
            organization=organization, policy_type="NOT_A_POLICY_TYPE", acting=acting
        ),
        "disable a policy type that is not enabled": lambda: services.policy_type_disable(
            organization=organization, policy_type=RCP, acting=acting
        ),
        "create an account with an invalid email": lambda: (
            organizations_flows.account_create_with_access_role(
                organization=organization, name="Dave", email="dave.example.com", acting=acting
            )
        ),
        "create an account with a 65-character email": lambda: (
            organizations_flows.account_create_with_access_role(
                organization=organization, name="Dave", email=f"{'d' * 53}@example.com", acting=acting
            )
        ),
        "invite neither an account ID nor an email": lambda: services.handshake_invite(
            organization=organization, target="charlie", acting=acting
        ),
        "invite an account ID nobody has": lambda: services.handshake_invite(
            organization=organization, target="999999999999", acting=acting
        ),
        "invite an email nobody has": lambda: services.handshake_invite(
            organization=organization, target="nobody@example.com", acting=acting
        ),
        "create a policy with a 513-character description": lambda: services.policy_create(
            organization=organization,
            policy_type=SCP,
            name="described",
            description="d" * 513,
            content=document("Deny", "s3:*"),
            acting=acting,
        ),
        "rename a policy to a taken name": lambda: _rename_to_a_taken_name(organization, acting, make_scp),
        "detach from a target that does not exist": lambda: services.policy_detach(
            organization=organization,
            policy=services.full_access_policy(SCP),
            target_id="ou-none-00000000",
            acting=acting,
        ),
        "detach a policy whose type was disabled": lambda: _detach_after_disabling(
            organization, acting, make_scp
        ),
    }
    written = PolicyAttachment.objects.count(), Membership.objects.count(), Handshake.objects.count()

    with pytest.raises(errors.OrganizationsError) as refused:
        calls[case]()

    assert (refused.value.code, refused.value.message) == (code, message)
    assert getattr(refused.value, "reason", None) == reason
    assert AuditEvent.objects.filter(error_code=code, error_message=message).count() == 1
    if case != "detach a policy whose type was disabled":  # disabling detaches every SCP, as in AWS
        assert (
            PolicyAttachment.objects.count(),
            Membership.objects.count(),
            Handshake.objects.count(),
        ) == written


def test_an_account_outside_any_organization_cannot_leave_one(charlie_acting):
    with pytest.raises(errors.AWSOrganizationsNotInUseException) as refused:
        services.organization_leave(acting=charlie_acting)

    assert (refused.value.code, refused.value.message) == (
        "AWSOrganizationsNotInUseException",
        "Your account is not a member of an organization.",
    )


def test_another_organizations_policy_does_not_exist_for_attach_or_detach(
    scp_organization, root_acting, charlie_acting
):
    theirs = services.policy_type_enable(
        organization=services.organization_create(acting=charlie_acting),
        policy_type=SCP,
        acting=charlie_acting,
    )
    their_policy = services.policy_create(
        organization=theirs,
        policy_type=SCP,
        name="theirs",
        content=document("Deny", "*"),
        acting=charlie_acting,
    )
    root = scp_organization.root_id

    for call in (services.policy_attach, services.policy_detach):
        with pytest.raises(errors.PolicyNotFoundException) as refused:
            call(organization=scp_organization, policy=their_policy, target_id=root, acting=root_acting)

        assert (refused.value.code, refused.value.message) == (
            "PolicyNotFoundException",
            "We can't find a policy with the PolicyId that you specified.",
        )
    assert attached(scp_organization, root) == [FULL_AWS_ACCESS_ID]
    assert not PolicyAttachment.objects.filter(policy=their_policy).exists()


def test_an_invitation_accepted_after_joining_another_organization_is_refused(
    scp_organization, root_acting, charlie_account, charlie_acting
):
    handshake = services.handshake_invite(
        organization=scp_organization, target=charlie_account.id, acting=root_acting
    )
    own = services.organization_create(acting=charlie_acting)

    with pytest.raises(errors.HandshakeConstraintViolationException) as refused:
        services.handshake_accept(handshake=handshake, acting=charlie_acting)

    assert (refused.value.code, refused.value.reason) == (
        "HandshakeConstraintViolationException",
        "ALREADY_IN_AN_ORGANIZATION",
    )
    assert refused.value.message == (
        "The handshake request is invalid because the account is already a member of an organization."
    )
    assert list(
        Membership.objects.filter(account=charlie_account).values_list("organization", flat=True)
    ) == [own.id]
    handshake.refresh_from_db()
    assert handshake.state == Handshake.State.OPEN


# Races: two requests for one name pass the pre-check together; the constraint decides (PostgreSQL).


@pytest.fixture
def racing_organization(transactional_db, account):
    acting = Acting(account=account)
    return services.policy_type_enable(
        organization=services.organization_create(acting=acting), policy_type=SCP, acting=acting
    )


def _as_manager(organization):
    return Acting(account=organization.management_account)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_ous_created_with_one_name_at_once_get_duplicate_ou(racing_organization):
    organization = racing_organization

    def create():
        return services.ou_create(
            organization=organization,
            parent_id=organization.root_id,
            name="Dev",
            acting=_as_manager(organization),
        )

    _, lost = lose_race(winner=create, loser=create)

    assert_refused_by_the_constraint(
        lost, "DuplicateOrganizationalUnitException", "An OU with the same name already exists."
    )
    assert list(OrganizationalUnit.objects.values_list("name", flat=True)) == ["Dev"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_ous_renamed_to_one_name_at_once_get_duplicate_ou(racing_organization):
    organization = racing_organization
    first, second = (
        services.ou_create(
            organization=organization,
            parent_id=organization.root_id,
            name=name,
            acting=_as_manager(organization),
        )
        for name in ("first", "second")
    )

    _, lost = lose_race(
        winner=lambda: services.ou_rename(ou=first, name="Shared", acting=_as_manager(organization)),
        loser=lambda: services.ou_rename(ou=second, name="Shared", acting=_as_manager(organization)),
    )

    assert_refused_by_the_constraint(
        lost, "DuplicateOrganizationalUnitException", "An OU with the same name already exists."
    )
    assert sorted(OrganizationalUnit.objects.values_list("name", flat=True)) == ["Shared", "second"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_accounts_created_with_one_email_at_once_get_duplicate_account(racing_organization):
    organization = racing_organization

    def create(email):
        return organizations_flows.account_create_with_access_role(
            organization=organization, name="Workload", email=email, acting=_as_manager(organization)
        )

    winner, lost = lose_race(
        winner=lambda: create("race@example.com"), loser=lambda: create("RACE@example.com")
    )

    assert_refused_by_the_constraint(
        lost,
        "DuplicateAccountException",
        "An account with this email address already exists (EMAIL_ALREADY_EXISTS).",
    )
    assert list(
        Membership.objects.exclude(account=organization.management_account).values_list("account", flat=True)
    ) == [winner.account_id]
    assert Account.objects.with_root_email("race@example.com").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_policies_created_with_one_name_at_once_get_duplicate_policy(racing_organization):
    organization = racing_organization

    def create(action):
        return services.policy_create(
            organization=organization,
            policy_type=SCP,
            name="deny",
            content=document("Deny", action),
            acting=_as_manager(organization),
        )

    winner, lost = lose_race(winner=lambda: create("s3:*"), loser=lambda: create("ec2:*"))

    assert_refused_by_the_constraint(
        lost, "DuplicatePolicyException", "A policy with the same name already exists."
    )
    assert list(Policy.objects.filter(organization=organization).values_list("pk", flat=True)) == [winner.pk]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_policy_renamed_to_a_name_taken_at_the_same_time_gets_duplicate_policy(racing_organization):
    # UpdatePolicy had no fallback: the loser's save raised a bare IntegrityError (a server error).
    organization = racing_organization
    first, second = (
        services.policy_create(
            organization=organization,
            policy_type=SCP,
            name=name,
            content=document("Deny", "s3:*"),
            acting=_as_manager(organization),
        )
        for name in ("first", "second")
    )

    _, lost = lose_race(
        winner=lambda: services.policy_update(policy=first, name="shared", acting=_as_manager(organization)),
        loser=lambda: services.policy_update(policy=second, name="shared", acting=_as_manager(organization)),
    )

    assert_refused_by_the_constraint(
        lost, "DuplicatePolicyException", "A policy with the same name already exists."
    )
    assert sorted(Policy.objects.filter(organization=organization).values_list("name", flat=True)) == [
        "second",
        "shared",
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_invitations_accepted_at_once_join_one_organization(racing_organization, charlie_account):
    other = services.organization_create(acting=Acting(account=AccountFactory(root_email="olga@example.com")))
    invitations = [
        services.handshake_invite(
            organization=organization, target=charlie_account.id, acting=_as_manager(organization)
        )
        for organization in (racing_organization, other)
    ]

    winner, lost = lose_race(
        winner=lambda: services.handshake_accept(
            handshake=invitations[0], acting=Acting(account=charlie_account)
        ),
        loser=lambda: services.handshake_accept(
            handshake=invitations[1], acting=Acting(account=charlie_account)
        ),
    )

    assert isinstance(lost, errors.HandshakeConstraintViolationException), lost
    assert (lost.code, lost.reason, lost.message) == (
        "HandshakeConstraintViolationException",
        "ALREADY_IN_AN_ORGANIZATION",
        "The handshake request is invalid because the account is already a member of an organization.",
    )
    assert Membership.objects.get(account=charlie_account).organization_id == racing_organization.id
    assert Handshake.objects.get(pk=invitations[1].pk).state == Handshake.State.OPEN


def test_close_account_holds_to_organizations_quota_of_ten_in_thirty_days(scp_organization, root_acting):
    """With fewer than 100 members the quota is its floor: ten closures in a rolling 30 days."""
    members = [
        services.account_create(
            organization=scp_organization, name=f"m{n}", email=f"m{n}@example.com", acting=root_acting
        )
        for n in range(11)
    ]
    for membership in members[:10]:
        services.account_close(membership=membership, acting=root_acting)

    with pytest.raises(errors.ConstraintViolationException) as refused:
        services.account_close(membership=members[10], acting=root_acting)
    assert refused.value.reason == "CLOSE_ACCOUNT_QUOTA_EXCEEDED"
    assert Account.objects.get(pk=members[10].account_id).closed_at is None

    # Closures older than 30 days no longer count.
    old = Account.objects.filter(pk=members[0].account_id)
    old.update(closed_at=old.get().closed_at - timedelta(days=31))
    assert services.account_close(membership=members[10], acting=root_acting).account.closed_at


def test_close_account_refuses_the_management_account(scp_organization, root_acting):
    management = services.member_of(scp_organization, scp_organization.management_account_id)
    with pytest.raises(errors.ConstraintViolationException) as refused:
        services.account_close(membership=management, acting=root_acting)
    assert refused.value.reason == "CANNOT_CLOSE_MANAGEMENT_ACCOUNT"
