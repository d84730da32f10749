"""Policy variables, per AWS's "IAM policy elements: Variables and tags"
(docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html)."""

import re

import pytest

from policies.engine.context import Context
from policies.engine.variables import compile_pattern, compile_text, parse

V12 = "2012-10-17"
V08 = "2008-10-17"

CTX = Context(
    {
        "aws:username": "alice",
        "aws:userid": "AIDAEXAMPLE",
        "aws:PrincipalTag/team": "red",
        "aws:PrincipalTag/cost center": "12345",
        "aws:TagKeys": ["a", "b"],
        "aws:PrincipalTag/single": ["only"],
        "aws:PrincipalTag/star": "x*y",
        "aws:PrincipalTag/looks-like-variable": "${aws:username}",
        "aws:PrincipalTag/empty": "",
    }
)


@pytest.mark.parametrize(
    "text",
    ["home/alice/", "", "arn:aws:s3:::bucket/*", "$", "${", "50$ {x}", "a}b"],
)
def test_text_without_variables_is_returned_as_is(text):
    assert compile_text(text, version=V12) == text


@pytest.mark.parametrize("version", [V08, None, "2012-10-18", ""])
def test_variables_are_literal_text_outside_version_2012_10_17(version):
    # AWS: "If you don't include the Version element ... variables like ${aws:username} are
    # treated as literal strings in the policy."
    for text in ["home/${aws:username}/", "${*}", "${aws:username, 'x'}"]:
        assert compile_text(text, version=version) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("home/${aws:username}/", "home/alice/"),
        # Key names are case-insensitive.
        ("home/${AWS:UserName}/", "home/alice/"),
        ("${aws:username}-${aws:PrincipalTag/team}", "alice-red"),
        ("${aws:PrincipalTag/cost center}", "12345"),
        ("team-${aws:PrincipalTag/team}", "team-red"),
        # The variables page's default example: a default applies only when the key is absent.
        ("arn:aws:s3:::bucket/${aws:userid, 'anonymous'}", "arn:aws:s3:::bucket/AIDAEXAMPLE"),
        ("bucket-${aws:PrincipalTag/dept, 'company-wide'}", "bucket-company-wide"),
        ("${aws:PrincipalTag/dept,'no-space'}", "no-space"),
        ("${ aws:PrincipalTag/dept ,  'spaces'  }", "spaces"),
        ("${aws:PrincipalTag/dept, 'it''s'}", "it's"),
        ("${aws:PrincipalTag/dept, ''}", ""),
        ("${aws:PrincipalTag/dept, 'a}b,c'}", "a}b,c"),
        # ${*} ${?} ${$} are the literal characters.
        ("a${*}b${?}c${$}d", "a*b?c$d"),
        # A one-element list is a single value; an empty string is a value.
        ("${aws:PrincipalTag/single}", "only"),
        ("[${aws:PrincipalTag/empty}]", "[]"),
        # Substitution happens once: a value that looks like a variable stays text.
        ("${aws:PrincipalTag/looks-like-variable}", "${aws:username}"),
        ("${aws:PrincipalTag/dept, '${aws:username}'}", "${aws:username}"),
        # Not well-formed variables stay as written, next to ones that are.
        ("${}${aws:username}", "${}alice"),
        ("${aws:username", "${aws:username"),
        ("${aws:username, 'x'", "${aws:username, 'x'"),
        ("${aws:username, x}", "${aws:username, x}"),
        ("$${aws:username}", "$alice"),
    ],
)
def test_text_with_variables_is_substituted(text, expected):
    compiled = compile_text(text, version=V12)
    # A text with nothing to look up (only ${*}, or malformed variables) compiles to a plain str.
    result = compiled(CTX) if callable(compiled) else compiled
    assert result == expected


@pytest.mark.parametrize(
    "text",
    [
        # AWS: a variable whose key is not in the request, without a default, makes the element
        # match nothing.
        "home/${aws:PrincipalTag/dept}/",
        "${aws:username}${aws:PrincipalTag/dept}",
        # Multivalued keys cannot be policy variables.
        "${aws:TagKeys}",
    ],
)
def test_unresolvable_variable_gives_none(text):
    assert compile_text(text, version=V12)(CTX) is None


def test_multivalued_key_falls_back_to_the_default():
    assert compile_text("${aws:TagKeys, 'many'}", version=V12)(CTX) == "many"


def test_special_variables_alone_compile_to_plain_text():
    assert compile_text("${*}${?}${$}", version=V12) == "*?$"


