"""The simulator's service layer: the engine's decisions, mapped back to the policies a trainee sees."""

import json

import pytest

from accounts.services.groups import group_add_user
from aws.errors import InvalidInput, MalformedPolicyDocument
from policies.selectors import simulation
from policies.services.permissions import inline_policy_put, permissions_boundary_put, policy_attach
from tests.accounts.factories import GroupFactory, IAMUserFactory
from tests.policies.engine.test_cases_tables import CASES, _parse_denied_by, _parse_matched
from tests.queries import assert_constant_queries_of

from .permissions_helpers import make_policy, make_role, statement_policy

# --- "the simulator's decisions are the engine's" -------------------------------------------------


def _text(document):
    return json.dumps(document) if document is not None else None


def _session_names(request):
    """The simulator's names for the request's session policies, by the engine's path."""
    sessions = request.get("sessionPolicy")
    if sessions is None:
        return {}
    if isinstance(sessions, dict):
        return {"sessionPolicy": "Session policy"}
    if len(sessions) == 1:
        return {"sessionPolicy[0]": "Session policy"}
    return {f"sessionPolicy[{n}]": f"Session policy {n + 1}" for n in range(len(sessions))}


def _level_names(request, key, prefix):
    """SCPs and RCPs are numbered through their levels: scps[1][0] after two at the root is "SCP 3"."""
    names, number = {}, 0
    for level, documents in enumerate(request.get(key) or []):
        for position in range(len(documents)):
            number += 1
            names[f"{key}[{level}][{position}]"] = f"{prefix} {number}"
    return names


def test_every_engine_case_is_simulated():
    assert len(CASES) > 380
    assert sum(1 for case in CASES if {"scps", "rcps", "sessionPolicy"} & set(case["request"])) > 80


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_simulator_decision_is_the_engines(case):
    """Every case of the engine's tables, through the service layer: same decision, deciding kind, statements."""
    request, expect = case["request"], case["expect"]
    sessions = request.get("sessionPolicy")
    if isinstance(sessions, dict):
        sessions = [sessions]
    kwargs = dict(
        account=None,
        policy_documents=[json.dumps(d) for d in request.get("identityPolicies", [])],
        boundary=_text(request.get("permissionsBoundary")),
        resource_policy=_text(request.get("resourcePolicy")),
        session_policies=[json.dumps(d) for d in sessions] if sessions is not None else None,
        scps=[[json.dumps(d) for d in level] for level in request["scps"]] if "scps" in request else None,
        rcps=[[json.dumps(d) for d in level] for level in request["rcps"]] if "rcps" in request else None,
        resource_account=request.get("resourceAccount"),
        actions=[request["action"]],
        resource_arns=[request["resource"]],
        context=request.get("context"),
        caller_arn=request.get("principal"),
    )
    if "error" in expect:
        with pytest.raises(MalformedPolicyDocument):
            simulation.simulate_custom_policy(**kwargs)
        return
    [result] = simulation.simulate_custom_policy(**kwargs)
    assert result.decision == expect["decision"]
    assert result.denied_by == (_parse_denied_by(expect["deniedBy"]) if "deniedBy" in expect else None)
    # identityPolicies[i] is "Custom policy i+1"; each matched statement names its policy and index.
    names = {
        f"identityPolicies[{n}]": f"Custom policy {n + 1}"
        for n in range(len(request.get("identityPolicies", [])))
    }
    names |= {"permissionsBoundary": "Permissions boundary", "resourcePolicy": "Resource policy"}
    names |= (
        _session_names(request) | _level_names(request, "scps", "SCP") | _level_names(request, "rcps", "RCP")
    )
    want = sorted(
        (names[path], index, effect) for path, index, effect in map(_parse_matched, expect.get("matched", []))
    )
    assert sorted((m.policy, m.index, m.effect) for m in result.matched) == want
    if expect.get("missing") not in (None, "any"):
        assert sorted(result.missing_context_values) == sorted(expect["missing"])


# --- mapping back to the real policies ------------------------------------------------------------

