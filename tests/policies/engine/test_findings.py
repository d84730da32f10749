"""Access Analyzer findings: issue code, finding type, details, path and span.

Issue codes, types and wordings are those of the "IAM policy validation check reference"
(the reference's GENERAL_WARNING is the API's WARNING). Spans follow the API's Position:
line from 1, column from 0, offset from 0, end exclusive, covering the value the path
ends at - checked against a real ValidatePolicy response below.

Expected spans are computed here from the text itself (where the value's JSON sits), not
with the engine's parser.
"""

import json

import pytest

from policies.engine.validation import CHECKS, validate


def policy(*statements, version="2012-10-17", single=False, **top):
    body = {} if version is None else {"Version": version}
    body.update(top)
    body["Statement"] = statements[0] if single else list(statements)
    return json.dumps(body, indent=2)


def nested(value, level):
    """The JSON of `value` as json.dumps(indent=2) writes it `level` levels deep."""
    return json.dumps(value, indent=2).replace("\n", "\n" + "  " * level)


def position(text, offset):
    line_start = text.rfind("\n", 0, offset) + 1
    return {"line": text.count("\n", 0, offset) + 1, "column": offset - line_start, "offset": offset}


def span_of(text, snippet, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(snippet, start + 1)
    return {"start": position(text, start), "end": position(text, start + len(snippet))}


def steps(*path):
    return [{"value": p} if isinstance(p, str) else {"index": p} for p in path]


def only(result, code):
    found = [f for f in result["findings"] if f["issueCode"] == code]
    assert len(found) == 1, [f["issueCode"] for f in result["findings"]]
    return found[0]


def allow(**fields):
    return {"Effect": "Allow", **fields}


GET = {"Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}


def cond(op, key, value, **fields):
    return allow(**{**GET, **fields}, Condition={op: {key: value}})


# Each case: (id, policy type, text, code, finding type, details, path, snippet, nth).
CASES = [
    # -- actions -------------------------------------------------------------------------
    (
        "unknown action",
        "managed",
        policy(allow(Action="s3:GetObjectt", Resource="*")),
        "INVALID_ACTION",
        "ERROR",
        "The action s3:GetObjectt does not exist.",
        steps("Statement", 0, "Action"),
        '"s3:GetObjectt"',
        0,
    ),
    (
        "unknown action in a list",
        "managed",
        policy(allow(Action=["s3:GetObject", "s3:PutObjectt"], Resource="*")),
        "INVALID_ACTION",
        "ERROR",
        "The action s3:PutObjectt does not exist.",
        steps("Statement", 0, "Action", 1),
        '"s3:PutObjectt"',
        0,
    ),
    (
        "wildcard matching no action",
        "managed",
        policy(allow(Action="s3:Gett*", Resource="*")),
        "INVALID_ACTION",
        "ERROR",
        "The action s3:Gett* does not exist.",
        steps("Statement", 0, "Action"),
        '"s3:Gett*"',
        0,
    ),
    (
        "action without a service",
        "managed",
        policy(allow(Action="GetObject", Resource="*")),
        "INVALID_ACTION",
        "ERROR",
        "The action GetObject does not exist.",
        steps("Statement", 0, "Action"),
        '"GetObject"',
        0,
    ),
    (
        "unknown service names the whole action",
        "managed",
        policy(allow(Action=["s3:GetObject", "DOES_NOT_EXIST:*"], Resource="*")),
        "INVALID_SERVICE_IN_ACTION",
        "ERROR",
        "The service DOES_NOT_EXIST:* specified in the action does not exist.",
        steps("Statement", 0, "Action", 1),
        '"DOES_NOT_EXIST:*"',
        0,
    ),
    (
        "wildcard in the service prefix",
        "managed",
        policy({"Effect": "Deny", "NotAction": "*:Describe*", "Resource": "*"}),
        "INVALID_SERVICE_IN_ACTION",
        "ERROR",
        "The service *:Describe* specified in the action does not exist.",
        steps("Statement", 0, "NotAction"),
        '"*:Describe*"',
        0,
    ),
    (
        "variable in an action",
        "managed",
        policy(allow(Action="s3:${aws:username}", Resource="*")),
        "VARIABLE_UNSUPPORTED_IN_ELEMENT",
        "ERROR",
        "Policy variables are supported in the Resource and Condition elements. "
        "Remove the policy variable ${aws:username} from this element.",
        steps("Statement", 0, "Action"),
        '"s3:${aws:username}"',
        0,
    ),
    (
        "empty action list",
        "managed",
        policy(allow(Action=[], Resource="*")),
        "EMPTY_ARRAY_ACTION",
        "SUGGESTION",
        "This statement includes no actions and does not affect the policy. Specify actions.",
        steps("Statement", 0, "Action"),
        "[]",
        0,
    ),
    (
        "action covered by a wildcard",
        "managed",
        policy(allow(Action=["iam:Get*", "iam:List*", "iam:GetCredentialReport"], Resource="*")),
        "REDUNDANT_ACTION",
        "SUGGESTION",
        "The 1 action(s) are redundant because they provide similar permissions. "
        "Update the policy to remove the redundant action such as: iam:GetCredentialReport.",
        steps("Statement", 0, "Action", 2),
        '"iam:GetCredentialReport"',
        0,
    ),
    (
        "action written twice",
        "managed",
        policy(allow(Action=["s3:GetObject", "S3:getobject"], Resource="*")),
        "REDUNDANT_ACTION",
        "SUGGESTION",
        "The 1 action(s) are redundant because they provide similar permissions. "
        "Update the policy to remove the redundant action such as: S3:getobject.",
        steps("Statement", 0, "Action", 1),
        '"S3:getobject"',
        0,
    ),
    # -- document and statement shape ----------------------------------------------------
    (
        "no Version",
        "managed",
        policy(allow(**GET), version=None),
        "MISSING_VERSION",
        "WARNING",
        "We recommend that you specify the Version element to help you with debugging permission issues.",
        [],
        policy(allow(**GET), version=None),
        0,
    ),
    (
        "unknown Version",
        "managed",
        policy(allow(**GET), version="2013-10-17"),
        "INVALID_VERSION",
        "ERROR",
        "The version 2013-10-17 is not valid. Use one of the following versions: 2008-10-17, 2012-10-17",
        steps("Version"),
        '"2013-10-17"',
        0,
    ),
    (
        "Version not a string",
        "managed",
        policy(allow(**GET), version=2012),
        "DATA_TYPE_MISMATCH",
        "ERROR",
        "The text does not match the expected JSON data type String.",
        steps("Version"),
        "2012",
        0,
    ),
    (
        "unknown top-level element",
        "managed",
        policy(allow(**GET), Extra="x"),
        "INVALID_POLICY_ELEMENT",
        "ERROR",
        "The policy element Extra is not valid.",
        steps("Extra"),
        '"x"',
        0,
    ),
    (
        "unknown statement element",
        "managed",
        policy(allow(Principals="x", **GET)),
        "INVALID_POLICY_ELEMENT",
        "ERROR",
        "The policy element Principals is not valid.",
        steps("Statement", 0, "Principals"),
        '"x"',
        0,
    ),
    (
        "no Statement",
        "managed",
        json.dumps({"Version": "2012-10-17"}, indent=2),
        "MISSING_STATEMENT",
        "ERROR",
        "Add a statement to the policy",
        [],
        json.dumps({"Version": "2012-10-17"}, indent=2),
        0,
    ),
    (
        "empty Statement",
        "managed",
        json.dumps({"Version": "2012-10-17", "Statement": []}, indent=2),
        "MISSING_STATEMENT",
        "ERROR",
        "Add a statement to the policy",
        steps("Statement"),
        "[]",
        0,
    ),
    (
        "no Effect",
        "managed",
        policy(dict(GET)),
        "MISSING_EFFECT",
        "ERROR",
        "Add an Effect element to the policy statement with a value of Allow or Deny.",
        steps("Statement", 0),
        nested(GET, 2),
        0,
    ),
    (
        "Effect in lower case",
        "managed",
        policy({"Effect": "allow", **GET}),
        "INVALID_EFFECT",
        "ERROR",
        "The effect allow is not valid. Use Allow or Deny.",
        steps("Statement", 0, "Effect"),
        '"allow"',
        0,
    ),
    (
        "no Action",
        "managed",
        policy(allow(Resource="*")),
        "MISSING_ACTION",
        "ERROR",
        "Add an Action or NotAction element to the policy statement.",
        steps("Statement", 0),
        nested(allow(Resource="*"), 2),
        0,
    ),
    (
        "no Resource in a single statement object",
        "managed",
        policy(allow(Action="s3:GetObject"), single=True),
        "MISSING_RESOURCE",
        "ERROR",
        "Add a Resource or NotResource element to the policy statement.",
        steps("Statement"),
        nested(allow(Action="s3:GetObject"), 1),
        0,
    ),
    (
        "Action with NotAction",
        "managed",
        policy(allow(Action="s3:GetObject", NotAction="s3:PutObject", Resource="*")),
        "UNSUPPORTED_ELEMENT_COMBINATION",
        "ERROR",
        "The policy elements Action and NotAction can not be used in the same statement. Remove one of these elements.",
        steps("Statement", 0, "Action"),
        '"s3:GetObject"',
        0,
    ),
    (
        "principal in an identity policy",
        "managed",
        policy(allow(Principal={"AWS": "*"}, **GET)),
        "UNSUPPORTED_PRINCIPAL",
        "ERROR",
        "The policy type IDENTITY_POLICY does not support the Principal element. Remove the Principal element.",
        steps("Statement", 0, "Principal"),
        nested({"AWS": "*"}, 3),
        0,
    ),
    (
        "empty Sid",
        "managed",
        policy(allow(Sid="", **GET)),
        "EMPTY_SID_VALUE",
        "SUGGESTION",
        "Add a value to the empty string in the Sid element.",
        steps("Statement", 0, "Sid"),
        '""',
        0,
    ),
    (
        "Sid with a hyphen",
        "managed",
        policy(allow(Sid="read-only", **GET)),
        "UNSUPPORTED_SID",
        "ERROR",
        "Update the characters in the Sid element to use one of the following character types: [a-z, A-Z, 0-9]",
        steps("Statement", 0, "Sid"),
        '"read-only"',
        0,
    ),
    (
        "duplicate Sid in an identity policy",
        "managed",
        policy(allow(Sid="Dup", **GET), allow(Sid="Dup", Action="s3:PutObject", Resource="*")),
        "UNIQUE_SIDS_REQUIRED",
        "ERROR",
        "Duplicate statement IDs are not supported for this policy type. Update the Sid value.",
        steps("Statement", 1, "Sid"),
        '"Dup"',
        1,
    ),
    (
        "identical statements",
        "managed",
        policy(allow(**GET), allow(Sid="Again", **GET)),
        "REDUNDANT_STATEMENT",
        "SUGGESTION",
        "The statements are redundant because they provide identical permissions. "
        "Update the policy to remove the redundant statement.",
        steps("Statement", 0),
        nested(allow(**GET), 2),
        0,
    ),
    # -- resources -----------------------------------------------------------------------
    (
        "empty resource list",
        "managed",
        policy(allow(Action="s3:GetObject", Resource=[])),
        "EMPTY_ARRAY_RESOURCE",
        "SUGGESTION",
        "This statement includes no resources and does not affect the policy. Specify resources.",
        steps("Statement", 0, "Resource"),
        "[]",
        0,
    ),
    (
        "resource without arn prefix",
        "managed",
        policy(allow(Action="s3:GetObject", Resource="b/*")),
        "INVALID_ARN_PREFIX",
        "ERROR",
        "Add the required prefix (arn) to the resource ARN.",
        steps("Statement", 0, "Resource"),
        '"b/*"',
        0,
    ),
    (
        "ARN with too few fields",
        "managed",
        policy(allow(Action="s3:GetObject", Resource="arn:aws:s3")),
        "MISSING_ARN_FIELD",
        "ERROR",
        "Resource ARNs must include at least 6 fields in the following structure: "
        "arn:partition:service:region:account:resource",
        steps("Statement", 0, "Resource"),
        '"arn:aws:s3"',
        0,
    ),
    (
        "unknown partition",
        "managed",
        policy(allow(Action="s3:GetObject", Resource="arn:aws-moon:s3:::b")),
        "INVALID_PARTITION",
        "ERROR",
        "The resource ARN for the service s3 does not support the partition aws-moon. Use the supported values: "
        "aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc",
        steps("Statement", 0, "Resource"),
        '"arn:aws-moon:s3:::b"',
        0,
    ),
    (
        "wildcard in the ARN's service",
        "managed",
        policy(allow(Action="s3:GetObject", Resource="arn:aws:*code*::123456789012:*")),
        "WILDCARD_IN_SERVICE_NAME",
        "SUGGESTION",
        "Avoid using wildcards (*, ?) in the service name because it might grant unintended access to other AWS "
        "services with similar names.",
        steps("Statement", 0, "Resource"),
        '"arn:aws:*code*::123456789012:*"',
        0,
    ),
    (
        "service in capitals",
        "managed",
        policy(allow(Action="s3:GetObject", Resource="arn:aws:S3:::b")),
        "INVALID_ARN_SERVICE_CASE",
        "ERROR",
        "Update the service name S3 in the resource ARN to use all lowercase letters.",
        steps("Statement", 0, "Resource"),
        '"arn:aws:S3:::b"',
        0,
    ),
    (
        "region in an IAM ARN",
        "managed",
        policy(allow(Action="iam:GetRole", Resource="arn:aws:iam:us-east-1:123456789012:role/r")),
        "ARN_REGION_NOT_ALLOWED",
        "ERROR",
        "The service iam does not support specifying a Region in the resource ARN.",
        steps("Statement", 0, "Resource"),
        '"arn:aws:iam:us-east-1:123456789012:role/r"',
        0,
    ),
    (
        "account in a bucket ARN",
        "managed",
        policy(allow(Action="s3:ListBucket", Resource="arn:aws:s3::123456789012:b")),
        "ARN_ACCOUNT_NOT_ALLOWED",
        "ERROR",
        "The service s3 does not support specifying an account ID in the resource ARN.",
        steps("Statement", 0, "Resource"),
        '"arn:aws:s3::123456789012:b"',
        0,
    ),
    (
        "DynamoDB ARN without a Region",
        "managed",
        policy(allow(Action="dynamodb:GetItem", Resource="arn:aws:dynamodb::123456789012:table/t")),
        "MISSING_ARN_REGION",
        "ERROR",
        "Add a Region to the dynamodb resource ARN.",
        steps("Statement", 0, "Resource"),
        '"arn:aws:dynamodb::123456789012:table/t"',
        0,
    ),
    (
        "DynamoDB ARN without an account",
        "managed",
        policy(allow(Action="dynamodb:GetItem", Resource="arn:aws:dynamodb:us-east-1::table/t")),
        "MISSING_ARN_ACCOUNT",
        "ERROR",
        "The resource arn:aws:dynamodb:us-east-1::table/t in the arn is missing an account id. "
        "Please provide a 12 digit account id.",
        steps("Statement", 0, "Resource"),
        '"arn:aws:dynamodb:us-east-1::table/t"',
        0,
    ),
    (
        "Region that does not exist",
        "managed",
        policy(allow(Action="dynamodb:GetItem", Resource="arn:aws:dynamodb:moon:123456789012:table/t")),
        "INVALID_ARN_REGION",
        "ERROR",
        "The Region moon is not valid for this resource. Update the resource ARN to include a supported Region.",
        steps("Statement", 0, "Resource"),
        '"arn:aws:dynamodb:moon:123456789012:table/t"',
        0,
    ),
    (
        "account of four digits",
        "managed",
        policy(allow(Action="dynamodb:GetItem", Resource="arn:aws:dynamodb:us-east-1:1234:table/t")),
        "INVALID_ARN_ACCOUNT",
        "ERROR",
        "The resource ARN account ID 1234 is not valid. Provide a 12-digit account ID.",
        steps("Statement", 0, "Resource"),
        '"arn:aws:dynamodb:us-east-1:1234:table/t"',
        0,
    ),
    (
        "ARN that fits no resource type of the service",
        "managed",
        policy(allow(Action="iam:GetRole", Resource="arn:aws:iam::123456789012:robot/r")),
        "INVALID_ARN_RESOURCE",
        "ERROR",
        "Resource ARN does not match the expected ARN format. Update the resource portion of the ARN.",
        steps("Statement", 0, "Resource"),
        '"arn:aws:iam::123456789012:robot/r"',
        0,
    ),
    (
        "resources covered by a wildcard",
        "managed",
        policy(
            allow(
                Action="iam:PassRole",
                Resource=[
                    "arn:aws:iam::111122223333:role/jane-admin",
                    "arn:aws:iam::111122223333:role/jane-s3only",
                    "arn:aws:iam::111122223333:role/jane*",
                ],
            )
        ),
        "REDUNDANT_RESOURCE",
        "SUGGESTION",
        "The 2 resource ARN(s) are redundant because they reference the same resource. Review the use of "
        "wildcards (*)",
        steps("Statement", 0, "Resource", 0),
        '"arn:aws:iam::111122223333:role/jane-admin"',
        0,
    ),
    # -- variables -----------------------------------------------------------------------
    (
        "variable with version 2008",
        "inline-user",
        policy(
            allow(Action="s3:GetObject", Resource="arn:aws:s3:::b/${aws:username}/*"), version="2008-10-17"
        ),
        "VARIABLE_UNSUPPORTED_IN_VERSION",
        "ERROR",
        "To include variables in your policy, use the policy version 2012-10-17 or later.",
        steps("Statement", 0, "Resource"),
        '"arn:aws:s3:::b/${aws:username}/*"',
        0,
    ),
    (
        "empty variable",
        "managed",
        policy(allow(Action="s3:GetObject", Resource="arn:aws:s3:::b/${}")),
        "EMPTY_VARIABLE",
        "ERROR",
        "Empty policy variable. Remove the ${ } variable structure or provide a variable within the structure.",
        steps("Statement", 0, "Resource"),
        '"arn:aws:s3:::b/${}"',
        0,
    ),
    (
        "variable without its closing brace",
        "managed",
        policy(allow(Action="s3:GetObject", Resource="arn:aws:s3:::b/${aws:username")),
        "MISSING_BRACE_IN_VARIABLE",
        "ERROR",
        "The policy variable is missing a closing curly brace. Add } after the variable text.",
        steps("Statement", 0, "Resource"),
        '"arn:aws:s3:::b/${aws:username"',
        0,
    ),
    (
        "space in a variable name",
        "managed",
        policy(allow(Action="s3:GetObject", Resource="arn:aws:s3:::b/${aws:user name}")),
        "UNSUPPORTED_SPACE_IN_VARIABLE",
        "ERROR",
        "A space is not supported within the policy variable text. Remove the space.",
        steps("Statement", 0, "Resource"),
        '"arn:aws:s3:::b/${aws:user name}"',
        0,
    ),
    (
        "default value without quotes",
        "managed",
        policy(allow(Action="s3:GetObject", Resource="arn:aws:s3:::b/${aws:username, anonymous}")),
        "MISSING_QUOTE_IN_VARIABLE",
        "ERROR",
        "The policy variable default value must begin and end with a single quote. Add the missing quote.",
        steps("Statement", 0, "Resource"),
        '"arn:aws:s3:::b/${aws:username, anonymous}"',
        0,
    ),
    (
        "variable in a numeric condition",
        "managed",
        policy(cond("NumericLessThan", "aws:MultiFactorAuthAge", "${aws:username}")),
        "INVALID_VARIABLE_FOR_OPERATOR",
        "ERROR",
        "Policy variables can only be used with String and ARN operators.",
        steps("Statement", 0, "Condition", "NumericLessThan", "aws:MultiFactorAuthAge"),
        '"${aws:username}"',
        0,
    ),
    # -- conditions ----------------------------------------------------------------------
    (
        "empty Condition",
        "managed",
        policy(allow(Condition={}, **GET)),
        "EMPTY_OBJECT_CONDITION",
        "SUGGESTION",
        "This condition block is empty and it does not affect the policy. Specify conditions.",
        steps("Statement", 0, "Condition"),
        "{}",
        0,
    ),
    (
        "no values for a key",
        "managed",
        policy(cond("StringEquals", "aws:username", [])),
        "EMPTY_ARRAY_CONDITION",
        "SUGGESTION",
        "There are no values for the condition key aws:username and it does not affect the policy. "
        "Specify conditions.",
        steps("Statement", 0, "Condition", "StringEquals", "aws:username"),
        "[]",
        0,
    ),
    (
        "no values with ForAllValues",
        "managed",
        policy(cond("ForAllValues:StringEquals", "aws:TagKeys", [])),
        "EMPTY_ARRAY_CONDITION_FORALLVALUES",
        "SUGGESTION",
        "The ForAllValues prefix with an empty condition key matches only if the key aws:TagKeys is missing from "
        "the request context. To determine if the request context is empty, we recommend that you use the Null "
        "condition operator with the value of true instead.",
        steps("Statement", 0, "Condition", "ForAllValues:StringEquals", "aws:TagKeys"),
        "[]",
        0,
    ),
    (
        "no values with ForAnyValue",
        "managed",
        policy(cond("ForAnyValue:StringEquals", "aws:TagKeys", [])),
        "EMPTY_ARRAY_CONDITION_FORANYVALUE",
        "SUGGESTION",
        "The ForAnyValue prefix with an empty condition key aws:TagKeys never matches the request context and it "
        "does not affect the policy. Specify conditions.",
        steps("Statement", 0, "Condition", "ForAnyValue:StringEquals", "aws:TagKeys"),
        "[]",
        0,
    ),
    (
        "no values with IfExists",
        "managed",
        policy(cond("StringEqualsIfExists", "aws:username", [])),
        "EMPTY_ARRAY_CONDITION_IFEXISTS",
        "SUGGESTION",
        "The IfExists suffix with an empty condition key matches only if the key aws:username is missing from the "
        "request context. To determine if the request context is empty, we recommend that you use the Null "
        "condition operator with the value of true instead.",
        steps("Statement", 0, "Condition", "StringEqualsIfExists", "aws:username"),
        "[]",
        0,
    ),
    (
        "operator that does not exist",
        "managed",
        policy(cond("StringEqual", "aws:username", "alice")),
        "INVALID_CONDITION_OPERATOR",
        "ERROR",
        "The condition operator StringEqual is not valid. Use a valid condition operator.",
        steps("Statement", 0, "Condition", "StringEqual"),
        nested({"aws:username": "alice"}, 4),
        0,
    ),
    (
        "Null with IfExists",
        "managed",
        policy(cond("NullIfExists", "aws:TokenIssueTime", "true")),
        "NULL_WITH_IF_EXISTS",
        "ERROR",
        "The Null condition operator cannot be used with the IfExists suffix. Update the operator or the suffix.",
        steps("Statement", 0, "Condition", "NullIfExists"),
        nested({"aws:TokenIssueTime": "true"}, 4),
        0,
    ),
    (
        "Null with a qualifier",
        "managed",
        policy(cond("ForAllValues:Null", "aws:TagKeys", "true")),
        "NULL_WITH_QUALIFIER",
        "SUGGESTION",
        "Avoid using the Null condition operator with the ForAllValues or ForAnyValue qualifiers because they "
        "always return a true or false respectively.",
        steps("Statement", 0, "Condition", "ForAllValues:Null"),
        nested({"aws:TagKeys": "true"}, 4),
        0,
    ),
    (
        "global key that does not exist",
        "managed",
        policy(cond("IpAddress", "aws:SourceIpp", "203.0.113.0/24")),
        "INVALID_GLOBAL_CONDITION_KEY",
        "ERROR",
        "The condition key aws:SourceIpp does not exist. Use a valid condition key.",
        steps("Statement", 0, "Condition", "IpAddress", "aws:SourceIpp"),
        '"203.0.113.0/24"',
        0,
    ),
    (
        "service key that does not exist",
        "managed",
        policy(cond("StringLike", "s3:prefixx", "home/*")),
        "INVALID_SERVICE_CONDITION_KEY",
        "ERROR",
        "The condition key s3:prefixx does not exist in the service s3. Use a valid condition key.",
        steps("Statement", 0, "Condition", "StringLike", "s3:prefixx"),
        '"home/*"',
        0,
    ),
    (
        "key of a service that does not exist",
        "managed",
        policy(cond("StringEquals", "s4:prefix", "x")),
        "INVALID_SERVICE",
        "ERROR",
        "The service s4 does not exist. Use a valid service name.",
        steps("Statement", 0, "Condition", "StringEquals", "s4:prefix"),
        '"x"',
        0,
    ),
    (
        "key without a service",
        "managed",
        policy(cond("StringEquals", "username", "alice")),
        "INVALID_CONDITION_KEY_FORMAT",
        "ERROR",
        "The condition key format is not valid. Use the format service:keyname.",
        steps("Statement", 0, "Condition", "StringEquals", "username"),
        '"alice"',
        0,
    ),
    (
        "tag key without the tag",
        "managed",
        policy(cond("StringEquals", "aws:ResourceTag/", "x")),
        "MISSING_TAG_KEY_IN_CONDITION",
        "ERROR",
        "The condition key aws:ResourceTag/ must include a tag key to control access based on tags. Use the "
        "format aws:ResourceTag/tag-key and specify a key name for tag-key.",
        steps("Statement", 0, "Condition", "StringEquals", "aws:ResourceTag/"),
        '"x"',
        0,
    ),
    (
        "aws:ARN",
        "managed",
        policy(cond("ArnLike", "aws:ARN", "arn:aws:iam::123456789012:role/*")),
        "UNSUPPORTED_GLOBAL_CONDITION_KEY",
        "ERROR",
        "The condition key aws:ARN is not supported. Use aws:PrincipalArn or aws:SourceArn instead.",
        steps("Statement", 0, "Condition", "ArnLike", "aws:ARN"),
        '"arn:aws:iam::123456789012:role/*"',
        0,
    ),
    (
        "key the action does not take",
        "managed",
        policy(
            allow(
                Action=["s3:ListBucket", "s3:GetObject"],
                Resource="*",
                Condition={"StringLike": {"s3:prefix": "home/*"}},
            )
        ),
        "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
        "ERROR",
        "The following actions: s3:GetObject are not supported by the condition key s3:prefix. The condition will "
        "not be evaluated for these actions. We recommend that you move these actions to a different statement "
        "without this condition key.",
        steps("Statement", 0, "Action", 1),
        '"s3:GetObject"',
        0,
    ),
    (
        "string operator on a Boolean key",
        "managed",
        policy(cond("StringEquals", "aws:MultiFactorAuthPresent", "true")),
        "TYPE_MISMATCH",
        "WARNING",
        "Use the operator type Bool instead of operator StringEquals for the condition key "
        "aws:MultiFactorAuthPresent.",
        steps("Statement", 0, "Condition", "StringEquals", "aws:MultiFactorAuthPresent"),
        '"true"',
        0,
    ),
    (
        "Boolean that is not true or false",
        "managed",
        policy(cond("Bool", "aws:SecureTransport", "yes")),
        "TYPE_MISMATCH_BOOLEAN",
        "WARNING",
        "Add a valid Boolean value (true or false) for the condition operator Bool.",
        steps("Statement", 0, "Condition", "Bool", "aws:SecureTransport"),
        '"yes"',
        0,
    ),
    (
        "number that is not a number",
        "managed",
        policy(cond("NumericLessThan", "aws:MultiFactorAuthAge", "an hour")),
        "TYPE_MISMATCH_NUMBER",
        "WARNING",
        "Add a valid numeric value for the condition operator NumericLessThan.",
        steps("Statement", 0, "Condition", "NumericLessThan", "aws:MultiFactorAuthAge"),
        '"an hour"',
        0,
    ),
    (
        "date that is not a date",
        "inline-role",
        policy(cond("DateGreaterThan", "aws:CurrentTime", "2020-13-01")),
        "TYPE_MISMATCH_DATE",
        "WARNING",
        "The date condition operator is used with an invalid value. Specify a valid date using YYYY-MM-DD or "
        "other ISO 8601 date/time format.",
        steps("Statement", 0, "Condition", "DateGreaterThan", "aws:CurrentTime"),
        '"2020-13-01"',
        0,
    ),
    (
        "epoch date",
        "managed",
        policy(cond("DateGreaterThan", "aws:CurrentTime", "1577836800")),
        "INVALID_DATE_VALUE",
        "WARNING",
        "The date 1577836800 might not resolve as expected. We recommend that you use the YYYY-MM-DD format.",
        steps("Statement", 0, "Condition", "DateGreaterThan", "aws:CurrentTime"),
        '"1577836800"',
        0,
    ),
    (
        "binary that is not base64",
        "managed",
        policy(cond("BinaryEquals", "aws:userid", "not base64!")),
        "TYPE_MISMATCH_STRING",
        "WARNING",
        "Add a valid base64-encoded string value for the condition operator BinaryEquals.",
        steps("Statement", 0, "Condition", "BinaryEquals", "aws:userid"),
        '"not base64!"',
        0,
    ),
    (
        "prefix longer than an address",
        "managed",
        policy(cond("IpAddress", "aws:SourceIp", "203.0.113.0/33")),
        "TYPE_MISMATCH_IP_RANGE",
        "ERROR",
        "The condition operator IpAddress is used with an invalid IP range value. Specify the IP range in "
        "standard CIDR format.",
        steps("Statement", 0, "Condition", "IpAddress", "aws:SourceIp"),
        '"203.0.113.0/33"',
        0,
    ),
    (
        "host bits after the mask",
        "managed",
        policy(cond("IpAddress", "aws:SourceIp", "203.0.113.7/24")),
        "IMPROVE_IP_RANGE",
        "SUGGESTION",
        "The non-zero bits in the IP address after the masked bits are ignored. Replace address with "
        "203.0.113.0/24.",
        steps("Statement", 0, "Condition", "IpAddress", "aws:SourceIp"),
        '"203.0.113.7/24"',
        0,
    ),
    (
        "private source IP",
        "managed",
        policy(cond("IpAddress", "aws:SourceIp", "10.0.0.0/8")),
        "PRIVATE_IP_ADDRESS",
        "ERROR",
        "aws:SourceIp works only for public IP address ranges. The values for condition key aws:SourceIp include "
        "only private IP addresses and will not have the desired effect. Update the value to include only public "
        "IP addresses.",
        steps("Statement", 0, "Condition", "IpAddress", "aws:SourceIp"),
        '"10.0.0.0/8"',
        0,
    ),
    (
        "private source IP excluded",
        "managed",
        policy({"Effect": "Deny", **GET, "Condition": {"NotIpAddress": {"aws:SourceIp": "192.168.0.0/16"}}}),
        "PRIVATE_NOT_IP_ADDRESS",
        "ERROR",
        "The values for condition key aws:SourceIp include only private IP addresses and has no effect. "
        "aws:SourceIp works only for public IP address ranges. Update the value to include only public IP "
        "addresses.",
        steps("Statement", 0, "Condition", "NotIpAddress", "aws:SourceIp"),
        '"192.168.0.0/16"',
        0,
    ),
    (
        "private and public source IPs",
        "managed",
        policy(cond("IpAddress", "aws:SourceIp", ["10.0.0.0/8", "203.0.113.0/24"])),
        "PRIVATE_IP_ADDRESS_SUBSET",
        "SUGGESTION",
        "The values for condition key aws:SourceIp include a mix of private and public IP addresses. The private "
        "addresses will not have the desired effect. aws:SourceIp works only for public IP address ranges. To "
        "define permissions for private IP ranges, use aws:VpcSourceIp.",
        steps("Statement", 0, "Condition", "IpAddress", "aws:SourceIp"),
        nested(["10.0.0.0/8", "203.0.113.0/24"], 5),
        0,
    ),
    (
        "ForAllValues on a single-valued key",
        "managed",
        policy(cond("ForAllValues:StringEquals", "aws:username", ["alice", "bob"])),
        "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
        "SECURITY_WARNING",
        "Using ForAllValues qualifier with the single-valued condition key aws:username can be overly "
        "permissive. We recommend that you remove ForAllValues:.",
        steps("Statement", 0, "Condition", "ForAllValues:StringEquals", "aws:username"),
        nested(["alice", "bob"], 5),
        0,
    ),
    (
        "multivalued key without a qualifier",
        "managed",
        policy(cond("StringEquals", "aws:TagKeys", "team")),
        "MISSING_QUALIFIER",
        "ERROR",
        "The request context key aws:TagKeys has multiple values. Use the ForAllValues or ForAnyValue condition "
        "key qualifiers in your policy.",
        steps("Statement", 0, "Condition", "StringEquals", "aws:TagKeys"),
        '"team"',
        0,
    ),
    (
        "wildcard with StringEquals",
        "managed",
        policy(cond("StringEquals", "aws:PrincipalTag/job", "admin-*")),
        "WILDCARD_WITHOUT_LIKE_OPERATOR",
        "WARNING",
        "Your condition value includes a * or ? character. If you meant to use a wildcard (*, ?), update the "
        "condition operator to include Like.",
        steps("Statement", 0, "Condition", "StringEquals", "aws:PrincipalTag/job"),
        '"admin-*"',
        0,
    ),
    (
        "same key in two cases",
        "managed",
        policy(allow(**GET, Condition={"StringEquals": {"aws:username": "a", "aws:UserName": "b"}})),
        "DUPLICATE_KEYS_WITH_DIFFERENT_CASE",
        "ERROR",
        "The condition key aws:UserName appears more than once with different capitalization in the same "
        "condition block. Remove the duplicate condition keys.",
        steps("Statement", 0, "Condition", "StringEquals", "aws:UserName"),
        '"b"',
        0,
    ),
    (
        "two Booleans for one key",
        "managed",
        policy(cond("Bool", "aws:SecureTransport", ["true", "false"])),
        "INVALID_CONDITION_MULTIPLE_BOOLEAN",
        "ERROR",
        "The condition key does not support multiple Boolean values. Use a single Boolean value.",
        steps("Statement", 0, "Condition", "Bool", "aws:SecureTransport"),
        nested(["true", "false"], 5),
        0,
    ),
    (
        "overlapping numeric bounds",
        "managed",
        policy(cond("NumericLessThan", "aws:MultiFactorAuthAge", ["2700", "3600"])),
        "REDUNDANT_CONDITION_VALUE_NUM",
        "SUGGESTION",
        "Multiple values in NumericLessThan are redundant. Replace with the greatest single value for "
        "aws:MultiFactorAuthAge.",
        steps("Statement", 0, "Condition", "NumericLessThan", "aws:MultiFactorAuthAge"),
        nested(["2700", "3600"], 5),
        0,
    ),
    (
        "VPC id too short",
        "managed",
        policy(cond("StringEquals", "aws:SourceVpc", "vpc-123")),
        "INVALID_VPC_FORMAT",
        "ERROR",
        "The VPC identifier in the condition key value is not valid. Use the prefix 'vpc-' followed by 8 or 17 "
        "alphanumeric characters.",
        steps("Statement", 0, "Condition", "StringEquals", "aws:SourceVpc"),
        '"vpc-123"',
        0,
    ),
    (
        "VPC endpoint id too short",
        "managed",
        policy(cond("StringEquals", "aws:SourceVpce", "vpce-1")),
        "INVALID_VPCE_FORMAT",
        "ERROR",
        "The VPCE identifier in the condition key value is not valid.  Use the prefix 'vpce-' followed by 8 or 17 "
        "alphanumeric characters.",
        steps("Statement", 0, "Condition", "StringEquals", "aws:SourceVpce"),
        '"vpce-1"',
        0,
    ),
    (
        "Allow with a tag key some services ignore",
        "managed",
        policy(
            allow(
                Action=["ec2:StartInstances", "s3:ListAllMyBuckets"],
                Resource="*",
                Condition={"StringEquals": {"aws:ResourceTag/team": "red"}},
            )
        ),
        "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
        "SUGGESTION",
        "Using the effect Allow with the tag condition key aws:ResourceTag/team and actions for services with the "
        "following prefixes does not affect the policy: s3. Actions for the listed service are not allowed by this "
        "statement. We recommend that you move these actions to a different statement without this condition key.",
        steps("Statement", 0, "Condition", "StringEquals", "aws:ResourceTag/team"),
        '"red"',
        0,
    ),
    (
        "Deny with a tag key some services ignore",
        "managed",
        policy(
            {
                "Effect": "Deny",
                "Action": ["ec2:TerminateInstances", "s3:ListAllMyBuckets"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:ResourceTag/status": "Confidential"}},
            }
        ),
        "DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
        "SECURITY_WARNING",
        "Using the effect Deny with the tag condition key aws:ResourceTag/status and actions for services with the "
        "following prefixes can be overly permissive: s3. Actions for the listed services are not denied by this "
        "statement. We recommend that you move these actions to a different statement without this condition key.",
        steps("Statement", 0, "Condition", "StringEquals", "aws:ResourceTag/status"),
        '"Confidential"',
        0,
    ),
    # -- iam:PassRole and iam:CreateServiceLinkedRole -------------------------------------
    (
        "PassRole on every role",
        "managed",
        policy(allow(Action="iam:PassRole", Resource="*")),
        "PASS_ROLE_WITH_STAR_IN_RESOURCE",
        "SECURITY_WARNING",
        "Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive because it "
        "allows iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs or add "
        "the iam:PassedToService condition key to your statement.",
        steps("Statement", 0, "Action"),
        '"iam:PassRole"',
        0,
    ),
    (
        "PassRole on every role ARN",
        "inline-role",
        policy(allow(Action=["iam:GetRole", "iam:PassRole"], Resource="arn:aws:iam::*:role/*")),
        "PASS_ROLE_WITH_STAR_IN_RESOURCE",
        "SECURITY_WARNING",
        "Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive because it "
        "allows iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs or add "
        "the iam:PassedToService condition key to your statement.",
        steps("Statement", 0, "Action", 1),
        '"iam:PassRole"',
        0,
    ),
    (
        "every IAM action on everything",
        "managed",
        policy(allow(Action="iam:*", Resource="*")),
        "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE",
        "SECURITY_WARNING",
        "Using wildcards (*) in the action and the resource can be overly permissive because it allows "
        "iam:PassRole permissions on all resources. We recommend that you specify resource ARNs or add the "
        "iam:PassedToService condition key to your statement.",
        steps("Statement", 0, "Action"),
        '"iam:*"',
        0,
    ),
    (
        "PassRole with NotResource",
        "managed",
        policy(allow(Action="iam:PassRole", NotResource="arn:aws:iam::123456789012:role/admin")),
        "PASS_ROLE_WITH_NOT_RESOURCE",
        "SECURITY_WARNING",
        "Using the iam:PassRole action with NotResource can be overly permissive because it can allow iam:PassRole "
        "permissions on multiple resources. We recommend that you specify resource ARNs instead.",
        steps("Statement", 0, "Action"),
        '"iam:PassRole"',
        0,
    ),
    (
        "wildcard action with NotResource",
        "managed",
        policy(allow(Action="iam:Pass*", NotResource="arn:aws:iam::123456789012:role/admin")),
        "PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE",
        "SECURITY_WARNING",
        "Using an action with a wildcard (*) and NotResource can be overly permissive because it can allow "
        "iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs instead.",
        steps("Statement", 0, "Action"),
        '"iam:Pass*"',
        0,
    ),
    (
        "NotAction with NotResource",
        "managed",
        policy(allow(NotAction="s3:*", NotResource="arn:aws:iam::123456789012:role/admin")),
        "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE",
        "SECURITY_WARNING",
        "Using NotAction with NotResource can be overly permissive because it can allow iam:PassRole permissions "
        "on multiple resources.. We recommend that you specify resource ARNs instead.",
        steps("Statement", 0, "NotAction"),
        '"s3:*"',
        0,
    ),
    (
        "NotAction on every resource",
        "managed",
        policy(allow(NotAction="s3:*", Resource="*")),
        "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION",
        "SECURITY_WARNING",
        "Using a resource with wildcards (*) and NotAction can be overly permissive because it allows iam:PassRole "
        "permissions on all resources. We recommend that you specify resource ARNs or add the iam:PassedToService "
        "condition key to your statement.",
        steps("Statement", 0, "NotAction"),
        '"s3:*"',
        0,
    ),
    (
        "service-linked roles for everything",
        "managed",
        policy(allow(Action="iam:CreateServiceLinkedRole", Resource="*")),
        "CREATE_SLR_WITH_STAR_IN_RESOURCE",
        "WARNING",
        "Using the iam:CreateServiceLinkedRole action with wildcards (*) in the resource can allow creation of "
        "unintended service-linked roles. We recommend that you specify resource ARNs instead.",
        steps("Statement", 0, "Action"),
        '"iam:CreateServiceLinkedRole"',
        0,
    ),
    (
        "AdministratorAccess creates service-linked roles",
        "managed",
        policy(allow(Action="*", Resource="*")),
        "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE",
        "WARNING",
        "Using wildcards (*) in the action and the resource can allow creation of unintended service-linked roles "
        "because it allows iam:CreateServiceLinkedRole permissions on all resources. We recommend that you specify "
        "resource ARNs instead.",
        steps("Statement", 0, "Action"),
        '"*"',
        0,
    ),
    # -- principals: trust, resource, Organizations policies -----------------------------
    (
        "resource policy without a principal",
        "resource",
        policy(allow(Action="s3:GetObject", Resource="arn:aws:s3:::b/*")),
        "MISSING_PRINCIPAL",
        "ERROR",
        "Add a Principal element to the policy statement.",
        steps("Statement", 0),
        nested(allow(Action="s3:GetObject", Resource="arn:aws:s3:::b/*"), 2),
        0,
    ),
    (
        "principal as a plain name",
        "resource",
        policy(allow(Principal="bob", **GET)),
        "INVALID_PRINCIPAL_FORMAT",
        "ERROR",
        "The Principal element contents are not valid. Specify a key-value pair in the Principal element.",
        steps("Statement", 0, "Principal"),
        '"bob"',
        0,
    ),
    (
        "principal key that does not exist",
        "resource",
        policy(allow(Principal={"Users": "bob"}, **GET)),
        "INVALID_PRINCIPAL_KEY",
        "ERROR",
        "The principal key Users is not valid.",
        steps("Statement", 0, "Principal", "Users"),
        '"bob"',
        0,
    ),
    (
        "wildcard in a user ARN",
        "resource",
        policy(allow(Principal={"AWS": "arn:aws:iam::123456789012:user/*"}, **GET)),
        "UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
        "ERROR",
        "Wildcards (*, ?) are not supported with the principal key AWS. Replace the wildcard with a valid "
        "principal value.",
        steps("Statement", 0, "Principal", "AWS"),
        '"arn:aws:iam::123456789012:user/*"',
        0,
    ),
    (
        "role unique ID as principal",
        "resource",
        policy(allow(Principal={"AWS": ["AROAEXAMPLEROLEID12345"]}, **GET)),
        "INVALID_ROLE_REFERENCE",
        "WARNING",
        "The Principal element includes the IAM role ID AROAEXAMPLEROLEID12345. We recommend that you use a role "
        "ARN instead.",
        steps("Statement", 0, "Principal", "AWS", 0),
        '"AROAEXAMPLEROLEID12345"',
        0,
    ),
    (
        "user unique ID as principal",
        "resource",
        policy(allow(Principal={"AWS": "AIDAEXAMPLEUSERID12345"}, **GET)),
        "INVALID_USER_REFERENCE",
        "WARNING",
        "The Principal element includes the IAM user ID AIDAEXAMPLEUSERID12345. We recommend that you use a user "
        "ARN instead.",
        steps("Statement", 0, "Principal", "AWS"),
        '"AIDAEXAMPLEUSERID12345"',
        0,
    ),
    (
        "federated principal in a bucket policy",
        "resource",
        policy(allow(Principal={"Federated": "accounts.google.com"}, **GET)),
        "FEDERATED_PRINCIPAL_NOT_SUPPORTED",
        "ERROR",
        "The policy type does not support a federated identity provider in the principal element. Use a "
        "supported principal.",
        steps("Statement", 0, "Principal", "Federated"),
        '"accounts.google.com"',
        0,
    ),
    (
        "Allow with NotPrincipal",
        "resource",
        policy(allow(NotPrincipal={"AWS": "arn:aws:iam::123456789012:root"}, **GET)),
        "ALLOW_WITH_NOT_PRINCIPAL",
        "SECURITY_WARNING",
        "Using Allow with NotPrincipal can be overly permissive. We recommend that you use Principal instead.",
        steps("Statement", 0, "NotPrincipal"),
        nested({"AWS": "arn:aws:iam::123456789012:root"}, 3),
        0,
    ),
    (
        "empty principal object",
        "resource",
        policy(allow(Principal={}, **GET)),
        "EMPTY_OBJECT_PRINCIPAL",
        "SUGGESTION",
        "This statement includes no principals and does not affect the policy. Specify principals.",
        steps("Statement", 0, "Principal"),
        "{}",
        0,
    ),
    (
        "empty principal list",
        "resource",
        policy(allow(Principal={"AWS": []}, **GET)),
        "EMPTY_ARRAY_PRINCIPAL",
        "SUGGESTION",
        "This statement includes no principals and does not affect the policy. Specify principals.",
        steps("Statement", 0, "Principal", "AWS"),
        "[]",
        0,
    ),
    (
        "duplicate Sid in a resource policy",
        "resource",
        policy(
            allow(Sid="Dup", Principal="*", **GET),
            allow(Sid="Dup", Principal="*", Action="s3:PutObject", Resource="*"),
        ),
        "UNIQUE_SIDS_RECOMMENDED",
        "WARNING",
        "We recommend that you use statement IDs that are unique to your policy. Update the Sid value.",
        steps("Statement", 1, "Sid"),
        '"Dup"',
        1,
    ),
    (
        "trust policy with a resource",
        "trust",
        policy(allow(Principal={"Service": "ec2.amazonaws.com"}, Action="sts:AssumeRole", Resource="*")),
        "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE",
        "ERROR",
        "Role trust policies apply to the role that they are attached to. You cannot specify a resource. Remove "
        "the Resource or NotResource element.",
        steps("Statement", 0, "Resource"),
        '"*"',
        0,
    ),
    (
        "trust policy with NotPrincipal",
        "trust",
        policy({"Effect": "Deny", "NotPrincipal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"}),
        "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL",
        "ERROR",
        "Role trust policies do not support NotPrincipal. Update the policy to use a Principal element instead.",
        steps("Statement", 0, "NotPrincipal"),
        nested({"AWS": "123456789012"}, 3),
        0,
    ),
    (
        "trust policy for everyone",
        "trust",
        policy(allow(Principal="*", Action="sts:AssumeRole")),
        "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
        "ERROR",
        '"Principal:" "*" is not supported in the principal element of a role trust policy. Replace the wildcard '
        "with a valid principal value.",
        steps("Statement", 0, "Principal"),
        '"*"',
        0,
    ),
    (
        "SAML provider with the web identity action",
        "trust",
        policy(
            allow(
                Principal={"Federated": "arn:aws:iam::123456789012:saml-provider/idp"},
                Action="sts:AssumeRoleWithWebIdentity",
            )
        ),
        "MISMATCHED_ACTION_FOR_PRINCIPAL",
        "ERROR",
        "The sts:AssumeRoleWithWebIdentity action is invalid with the following principal(s): "
        "arn:aws:iam::123456789012:saml-provider/idp. Use a SAML provider principal with the sts:AssumeRoleWithSAML "
        "action or use an OIDC provider principal with the sts:AssumeRoleWithWebIdentity action. Ensure the "
        "provider is Federated if you use either of the two options.",
        steps("Statement", 0, "Action"),
        '"sts:AssumeRoleWithWebIdentity"',
        0,
    ),
    (
        "principal in an SCP",
        "scp",
        policy({"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*", "Resource": "*"}),
        "SCP_SYNTAX_ERROR_PRINCIPAL",
        "ERROR",
        "SCPs do not support specifying principals. Remove the Principal or NotPrincipal element.",
        steps("Statement", 0, "Principal"),
        nested({"AWS": "*"}, 3),
        0,
    ),
    (
        "RCP naming a principal",
        "rcp",
        policy({"Effect": "Deny", "Principal": {"AWS": "123456789012"}, "Action": "s3:*", "Resource": "*"}),
        "RCP_SYNTAX_ERROR_PRINCIPAL",
        "ERROR",
        'The Principal element contents are not valid. RCPs only support specifying all principals ("*") in the '
        "Principal element. The NotPrincipal element is not supported for RCPs.",
        steps("Statement", 0, "Principal"),
        nested({"AWS": "123456789012"}, 3),
        0,
    ),
    (
        "RCP allowing with a condition",
        "rcp",
        policy(
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "true"}},
            }
        ),
        "RCP_SYNTAX_ERROR_ALLOW",
        "ERROR",
        'RCPs only support specifying all principals ("*") in the Principal element, all resources ("*") in the '
        "Resource element, and no Condition element with an effect of Allow.",
        steps("Statement", 0),
        nested(
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "true"}},
            },
            2,
        ),
        0,
    ),
    (
        "RCP with NotAction",
        "rcp",
        policy({"Effect": "Deny", "Principal": "*", "NotAction": "s3:GetObject", "Resource": "*"}),
        "RCP_SYNTAX_ERROR_NOTACTION",
        "ERROR",
        "RCPs do not support the NotAction element. Update to use the Action element.",
        steps("Statement", 0, "NotAction"),
        '"s3:GetObject"',
        0,
    ),
    (
        "RCP for a service RCPs do not cover",
        "rcp",
        policy({"Effect": "Deny", "Principal": "*", "Action": "ec2:*", "Resource": "*"}),
        "RCP_SYNTAX_ERROR_ACTION",
        "ERROR",
        "RCPs only support specifying select service prefixes in the Action element. Learn more here.",
        steps("Statement", 0, "Action"),
        '"ec2:*"',
        0,
    ),
]


