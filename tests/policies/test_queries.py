"""The policy, role and simulator pages' lists take as many queries for 20 rows as for 2, as the root
user and as an IAM user whose rows are authorized by the engine (tests/queries.py)."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Group, GroupMembership, IAMUser
from policies.models import (
    InlinePolicy,
    InstanceProfile,
    OpenIDConnectProvider,
    PolicyAttachment,
    PolicyVersion,
    Role,
    SAMLProvider,
    SimulationRun,
)
from tests.queries import (
    ALLOW_ALL,
    ListPage,
    check_page,
    guard_cases,
    policy_row,
    role_row,
    signed_in_arn,
    user_row,
)

KINDS = ("user", "group", "role")
_DETAIL = {"user": "accounts:user_detail", "group": "accounts:group_detail", "role": "policies:role_detail"}


def _policy(account, index):
    """The policy `policy-NN`, attached to a user, a group and a role, and a user's boundary."""
    policy = policy_row(account, index)
    name = f"policy-{index:02d}"
    user = IAMUser.objects.create(account=account, name=f"{name}-user", permissions_boundary_arn=policy.arn)
    PolicyAttachment.objects.create(policy=policy, user=user)
    PolicyAttachment.objects.create(policy=policy, group=Group.objects.create(account=account, name=name))
    PolicyAttachment.objects.create(
        policy=policy, role=Role.objects.create(account=account, name=name, trust_policy="{}")
    )
    return policy


def _policies(client, account):
    return reverse("policies:policy_list"), lambda index: _policy(account, index).name


def _shared_policy(account):
    return policy_row(account, 0, prefix="shared")  # not classified: the reader may read it


def _entities(url_name):
    """A policy's "Entities attached" (and the delete dialog's list): a user, a group and a role per row."""

    def build(client, account):
        policy = _shared_policy(account)

        def add_row(index):
            user = user_row(account, index)
            PolicyAttachment.objects.create(
                policy=policy, user=IAMUser.objects.get(account=account, name=user)
            )
            group = Group.objects.create(account=account, name=f"team-{index:02d}")
            PolicyAttachment.objects.create(policy=policy, group=group)
            role = role_row(account, index)
            PolicyAttachment.objects.create(policy=policy, role=role)
            IAMUser.objects.create(
                account=account, name=f"bounded-{index:02d}", permissions_boundary_arn=policy.arn
            )
            return [user, group.name, role.name, f"bounded-{index:02d}"]

        return reverse(url_name, args=[policy.arn]), add_row

    return build


def _versions(client, account):
    policy = _shared_policy(account)
    PolicyVersion.objects.filter(policy=policy).delete()

    def add_row(index):
        PolicyVersion.objects.create(
            policy=policy, number=index + 1, document=ALLOW_ALL, created_at=timezone.now()
        )
        policy.default_version_number = index + 1
        policy.next_version_number = index + 2
        policy.save()
        return f"v{index + 1}"

    return reverse("policies:policy_detail", args=[policy.arn]), add_row


def _compare(client, account):
    url, add_row = _versions(client, account)
    return url.replace("/details/", "/compare/"), add_row


def _attach_candidates(client, account):
    """The Attach page: a user, a group and a role the policy is not attached to, per row."""
    policy = _shared_policy(account)

    def add_row(index):
        user = user_row(account, index)
        group = Group.objects.create(account=account, name=f"team-{index:02d}")
        role = role_row(account, index)
        return [user, group.name, role.name]

    return reverse("policies:policy_attach", args=[policy.arn]), add_row


def _policy_tags(client, account):
    policy = _shared_policy(account)

    def add_row(index):
        policy.tags.create(key=f"tag-{index:02d}", value=f"value-{index:02d}")
        return f"tag-{index:02d}"

    return reverse("policies:policy_detail", args=[policy.arn]), add_row