PRETTY_TWO_STATEMENTS = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            {"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"},
        ],
    }
)


@pytest.mark.parametrize(
    ("action", "decision", "sid", "lines", "decided_by"),
    [
        ("s3:GetObject", "allowed", "Read", (4, 9), "Identity-based policy"),
        ("s3:DeleteObject", "explicitDeny", "NoDelete", (10, 15), "Identity-based policy"),
        ("s3:PutObject", "implicitDeny", None, None, "Identity-based policy"),
    ],
)
def test_custom_policy_results_name_the_statement_and_its_lines(action, decision, sid, lines, decided_by):
    [result] = simulation.simulate_custom_policy(
        account=None,
        policy_documents=[PRETTY_TWO_STATEMENTS],
        actions=[action],
        resource_arns=["arn:aws:s3:::b/k"],
    )
    assert result.decision == decision
    assert result.decided_by == decided_by
    if sid is None:
        assert result.matched == []
        return
    [matched] = result.matched
    assert (matched.policy, matched.source, matched.sid, matched.lines) == (
        "Custom policy 1",
        "Custom policy 1",
        sid,
        lines,
    )
    highlighted = [text for _, text, on in matched.numbered_lines if on]
    assert highlighted[0].strip() == "{" and f'"Sid": "{sid}"' in highlighted[1]


def test_decision_labels_are_the_consoles():
    results = simulation.simulate_custom_policy(
        account=None,
        policy_documents=[PRETTY_TWO_STATEMENTS],
        actions=["s3:GetObject", "s3:DeleteObject", "s3:PutObject"],
        resource_arns=["*"],
    )
    assert [r.decision_label for r in results] == ["Allowed", "Explicitly denied", "Implicitly denied"]


def test_every_action_meets_every_resource():
    results = simulation.simulate_custom_policy(
        account=None,
        policy_documents=[statement_policy("s3:GetObject", "arn:aws:s3:::a/*")],
        actions=["s3:GetObject", "s3:PutObject"],
        resource_arns=["arn:aws:s3:::a/x", "arn:aws:s3:::b/x"],
    )
    assert [(r.action, r.resource, r.decision) for r in results] == [
        ("s3:GetObject", "arn:aws:s3:::a/x", "allowed"),
        ("s3:GetObject", "arn:aws:s3:::b/x", "implicitDeny"),
        ("s3:PutObject", "arn:aws:s3:::a/x", "implicitDeny"),
        ("s3:PutObject", "arn:aws:s3:::b/x", "implicitDeny"),
    ]


@pytest.mark.parametrize("text", ["{not json", "[]", '"text"'])
def test_a_document_that_does_not_parse_simulates_nothing(text):
    with pytest.raises(MalformedPolicyDocument, match="Custom policy 2"):
        simulation.simulate_custom_policy(
            account=None, policy_documents=[PRETTY_TWO_STATEMENTS, text], actions=["s3:GetObject"]
        )


def test_missing_context_values_are_listed():
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": "*",
                    "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
                }
            ],
        }
    )
    [missing] = simulation.simulate_custom_policy(
        account=None, policy_documents=[policy], actions=["s3:GetObject"]
    )
    assert (missing.decision, missing.missing_context_values) == ("implicitDeny", ["aws:SourceIp"])
    [inside] = simulation.simulate_custom_policy(
        account=None,
        policy_documents=[policy],
        actions=["s3:GetObject"],
        context={"aws:SourceIp": "203.0.113.9"},
    )
    assert (inside.decision, inside.missing_context_values) == ("allowed", [])


# --- existing policies ----------------------------------------------------------------------------