@pytest.mark.parametrize(
    "name, policy_type, text, code, finding_type, details, path, snippet, nth",
    CASES,
    ids=[c[0] for c in CASES],
)
def test_finding(name, policy_type, text, code, finding_type, details, path, snippet, nth):
    finding = only(validate(text, policy_type), code)
    assert finding["findingType"] == finding_type
    assert finding["findingDetails"] == details
    assert finding["locations"][0]["path"] == path
    assert finding["locations"][0]["span"] == span_of(text, snippet, nth)


def test_every_finding_type_and_code_comes_from_the_reference():
    assert {t for t, _ in CHECKS.values()} == {"ERROR", "SECURITY_WARNING", "WARNING", "SUGGESTION"}
    assert all(code == code.upper() and " " not in code for code in CHECKS)


# A real ValidatePolicy response (the AWS CLI's validate-policy example, RESOURCE_POLICY):
# three findings with these exact spans. The example's condition value was shortened in
# the published text, so its end is checked against our value's length.
AWS_EXAMPLE = """{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "",
            "Effect": "Allow",
            "Principal": {
                "Federated": "cognito-identity.amazonaws.com"
            },
            "Action": [
                "sts:AssumeRole",
                "sts:TagSession"
            ],
            "Condition": {
                "StringEquals": {
                    "cognito-identity.amazonaws.com:aud": "us-west-2_EXAMPLE"
                }
            }
        }
    ]
}"""