def test_parse_keeps_the_spelling_of_variables_for_reporting():
    pieces = parse("home/${AWS:UserName}/${aws:x, 'd'}", version=V12)
    variables = [p for p in pieces if not isinstance(p, str)]
    assert [(v.key, v.written, v.default) for v in variables] == [
        ("aws:username", "AWS:UserName", None),
        ("aws:x", "aws:x", "d"),
    ]


# compile_pattern: * and ? are wildcards in text as written; substituted text and ${*} ${?} ${$}
# are literal.


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("home/*", "home/alice/notes.txt", True),
        ("home/*", "home/", True),
        ("home/*", "Home/alice", False),  # case-sensitive
        ("home/?", "home/a", True),
        ("home/?", "home/ab", False),
        ("home/?", "home/", False),
        ("*", "", True),
        ("", "", True),
        ("", "x", False),
        ("a*b*c", "aXXbYYc", True),
        ("a*b*c", "aXXbYY", False),
        ("*.txt", "notes.txt.bak", False),  # anchored: the whole value must match
        ("notes", "my notes here", False),
        ("a.c", "abc", False),  # regex metacharacters are literal
        ("a+c", "a+c", True),
        ("(x)[y]{z}|w^$\\", "(x)[y]{z}|w^$\\", True),
        ("line*", "line1\nline2", True),  # * matches newlines too
        ("a${*}b", "a*b", True),
        ("a${*}b", "aXb", False),
        ("a${?}b", "a?b", True),
        ("a${?}b", "aXb", False),
        ("cost${$}", "cost$", True),
    ],
)
def test_static_patterns(pattern, value, expected):
    compiled = compile_pattern(pattern, version=V12)
    assert isinstance(compiled, re.Pattern)
    assert (compiled.match(value) is not None) is expected
    assert (compiled.fullmatch(value) is not None) is expected


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("home/${aws:username}/*", "home/alice/x", True),
        ("home/${aws:username}/*", "home/bob/x", False),
        ("${aws:username}", "alice", True),
        ("${aws:username}-${aws:PrincipalTag/team}/*", "alice-red/x", True),
        ("${aws:username}-${aws:PrincipalTag/team}/*", "alice-blue/x", False),
        ("${aws:username}-${aws:PrincipalTag/team, 'none'}-${*}", "alice-red-*", True),
        # A '*' that comes from the context is literal, not a wildcard.
        ("${aws:PrincipalTag/star}", "x*y", True),
        ("${aws:PrincipalTag/star}", "xANYy", False),
        ("${aws:PrincipalTag/dept, 'de*'}", "de*", True),
        ("${aws:PrincipalTag/dept, 'de*'}", "default", False),
    ],
)
def test_patterns_with_variables(pattern, value, expected):
    compiled = compile_pattern(pattern, version=V12)
    assert callable(compiled) and not isinstance(compiled, re.Pattern)
    assert (compiled(CTX).match(value) is not None) is expected


def test_pattern_with_unresolvable_variable_gives_none():
    assert compile_pattern("home/${aws:PrincipalTag/dept}/*", version=V12)(CTX) is None


def test_pattern_in_version_2008_reads_variable_syntax_as_text_with_wildcards():
    compiled = compile_pattern("a${*}b", version=V08)
    assert compiled.match("a${*}b")
    assert compiled.match("a${anything}b")  # the '*' inside is a wildcard under 2008-10-17
    assert not compiled.match("a*b")


@pytest.mark.parametrize(
    ("ignore_case", "value", "expected"),
    [(False, "HOME/ALICE/X", False), (True, "HOME/ALICE/X", True), (True, "home/alice/x", True)],
)
def test_pattern_case_flag(ignore_case, value, expected):
    compiled = compile_pattern("home/${aws:username}/*", version=V12, ignore_case=ignore_case)
    assert (compiled(CTX).match(value) is not None) is expected


@pytest.mark.parametrize("pattern", ["home/${aws:username}/*", "${aws:username}/${aws:PrincipalTag/team}/*"])
def test_compiled_pattern_follows_each_requests_values(pattern):
    # Compiled regexes are cached by the variables' values: each request must still get its own.
    compiled = compile_pattern(pattern, version=V12)
    for name in ["alice", "bob", "alice", "carol"]:
        ctx = Context({"aws:username": name, "aws:PrincipalTag/team": name})
        assert compiled(ctx).match(
            pattern.replace("${aws:username}", name).replace("${aws:PrincipalTag/team}", name)
        )
        assert not compiled(ctx).match(pattern.replace("${aws:username}", "mallory"))