@pytest.fixture
def alice_user(account, root_acting):
    """bob's colleague alice: a direct policy, a group's policy, an inline Deny and a boundary."""
    alice = IAMUserFactory(account=account, name="alice")
    direct = make_policy(name="S3Read", account=account, document=statement_policy("s3:GetObject"))
    policy_attach(policy=direct, user=alice, acting=root_acting)
    group = GroupFactory(account=account, name="writers")
    group_add_user(group=group, user=alice, acting=root_acting)
    writes = make_policy(name="S3Write", account=account, document=statement_policy("s3:PutObject"))
    policy_attach(policy=writes, group=group, acting=root_acting)
    inline_policy_put(
        name="NoDelete",
        document=statement_policy("s3:DeleteObject", effect="Deny"),
        user=alice,
        acting=root_acting,
    )
    bound = make_policy(name="S3Only", account=account, document=statement_policy("s3:*"))
    permissions_boundary_put(policy_arn=bound.arn, user=alice, acting=root_acting)
    return alice


def test_policies_in_play_list_every_source(alice_user):
    assert [(p.name, p.source) for p in simulation.policies_for(alice_user)] == [
        ("S3Read", "Directly"),
        ("NoDelete", "Inline"),
        ("S3Write", "Group writers"),
        ("S3Only", "Boundary"),
    ]


def test_principal_policy_simulation_names_the_deciding_policy(account, alice_user):
    results = simulation.simulate_principal_policy(
        account=account,
        principal=alice_user,
        actions=["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "ec2:RunInstances"],
        resource_arns=["arn:aws:s3:::my-bucket/report.csv"],
    )
    summary = [(r.action, r.decision, sorted((m.policy, m.source) for m in r.matched)) for r in results]
    assert summary == [
        ("s3:GetObject", "allowed", [("S3Only", "Boundary"), ("S3Read", "Directly")]),
        ("s3:PutObject", "allowed", [("S3Only", "Boundary"), ("S3Write", "Group writers")]),
        ("s3:DeleteObject", "explicitDeny", [("NoDelete", "Inline")]),
        ("ec2:RunInstances", "implicitDeny", []),
    ]
    assert results[1].decided_by == "Identity-based policy, Permissions boundary"


def test_leaving_a_policy_out_changes_the_decision(account, alice_user):
    keep = [p.id for p in simulation.policies_for(alice_user) if p.name != "NoDelete"]
    [result] = simulation.simulate(
        account=account,
        principal=alice_user,
        actions=["s3:DeleteObject"],
        resource_arns=["*"],
        context={},
        include=keep,
    )
    assert result.decision == "implicitDeny"  # nothing allows it once the Deny is out


def test_the_boundary_bounds(account, alice_user, root_acting):
    ec2 = make_policy(name="Ec2", account=account, document=statement_policy("ec2:*"))
    policy_attach(policy=ec2, user=alice_user, acting=root_acting)
    [result] = simulation.simulate_principal_policy(
        account=account, principal=alice_user, actions=["ec2:RunInstances"], resource_arns=["*"]
    )
    assert (result.decision, result.denied_by) == ("implicitDeny", {"kind": "permissionsBoundary"})
    assert result.decided_by == "Permissions boundary"


def test_principal_context_is_derived(account, alice_user, root_acting):
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "s3:ListBucket",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:username": "alice", "aws:PrincipalType": "User"}},
                }
            ],
        }
    )
    inline_policy_put(name="Self", document=policy, user=alice_user, acting=root_acting)
    [result] = simulation.simulate_principal_policy(
        account=account, principal=alice_user, actions=["s3:ListBucket"], resource_arns=["*"]
    )
    assert (result.decision, result.missing_context_values) == ("allowed", [])


def test_role_simulates_as_its_session(account, root_acting):
    role = make_role(account=account, name="app")
    inline_policy_put(name="Read", document=statement_policy("s3:GetObject"), role=role, acting=root_acting)
    [result] = simulation.simulate_principal_policy(account=account, principal=role, actions=["s3:GetObject"])
    assert (result.decision, [m.source for m in result.matched]) == ("allowed", ["Inline"])


def test_another_accounts_principal_is_refused(account, charlie_account):
    role = make_role(account=charlie_account, name="theirs")
    with pytest.raises(InvalidInput):
        simulation.simulate_principal_policy(account=account, principal=role, actions=["s3:GetObject"])


