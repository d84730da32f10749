"""Condition operators and blocks.

Pages cited (docs.aws.amazon.com/IAM/latest/UserGuide/...):
  [ops]   reference_policies_elements_condition_operators.html
  [multi] reference_policies_multi-value-conditions.html (set operators) and
          reference_policies_condition_examples-multi-valued-context-keys.html
  [vars]  reference_policies_variables.html
"""

from decimal import Decimal

import pytest

from policies.engine.conditions import ConditionBlock, compile_condition_block, parse_date, parse_number
from policies.engine.context import Context

V12 = "2012-10-17"


def run(block, context, version=V12):
    return compile_condition_block(block, version=version).evaluate(Context(context))


def matches(block, context, version=V12):
    return run(block, context, version)[0]


# Each row: (Condition block, request context, whether the block matches).

STRING = [
    # [ops] String example: the principal must carry job-category=iamuser-admin.
    (
        {"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}},
        {"aws:PrincipalTag/job-category": "iamuser-admin"},
        True,
    ),
    # [ops] "If a user without the tag attempts to view or edit an access key, the condition returns false".
    ({"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}}, {}, False),
    (
        {"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}},
        {"aws:PrincipalTag/job-category": "IAMUSER-ADMIN"},
        False,
    ),
    ({"StringEquals": {"k": ["a", "b"]}}, {"k": "b"}, True),
    ({"StringEquals": {"k": ["a", "b"]}}, {"k": "c"}, False),
    ({"StringEquals": {"k": "a*"}}, {"k": "abc"}, False),  # no wildcards in StringEquals
    ({"StringEquals": {"k": "a*"}}, {"k": "a*"}, True),
    ({"StringEquals": {"k": ""}}, {"k": ""}, True),
    ({"StringEquals": {"k": 10}}, {"k": "10"}, True),  # JSON numbers are compared as their text
    ({"StringEquals": {"k": True}}, {"k": "true"}, True),
    ({"StringEquals": {"k": []}}, {"k": "a"}, False),  # no value to match
    ({"StringNotEquals": {"k": ["a", "b"]}}, {"k": "c"}, True),
    ({"StringNotEquals": {"k": ["a", "b"]}}, {"k": "a"}, False),  # negated values are NORed
    ({"StringNotEquals": {"k": ["a", "b"]}}, {"k": "b"}, False),
    ({"StringNotEquals": {"k": "a"}}, {"k": "A"}, True),
    # [ops] "If the policy condition requires that the key is not matched ... and the right key is
    # not present, the condition is true."
    ({"StringNotEquals": {"k": "a"}}, {}, True),
    ({"StringNotEquals": {"k": []}}, {"k": "a"}, True),
    ({"StringEqualsIgnoreCase": {"k": "Admin"}}, {"k": "aDMIN"}, True),
    ({"StringEqualsIgnoreCase": {"k": "Admin"}}, {"k": "Admins"}, False),
    ({"StringEqualsIgnoreCase": {"k": "Adm*"}}, {"k": "admin"}, False),
    ({"StringEqualsIgnoreCase": {"k": "Admin"}}, {}, False),
    ({"StringNotEqualsIgnoreCase": {"k": "Admin"}}, {"k": "ADMIN"}, False),
    ({"StringNotEqualsIgnoreCase": {"k": "Admin"}}, {"k": "user"}, True),
    ({"StringNotEqualsIgnoreCase": {"k": "Admin"}}, {}, True),
    # [ops] IfExists example: instance types t1.*, t2.*, m3.* ("." then anything).
    ({"StringLike": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}}, {"ec2:InstanceType": "t2.micro"}, True),
    ({"StringLike": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}}, {"ec2:InstanceType": "m4.large"}, False),
    ({"StringLike": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}}, {"ec2:InstanceType": "t2micro"}, False),
    # [ops] "THISPOLICYDOESNOTWORK": resources without ec2:InstanceType make StringLike fail.
    ({"StringLike": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}}, {}, False),
    ({"StringLike": {"k": "a?c"}}, {"k": "abc"}, True),
    ({"StringLike": {"k": "a?c"}}, {"k": "ac"}, False),
    ({"StringLike": {"k": "a?c"}}, {"k": "abbc"}, False),
    ({"StringLike": {"k": "*"}}, {"k": ""}, True),
    ({"StringLike": {"k": "Home/*"}}, {"k": "home/x"}, False),  # case-sensitive
    ({"StringLike": {"k": "a.c"}}, {"k": "abc"}, False),  # '.' is not a wildcard
    ({"StringLike": {"k": "*/*"}}, {"k": "x/y/z"}, True),
    ({"StringNotLike": {"k": "home/*"}}, {"k": "home/x"}, False),
    ({"StringNotLike": {"k": ["home/*", "tmp/*"]}}, {"k": "etc/x"}, True),
    ({"StringNotLike": {"k": ["home/*", "tmp/*"]}}, {"k": "tmp/x"}, False),
    ({"StringNotLike": {"k": "home/*"}}, {}, True),
    # [vars] tags as condition keys: costCenter must be 12345 or 67890.
    (
        {"StringLike": {"iam:ResourceTag/costCenter": ["12345", "67890"]}},
        {"iam:ResourceTag/costCenter": "67890"},
        True,
    ),
    (
        {"StringLike": {"iam:ResourceTag/costCenter": ["12345", "67890"]}},
        {"iam:ResourceTag/costCenter": "1"},
        False,
    ),
    ({"StringLike": {"iam:ResourceTag/costCenter": ["12345", "67890"]}}, {}, False),
]

