"""Properties AWS's logic guarantees, checked on generated requests (hypothesis).

- an added Deny statement never turns a denied request into an allowed one;
- an added Allow statement in an identity-based policy never turns an allowed request into a denied one;
- SCPs and permissions boundaries never grant: adding them never turns a denial into an allow;
- the decision does not depend on the order of statements, of identity policies, of session
  policies or of the policies within one SCP or RCP level.
"""

import copy
import itertools

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from policies.engine import evaluate

ACCOUNT = "111122223333"
OTHER = "444455556666"
PRINCIPALS = [
    f"arn:aws:iam::{ACCOUNT}:user/alice",
    f"arn:aws:sts::{ACCOUNT}:assumed-role/Dev/s1",
    f"arn:aws:sts::{ACCOUNT}:federated-user/carol",
    f"arn:aws:iam::{ACCOUNT}:root",
    f"arn:aws:iam::{OTHER}:user/dave",
    "anonymous",
]
NAMES = [
    "*",
    ACCOUNT,
    OTHER,
    f"arn:aws:iam::{ACCOUNT}:root",
    f"arn:aws:iam::{ACCOUNT}:user/alice",
    f"arn:aws:iam::{ACCOUNT}:role/Dev",
    f"arn:aws:sts::{ACCOUNT}:assumed-role/Dev/s1",
    f"arn:aws:sts::{ACCOUNT}:federated-user/carol",
    f"arn:aws:iam::{OTHER}:user/dave",
]
ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:*", "s3:Get*", "s3:?etObject", "ec2:*", "*", "iam:CreateUser"]
RESOURCES = [
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::other/*",
    "arn:aws:s3:::b/${aws:username}",
]
CONDITIONS = [
    {"StringEquals": {"aws:PrincipalTag/team": "red"}},
    {"Bool": {"aws:SecureTransport": "true"}},
    {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-1"}},
    {"Null": {"aws:SourceIp": "true"}},
]
REQUESTS = [
    ("s3:GetObject", "arn:aws:s3:::b/k"),
    ("s3:PutObject", "arn:aws:s3:::b/alice"),
    ("iam:CreateUser", "*"),
]
CONTEXTS = [
    {},
    {"aws:PrincipalTag/team": "red", "aws:SecureTransport": True},
    {"aws:PrincipalOrgID": "o-1", "aws:SourceIp": "203.0.113.7"},
]


EFFECTS = st.sampled_from(["Allow", "Deny"])
# An allow-leaning request still draws Deny statements, one in four.
MOSTLY_ALLOW = st.sampled_from(["Allow"] * 3 + ["Deny"])


@st.composite
def statements(draw, *, with_principal=False, effect=None, effects=EFFECTS):
    out = {"Effect": effect or draw(effects)}
    actions = draw(st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=2))
    out["NotAction" if draw(st.booleans()) and draw(st.booleans()) else "Action"] = actions
    resources = draw(st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=2))
    out["NotResource" if draw(st.integers(0, 4)) == 0 else "Resource"] = resources
    if with_principal:
        principal = draw(st.sampled_from(NAMES))
        element = "*" if principal == "*" and draw(st.booleans()) else {"AWS": principal}
        out["NotPrincipal" if draw(st.integers(0, 5)) == 0 else "Principal"] = element
    if draw(st.integers(0, 2)) == 0:
        out["Condition"] = draw(st.sampled_from(CONDITIONS))
    return out


def documents(*, with_principal=False, max_size=3, effects=EFFECTS):
    return st.lists(statements(with_principal=with_principal, effects=effects), max_size=max_size).map(
        lambda s: {"Version": "2012-10-17", "Statement": s}
    )


@st.composite
def requests(draw):
    """A request with random policies of every kind. Two in three lean to allow: fewer Deny
    statements, and every policy that must allow holds a statement allowing the request, so that
    the properties about allowed requests see many of them (a random request is allowed about one
    time in twenty)."""
    lean = draw(st.integers(0, 2)) < 2  # two in three, and the simplest examples too
    effects = MOSTLY_ALLOW if lean else EFFECTS
    action, resource = draw(st.sampled_from(REQUESTS))
    request = {
        "principal": draw(st.sampled_from(PRINCIPALS)),
        "action": action,
        "resource": resource,
        "context": draw(st.sampled_from(CONTEXTS)),
        "identityPolicies": draw(st.lists(documents(effects=effects), max_size=3)),
    }
    if draw(st.booleans()):
        request["permissionsBoundary"] = draw(documents(effects=effects))
    if draw(st.booleans()):
        request["sessionPolicy"] = draw(st.lists(documents(effects=effects), min_size=1, max_size=2))
    if draw(st.booleans()):
        request["scps"] = draw(
            st.lists(st.lists(documents(effects=effects), max_size=2), min_size=1, max_size=3)
        )
    if draw(st.booleans()):
        request["rcps"] = draw(
            st.lists(st.lists(documents(with_principal=True, effects=effects), max_size=1), max_size=2)
        )
    if draw(st.booleans()):
        request["resourcePolicy"] = draw(documents(with_principal=True, effects=effects))
    if draw(st.integers(0, 3)) == 0:
        request["resourceAccount"] = OTHER
    if lean:
        _allow_in_every_policy(request, draw(st.sampled_from([action, action.split(":")[0] + ":*", "*"])))
    _name_statements(request)
    return request


def _allow_in_every_policy(request, action):
    """Insert a statement allowing `action` on the request's resource into every policy that must
    allow: an identity policy, the boundary, each session policy, each SCP and RCP level (a level
    without a policy gets one), and the resource policy; RCPs and the resource policy for anyone."""
    allow = {"Effect": "Allow", "Action": action, "Resource": request["resource"]}
    if not request["identityPolicies"]:
        request["identityPolicies"].append({"Version": "2012-10-17", "Statement": []})
    for document in [request["identityPolicies"][0], *request.get("sessionPolicy", [])]:
        document["Statement"].append(dict(allow))
    if "permissionsBoundary" in request:
        request["permissionsBoundary"]["Statement"].append(dict(allow))
    for key, extra in (("scps", {}), ("rcps", {"Principal": "*"})):
        for level in request.get(key, []):
            if not level:
                level.append({"Version": "2012-10-17", "Statement": []})
            level[0]["Statement"].append({**allow, **extra})
    if "resourcePolicy" in request:
        request["resourcePolicy"]["Statement"].append({**allow, "Principal": "*"})


def _all_documents(request):
    yield from request["identityPolicies"]
    for key in ("permissionsBoundary", "resourcePolicy"):
        if key in request:
            yield request[key]
    yield from request.get("sessionPolicy", [])
    for key in ("scps", "rcps"):
        for level in request.get(key, []):
            yield from level


def _name_statements(request):
    """Give every statement a unique Sid, to follow it when statements are reordered."""
    counter = itertools.count()
    for document in _all_documents(request):
        for statement in document["Statement"]:
            statement["Sid"] = f"S{next(counter)}"


def _summary(answer):
    assert "error" not in answer, answer
    return (
        answer["decision"],
        answer.get("deniedBy"),
        sorted(m["sid"] for m in answer["matched"]),
        sorted(k.lower() for k in answer["missingContextValues"]),
    )


def _add(request, path, statement, position):
    """A copy of `request` with `statement` inserted into the policy at `path` (created if absent)."""
    changed = copy.deepcopy(request)
    key, *rest = path
    if key in ("permissionsBoundary", "resourcePolicy"):
        document = changed.setdefault(key, {"Version": "2012-10-17", "Statement": []})
    elif key in ("identityPolicies", "sessionPolicy"):
        documents_ = changed.setdefault(key, [])
        if not documents_:
            documents_.append({"Version": "2012-10-17", "Statement": []})
        document = documents_[rest[0] % len(documents_)]
    else:  # scps / rcps: an existing level only (a new level would change which levels must allow)
        levels = changed.get(key)
        if not levels:
            return None
        level = levels[rest[0] % len(levels)]
        if not level:
            level.append({"Version": "2012-10-17", "Statement": []})
        document = level[rest[1] % len(level)]
    document["Statement"].insert(position % (len(document["Statement"]) + 1), statement)
    _name_statements(changed)
    return changed


def test_generated_requests_are_allowed_often_enough_for_the_properties_about_allowed_ones():
    """A random request is allowed about one time in twenty; the allow-leaning two thirds bring that
    to about two in five, so that each property about allowed requests sees over a hundred of its 300
    examples, and the denials stay many, explicit ones among them."""
    decisions = []

    @settings(
        max_examples=300,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(requests())
    def draw(request):
        decisions.append(evaluate(request)["decision"])

    draw()
    assert len(decisions) == 300
    counts = {decision: decisions.count(decision) for decision in set(decisions)}
    assert counts["allowed"] >= 90, counts
    assert counts["implicitDeny"] >= 75 and counts["explicitDeny"] >= 15, counts


POLICY_SLOTS = st.tuples(
    st.sampled_from(
        ["identityPolicies", "permissionsBoundary", "sessionPolicy", "scps", "rcps", "resourcePolicy"]
    ),
    st.integers(0, 5),
    st.integers(0, 5),
)


@settings(max_examples=300, deadline=None)
@given(requests(), POLICY_SLOTS, st.data())
def test_adding_a_deny_never_turns_a_denial_into_an_allow(request, slot, data):
    """More Deny statements, anywhere, can only deny more."""
    before = evaluate(request)
    event(f"before: {before['decision']}")  # --hypothesis-show-statistics shows the mix
    with_principal = slot[0] in ("resourcePolicy", "rcps")
    deny = data.draw(statements(with_principal=with_principal, effect="Deny"))
    after_request = _add(request, (slot[0], slot[1], slot[2]), deny, data.draw(st.integers(0, 5)))
    if after_request is None:
        return
    after = evaluate(after_request)
    if before["decision"] != "allowed":
        assert after["decision"] != "allowed", (before, after)
    if after["decision"] == "allowed":
        assert before["decision"] == "allowed"


@settings(max_examples=300, deadline=None)
@given(requests(), st.integers(0, 5), st.integers(0, 5), st.data())
def test_adding_an_identity_allow_never_turns_an_allow_into_a_denial(request, which, position, data):
    """More Allow statements in identity-based policies can only allow more."""
    before = evaluate(request)
    event(f"before: {before['decision']}")
    allow = data.draw(statements(effect="Allow"))
    after = evaluate(_add(request, ("identityPolicies", which), allow, position))
    if before["decision"] == "allowed":
        assert after["decision"] == "allowed", (before, after)


@settings(max_examples=300, deadline=None)
@given(requests())
def test_scps_and_boundaries_never_grant(request):
    """A request allowed with its SCPs and boundary is allowed without them: they only take away."""
    without = {k: v for k, v in request.items() if k not in ("scps", "permissionsBoundary")}
    decision = evaluate(request)["decision"]
    event(
        f"{decision}, {'with' if {'scps', 'permissionsBoundary'} & set(request) else 'without'} SCPs or a boundary"
    )
    if decision == "allowed":
        assert evaluate(without)["decision"] == "allowed"


ALLOW_EVERYTHING = {"Sid": "Everything", "Effect": "Allow", "Action": "*", "Resource": "*"}


@settings(max_examples=200, deadline=None)
@given(requests(), st.data())
def test_boundary_scp_or_session_policy_alone_grants_nothing(request, data):
    """With no identity-based or resource-based policy, boundaries, SCPs and session policies that
    allow everything still let no caller but the root user in."""
    request = {k: v for k, v in request.items() if k not in ("identityPolicies", "resourcePolicy")}
    request["principal"] = data.draw(st.sampled_from([p for p in PRINCIPALS if not p.endswith(":root")]))
    request.setdefault("permissionsBoundary", {"Statement": []})["Statement"].append(ALLOW_EVERYTHING)
    request.setdefault("sessionPolicy", [{"Statement": []}])[0]["Statement"].append(ALLOW_EVERYTHING)
    for level in request.setdefault("scps", [[]]):
        level.append({"Statement": [ALLOW_EVERYTHING]})
    assert evaluate(request)["decision"] != "allowed"


@settings(max_examples=300, deadline=None)
@given(requests(), st.randoms(use_true_random=False))
def test_order_of_statements_and_policies_does_not_matter(request, rnd):
    """Shuffling statements, identity policies, session policies and policies within a level changes nothing."""
    shuffled = copy.deepcopy(request)
    for document in _all_documents(shuffled):
        rnd.shuffle(document["Statement"])
    rnd.shuffle(shuffled["identityPolicies"])
    if "sessionPolicy" in shuffled:
        rnd.shuffle(shuffled["sessionPolicy"])
    for key in ("scps", "rcps"):
        for level in shuffled.get(key, []):
            rnd.shuffle(level)
    assert _summary(evaluate(shuffled)) == _summary(evaluate(request))


@settings(max_examples=100, deadline=None)
@given(requests())
def test_answers_do_not_depend_on_the_compile_cache(request):
    """The same request twice (compiled policies from the cache the second time) and a fresh copy agree."""
    first = evaluate(request)
    assert evaluate(request) == first
    assert evaluate(copy.deepcopy(request)) == first