def test_simulating_a_user_takes_as_many_queries_with_ten_policies_of_each_source_as_with_two(
    account, alice_user, root_acting
):
    # The policies (3), the principal's tags, and whether the account is a member of an organization.
    def add_row(index):
        group = GroupFactory(account=account, name=f"team{index}")
        group_add_user(group=group, user=alice_user, acting=root_acting)
        policy_attach(policy=make_policy(name=f"G{index}", account=account), group=group, acting=root_acting)
        policy_attach(
            policy=make_policy(name=f"D{index}", account=account), user=alice_user, acting=root_acting
        )
        inline_policy_put(
            name=f"I{index}", document=statement_policy("s3:*"), user=alice_user, acting=root_acting
        )
        alice_user.tags.create(key=f"tag{index}", value="x")

    def call():
        return simulation.simulate_principal_policy(
            account=account,
            principal=alice_user,
            actions=["s3:GetObject", "s3:PutObject"],
            resource_arns=["*"],
        )

    # Ten: AWS's quotas of groups per user and of policies attached to one (alice has some already).
    results = assert_constant_queries_of(call, add_row, sizes=(2, 8))
    assert [result.decision for result in results] == ["allowed", "allowed"]


# --- context keys ---------------------------------------------------------------------------------

CONDITIONS = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:*",
                "Resource": "arn:aws:s3:::home/${aws:username}/*",
                "Condition": {
                    "IpAddress": {"aws:SourceIp": "203.0.113.0/24"},
                    "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"},
                    "Bool": {"aws:MultiFactorAuthPresent": "true"},
                    "NumericLessThan": {"s3:max-keys": "10"},
                    "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]},
                    "ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:*"},
                    "StringEquals": {"myapp:Custom": "x", "aws:sourceip": "ignored duplicate"},
                    "DateGreaterThanIfExists": {"myapp:When": "2020-01-01T00:00:00Z"},
                },
            }
        ],
    }
)


def test_context_keys_are_discovered_with_their_types():
    assert simulation.get_context_keys_for_custom_policy(policy_documents=[CONDITIONS, "{broken"]) == [
        ("aws:CurrentTime", "Date"),
        ("aws:MultiFactorAuthPresent", "Bool"),
        ("aws:SourceArn", "ARN"),
        ("aws:SourceIp", "IPAddress"),
        ("aws:TagKeys", "ArrayOfString"),
        ("aws:username", "String"),
        ("myapp:Custom", "String"),
        ("myapp:When", "Date"),
        ("s3:max-keys", "Numeric"),
    ]


def test_context_keys_for_a_principal(alice_user, root_acting):
    assert simulation.get_context_keys_for_principal_policy(principal=alice_user) == []
    inline_policy_put(name="Ip", document=CONDITIONS, user=alice_user, acting=root_acting)
    keys = simulation.get_context_keys_for_principal_policy(principal=alice_user)
    assert ("aws:SourceIp", "IPAddress") in keys and len(keys) == 9


@pytest.mark.parametrize(
    ("key_type", "text", "value"),
    [
        ("String", " red ", "red"),
        ("Bool", "TRUE", "true"),
        ("Numeric", "3.5", "3.5"),
        ("Date", "2026-11-22T20:50:00Z", "2026-11-22T20:50:00Z"),
        ("Date", "1795000000", "1795000000"),
        ("IPAddress", "203.0.113.7", "203.0.113.7"),
        ("IPAddress", "2001:db8::/32", "2001:db8::/32"),
        ("ARN", "arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:user/alice"),
        ("ArrayOfString", "team, env", ["team", "env"]),
    ],
)
def test_typed_context_values_are_accepted(key_type, text, value):
    assert simulation.parse_context_value(key_type, text) == value