VARIABLES = [
    # [ops] home-directory example: s3:prefix may be "", "home/" or "home/${aws:username}/".
    (
        {"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/"]}},
        {"s3:prefix": "", "aws:username": "alice"},
        True,
    ),
    (
        {"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/"]}},
        {"s3:prefix": "home/", "aws:username": "alice"},
        True,
    ),
    (
        {"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/"]}},
        {"s3:prefix": "home/alice/", "aws:username": "alice"},
        True,
    ),
    (
        {"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/"]}},
        {"s3:prefix": "home/bob/", "aws:username": "alice"},
        False,
    ),
    (
        {"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/"]}},
        {"s3:prefix": "home/alice/photos/", "aws:username": "alice"},
        False,
    ),
    # [vars] SNS topic policy: the endpoint URL must carry the caller's user name.
    (
        {
            "StringLike": {"sns:endpoint": "https://example.com/${aws:username}/"},
            "StringEquals": {"sns:Protocol": "https"},
        },
        {"sns:Endpoint": "https://example.com/alice/", "sns:Protocol": "https", "aws:username": "alice"},
        True,
    ),
    (
        {
            "StringLike": {"sns:endpoint": "https://example.com/${aws:username}/"},
            "StringEquals": {"sns:Protocol": "https"},
        },
        {"sns:Endpoint": "https://example.com/bob/", "sns:Protocol": "https", "aws:username": "alice"},
        False,
    ),
    # [vars] default value: ${aws:userid, 'anonymous'}.
    (
        {"StringEquals": {"aws:Resource": "arn:aws:s3:::/bucket/${aws:userid, 'anonymous'}"}},
        {"aws:Resource": "arn:aws:s3:::/bucket/anonymous"},
        True,
    ),
    (
        {"StringEquals": {"aws:Resource": "arn:aws:s3:::/bucket/${aws:userid, 'anonymous'}"}},
        {"aws:Resource": "arn:aws:s3:::/bucket/anonymous", "aws:userid": "AIDAEXAMPLE"},
        False,
    ),
    ({"StringEquals": {"k": "${aws:PrincipalTag/team}"}}, {"k": "red", "aws:PrincipalTag/team": "red"}, True),
    ({"StringEquals": {"k": "${AWS:PRINCIPALTAG/TEAM}"}}, {"k": "red", "aws:principaltag/team": "red"}, True),
    # A variable with no value and no default matches nothing: the positive operator is false,
    # the negated one true.
    ({"StringEquals": {"k": "${aws:username}"}}, {"k": "alice"}, False),
    ({"StringEquals": {"k": ["${aws:username}", "fallback"]}}, {"k": "fallback"}, True),
    ({"StringNotEquals": {"k": "${aws:username}"}}, {"k": "alice"}, True),
    ({"StringLike": {"k": "${aws:username}*"}}, {"k": "alice"}, False),
    ({"StringEqualsIgnoreCase": {"k": "${aws:username}"}}, {"k": "ALICE", "aws:username": "alice"}, True),
    ({"StringEqualsIgnoreCase": {"k": "${aws:username}"}}, {"k": "ALICE"}, False),
    # A '*' that comes from the context is literal in StringLike.
    ({"StringLike": {"k": "${aws:PrincipalTag/p}"}}, {"k": "abc", "aws:PrincipalTag/p": "a*"}, False),
    ({"StringLike": {"k": "${aws:PrincipalTag/p}"}}, {"k": "a*", "aws:PrincipalTag/p": "a*"}, True),
    ({"StringLike": {"k": "${aws:PrincipalTag/p}/*"}}, {"k": "a*/x", "aws:PrincipalTag/p": "a*"}, True),
    # [vars] special characters ${*} ${?} ${$}.
    ({"StringLike": {"k": "price${*}"}}, {"k": "price*"}, True),
    ({"StringLike": {"k": "price${*}"}}, {"k": "price100"}, False),
    ({"StringLike": {"k": "what${?}"}}, {"k": "what?"}, True),
    ({"StringLike": {"k": "what${?}"}}, {"k": "whatX"}, False),
    ({"StringEquals": {"k": "${$}5"}}, {"k": "$5"}, True),
    # Multivalued keys cannot be variables.
    ({"StringEquals": {"k": "${aws:TagKeys}"}}, {"k": "a", "aws:TagKeys": ["a", "b"]}, False),
    # Bool and ARN operators take variables too.
    ({"Bool": {"k": "${aws:PrincipalTag/flag}"}}, {"k": "true", "aws:PrincipalTag/flag": "TRUE"}, True),
    ({"Bool": {"k": "${aws:PrincipalTag/flag}"}}, {"k": "true", "aws:PrincipalTag/flag": "false"}, False),
    (
        {"ArnLike": {"aws:SourceArn": "arn:aws:iam::111122223333:user/${aws:username}"}},
        {"aws:SourceArn": "arn:aws:iam::111122223333:user/alice", "aws:username": "alice"},
        True,
    ),
    (
        {"ArnLike": {"aws:SourceArn": "arn:aws:iam::111122223333:user/${aws:username}"}},
        {"aws:SourceArn": "arn:aws:iam::111122223333:user/bob", "aws:username": "alice"},
        False,
    ),
    # A whole ARN from a variable: its colons still separate the parts.
    (
        {"ArnEquals": {"aws:SourceArn": "${aws:PrincipalArn}"}},
        {
            "aws:SourceArn": "arn:aws:iam::111122223333:role/r",
            "aws:PrincipalArn": "arn:aws:iam::111122223333:role/r",
        },
        True,
    ),
    (
        {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::${aws:PrincipalTag/b}"}},
        {"aws:SourceArn": "arn:aws:s3:::bucket-x", "aws:PrincipalTag/b": "bucket-*"},
        False,
    ),
    # Numeric, Date, Binary and IP operators do not take variables: the text never parses.
    ({"NumericEquals": {"k": "${aws:PrincipalTag/n}"}}, {"k": "5", "aws:PrincipalTag/n": "5"}, False),
    (
        {"DateEquals": {"k": "${aws:PrincipalTag/d}"}},
        {"k": "2026-01-01", "aws:PrincipalTag/d": "2026-01-01"},
        False,
    ),
    (
        {"IpAddress": {"k": "${aws:PrincipalTag/ip}"}},
        {"k": "203.0.113.7", "aws:PrincipalTag/ip": "203.0.113.7"},
        False,
    ),
]

VERSION_2008 = [
    # [vars] Without version 2012-10-17, "${aws:username}" is a literal string.
    ({"StringEquals": {"k": "${aws:username}"}}, {"k": "${aws:username}", "aws:username": "alice"}, True),
    ({"StringEquals": {"k": "${aws:username}"}}, {"k": "alice", "aws:username": "alice"}, False),
    ({"StringLike": {"k": "a${*}"}}, {"k": "a${anything}"}, True),
]