def _picker(client, account):
    """The policy picker, on a user to whom half the listed policies are attached."""
    user = IAMUser.objects.create(account=account, name="ivan")

    def add_row(index):
        policy = _policy(account, index)
        if index % 2:
            PolicyAttachment.objects.create(policy=policy, user=user)
        return policy.name

    return reverse("policies:policy_picker"), add_row


def _roles(client, account):
    return reverse("policies:role_list"), lambda index: role_row(account, index).name


def _role_profiles(client, account):
    """A role in many instance profiles: its summary lists their ARNs."""
    role = Role.objects.create(account=account, name="app-role", trust_policy="{}")

    def add_row(index):
        return InstanceProfile.objects.create(account=account, name=f"profile-{index:02d}", role=role).arn

    return reverse("policies:role_detail", args=["app-role"]), add_row


def _role_tags(client, account):
    role = Role.objects.create(account=account, name="app-role", trust_policy="{}")

    def add_row(index):
        role.tags.create(key=f"tag-{index:02d}", value=f"value-{index:02d}")
        return f"tag-{index:02d}"

    return reverse("policies:role_detail", args=["app-role"]), add_row


def _instance_profiles(client, account):
    def add_row(index):
        return [role_row(account, index).name, f"role-{index:02d}-profile"]

    return reverse("policies:instance_profile_list"), add_row


def _profile_roles(client, account):
    """An empty instance profile offers the account's roles."""
    InstanceProfile.objects.create(account=account, name="empty")
    return (
        reverse("policies:instance_profile_detail", args=["empty"]),
        lambda index: role_row(account, index).name,
    )


def _provider(account, index):
    OpenIDConnectProvider.objects.create(
        account=account, url=f"oidc-{index:02d}.example.com", client_ids=[f"audience-{index:02d}"]
    )
    SAMLProvider.objects.create(account=account, name=f"saml-{index:02d}", metadata_document="<x/>")
    return [f"oidc-{index:02d}.example.com", f"saml-{index:02d}"]


def _providers(client, account):
    return reverse("policies:identity_provider_list"), lambda index: _provider(account, index)


def _provider_roles(client, account):
    """A provider's page lists the roles that trust it."""
    provider = SAMLProvider.objects.create(account=account, name="corp", metadata_document="<x/>")
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": provider.arn},
                    "Action": "sts:AssumeRoleWithSAML",
                }
            ],
        }
    )

    def add_row(index):
        return Role.objects.create(account=account, name=f"federated-{index:02d}", trust_policy=trust).name

    return reverse("policies:identity_provider_detail", args=["saml", "corp"]), add_row


def _entity(kind, account):
    if kind == "user":
        return IAMUser.objects.create(account=account, name="subject")
    if kind == "group":
        return Group.objects.create(account=account, name="subject")
    return Role.objects.create(account=account, name="subject", trust_policy="{}")


def _permissions_tab(kind):
    """A Permissions tab: per row an attached policy (tagged on odd rows) and an inline one, and for
    a user a group with its own two."""

    def build(client, account):
        entity = _entity(kind, account)

        def add_row(index):
            policy = policy_row(account, index)
            PolicyAttachment.objects.create(policy=policy, **{kind: entity})
            InlinePolicy.objects.create(name=f"inline-{index:02d}", document=ALLOW_ALL, **{kind: entity})
            shown = [policy.name, f"inline-{index:02d}"]
            if kind == "user":
                group = Group.objects.create(account=account, name=f"team-{index:02d}")
                GroupMembership.objects.create(user=entity, group=group)
                PolicyAttachment.objects.create(
                    policy=policy_row(account, index, prefix="team-policy"), group=group
                )
                InlinePolicy.objects.create(name=f"team-inline-{index:02d}", document=ALLOW_ALL, group=group)
                shown += [f"team-policy-{index:02d}", f"team-inline-{index:02d}"]
            return shown

        return reverse(f"policies:{kind}_permissions", args=["subject"]), add_row

    return build


