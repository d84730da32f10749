"""Malformed input gets a clear answer in AWS's words, never a server error (issue 11, item 9).

Each row reproduces a request that answered 500: digits that pass str.isdigit() but not int() ("²"),
inf from float(), numbers past Python's 4,300-digit conversion limit, JSON nested 100,000 deep, and
(found by test_fuzz.py) searches too long for SQLite's LIKE and NUL characters, which no PostgreSQL
text column holds (those rows answer 404 or 200 on SQLite, and a server error on PostgreSQL).
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from .surface import sign_in

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
DEEP = "[" * 100_000 + "]" * 100_000
DEEP_POLICY = '{"Version": "2012-10-17", "Statement": ' + "[" * 50_000 + "]" * 50_000 + "}"  # < 131,072
HUGE_NUMBER_POLICY = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", '
    '"Sid": ' + "1" * 5000 + "}]}"
)
LONG_SEARCH = "[" * 60_000  # SQLite refuses LIKE patterns of 50,000 bytes
S3_POLICY = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}'
VERSION_PATTERN = "Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?"


@pytest.fixture
def root(surface):
    return sign_in(Client(), surface.account)


def _page(response):
    assert response.status_code < 500
    return response.content.decode()


# (path template, method, data, expected status, words the answer shows). {user}, {role}, {policy},
# {oidc} name the surface's entities.
ROWS = [
    # Tag editors: "remove_tag_²" passed isdigit() and int() refused it.
    (
        "/users/{user}/tags/",
        "post",
        {"action": "remove_tag_²", "tag_key": ["k"], "tag_value": ["v"]},
        200,
        'value="k"',
    ),
    (
        "/roles/{role}/tags/",
        "post",
        {"action": "remove_tag_²", "tag_key": ["k"], "tag_value": ["v"]},
        200,
        'value="k"',
    ),
    (
        "/policies/tags/{policy}",
        "post",
        {"action": "remove_tag_²", "tag_key": ["k"], "tag_value": ["v"]},
        200,
        'value="k"',
    ),
    # Policy versions: "v²" as a version ID.
    ("/policies/versions/{policy}", "post", {"action": "set_default", "version": "v²"}, 422, VERSION_PATTERN),
    ("/policies/versions/{policy}", "post", {"action": "delete", "version": "v²"}, 422, VERSION_PATTERN),
    ("/policies/versions/{policy}", "post", {"action": "compare", "version": ["v²", "v1"]}, 302, ""),
    # The visual editor's operations name a block by its index.
    ("/policies/editor/visual/", "post", {"ve-op": "remove-block:²", "ve-block": "0"}, 400, "no such block"),
    ("/policies/editor/visual/", "post", {"ve-op": "level:²:Read", "ve-block": "0"}, 400, "no such block"),
    # The simulator's principal is user:<pk>.
    ("/policy-simulator/", "post", {"mode": "existing", "principal": "user:²"}, 200, "Policy simulator"),
    (
        "/policy-simulator/",
        "post",
        {"mode": "existing", "principal": "user:99999999999999999999"},
        200,
        "Policy simulator",
    ),
    # Identity providers: an OIDC provider is named by a number.
    ("/identity-providers/oidc/²/", "get", {}, 404, ""),
    ("/identity-providers/oidc/²/delete/", "post", {}, 404, ""),
    ("/identity-providers/oidc/99999999999999999999/", "get", {}, 404, ""),
    # Role edit: custom hours of inf overflowed int(float(...)).
    (
        "/roles/{role}/edit/",
        "post",
        {"max_session_duration": "custom", "custom_hours": "inf"},
        422,
        "Member must be a number",
    ),
    (
        "/roles/{role}/edit/",
        "post",
        {"max_session_duration": "custom", "custom_hours": "1e309"},
        422,
        "Member must be a number",
    ),
    (
        "/roles/{role}/edit/",
        "post",
        {"max_session_duration": "custom", "custom_hours": "nan"},
        422,
        "Member must be a number",
    ),
    (
        "/roles/{role}/edit/",
        "post",
        {"max_session_duration": "custom", "custom_hours": "٣"},
        422,
        "Member must be a number",
    ),
    (
        "/roles/{role}/edit/",
        "post",
        {"max_session_duration": "custom", "custom_hours": "13"},
        422,
        "Member must have value less than or equal to 43200",
    ),
    # Policy JSON: a 5,000-digit number (int() refuses 4,300), and 100,000 brackets (RecursionError).
    ("/policies/validate/", "post", {"document": HUGE_NUMBER_POLICY}, 200, "Fix the JSON syntax error"),
    (
        "/policies/validate/",
        "post",
        {"document": DEEP_POLICY},
        200,
        "Fix the JSON syntax error",
    ),
    ("/policies/editor/summary/", "post", {"policy_document": DEEP_POLICY}, 200, "summar"),
    ("/policies/editor/summary/", "post", {"policy_document": HUGE_NUMBER_POLICY}, 200, "summar"),
    ("/policies/editor/", "post", {"policy_document": DEEP_POLICY}, 200, "JSON"),
    ("/policies/editor/visual/", "post", {"ve-op": "from-json", "policy_document": DEEP_POLICY}, 200, "JSON"),
    (
        "/policies/editor/visual/",
        "post",
        {"ve-op": "sync", "ve-block": "0", "ve-meta": DEEP, "ve-0-cond": DEEP},
        200,
        "",
    ),
    ("/policies/create/", "post", {"document": DEEP_POLICY}, 422, "Syntax errors in policy."),
    (
        "/organizations/policies/service-control-policies/create/",
        "post",
        {"name": "deep", "content": "[" * 4000 + "]" * 4000},
        422,
        "The provided policy document does not meet the requirements of the specified policy type.",
    ),
    # NUL characters, which no PostgreSQL text column holds: a lookup with one was a DataError
    # (found by the fuzz test on PostgreSQL).
    ("/organizations/accounts/%00/rename/", "post", {"name": "x"}, 400, "Null characters are not allowed."),
    ("/users/a%00b/", "get", {}, 400, "Null characters are not allowed."),
    ("/instance-profiles/create/", "get", {"role": "\x00"}, 400, "Null characters are not allowed."),
    ("/users/create/", "post", {"name": "a\x00b"}, 400, "Null characters are not allowed."),
    (
        "/users/{user}/tags/",
        "post",
        {"tag_key": ["k\x00"], "tag_value": ["v"]},
        400,
        "Null characters are not allowed.",
    ),
    ("/policies/editor/visual/", "post", {"ve-op\x00": "sync"}, 400, "Null characters are not allowed."),
    # Searches longer than SQLite's LIKE takes (found by the fuzz test).
    ("/users/", "get", {"q": LONG_SEARCH}, 200, "Users"),
    ("/groups/", "get", {"q": LONG_SEARCH}, 200, "User groups"),
    ("/policies/", "get", {"q": LONG_SEARCH}, 200, "Policies"),
    ("/roles/", "get", {"q": LONG_SEARCH}, 200, "Roles"),
    ("/groups/create/", "get", {"user_q": LONG_SEARCH}, 200, "Create user group"),
    ("/groups/create/", "get", {"q": LONG_SEARCH}, 200, "Create user group"),
    ("/permissions/policy-picker/", "get", {"q": LONG_SEARCH}, 200, ""),
]


@pytest.mark.parametrize(
    "path, method, data, status, words", ROWS, ids=[f"{row[1]} {row[0]} {sorted(row[2])}" for row in ROWS]
)
def test_malformed_input_is_answered_without_a_server_error(root, surface, path, method, data, status, words):
    path = path.format(
        user=surface.user.name,
        role=surface.role.name,
        policy=surface.policy.arn,
        oidc=surface.oidc_provider.pk,
    )
    response = getattr(root, method)(path, data)
    page = _page(response)
    assert response.status_code == status
    assert words in page


def test_removing_tag_row_two_in_other_digits_removes_nothing(root, surface):
    """ "remove_tag_²" is no row number (int() refuses it), not row 2."""
    data = {"action": "remove_tag_²", "tag_key": ["a", "b", "c"], "tag_value": ["1", "2", "3"]}
    page = _page(root.post(f"/users/{surface.user.name}/tags/", data))
    assert all(f'value="{key}"' in page for key in "abc")
    page = _page(root.post(f"/users/{surface.user.name}/tags/", {**data, "action": "remove_tag_2"}))
    assert 'value="c"' not in page and 'value="b"' in page


def _wizard_tags(root, path, steps, action):
    """Walk a create wizard to its tags step and remove a tag row with `action`."""
    for step, data in steps:
        response = root.post(f"{path}?step={step}", data)
        assert response.status_code in (200, 302), response.content.decode()[:500]
    last = len(steps) + 1
    data = {"action": action, "tag_key": ["k", "j"], "tag_value": ["v", "w"]}
    return root.post(f"{path}?step={last}", data, headers=HX)


@pytest.mark.parametrize(
    "path, steps",
    [
        (
            "/users/create/",
            [
                (1, {"name": "wizard-user", "password_type": "autogenerated"}),
                (2, {"permissions_option": "groups"}),
            ],
        ),
        ("/policies/create/", [(1, {"document": S3_POLICY})]),
        (
            "/roles/create/",
            [(1, {"entity_type": "service", "service": "ec2.amazonaws.com"}), (2, {})],
        ),
    ],
)
def test_create_wizards_ignore_a_tag_row_in_other_digits(root, path, steps):
    response = _wizard_tags(root, path, steps, "remove_tag_²")
    page = _page(response)
    assert response.status_code == 200
    assert 'value="k"' in page and 'value="j"' in page
    page = _page(_wizard_tags(root, path, steps, "remove_tag_0"))
    assert 'value="k"' not in page and 'value="j"' in page


@pytest.mark.parametrize("index", ["²", "-1", "99999999999999999999", ""])
def test_switching_to_a_remembered_role_by_a_bad_index_is_refused(root, index):
    response = root.post("/switchrole/recent", {"index": index}, follow=True)
    assert response.status_code == 200
    assert "Invalid information in one or more fields" in response.content.decode()


def test_a_signed_in_visit_to_signin_with_a_next_that_is_no_path_goes_to_the_dashboard(root):
    response = root.get("/signin", {"next": "0"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_an_uploaded_saml_metadata_document_with_a_nul_is_refused_in_aws_words(root):
    """A file's content is no form field: it reaches the service, whose XML parser refuses the NUL
    before the document reaches a text column or the audit log's jsonb."""
    upload = SimpleUploadedFile("metadata.xml", b"<md:EntityDescriptor>\x00" + b"A" * 1200)
    response = root.post(
        "/identity-providers/create/", {"provider_type": "saml", "name": "nul", "metadata_file": upload}
    )
    assert response.status_code == 422
    assert "Could not parse metadata" in _page(response)
