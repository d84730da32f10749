"""AWS Organizations' lists take as many queries for 20 rows as for 2, as the management account's
root user and as an IAM user of it allowed organizations:Describe* and List* (tests/queries.py)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from access.acting import Acting
from organizations import services
from organizations.models import SCP, Handshake, Membership, OrganizationalUnit, Policy, PolicyAttachment
from tests.accounts.factories import AccountFactory
from tests.queries import ListPage, check_page, guard_cases

from .conftest import document

SCPS = "service-control-policies"


def _organization(account):
    acting = Acting(account=account)
    organization = services.organization_create(acting=acting)
    return services.policy_type_enable(organization=organization, policy_type=SCP, acting=acting)


def _ou_id(organization, index):
    # Known in advance, so that the tree's ?open= names the OUs of both sizes.
    return f"ou-{organization.root_id.removeprefix('r-')}-guard{index:03d}"


def _scp(organization, name):
    return Policy.objects.create(
        organization=organization, type=SCP, name=name, content=document("Deny", f"s3:{name}")
    )


def _member(organization, name, parent=None):
    account = AccountFactory(name=name)
    Membership.objects.create(
        account=account, organization=organization, parent=parent, joined_method="INVITED"
    )
    return account


def _tree(client, account):
    """Every OU open: each row is an OU with an SCP and a member account in it."""
    organization = _organization(account)

    def add_row(index):
        ou = OrganizationalUnit.objects.create(
            id=_ou_id(organization, index), organization=organization, name=f"unit-{index:02d}"
        )
        PolicyAttachment.objects.create(
            organization=organization, policy=_scp(organization, f"deny-{index:02d}"), target_id=ou.id
        )
        member = _member(organization, f"workload-{index:02d}", parent=ou)
        return [ou.name, member.name]

    opened = ",".join(_ou_id(organization, index) for index in range(20))
    return f"{reverse('organizations:accounts')}?open={opened}", add_row


def _policies(client, account):
    """The SCPs, each attached to an OU and an account."""
    organization = _organization(account)

    def add_row(index):
        policy = _scp(organization, f"deny-{index:02d}")
        ou = OrganizationalUnit.objects.create(organization=organization, name=f"unit-{index:02d}")
        member = _member(organization, f"workload-{index:02d}")
        for target_id in (ou.id, member.id):
            PolicyAttachment.objects.create(organization=organization, policy=policy, target_id=target_id)
        return policy.name

    return reverse("organizations:policy_list", args=[SCPS]), add_row


def _policy_targets(client, account):
    """A policy's targets: an OU and an account per row (and the choices of where else to attach it)."""
    organization = _organization(account)
    policy = _scp(organization, "shared")

    def add_row(index):
        ou = OrganizationalUnit.objects.create(organization=organization, name=f"unit-{index:02d}")
        member = _member(organization, f"workload-{index:02d}")
        for target_id in (ou.id, member.id):
            PolicyAttachment.objects.create(organization=organization, policy=policy, target_id=target_id)
        # And somewhere it is not attached, among the choices.
        OrganizationalUnit.objects.create(organization=organization, name=f"elsewhere-{index:02d}")
        return [ou.name, member.name, f"elsewhere-{index:02d}"]

    return reverse("organizations:policy_detail", args=[SCPS, policy.id]), add_row


def _target(client, account):
    """An account's page: the SCPs attached to it (at most five, FullAWSAccess among them) and those
    it could attach."""
    organization = _organization(account)
    member = _member(organization, "workload")

    def add_row(index):
        policy = _scp(organization, f"deny-{index:02d}")
        if index < 4:
            PolicyAttachment.objects.create(organization=organization, policy=policy, target_id=member.id)
        return policy.name

    return reverse("organizations:target_detail", args=[member.id]), add_row


def _moves(client, account):
    """An account's page offers every OU to move it to, by path."""
    organization = _organization(account)
    member = _member(organization, "workload")

    def add_row(index):
        parent = OrganizationalUnit.objects.create(organization=organization, name=f"unit-{index:02d}")
        OrganizationalUnit.objects.create(organization=organization, parent=parent, name=f"team-{index:02d}")
        return f"Root / unit-{index:02d} / team-{index:02d}"

    return reverse("organizations:target_detail", args=[member.id]), add_row


def _chain(client, account):
    """An account five OUs deep (AWS's limit): its page lists the SCPs of every level."""
    organization = _organization(account)
    member = _member(organization, "workload")

    def add_row(index):
        parent = Membership.objects.get(account=member).parent
        ou = OrganizationalUnit.objects.create(
            organization=organization, parent=parent, name=f"level-{index}"
        )
        Membership.objects.filter(account=member).update(parent=ou)
        PolicyAttachment.objects.create(
            organization=organization, policy=_scp(organization, f"deny-{index}"), target_id=ou.id
        )
        return [ou.name, f"deny-{index}"]

    return reverse("organizations:target_detail", args=[member.id]), add_row


def _invitations(client, account):
    organization = _organization(account)

    def add_row(index):
        invited = AccountFactory(name=f"invited-{index:02d}")
        Handshake.objects.create(
            organization=organization,
            account=invited,
            party_id=invited.id,
            expires_at=timezone.now() + timezone.timedelta(days=15),
        )
        return invited.id

    return reverse("organizations:invitations"), add_row


PAGES = [
    ListPage("organizations:accounts", _tree, fragment="org-tree"),
    ListPage("organizations:policy_list", _policies),
    ListPage("organizations:policy_detail", _policy_targets, fragment="policy-targets"),
    ListPage(
        "organizations:target_detail", _target, fragment="target-policies", sizes=(2, 8), label="policies"
    ),
    ListPage("organizations:target_detail", _moves, label="move"),
    ListPage("organizations:target_detail", _chain, sizes=(1, 5), label="levels"),
    ListPage("organizations:invitations", _invitations),
]


@pytest.mark.parametrize(("page", "persona", "headers"), guard_cases(PAGES))
def test_list_queries_do_not_grow_with_rows(page, persona, headers, client, account):
    check_page(page, persona, headers, client, account)