@pytest.mark.parametrize(
    ("key_type", "text", "expected"),
    [
        ("Bool", "yes", "true or false"),
        ("Numeric", "ten", "a number"),
        ("Date", "next week", "ISO 8601"),
        ("IPAddress", "300.1.1.1", "IP address or CIDR"),
        ("ARN", "alice", "an ARN"),
        ("ArrayOfIPAddress", "10.0.0.1, nope", "separated by commas"),
    ],
)
def test_wrong_typed_context_values_are_refused_with_the_format(key_type, text, expected):
    with pytest.raises(ValueError, match=expected):
        simulation.parse_context_value(key_type, text)


def test_a_resource_policy_that_allows_is_named(account, alice_user):
    bucket_policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AliceLists",
                    "Effect": "Allow",
                    "Principal": {"AWS": alice_user.arn},
                    "Action": "s3:ListBucket",
                    "Resource": "arn:aws:s3:::my-bucket",
                }
            ],
        }
    )
    [result] = simulation.simulate(
        account=account,
        principal=alice_user,
        actions=["s3:ListBucket"],
        resource_arns=["arn:aws:s3:::my-bucket"],
        context={},
        resource_policy=bucket_policy,
    )
    assert result.decision == "allowed"
    assert ("Resource policy", "Resource policy", "AliceLists") in [
        (m.policy, m.source, m.sid) for m in result.matched
    ]
    assert "Resource-based policy" in result.decided_by


# --- SCPs, session policies, groups, a resource per action ---------------------------------------


def _policy(sid, effect, action, resource="*"):
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Sid": sid, "Effect": effect, "Action": action, "Resource": resource}],
        }
    )


FULL_AWS_ACCESS = _policy("FullAWSAccess", "Allow", "*")
DENY_S3_DELETE = _policy("DenyDelete", "Deny", "s3:DeleteObject")
S3_ONLY = _policy("S3Only", "Allow", "s3:*")


@pytest.mark.parametrize(
    ("scps", "action", "decision", "decided_by", "statements"),
    [
        ([[FULL_AWS_ACCESS]], "s3:GetObject", "allowed", "SCP at level 0, Identity-based policy", 2),
        ([[FULL_AWS_ACCESS, DENY_S3_DELETE]], "s3:DeleteObject", "explicitDeny", "SCP at level 0", 1),
        ([[S3_ONLY]], "ec2:RunInstances", "implicitDeny", "SCP at level 0", 0),
        ([[FULL_AWS_ACCESS], [S3_ONLY]], "ec2:RunInstances", "implicitDeny", "SCP at level 1", 0),
        ([[FULL_AWS_ACCESS], []], "s3:GetObject", "implicitDeny", "SCP at level 1", 0),
        (None, "ec2:RunInstances", "allowed", "Identity-based policy", 1),
    ],
    ids=[
        "allowed-at-the-root",
        "denied-by-one",
        "not-in-the-allow-list",
        "an-ou-level",
        "empty-level",
        "none",
    ],
)
def test_custom_scps_decide_at_their_level(account, scps, action, decision, decided_by, statements):
    [result] = simulation.simulate_custom_policy(
        account=account,
        policy_documents=[_policy("All", "Allow", "*")],
        scps=scps,
        actions=[action],
        resource_arns=["arn:aws:s3:::my-bucket/report.csv"],
    )
    assert (result.decision, result.decided_by, len(result.matched)) == (decision, decided_by, statements)


def test_the_deciding_scp_is_named_with_its_level_and_lines(account):
    [result] = simulation.simulate_custom_policy(
        account=account,
        policy_documents=[_policy("All", "Allow", "*")],
        scps=[[FULL_AWS_ACCESS, DENY_S3_DELETE]],
        actions=["s3:DeleteObject"],
    )
    [matched] = result.matched
    assert (matched.policy, matched.source, matched.sid, matched.kind_label) == (
        "SCP 2",
        "SCP at level 0",
        "DenyDelete",
        "SCP at level 0",
    )
    assert any(on and "DenyDelete" in text for _, text, on in matched.numbered_lines)


