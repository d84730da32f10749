"""The words validation checks a document against, beyond the grammar's element names (those are
policies.engine.grammar's): ARN partitions, condition operators and their qualifiers, the actions a
role trust policy may grant, the identity providers IAM knows by name."""

from policies.engine.validation.values import glob_covers

PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc")
OPERATORS = {
    "StringEquals": "String",
    "StringNotEquals": "String",
    "StringEqualsIgnoreCase": "String",
    "StringNotEqualsIgnoreCase": "String",
    "StringLike": "String",
    "StringNotLike": "String",
    "NumericEquals": "Numeric",
    "NumericNotEquals": "Numeric",
    "NumericLessThan": "Numeric",
    "NumericLessThanEquals": "Numeric",
    "NumericGreaterThan": "Numeric",
    "NumericGreaterThanEquals": "Numeric",
    "DateEquals": "Date",
    "DateNotEquals": "Date",
    "DateLessThan": "Date",
    "DateLessThanEquals": "Date",
    "DateGreaterThan": "Date",
    "DateGreaterThanEquals": "Date",
    "Bool": "Bool",
    "BinaryEquals": "Binary",
    "IpAddress": "IpAddress",
    "NotIpAddress": "IpAddress",
    "ArnEquals": "Arn",
    "ArnLike": "Arn",
    "ArnNotEquals": "Arn",
    "ArnNotLike": "Arn",
    "Null": "Null",
}
QUALIFIERS = ("ForAnyValue:", "ForAllValues:")
# Actions a role trust policy may grant (the STS actions that act on the role).
TRUST_ACTION_NAMES = (
    "assumerole",
    "assumerolewithsaml",
    "assumerolewithwebidentity",
    "tagsession",
    "setsourceidentity",
    "setcontext",
)
KNOWN_FEDERATED = (
    "cognito-identity.amazonaws.com",
    "www.amazon.com",
    "graph.facebook.com",
    "accounts.google.com",
)


def is_trust_action(action: str) -> bool:
    prefix, _, name = action.partition(":")
    if prefix.lower() != "sts":
        return False
    return any(glob_covers(name, n, ignore_case=True) for n in TRUST_ACTION_NAMES)