NUMERIC = [
    # [ops] s3:max-keys up to 10.
    ({"NumericLessThanEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "10"}, True),
    ({"NumericLessThanEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "9"}, True),
    ({"NumericLessThanEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "11"}, False),
    ({"NumericLessThanEquals": {"s3:max-keys": "10"}}, {}, False),
    ({"NumericLessThanEquals": {"s3:max-keys": 10}}, {"s3:max-keys": 10}, True),
    ({"NumericEquals": {"k": "10"}}, {"k": "10.0"}, True),
    ({"NumericEquals": {"k": "10"}}, {"k": "010"}, True),
    ({"NumericEquals": {"k": "0.1"}}, {"k": ".1"}, True),
    ({"NumericEquals": {"k": "1e3"}}, {"k": "1000"}, True),
    ({"NumericEquals": {"k": ["1", "2"]}}, {"k": "2"}, True),
    ({"NumericEquals": {"k": "9007199254740993"}}, {"k": "9007199254740992"}, False),  # exact, not float
    ({"NumericEquals": {"k": "10"}}, {"k": "ten"}, False),
    ({"NumericEquals": {"k": "10"}}, {"k": " 10"}, False),
    ({"NumericEquals": {"k": "1_0"}}, {"k": "10"}, False),
    ({"NumericNotEquals": {"k": "10"}}, {"k": "11"}, True),
    ({"NumericNotEquals": {"k": "10"}}, {"k": "10"}, False),
    ({"NumericNotEquals": {"k": ["10", "11"]}}, {"k": "11"}, False),
    ({"NumericNotEquals": {"k": "10"}}, {}, True),
    ({"NumericLessThan": {"k": "10"}}, {"k": "9.99"}, True),
    ({"NumericLessThan": {"k": "10"}}, {"k": "10"}, False),
    ({"NumericLessThan": {"k": "0"}}, {"k": "-1"}, True),
    ({"NumericLessThan": {"k": "10"}}, {}, False),
    ({"NumericGreaterThan": {"k": "1.5"}}, {"k": "2"}, True),
    ({"NumericGreaterThan": {"k": "1.5"}}, {"k": "1.5"}, False),
    ({"NumericGreaterThan": {"k": "-2"}}, {"k": "-1.5"}, True),
    ({"NumericGreaterThanEquals": {"k": "1.5"}}, {"k": "1.50"}, True),
    ({"NumericGreaterThanEquals": {"k": "1.5"}}, {"k": "1.49"}, False),
    ({"NumericGreaterThanEquals": {"k": ["100", "2"]}}, {"k": "3"}, True),  # ORed: 3 >= 2
    ({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}, {"aws:MultiFactorAuthAge": 3599.5}, True),
    # An invalid policy value never matches.
    ({"NumericEquals": {"k": "ten"}}, {"k": "10"}, False),
    ({"NumericNotEquals": {"k": "ten"}}, {"k": "10"}, True),
    ({"NumericLessThan": {"k": "NaN"}}, {"k": "1"}, False),
    ({"NumericLessThan": {"k": "Infinity"}}, {"k": "1"}, False),
]

DATE = [
    # [ops] Date example: credentials issued after 2020-01-01T00:00:01Z.
    (
        {"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}},
        {"aws:TokenIssueTime": "2020-06-01T12:00:00Z"},
        True,
    ),
    (
        {"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}},
        {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"},
        False,
    ),
    (
        {"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}},
        {"aws:TokenIssueTime": "2019-12-31T23:59:59Z"},
        False,
    ),
    # [ops] "The aws:TokenIssueTime key is present ... only when the principal uses temporary credentials".
    ({"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}}, {}, False),
    ({"DateLessThan": {"aws:CurrentTime": "2026-01-01"}}, {"aws:CurrentTime": "2025-12-31T23:59:59Z"}, True),
    ({"DateLessThan": {"aws:CurrentTime": "2026-01-01"}}, {"aws:CurrentTime": "2026-01-01T00:00:00Z"}, False),
    (
        {"DateLessThanEquals": {"aws:CurrentTime": "2026-01-01"}},
        {"aws:CurrentTime": "2026-01-01T00:00:00Z"},
        True,
    ),
    (
        {"DateEquals": {"aws:CurrentTime": "2026-01-01T01:00:00+01:00"}},
        {"aws:CurrentTime": "2026-01-01T00:00:00Z"},
        True,
    ),
    (
        {"DateEquals": {"aws:CurrentTime": "2025-12-31T19:00:00-05:00"}},
        {"aws:CurrentTime": "2026-01-01T00:00:00Z"},
        True,
    ),
    (
        {"DateEquals": {"aws:CurrentTime": "2026-01-01T00:00:00"}},
        {"aws:CurrentTime": "2026-01-01T00:00:00Z"},
        True,
    ),  # no zone: UTC
    (
        {"DateEquals": {"aws:CurrentTime": "2026-01-01T10:30Z"}},
        {"aws:CurrentTime": "2026-01-01T10:30:00Z"},
        True,
    ),
    ({"DateEquals": {"aws:CurrentTime": "2026-02"}}, {"aws:CurrentTime": "2026-02-01T00:00:00Z"}, True),
    (
        {"DateEquals": {"aws:CurrentTime": "2026-01-01"}},
        {"aws:CurrentTime": "2026-01-01T12:00:00Z"},
        False,
    ),  # instants
    (
        {"DateEquals": {"aws:CurrentTime": "2026-01-01T00:00:00.500Z"}},
        {"aws:CurrentTime": "2026-01-01T00:00:00.5Z"},
        True,
    ),
    (
        {"DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00.5Z"}},
        {"aws:CurrentTime": "2026-01-01T00:00:00.25Z"},
        True,
    ),
    (
        {"DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}},
        {"aws:CurrentTime": "2026-01-01T00:00:00.001Z"},
        True,
    ),
    # Epoch seconds on the context side (aws:EpochTime), ISO on the policy side, and the reverse.
    (
        {"DateGreaterThanEquals": {"aws:EpochTime": "2026-01-01T00:00:00Z"}},
        {"aws:EpochTime": 1767225600},
        True,
    ),
    ({"DateGreaterThan": {"aws:EpochTime": "2026-01-01T00:00:00Z"}}, {"aws:EpochTime": 1767225600}, False),
    ({"DateLessThan": {"aws:CurrentTime": "1767225600"}}, {"aws:CurrentTime": "2025-12-31T23:59:59Z"}, True),
    ({"DateEquals": {"aws:CurrentTime": 1767225600}}, {"aws:CurrentTime": "2026-01-01T00:00:00Z"}, True),
    ({"DateLessThan": {"aws:EpochTime": "1767225600"}}, {"aws:EpochTime": "1767225599"}, True),
    ({"DateEquals": {"aws:EpochTime": "1767225600.5"}}, {"aws:EpochTime": "2026-01-01T00:00:00.5Z"}, True),
    ({"DateEquals": {"k": "20130930T231548Z"}}, {"k": "2013-09-30T23:15:48Z"}, True),  # ISO basic format
    ({"DateEquals": {"k": ["2020-01-01", "2026-01-01"]}}, {"k": "2026-01-01T00:00:00Z"}, True),
    ({"DateNotEquals": {"k": "2026-01-01"}}, {"k": "2026-01-02"}, True),
    ({"DateNotEquals": {"k": "2026-01-01"}}, {"k": "2026-01-01T00:00:00Z"}, False),
    ({"DateNotEquals": {"k": "2026-01-01"}}, {}, True),
    ({"DateGreaterThanEquals": {"k": "2026-01-01"}}, {"k": "2025-12-31"}, False),
    # Invalid dates, on either side, never match.
    ({"DateLessThan": {"k": "yesterday"}}, {"k": "2026-01-01"}, False),
    ({"DateNotEquals": {"k": "yesterday"}}, {"k": "2026-01-01"}, True),
    ({"DateEquals": {"k": "2026-02-30"}}, {"k": "2026-03-02"}, False),
    ({"DateLessThan": {"k": "2026-01-01T25:00:00Z"}}, {"k": "2020-01-01"}, False),
    ({"DateLessThan": {"k": "2026-01-01"}}, {"k": "not a date"}, False),
    ({"DateLessThan": {"k": "2026-01-01T00:00:00*"}}, {"k": "2020-01-01"}, False),  # no wildcards
]

BOOL_BINARY = [
    # [ops] Bool example: deny when aws:SecureTransport is "false".
    ({"Bool": {"aws:SecureTransport": "false"}}, {"aws:SecureTransport": "false"}, True),
    ({"Bool": {"aws:SecureTransport": "false"}}, {"aws:SecureTransport": "true"}, False),
    ({"Bool": {"aws:SecureTransport": "false"}}, {"aws:SecureTransport": False}, True),
    ({"Bool": {"aws:SecureTransport": "false"}}, {}, False),
    ({"Bool": {"aws:SecureTransport": "TRUE"}}, {"aws:SecureTransport": "true"}, True),
    ({"Bool": {"aws:SecureTransport": True}}, {"aws:SecureTransport": "True"}, True),
    ({"Bool": {"aws:SecureTransport": "yes"}}, {"aws:SecureTransport": "yes"}, False),  # not a boolean
    ({"Bool": {"aws:SecureTransport": "true"}}, {"aws:SecureTransport": "1"}, False),
    ({"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}, {}, True),
    (
        {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
        {"aws:MultiFactorAuthPresent": "true"},
        False,
    ),
    # [ops] BinaryEquals example value.
    (
        {"BinaryEquals": {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}},
        {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="},
        True,
    ),
    ({"BinaryEquals": {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}, {"key": "QmluYXJ5VmFsdWU="}, False),
    ({"BinaryEquals": {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}, {}, False),
    ({"BinaryEquals": {"key": "not base-64!"}}, {"key": "not base-64!"}, False),
    ({"BinaryEquals": {"key": "QQ=="}}, {"key": "QQ"}, False),  # the request's value must be valid base-64
    ({"BinaryEqualsIfExists": {"key": "QQ=="}}, {}, True),
    ({"ForAnyValue:BinaryEquals": {"key": ["QQ==", "Qg=="]}}, {"key": ["Qw==", "Qg=="]}, True),
]

IP = [
    # [ops] IP example: 203.0.113.0 to 203.0.113.255.
    ({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {"aws:SourceIp": "203.0.113.7"}, True),
    ({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {"aws:SourceIp": "203.0.113.255"}, True),
    ({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {"aws:SourceIp": "203.0.114.0"}, False),
    # [ops] "the condition returns false" when aws:SourceIp is absent (VPC endpoint requests).
    ({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {}, False),
    # [ops] mixing IPv4 and IPv6 ranges.
    (
        {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}},
        {"aws:SourceIp": "2001:db8:1234:5678::1"},
        True,
    ),
    (
        {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}},
        {"aws:SourceIp": "2001:db8:1234:5678:ffff:ffff:ffff:ffff"},
        True,
    ),
    (
        {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}},
        {"aws:SourceIp": "2001:db8:1234:5679::1"},
        False,
    ),
    (
        {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}},
        {"aws:SourceIp": "203.0.113.9"},
        True,
    ),
    # [ops] "If you specify an IP address without the associated routing prefix, IAM uses ... /32".
    ({"IpAddress": {"aws:SourceIp": "203.0.113.7"}}, {"aws:SourceIp": "203.0.113.7"}, True),
    ({"IpAddress": {"aws:SourceIp": "203.0.113.7"}}, {"aws:SourceIp": "203.0.113.8"}, False),
    ({"IpAddress": {"aws:SourceIp": "2001:db8::1"}}, {"aws:SourceIp": "2001:db8::1"}, True),
    ({"IpAddress": {"aws:SourceIp": "2001:db8::1"}}, {"aws:SourceIp": "2001:db8::2"}, False),
    (
        {"IpAddress": {"aws:SourceIp": "203.0.113.7/24"}},
        {"aws:SourceIp": "203.0.113.200"},
        True,
    ),  # host bits ignored
    ({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}, {"aws:SourceIp": "198.51.100.1"}, True),
    ({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}, {"aws:SourceIp": "2001:db8::1"}, False),  # families differ
    ({"IpAddress": {"aws:SourceIp": "::/0"}}, {"aws:SourceIp": "2001:db8::1"}, True),
    ({"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}, {"aws:SourceIp": "203.0.113.7"}, False),
    ({"IpAddress": {"aws:SourceIp": "not-an-ip"}}, {"aws:SourceIp": "203.0.113.7"}, False),
    ({"IpAddress": {"aws:SourceIp": "203.0.113.0/33"}}, {"aws:SourceIp": "203.0.113.7"}, False),
    ({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {"aws:SourceIp": "203.0.113.999"}, False),
    ({"IpAddress": {"aws:SourceIp": ["bad", "203.0.113.0/24"]}}, {"aws:SourceIp": "203.0.113.7"}, True),
    (
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"aws:SourceIp": "203.0.113.07"},
        False,
    ),  # leading zero
    ({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {"aws:SourceIp": "203.0.113.\u0667"}, False),
    ({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {"aws:SourceIp": "203.0.113"}, False),
    ({"IpAddress": {"aws:SourceIp": "::ffff:203.0.113.0/120"}}, {"aws:SourceIp": "::ffff:203.0.113.7"}, True),
    ({"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {"aws:SourceIp": "198.51.100.1"}, True),
    ({"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {"aws:SourceIp": "203.0.113.1"}, False),
    (
        {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}},
        {"aws:SourceIp": "2001:db8::5"},
        False,
    ),
    ({"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {}, True),
    ({"NotIpAddress": {"aws:SourceIp": "not-an-ip"}}, {"aws:SourceIp": "203.0.113.7"}, True),
]

ARN = [
    # [ops] ARN example: ArnLike matches part by part, StringLike across colons.
    (
        {"ArnLike": {"k": "arn:aws:someservice:*:111122223333:finance/*"}},
        {"k": "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"},
        False,
    ),
    (
        {"StringLike": {"k": "arn:aws:someservice:*:111122223333:finance/*"}},
        {"k": "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"},
        True,
    ),
    (
        {"ArnLike": {"k": "arn:aws:someservice:*:111122223333:finance/*"}},
        {"k": "arn:aws:someservice:us-east-2:111122223333:finance/document.txt"},
        True,
    ),
    # [ops] SQS queue policy: the SNS topic as aws:SourceArn.
    (
        {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-2:123456789012:TOPIC-ID"}},
        {"aws:SourceArn": "arn:aws:sns:us-east-2:123456789012:TOPIC-ID"},
        True,
    ),
    (
        {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-2:123456789012:TOPIC-ID"}},
        {"aws:SourceArn": "arn:aws:sns:us-east-2:123456789012:OTHER"},
        False,
    ),
    # [ops] "If an IAM user attempts to perform this operation directly, the condition returns false."
    ({"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-2:123456789012:TOPIC-ID"}}, {}, False),
    # [ops] "The ArnEquals and ArnLike condition operators behave identically."
    (
        {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:*:123456789012:*"}},
        {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:t"},
        True,
    ),
    (
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Admin"}},
        {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/Admin"},
        True,
    ),
    (
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Admin"}},
        {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/admin"},
        False,
    ),
    (
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}},
        {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/path/to/r"},
        True,
    ),
    # The resource part (after the fifth colon) is one part: '*' there spans colons.
    (
        {"ArnLike": {"k": "arn:aws:logs:us-east-1:111122223333:log-group:*"}},
        {"k": "arn:aws:logs:us-east-1:111122223333:log-group:grp:log-stream:s"},
        True,
    ),
    (
        {"ArnLike": {"k": "arn:aws:sqs:*:111122223333:q"}},
        {"k": "arn:aws:sqs:us-east-1:x:111122223333:q"},
        False,
    ),
    ({"ArnLike": {"k": "arn:aws:s3:::bucket?"}}, {"k": "arn:aws:s3:::bucket1"}, True),
    ({"ArnLike": {"k": "arn:aws:s3:::bucket?"}}, {"k": "arn:aws:s3:::bucket"}, False),
    ({"ArnLike": {"k": "arn:*:*:*:*:*"}}, {"k": "arn:aws:s3:::b"}, True),
    ({"ArnLike": {"k": "arn:*:*:*:*:*"}}, {"k": "not-an-arn"}, False),
    ({"ArnLike": {"k": "arn:aws:s3:::b"}}, {"k": "arn:aws:s3:::b:extra"}, False),
    # A policy value that is not a six-part ARN never matches (even "*").
    ({"ArnLike": {"k": "*"}}, {"k": "arn:aws:s3:::b"}, False),
    ({"ArnNotLike": {"k": "*"}}, {"k": "arn:aws:s3:::b"}, True),
    (
        {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Admin"}},
        {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/Dev"},
        True,
    ),
    (
        {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Admin"}},
        {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/Admin"},
        False,
    ),
    ({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Admin"}}, {}, True),
    (
        {"ArnNotEquals": {"aws:SourceArn": ["arn:aws:sns:*:1:a", "arn:aws:sns:*:1:b"]}},
        {"aws:SourceArn": "arn:aws:sns:r:1:b"},
        False,
    ),
    (
        {"ArnNotEquals": {"aws:SourceArn": ["arn:aws:sns:*:1:a", "arn:aws:sns:*:1:b"]}},
        {"aws:SourceArn": "arn:aws:sns:r:1:c"},
        True,
    ),
]

NULL = [
    # [ops] Null example: the user must not be using temporary credentials.
    ({"Null": {"aws:TokenIssueTime": "true"}}, {}, True),
    ({"Null": {"aws:TokenIssueTime": "true"}}, {"aws:TokenIssueTime": "2026-01-01T00:00:00Z"}, False),
    ({"Null": {"aws:TokenIssueTime": "false"}}, {"aws:TokenIssueTime": "2026-01-01T00:00:00Z"}, True),
    ({"Null": {"aws:TokenIssueTime": "false"}}, {}, False),
    ({"Null": {"aws:TokenIssueTime": True}}, {}, True),
    ({"Null": {"aws:TokenIssueTime": "TRUE"}}, {}, True),
    # [multi] examples page: Null "false" keeps "missing context keys or context keys with empty
    # values" from making ForAllValues true, so empty values (as for ForAllValues: an empty list
    # or an empty string) are null.
    ({"Null": {"aws:TagKeys": "true"}}, {"aws:TagKeys": []}, True),
    ({"Null": {"aws:TagKeys": "false"}}, {"aws:TagKeys": []}, False),
    ({"Null": {"aws:TagKeys": "false"}}, {"aws:TagKeys": ""}, False),
    ({"Null": {"aws:TagKeys": "true"}}, {"aws:TagKeys": ""}, True),
    ({"Null": {"aws:TagKeys": "false"}}, {"aws:TagKeys": ["", "a"]}, True),
    ({"Null": {"aws:TagKeys": "false"}, "ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}}, {}, False),
    (
        {"Null": {"aws:TagKeys": "false"}, "ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}},
        {"aws:TagKeys": ["a"]},
        True,
    ),
    ({"Null": {"k": ["true", "false"]}}, {}, True),
    ({"Null": {"k": "maybe"}}, {}, False),
    ({"Null": {"k": "maybe"}}, {"k": "v"}, False),
    (
        {"Null": {"aws:TokenIssueTime": "false"}, "DateLessThan": {"aws:TokenIssueTime": "2027-01-01"}},
        {"aws:TokenIssueTime": "2026-01-01T00:00:00Z"},
        True,
    ),
]

IF_EXISTS = [
    # [ops] "If the key is not present, evaluate the condition element as true."
    ({"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}}, {}, True),
    (
        {"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}},
        {"ec2:InstanceType": "t2.micro"},
        True,
    ),
    (
        {"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}},
        {"ec2:InstanceType": "m4.large"},
        False,
    ),
    ({"StringEqualsIfExists": {"k": "a"}}, {}, True),
    ({"StringEqualsIfExists": {"k": "a"}}, {"k": "b"}, False),
    # [ops] "with a negated condition operator like StringNotEqualsIfExists, the request is still
    # denied even if the tag is missing": the condition is true.
    ({"StringNotEqualsIfExists": {"k": "a"}}, {}, True),
    ({"StringNotEqualsIfExists": {"k": "a"}}, {"k": "a"}, False),
    ({"StringEqualsIgnoreCaseIfExists": {"k": "A"}}, {}, True),
    ({"StringNotLikeIfExists": {"k": "a*"}}, {"k": "abc"}, False),
    ({"NumericLessThanIfExists": {"k": "5"}}, {}, True),
    ({"NumericLessThanIfExists": {"k": "5"}}, {"k": "6"}, False),
    ({"NumericNotEqualsIfExists": {"k": "5"}}, {}, True),
    ({"DateLessThanIfExists": {"k": "2026-01-01"}}, {}, True),
    ({"DateLessThanIfExists": {"k": "2026-01-01"}}, {"k": "2027-01-01"}, False),
    ({"IpAddressIfExists": {"aws:SourceIp": "203.0.113.0/24"}}, {}, True),
    ({"IpAddressIfExists": {"aws:SourceIp": "203.0.113.0/24"}}, {"aws:SourceIp": "198.51.100.1"}, False),
    ({"NotIpAddressIfExists": {"aws:SourceIp": "203.0.113.0/24"}}, {}, True),
    ({"ArnLikeIfExists": {"aws:SourceArn": "arn:aws:sns:*:1:t"}}, {}, True),
    (
        {"ArnNotEqualsIfExists": {"aws:SourceArn": "arn:aws:sns:*:1:t"}},
        {"aws:SourceArn": "arn:aws:sns:r:1:t"},
        False,
    ),
    (
        {"StringEqualsIfExists": {"k": "a"}, "StringEquals": {"j": "b"}},
        {"j": "c"},
        False,
    ),  # other operators still count
]

SET_OPERATORS = [
    # [multi] ForAllValues:StringLike allowing only PostDateTime, Message, Tags.
    (
        {"ForAllValues:StringLike": {"dynamodb:requestedAttributes": ["PostDateTime", "Message", "Tags"]}},
        {"dynamodb:requestedAttributes": ["PostDateTime", "Message"]},
        True,
    ),
    (
        {"ForAllValues:StringLike": {"dynamodb:requestedAttributes": ["PostDateTime", "Message", "Tags"]}},
        {"dynamodb:requestedAttributes": ["PostDateTime", "UserName"]},
        False,
    ),
    (
        {"ForAllValues:StringLike": {"dynamodb:requestedAttributes": ["PostDateTime", "Message", "Tags"]}},
        {"dynamodb:requestedAttributes": ["ID", "PostDateTime"]},
        False,
    ),
    # [multi] ForAllValues is true when the key is absent or its values are an empty set.
    (
        {"ForAllValues:StringLike": {"dynamodb:requestedAttributes": ["PostDateTime", "Message", "Tags"]}},
        {},
        True,
    ),
    (
        {"ForAllValues:StringLike": {"dynamodb:requestedAttributes": ["PostDateTime", "Message", "Tags"]}},
        {"dynamodb:requestedAttributes": []},
        True,
    ),
    # [multi] "(for example, an empty string)": an empty string is an empty set for both qualifiers.
    ({"ForAllValues:StringEquals": {"k": "a"}}, {"k": ""}, True),
    ({"ForAnyValue:StringEquals": {"k": ""}}, {"k": ""}, False),
    # [multi] ForAnyValue:StringLike denying ID or PostDateTime.
    (
        {"ForAnyValue:StringLike": {"dynamodb:requestedAttributes": ["ID", "PostDateTime"]}},
        {"dynamodb:requestedAttributes": ["UserName", "Message", "PostDateTime"]},
        True,
    ),
    (
        {"ForAnyValue:StringLike": {"dynamodb:requestedAttributes": ["ID", "PostDateTime"]}},
        {"dynamodb:requestedAttributes": ["UserName"]},
        False,
    ),
    ({"ForAnyValue:StringLike": {"dynamodb:requestedAttributes": ["ID", "PostDateTime"]}}, {}, False),
    (
        {"ForAnyValue:StringLike": {"dynamodb:requestedAttributes": ["ID", "PostDateTime"]}},
        {"dynamodb:requestedAttributes": []},
        False,
    ),
    # [multi] examples page: Deny with ForAllValues:StringNotLike "key1*".
    ({"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}, {"aws:TagKeys": ["key1:legal"]}, False),
    (
        {"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}},
        {"aws:TagKeys": ["key1:hr", "key1:personnel"]},
        False,
    ),
    ({"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}, {"aws:TagKeys": ["key2:audit"]}, True),
    ({"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}, {}, True),
    (
        {"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}},
        {"aws:TagKeys": ["key2:audit", "key1:legal"]},
        False,
    ),
    ({"ForAllValues:StringNotEquals": {"aws:TagKeys": ["a", "b"]}}, {"aws:TagKeys": ["c", "d"]}, True),
    ({"ForAllValues:StringNotEquals": {"aws:TagKeys": ["a", "b"]}}, {"aws:TagKeys": ["a", "c"]}, False),
    ({"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["a", "b"]}}, {"aws:TagKeys": ["a", "c"]}, True),
    ({"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["a", "b"]}}, {"aws:TagKeys": ["a", "b"]}, False),
    ({"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["a", "b"]}}, {}, False),
    ({"ForAnyValue:StringNotLike": {"aws:TagKeys": "key1*"}}, {"aws:TagKeys": ["key1:x", "key2:y"]}, True),
    ({"ForAnyValue:StringNotLike": {"aws:TagKeys": "key1*"}}, {"aws:TagKeys": ["key1:x"]}, False),
    ({"ForAnyValue:StringEquals": {"aws:TagKeys": "a"}}, {"aws:TagKeys": "a"}, True),  # single value
    ({"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}}, {"aws:TagKeys": ["b", "a", "a"]}, True),
    ({"ForAnyValue:StringEqualsIgnoreCase": {"aws:TagKeys": "TEAM"}}, {"aws:TagKeys": ["env", "team"]}, True),
    # Qualifiers with IfExists: an absent key is true for both.
    ({"ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": "a"}}, {}, True),
    ({"ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": "a"}}, {"aws:TagKeys": ["b"]}, False),
    ({"ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": "a"}}, {"aws:TagKeys": []}, False),
    ({"ForAllValues:StringEqualsIfExists": {"aws:TagKeys": "a"}}, {}, True),
    ({"ForAllValues:StringEqualsIfExists": {"aws:TagKeys": "a"}}, {"aws:TagKeys": ["a", "b"]}, False),
    ({"ForAnyValue:StringNotEqualsIfExists": {"aws:TagKeys": "a"}}, {}, True),
    # Other families under qualifiers.
    ({"ForAllValues:NumericLessThan": {"k": "10"}}, {"k": [1, 2, 9]}, True),
    ({"ForAllValues:NumericLessThan": {"k": "10"}}, {"k": [1, 20]}, False),
    ({"ForAnyValue:NumericGreaterThan": {"k": "10"}}, {"k": [1, 20]}, True),
    ({"ForAnyValue:NumericNotEquals": {"k": "1"}}, {"k": ["1", "1"]}, False),
    ({"ForAllValues:DateLessThan": {"k": "2026-01-01"}}, {"k": ["2025-01-01", "2025-06-01T00:00:00Z"]}, True),
    ({"ForAnyValue:IpAddress": {"k": "203.0.113.0/24"}}, {"k": ["198.51.100.1", "203.0.113.9"]}, True),
    ({"ForAllValues:IpAddress": {"k": "203.0.113.0/24"}}, {"k": ["198.51.100.1", "203.0.113.9"]}, False),
    ({"ForAllValues:NotIpAddress": {"k": "203.0.113.0/24"}}, {"k": ["198.51.100.1", "192.0.2.1"]}, True),
    (
        {"ForAllValues:ArnLike": {"k": "arn:aws:iam::*:role/*"}},
        {"k": ["arn:aws:iam::1:role/a", "arn:aws:iam::2:role/b"]},
        True,
    ),
    (
        {"ForAnyValue:ArnNotLike": {"k": "arn:aws:iam::*:role/*"}},
        {"k": ["arn:aws:iam::1:role/a", "arn:aws:iam::2:user/b"]},
        True,
    ),
    ({"ForAnyValue:Bool": {"k": "true"}}, {"k": ["false", "true"]}, True),
    # Null ignores the qualifier: it tests presence only.
    ({"ForAllValues:Null": {"k": "false"}}, {"k": ["a"]}, True),
]

MULTIVALUED_WITHOUT_QUALIFIER = [
    # AWS asks for a set qualifier with multivalued keys. Without one, a positive operator matches
    # when any request value matches; a negated one is its negation (no request value matches).
    ({"StringEquals": {"aws:TagKeys": "a"}}, {"aws:TagKeys": ["b", "a"]}, True),
    ({"StringEquals": {"aws:TagKeys": "a"}}, {"aws:TagKeys": ["b", "c"]}, False),
    ({"StringNotEquals": {"aws:TagKeys": "a"}}, {"aws:TagKeys": ["b", "a"]}, False),
    ({"StringNotEquals": {"aws:TagKeys": "a"}}, {"aws:TagKeys": ["b", "c"]}, True),
    ({"StringLike": {"aws:TagKeys": "a*"}}, {"aws:TagKeys": []}, False),
    ({"StringNotLike": {"aws:TagKeys": "a*"}}, {"aws:TagKeys": []}, True),
    ({"IpAddress": {"k": "203.0.113.0/24"}}, {"k": ["198.51.100.1", "203.0.113.9"]}, True),
]

BLOCKS = [
    ({}, {}, True),  # an empty Condition element constrains nothing
    # Keys within one operator are ANDed.
    ({"StringEquals": {"a": "1", "b": "2"}}, {"a": "1", "b": "2"}, True),
    ({"StringEquals": {"a": "1", "b": "2"}}, {"a": "1", "b": "3"}, False),
    ({"StringEquals": {"a": "1", "b": "2"}}, {"a": "1"}, False),
    # Operators are ANDed.
    ({"StringEquals": {"a": "1"}, "NumericLessThan": {"n": "5"}}, {"a": "1", "n": "4"}, True),
    ({"StringEquals": {"a": "1"}, "NumericLessThan": {"n": "5"}}, {"a": "1", "n": "5"}, False),
    ({"StringEquals": {"a": "1"}, "NumericLessThan": {"n": "5"}}, {"a": "2", "n": "4"}, False),
    # Condition keys are case-insensitive on both sides.
    ({"IpAddress": {"AWS:SourceIP": "203.0.113.0/24"}}, {"aws:sourceip": "203.0.113.7"}, True),
    ({"StringEquals": {"aws:PrincipalTag/Team": "red"}}, {"AWS:PRINCIPALTAG/TEAM": "red"}, True),
    # ...but values are not (StringEquals).
    ({"StringEquals": {"aws:PrincipalTag/Team": "red"}}, {"aws:PrincipalTag/Team": "Red"}, False),
]


@pytest.mark.parametrize(
    ("block", "context", "expected"),
    STRING
    + VARIABLES
    + NUMERIC
    + DATE
    + BOOL_BINARY
    + IP
    + ARN
    + NULL
    + IF_EXISTS
    + SET_OPERATORS
    + MULTIVALUED_WITHOUT_QUALIFIER
    + BLOCKS,
)
def test_condition_block(block, context, expected):
    assert matches(block, context) is expected


@pytest.mark.parametrize(("block", "context", "expected"), VERSION_2008)
def test_condition_block_in_version_2008_10_17(block, context, expected):
    assert matches(block, context, version="2008-10-17") is expected
    assert matches(block, context, version=None) is expected  # no Version: the 2008 language


@pytest.mark.parametrize(
    "block",
    [
        {"StringEqual": {"k": "v"}},
        {"stringequals": {"k": "v"}},  # operator names are spelled as AWS spells them
        {"NullIfExists": {"k": "true"}},  # [ops] IfExists on any operator "except the Null condition"
        {"IfExists": {"k": "v"}},
        {"ForAllValue:StringEquals": {"k": "v"}},
        {"ForAnyValues:StringEquals": {"k": "v"}},
        {"ForAllValues:": {"k": "v"}},
        {"StringEqualsIfExistsIfExists": {"k": "v"}},
        {"ForAllValues:ForAnyValue:StringEquals": {"k": "v"}},
        {"StringEquals": "k"},
        {"StringEquals": ["k", "v"]},
        {"StringEquals": {"k": {"nested": "v"}}},
        {"StringEquals": {"k": [["v"]]}},
        {"StringEquals": {"k": None}},
        {"StringEquals": {"": "v"}},
    ],
)
def test_malformed_condition_raises_value_error(block):
    with pytest.raises(ValueError):
        compile_condition_block(block, version=V12)


@pytest.mark.parametrize("block", [["StringEquals"], "StringEquals", None])
def test_condition_that_is_not_an_object_raises_value_error(block):
    with pytest.raises(ValueError):
        compile_condition_block(block, version=V12)


@pytest.mark.parametrize("name", ["stringEquals", "StringEqual", "NullIfExists", "ForAnyValues:StringEquals"])
def test_unknown_operator_message_is_iams(name):
    # IAM answers MalformedPolicyDocument "Invalid Condition type : stringEquals" (seen in a
    # CreateRole error quoted in ministryofjustice/modernisation-platform-environments#8893).
    with pytest.raises(ValueError) as raised:
        compile_condition_block({name: {"k": "v"}}, version=V12)
    assert str(raised.value) == f"Invalid Condition type : {name}"


# MissingContextValues: the keys the block needed that the request lacks, as written in the
# policy (see ConditionBlock.evaluate for the rule).

MISSING = [
    ({"StringEquals": {"aws:SourceVpc": "vpc-1"}}, {}, (False, ("aws:SourceVpc",))),
    ({"StringEquals": {"aws:SourceVpc": "vpc-1"}}, {"aws:sourcevpc": "vpc-1"}, (True, ())),
    ({"StringEquals": {"AWS:SourceVPC": "vpc-1"}}, {}, (False, ("AWS:SourceVPC",))),  # spelling kept
    # Absence made a negated operator or ForAllValues true: still reported.
    ({"StringNotEquals": {"aws:PrincipalTag/team": "red"}}, {}, (True, ("aws:PrincipalTag/team",))),
    ({"ForAllValues:StringEquals": {"aws:TagKeys": "a"}}, {}, (True, ("aws:TagKeys",))),
    ({"ForAnyValue:StringEquals": {"aws:TagKeys": "a"}}, {}, (False, ("aws:TagKeys",))),
    # IfExists and Null handle absence by design: nothing to report.
    ({"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}}, {}, (True, ())),
    ({"ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": "a"}}, {}, (True, ())),
    ({"Null": {"aws:TokenIssueTime": "true"}}, {}, (True, ())),
    ({"Null": {"aws:TokenIssueTime": "false"}}, {}, (False, ())),
    # An empty multivalued key is given: not missing.
    ({"ForAnyValue:StringEquals": {"aws:TagKeys": "a"}}, {"aws:TagKeys": []}, (False, ())),
    # Variables without a default, in the values, are needed too.
    (
        {"StringLike": {"s3:prefix": "home/${aws:username}/*"}},
        {"s3:prefix": "home/x/"},
        (False, ("aws:username",)),
    ),
    ({"StringLike": {"s3:prefix": "home/${AWS:UserName}/*"}}, {}, (False, ("s3:prefix", "AWS:UserName"))),
    (
        {"StringLike": {"s3:prefix": "home/${aws:username, 'guest'}/*"}},
        {"s3:prefix": "home/guest/"},
        (True, ()),
    ),
    (
        {"StringNotEquals": {"k": "${aws:PrincipalTag/team}"}},
        {"k": "red"},
        (True, ("aws:PrincipalTag/team",)),
    ),
    # An IfExists operator whose own key is absent never looks at its variables.
    ({"StringEqualsIfExists": {"k": "${aws:username}"}}, {}, (True, ())),
    ({"StringEqualsIfExists": {"k": "${aws:username}"}}, {"k": "alice"}, (False, ("aws:username",))),
    # No variables in Numeric values: nothing looked up.
    ({"NumericEquals": {"k": "${aws:n}"}}, {"k": "1"}, (False, ())),
    # Reported whatever the evaluation order: the first operator fails on a present key, the
    # second one's key is missing.
    ({"StringEquals": {"a": "1"}, "StringLike": {"b": "x*"}}, {"a": "2"}, (False, ("b",))),
    # Each key once, in policy order.
    ({"StringEquals": {"a": "1", "b": "2"}, "StringLike": {"a": "*"}}, {}, (False, ("a", "b"))),
]


@pytest.mark.parametrize(("block", "context", "expected"), MISSING)
def test_missing_context_values(block, context, expected):
    assert run(block, context) == expected


def test_block_lists_the_keys_it_reads_lower_cased():
    block = compile_condition_block(
        {
            "StringEquals": {"AWS:SourceVpc": "vpc-1"},
            "StringLike": {"s3:prefix": "${AWS:username}/*"},
            "Null": {"k": "true"},
        },
        version=V12,
    )
    assert isinstance(block, ConditionBlock)
    assert block.keys == frozenset({"aws:sourcevpc", "s3:prefix", "aws:username", "k"})


def test_compiled_block_is_reusable_across_requests():
    block = compile_condition_block({"StringLike": {"s3:prefix": "home/${aws:username}/*"}}, version=V12)
    assert block.evaluate(Context({"s3:prefix": "home/alice/a", "aws:username": "alice"}))[0] is True
    assert block.evaluate(Context({"s3:prefix": "home/alice/a", "aws:username": "bob"}))[0] is False
    assert block.evaluate(Context({"s3:prefix": "home/bob/a", "aws:username": "bob"}))[0] is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1767225600", 1767225600 * 10**6),
        ("1767225600.25", 1767225600 * 10**6 + 250_000),
        ("2026-01-01T00:00:00Z", 1767225600 * 10**6),
        ("2026-01-01T00:00:00.123456789Z", 1767225600 * 10**6 + 123456),  # beyond microseconds: cut
        ("2026-01-01", 1767225600 * 10**6),
        ("2026-01", 1767225600 * 10**6),
        ("2026-01-01T02:00:00+0200", 1767225600 * 10**6),
        ("2026-01-01T02:00+02", 1767225600 * 10**6),
        ("2026-01-01t00:00:00z", 1767225600 * 10**6),
        ("20260101T000000Z", 1767225600 * 10**6),
        ("2026-13-01", None),
        ("2026-1-1", None),
        ("", None),
        ("2026-01-01 00:00:00Z", None),
        ("tomorrow", None),
        ("\u0662\u0660\u0662\u0666-01-01", None),  # Arabic-Indic digits are not digits here
        ("\u0661\u0662", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_parse_date_reads_epoch_seconds_past_the_int_conversion_limit():
    """int() refuses 4,300 digits and more: evaluation answered with Python's words."""
    assert parse_date("9" * 5000) == int(Decimal("9" * 5000)) * 10**6


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10", 10),
        ("-3", -3),
        ("+7", 7),
        ("2.50", 2.5),
        (".5", 0.5),
        ("5.", 5),
        ("1E2", 100),
        ("", None),
        ("1_000", None),
        ("0x10", None),
        ("\u0663", None),
        ("NaN", None),
        ("inf", None),
        (" 1", None),
        ("1.2.3", None),
        ("1" * 5000, Decimal("1" * 5000)),  # past int()'s 4,300 digits: exactly, as a Decimal
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == expected