def test_an_scp_that_is_not_json_simulates_nothing(account):
    with pytest.raises(MalformedPolicyDocument, match="SCP 1: the policy is not valid JSON"):
        simulation.simulate_custom_policy(
            account=account, policy_documents=[FULL_AWS_ACCESS], scps=[["{nope"]], actions=["s3:GetObject"]
        )


def test_leaving_an_scp_out_leaves_its_level_empty(account, alice_user):
    """The level stays: with its only SCP left out it allows nothing, as an OU with no SCP would."""
    keep = [p.id for p in simulation.policies_for(alice_user)]
    [with_scp] = simulation.simulate(
        account=account,
        principal=alice_user,
        scps=[[FULL_AWS_ACCESS]],
        include=[*keep, "scp:0:0"],
        actions=["s3:GetObject"],
        resource_arns=["*"],
        context={},
    )
    [without] = simulation.simulate(
        account=account,
        principal=alice_user,
        scps=[[FULL_AWS_ACCESS]],
        include=keep,
        actions=["s3:GetObject"],
        resource_arns=["*"],
        context={},
    )
    assert (with_scp.decision, without.decision, without.decided_by) == (
        "allowed",
        "implicitDeny",
        "SCP at level 0",
    )


def test_organization_scps_keep_their_names(account, alice_user):
    [result] = simulation.simulate(
        account=account,
        principal=alice_user,
        scps=[[json.loads(FULL_AWS_ACCESS)], [json.loads(DENY_S3_DELETE)]],
        scp_names=[["FullAWSAccess"], ["ProtectReports"]],
        actions=["s3:DeleteObject"],
        resource_arns=["*"],
        context={},
    )
    assert result.decided_by == "SCP at level 1"
    # Every matching Deny is listed, in the engine's order: the SCP's before alice's own inline Deny.
    assert [(m.policy, m.source) for m in result.matched] == [
        ("ProtectReports", "SCP at level 1"),
        ("NoDelete", "Inline"),
    ]


def test_an_rcp_denial_is_named_with_its_level(account):
    rcp = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "NoDelete",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:DeleteObject",
                    "Resource": "*",
                }
            ],
        }
    )
    [result] = simulation.simulate_custom_policy(
        account=account,
        policy_documents=[FULL_AWS_ACCESS],
        rcps=[[rcp]],
        actions=["s3:DeleteObject"],
        resource_arns=["arn:aws:s3:::my-bucket/report.csv"],
    )
    assert (result.decision, result.decided_by) == ("explicitDeny", "RCP at level 0")


@pytest.fixture
def reader_role(account, root_acting):
    role = make_role(account=account, name="reader")
    inline_policy_put(name="S3All", document=statement_policy("s3:*"), role=role, acting=root_acting)
    return role


@pytest.mark.parametrize(
    ("session", "action", "decision", "decided_by"),
    [
        (
            _policy("ReadOnly", "Allow", "s3:GetObject"),
            "s3:GetObject",
            "allowed",
            "Identity-based policy, Session policy",
        ),
        (_policy("ReadOnly", "Allow", "s3:GetObject"), "s3:PutObject", "implicitDeny", "Session policy"),
        (_policy("NoGet", "Deny", "s3:GetObject"), "s3:GetObject", "explicitDeny", "Session policy"),
        (None, "s3:PutObject", "allowed", "Identity-based policy"),
    ],
    ids=["both-allow", "session-does-not-allow", "session-denies", "no-session-policy"],
)
def test_a_session_policy_bounds_a_roles_session(account, reader_role, session, action, decision, decided_by):
    [result] = simulation.simulate_principal_policy(
        account=account,
        principal=reader_role,
        session_policies=[session] if session else None,
        actions=[action],
        resource_arns=["arn:aws:s3:::my-bucket/report.csv"],
    )
    assert (result.decision, result.decided_by) == (decision, decided_by)
    if decision == "allowed" and session:
        assert ("Session policy", "ReadOnly") in [(m.policy, m.sid) for m in result.matched]