def _detail_permissions_tab(kind):
    """The detail page's own Permissions tab includes the same table."""

    def build(client, account):
        _, add_row = _permissions_tab(kind)(client, account)
        return reverse(_DETAIL[kind], args=["subject"]), add_row

    return build


def _permissions_add(kind, add):
    def build(client, account):
        entity = _entity(kind, account)
        return reverse(f"policies:{kind}_permissions_add", args=["subject"]), lambda index: add(
            account, kind, entity, index
        )

    return build


def _attachable(account, kind, entity, index):
    """A policy for the picker; every other one is attached to the entity already."""
    policy = _policy(account, index)
    if index % 2:
        PolicyAttachment.objects.create(policy=policy, **{kind: entity})
    return policy.name


def _joinable(account, kind, entity, index):
    group = Group.objects.create(account=account, name=f"team-{index:02d}")
    PolicyAttachment.objects.create(policy=policy_row(account, index), group=group)
    if index % 2:
        GroupMembership.objects.create(user=entity, group=group)
    return group.name


def _boundary(kind):
    def build(client, account):
        _entity(kind, account)
        return reverse(
            f"policies:{kind}_permissions_boundary", args=["subject"]
        ), lambda index: _policy(account, index).name

    return build


def _role_wizard(step, add):
    """The create-role wizard: step 1 lists the identity providers; step 2 the policies and
    boundaries."""

    def build(client, account):
        if step == 2:
            response = client.post(
                f"{reverse('policies:role_create')}?step=1",
                {"entity_type": "service", "service": "ec2.amazonaws.com"},
            )
            assert response.status_code == 302
        return reverse("policies:role_create"), lambda index: add(account, index)

    return build


def _simulator_principals(client, account):
    """The simulator's user, group and role lists."""

    def add_row(index):
        user = user_row(account, index)
        group = Group.objects.create(account=account, name=f"team-{index:02d}")
        role = role_row(account, index)
        return [f">{user}</option>", f">{group.name}</option>", f">{role.name}</option>"]

    return reverse("policies:simulator"), add_row


def _simulation(kind):
    """A run of the simulator on a principal with 2, then 20, policies of each source."""

    def build(client, account):
        _, add_row = _permissions_tab(kind)(client, account)
        entity = {"user": IAMUser, "group": Group, "role": Role}[kind].objects.get(
            account=account, name="subject"
        )
        data = {"op": "run", "principal": f"{kind}:{entity.pk}", "action": ["s3:GetObject", "s3:PutObject"]}
        return reverse("policies:simulator"), add_row, data

    return build


def _who_can(client, account):
    """ "Who can?" simulates every user and role of the account and lists those allowed."""

    def add_row(index):
        user = user_row(account, index)  # its attached and inline policies allow everything
        role = role_row(account, index)
        return [user, role.name]

    data = {"mode": "who-can", "who_action": "s3:GetObject", "who_resource": "*"}
    return reverse("policies:simulator"), add_row, data


def _simulation_run(url_name):
    """A finished whole-service run: one result row per action."""

    def build(client, account):
        run = SimulationRun.objects.create(
            account=account,
            started_by=signed_in_arn(client, account),
            parameters={"mode": "existing", "service": "s3"},
            status=SimulationRun.Status.SUCCEEDED,
        )

        def add_row(index):
            action = f"s3:Action{index:02d}"
            run.results.append([action, "*", "allowed", "Identity-based policy", "", "Statement1"])
            run.total = run.done = len(run.results)
            run.save()
            return action

        return reverse(url_name, args=[run.pk]), add_row

    return build