def pos(line, column, offset):
    return {"line": line, "column": column, "offset": offset}


def test_spans_match_a_real_validate_policy_response():
    findings = validate(AWS_EXAMPLE, "trust")["findings"]
    assert [f["issueCode"] for f in findings] == [
        "EMPTY_SID_VALUE",
        "MISMATCHED_ACTION_FOR_PRINCIPAL",
        "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
    ]
    sid, mismatch, unsupported = findings
    assert sid["locations"] == [
        {"path": steps("Statement", 0, "Sid"), "span": {"start": pos(5, 19, 79), "end": pos(5, 21, 81)}}
    ]
    assert sid["learnMoreLink"] == (
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"
        "#access-analyzer-reference-policy-checks-suggestion-empty-sid-value"
    )
    assert mismatch["findingDetails"] == (
        "The sts:AssumeRole action is invalid with the following principal(s): cognito-identity.amazonaws.com. Use "
        "a SAML provider principal with the sts:AssumeRoleWithSAML action or use an OIDC provider principal with "
        "the sts:AssumeRoleWithWebIdentity action. Ensure the provider is Federated if you use either of the two "
        "options."
    )
    assert mismatch["locations"] == [
        {
            "path": steps("Statement", 0, "Action", 0),
            "span": {"start": pos(11, 16, 258), "end": pos(11, 32, 274)},
        },
        {
            "path": steps("Statement", 0, "Principal", "Federated"),
            "span": {"start": pos(8, 29, 170), "end": pos(8, 61, 202)},
        },
    ]
    assert unsupported["findingDetails"] == (
        "The following actions: sts:TagSession are not supported by the condition key "
        "cognito-identity.amazonaws.com:aud. The condition will not be evaluated for these actions. We recommend "
        "that you move these actions to a different statement without this condition key."
    )
    action, key = unsupported["locations"]
    assert action == {
        "path": steps("Statement", 0, "Action", 1),
        "span": {"start": pos(12, 16, 292), "end": pos(12, 32, 308)},
    }
    assert key["path"] == steps(
        "Statement", 0, "Condition", "StringEquals", "cognito-identity.amazonaws.com:aud"
    )
    length = len('"us-west-2_EXAMPLE"')
    assert key["span"] == {"start": pos(16, 58, 443), "end": pos(16, 58 + length, 443 + length)}