def test_a_session_policy_is_refused_for_a_user(account, alice_user):
    with pytest.raises(InvalidInput, match="session policy bounds a role's session"):
        simulation.simulate_principal_policy(
            account=account,
            principal=alice_user,
            session_policies=[FULL_AWS_ACCESS],
            actions=["s3:GetObject"],
        )


def test_a_custom_session_policy_makes_the_caller_a_session(account):
    """In custom mode the simulated caller becomes a role session, or the session policy would not apply."""
    [result] = simulation.simulate_custom_policy(
        account=account,
        policy_documents=[FULL_AWS_ACCESS],
        session_policies=[_policy("ReadOnly", "Allow", "s3:GetObject")],
        actions=["s3:PutObject"],
    )
    assert (result.decision, result.decided_by) == ("implicitDeny", "Session policy")


@pytest.fixture
def writers(account, root_acting):
    group = GroupFactory(account=account, name="uploaders")
    writes = make_policy(name="S3Upload", account=account, document=statement_policy("s3:PutObject"))
    policy_attach(policy=writes, group=group, acting=root_acting)
    inline_policy_put(
        name="NoDelete",
        document=statement_policy("s3:DeleteObject", effect="Deny"),
        group=group,
        acting=root_acting,
    )
    return group


def test_a_group_is_simulated_with_its_own_policies(account, writers, alice_user, root_acting):
    group_add_user(group=writers, user=alice_user, acting=root_acting)
    assert [(p.name, p.source) for p in simulation.policies_for(writers)] == [
        ("S3Upload", "Directly"),
        ("NoDelete", "Inline"),
    ]
    results = simulation.simulate_principal_policy(
        account=account,
        principal=writers,
        actions=["s3:PutObject", "s3:DeleteObject", "s3:GetObject"],
        resource_arns=["*"],
    )
    # alice's own S3Read and her boundary are not the group's: GetObject is not allowed.
    assert [(r.decision, r.decided_by) for r in results] == [
        ("allowed", "Identity-based policy"),
        ("explicitDeny", "Identity-based policy"),
        ("implicitDeny", "Identity-based policy"),
    ]


def test_simulating_a_group_takes_as_many_queries_with_ten_policies_as_with_two(
    account, writers, root_acting
):
    def add_row(index):
        policy_attach(
            policy=make_policy(name=f"G{index}", account=account), group=writers, acting=root_acting
        )
        inline_policy_put(
            name=f"I{index}", document=statement_policy("s3:*"), group=writers, acting=root_acting
        )

    def call():
        return simulation.simulate_principal_policy(
            account=account, principal=writers, actions=["s3:PutObject"], resource_arns=["*"]
        )

    [result] = assert_constant_queries_of(call, add_row, sizes=(2, 9))  # ten attached at most
    assert result.decision == "allowed"


def test_another_accounts_group_is_refused(account, charlie_account):
    group = GroupFactory(account=charlie_account, name="theirs")
    with pytest.raises(InvalidInput):
        simulation.simulate_principal_policy(account=account, principal=group, actions=["s3:GetObject"])


def test_an_action_can_have_its_own_resource(account):
    results = simulation.simulate(
        account=account,
        policy_documents=[statement_policy("s3:*", "arn:aws:s3:::public/*")],
        actions=["s3:GetObject", "s3:PutObject"],
        resource_arns=["arn:aws:s3:::public/a.txt"],
        action_resources={"s3:PutObject": ["arn:aws:s3:::private/a.txt"]},
        context={},
    )
    assert [(r.action, r.resource, r.decision) for r in results] == [
        ("s3:GetObject", "arn:aws:s3:::public/a.txt", "allowed"),
        ("s3:PutObject", "arn:aws:s3:::private/a.txt", "implicitDeny"),
    ]


def test_context_keys_of_scps_and_session_policies_are_discovered():
    scp = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Deny",
                    "NotAction": "iam:*",
                    "Resource": "*",
                    "Condition": {"StringNotEquals": {"aws:RequestedRegion": "us-east-1"}},
                }
            ],
        }
    )
    assert simulation.context_keys_for([scp]) == [("aws:RequestedRegion", "String")]