PAGES = [
    ListPage("policies:policy_list", _policies, {"q": "policy-"}, fragment="policy-table"),
    ListPage(
        "policies:policy_detail",
        _entities("policies:policy_detail"),
        {"tab": "entities"},
        fragment="policy-tab",
        # Four entities a row and 25 a page: both sizes fit on the first page.
        sizes=(2, 6),
        label="entities",
    ),
    ListPage(
        "policies:policy_detail",
        _versions,
        {"tab": "versions"},
        fragment="policy-tab",
        sizes=(2, 5),  # AWS keeps five versions of a policy
        label="versions",
    ),
    ListPage("policies:policy_detail", _policy_tags, {"tab": "tags"}, fragment="policy-tab", label="tags"),
    # Its fragment is the diff of two versions: the versions are listed in the page's choosers.
    ListPage("policies:policy_compare", _compare, {"left": "v1", "right": "v2"}, sizes=(2, 5)),
    ListPage("policies:policy_delete", _entities("policies:policy_delete"), fragment="policy-dialog"),
    ListPage("policies:policy_attach", _attach_candidates),
    ListPage(
        "policies:policy_picker",
        _picker,
        {"q": "policy-", "picker_kind": "user", "picker_entity": "ivan"},
        fragment="policy-picker",
    ),
    ListPage("policies:role_list", _roles, {"q": "role-"}, fragment="role-table"),
    # The summary above the tabs lists them: no fragment holds them.
    ListPage("policies:role_detail", _role_profiles, label="instance-profiles"),
    ListPage("policies:role_detail", _role_tags, {"tab": "tags"}, fragment="role-tab", label="tags"),
    ListPage("policies:instance_profile_list", _instance_profiles, fragment="instance-profile-table"),
    ListPage("policies:instance_profile_detail", _profile_roles, fragment="instance-profile"),
    ListPage("policies:identity_provider_list", _providers, fragment="provider-table"),
    ListPage("policies:identity_provider_detail", _provider_roles),
    *[
        ListPage(f"policies:{kind}_permissions", _permissions_tab(kind), fragment="permissions-tab")
        for kind in KINDS
    ],
    *[
        ListPage(
            _DETAIL[kind],
            _detail_permissions_tab(kind),
            {"tab": "permissions"},
            label="permissions",
        )
        for kind in KINDS
    ],
    *[
        ListPage(
            f"policies:{kind}_permissions_add",
            _permissions_add(kind, _attachable),
            {"option": "policies", "q": "policy-"},
            fragment="permissions-add",
            label="policies",
        )
        for kind in KINDS
    ],
    ListPage(
        "policies:user_permissions_add",
        _permissions_add("user", _joinable),
        {"option": "groups"},
        fragment="permissions-add",
        label="groups",
    ),
    ListPage(
        "policies:user_permissions_add",
        _permissions_add("user", lambda account, kind, entity, index: user_row(account, index)),
        {"option": "copy", "copy_q": "user-"},
        fragment="permissions-add",
        label="copy",
    ),
    *[
        ListPage(
            f"policies:{kind}_permissions_boundary",
            _boundary(kind),
            {"q": "policy-"},
            fragment="permissions-boundary-form",
        )
        for kind in ("user", "role")
    ],
    ListPage(
        "policies:role_create",
        _role_wizard(1, _provider),
        fragment="wizard-step",
        label="providers",
    ),
    ListPage(
        "policies:role_create",
        _role_wizard(2, lambda account, index: _policy(account, index).name),
        {"step": "2", "q": "policy-", "boundary_q": "policy-"},
        fragment="wizard-step",
        label="policies",
    ),
    ListPage("policies:simulator", _simulator_principals, label="principals"),
    *[
        ListPage("policies:simulator", _simulation(kind), fragment="simulator-form", label=f"run-{kind}")
        for kind in KINDS
    ],
    ListPage("policies:simulator", _who_can, fragment="simulator-who-can", label="who-can"),
    ListPage("policies:simulation_run", _simulation_run("policies:simulation_run"), fragment="simulator-run"),
    ListPage("policies:simulation_run_csv", _simulation_run("policies:simulation_run_csv")),
]


@pytest.mark.parametrize(("page", "persona", "headers"), guard_cases(PAGES))
def test_list_queries_do_not_grow_with_rows(page, persona, headers, client, account):
    check_page(page, persona, headers, client, account)