CLEAN = [
    (
        "managed",
        policy(
            allow(
                Sid="Read",
                Action=["s3:GetObject", "s3:ListBucket"],
                Resource=["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
            )
        ),
    ),
    (
        "managed",
        policy(
            {
                "Sid": "DenyWithoutMFA",
                "Effect": "Deny",
                "NotAction": ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "sts:GetSessionToken"],
                "Resource": "*",
                "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
            }
        ),
    ),
    (
        "inline-user",
        policy(
            allow(
                Action="s3:ListBucket",
                Resource="arn:aws:s3:::b",
                Condition={"StringLike": {"s3:prefix": ["home/${aws:username}/*"]}},
            ),
            allow(Action=["s3:GetObject", "s3:PutObject"], Resource="arn:aws:s3:::b/home/${aws:username}/*"),
        ),
    ),
    (
        "managed",
        policy(
            allow(
                Action="iam:PassRole",
                Resource="*",
                Condition={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
            )
        ),
    ),
    ("trust", policy(allow(Principal={"Service": "lambda.amazonaws.com"}, Action="sts:AssumeRole"))),
    (
        "resource",
        policy(allow(Sid="PublicRead", Principal="*", Action="s3:GetObject", Resource="arn:aws:s3:::b/*")),
    ),
    ("scp", policy({"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"})),
    (
        "rcp",
        policy(
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ),
    ),
]


@pytest.mark.parametrize("policy_type, text", CLEAN)
def test_well_written_policies_have_no_findings(policy_type, text):
    assert validate(text, policy_type) == {"malformed": None, "findings": []}


def test_partly_redundant_wildcard_is_not_redundant():
    # iam:*CredentialReport also covers iam:GenerateCredentialReport, which iam:Get* does not.
    text = policy(allow(Action=["iam:Get*", "iam:*CredentialReport"], Resource="*"))
    assert [f["issueCode"] for f in validate(text)["findings"]] == []


def test_wildcard_actions_are_not_checked_against_condition_keys():
    prefix = {"StringLike": {"s3:prefix": "a/*"}}
    wildcard = policy(allow(Action=["s3:Get*", "s3:ListBucket"], Resource="*", Condition=prefix))
    # The same key on one named action that does not take it is flagged: the check ran.
    named = policy(allow(Action=["s3:GetObject"], Resource="*", Condition=prefix))

    assert [f["issueCode"] for f in validate(wildcard)["findings"]] == []
    assert [f["issueCode"] for f in validate(named)["findings"]] == ["UNSUPPORTED_ACTION_FOR_CONDITION_KEY"]


def test_unknown_action_is_advice_not_a_refusal():
    result = validate(policy(allow(Action="s3:GetObjectt", Resource="*")))
    assert result["malformed"] is None
    assert [f["issueCode"] for f in result["findings"]] == ["INVALID_ACTION"]


def test_findings_come_in_document_order():
    text = policy(allow(Action="s3:Nope", Resource="*"), allow(Sid="", Action="s3:GetObject", Resource="b"))
    codes = [f["issueCode"] for f in validate(text)["findings"]]
    assert codes == ["INVALID_ACTION", "EMPTY_SID_VALUE", "INVALID_ARN_PREFIX"]


def test_json_syntax_error_points_at_the_offending_character():
    text = '{\n  "Version": "2012-10-17",\n  "Statement": [\n}'
    result = validate(text)
    assert result["malformed"] == "Syntax errors in policy."
    (finding,) = result["findings"]
    assert finding["issueCode"] == "JSON_SYNTAX_ERROR"
    assert finding["findingDetails"] == "Fix the JSON syntax error at index 46 line 4 column 0."
    assert finding["locations"] == [{"path": [], "span": {"start": pos(4, 0, 46), "end": pos(4, 0, 46)}}]


@pytest.mark.parametrize(
    "policy_type, code, details",
    [
        (
            "managed",
            "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA",
            "The 6145 characters in the identity policy, excluding whitespace, exceed the 6144 character maximum "
            "for inline and managed policies. We recommend that you use multiple granular policies.",
        ),
        (
            "scp",
            "POLICY_SIZE_EXCEEDS_SCP_QUOTA",
            "The 10241 characters in the service control policy (SCP) exceed the 10240 character maximum for SCPs. "
            "We recommend that you use multiple granular policies.",
        ),
        (
            "rcp",
            "POLICY_SIZE_EXCEEDS_RCP_QUOTA",
            "The 6145 characters in the resource control policy (RCP) exceed the 5120 character maximum for RCPs. "
            "We recommend that you use multiple granular policies.",
        ),
    ],
)
def test_size_findings(policy_type, code, details):
    statement = {"Sid": "", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}
    if policy_type == "rcp":
        statement["Principal"] = "*"
    base = json.dumps({"Version": "2012-10-17", "Statement": [statement]}, separators=(",", ":"))
    size = 10241 if policy_type == "scp" else 6145  # one over the quota of an SCP (10,240) or the others'
    text = base.replace('"Sid":""', '"Sid":"' + "A" * (size - len(base)) + '"')
    assert len(text) == size
    finding = only(validate(text, policy_type), code)
    assert finding["findingDetails"] == details
    assert finding["locations"][0]["path"] == []


def test_trust_policy_size_finding():
    statement = {
        "Sid": "A" * 2100,
        "Effect": "Allow",
        "Principal": {"Service": "ec2.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }
    finding = only(validate(policy(statement), "trust"), "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA")
    assert finding["findingType"] == "WARNING"
