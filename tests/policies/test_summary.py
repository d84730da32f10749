"""The console's policy summary, table-driven over documents (no database)."""

import json

import pytest

from policies import summary
from policies.engine import catalog

ALL = len(catalog.services())


def doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource="*", **more):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **more}


def deny(action, resource="*", **more):
    return {"Effect": "Deny", "Action": action, "Resource": resource, **more}


def row(result, name, effect="Allow"):
    (found,) = [r for r in result.rows if r.name == name and r.effect == effect]
    return found


def s3_levels():
    counts = {}
    for act in catalog.service("s3").actions.values():
        counts[act.access_level] = counts.get(act.access_level, 0) + 1
    return counts


@pytest.mark.parametrize(
    ("document", "service", "access_level"),
    [
        (doc(allow("s3:*")), "S3", "Full access"),
        (doc(allow("s3:GetObject")), "S3", "Limited: Read"),
        (doc(allow(["s3:GetObject", "s3:PutObject"])), "S3", "Limited: Read, Write"),
        (doc(allow("s3:List*")), "S3", "Full: List"),
        (doc(allow(["s3:List*", "s3:GetObject"])), "S3", "Full: List Limited: Read"),
        (doc(allow("S3:getobject")), "S3", "Limited: Read"),  # IAM names are case-insensitive
        (doc(allow(["iam:Tag*", "iam:Untag*"])), "IAM", "Full: Tagging"),
        (doc(allow("ec2:*"), allow("s3:GetObject")), "EC2", "Full access"),
        # Two statements for one service add up.
        (doc(allow("s3:List*"), allow("s3:Get*")), "S3", "Full: List Limited: Read"),
    ],
)
def test_access_level_of_a_service(document, service, access_level):
    assert row(summary.summarize(document), service).access_level == access_level


def test_access_level_full_read_when_every_read_action_is_granted():
    reads = [f"s3:{a.name}" for a in catalog.service("s3").actions.values() if a.access_level == "Read"]
    result = summary.summarize(doc(allow(reads)))
    assert row(result, "S3").access_level == "Full: Read"
    (level,) = row(result, "S3").levels
    assert level.full and level.total == s3_levels()["Read"]


def test_wildcard_expands_to_the_actions_it_names():
    result = summary.summarize(doc(allow("s3:Get*")))
    s3 = row(result, "S3")
    names = {name for level in s3.levels for name in level.actions}
    assert "GetObject" in names and "GetBucketPolicy" in names
    assert all(name.startswith("Get") for name in names)
    assert s3.granted == len(names)


def test_star_allows_every_service():
    result = summary.summarize(doc(allow("*")))
    (section,) = result.sections
    assert section.heading == "Allow"
    assert section.count == ALL == section.total_services
    assert all(r.access_level == "Full access" and r.resource == "All resources" for r in section.rows)


def test_deny_and_allow_sections_in_console_order():
    document = doc(allow("s3:*"), deny("s3:*", ["arn:aws:s3:::customer", "arn:aws:s3:::customer/*"]))
    result = summary.summarize(document)
    assert [s.heading for s in result.sections] == ["Explicit deny", "Allow"]
    denied = row(result, "S3", "Deny")
    assert denied.access_level == "Full access"
    assert denied.resource == "Multiple"
    # s3:ListAllMyBuckets and friends need "*": AWS warns on the deny row.
    assert denied.resource_warning == summary.ACTIONS_WITHOUT_RESOURCE
    assert row(result, "S3", "Allow").resource == "All resources"


@pytest.mark.parametrize(
    ("resource", "text"),
    [
        ("*", "All resources"),
        ("arn:aws:s3:::my-bucket", "BucketName | string like | my-bucket"),
        ("arn:aws:s3:::my-bucket/*", "BucketName | string like | my-bucket, ObjectName | string like | All"),
        ("arn:aws:s3:::*/*", "BucketName | string like | All, ObjectName | string like | All"),
        (["arn:aws:s3:::a", "arn:aws:s3:::b"], "Multiple"),
    ],
)
def test_resource_column(resource, text):
    result = summary.summarize(doc(allow(["s3:GetObject", "s3:ListBucket"], resource)))
    assert row(result, "S3").resource == text


@pytest.mark.parametrize(
    ("condition", "text"),
    [
        (None, "None"),
        ({"Bool": {"aws:MultiFactorAuthPresent": "true"}}, "aws:MultiFactorAuthPresent | bool | true"),
        ({"Bool": {"aws:MultiFactorAuthPresent": True}}, "aws:MultiFactorAuthPresent | bool | true"),
        (
            {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.7"]}},
            "aws:SourceIp | ip address | 203.0.113.0/24, 198.51.100.7",
        ),
        (
            {"ForAnyValue:StringLike": {"s3:prefix": "home/*"}},
            "s3:prefix | for any value: string like | home/*",
        ),
        (
            {"Bool": {"aws:MultiFactorAuthPresent": "true"}, "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
            "Multiple",
        ),
    ],
)
def test_request_condition_column(condition, text):
    statement = allow("s3:ListBucket", "arn:aws:s3:::my-bucket")
    if condition:
        statement["Condition"] = condition
    assert row(summary.summarize(doc(statement)), "S3").condition == text


def test_statements_with_and_without_condition_make_multiple():
    document = doc(
        allow("s3:GetObject", "arn:aws:s3:::b/*"),
        allow("s3:PutObject", "arn:aws:s3:::b/*", Condition={"Bool": {"aws:SecureTransport": "true"}}),
    )
    assert row(summary.summarize(document), "S3").condition == "Multiple"


def test_condition_key_of_another_service_warns():
    document = doc(allow("s3:ListBucket", "*", Condition={"StringEquals": {"ec2:InstanceType": "t2.micro"}}))
    result = summary.summarize(document)
    assert row(result, "S3").condition_warning == summary.CONDITIONS_WITHOUT_ACTION
    assert result.warning == summary.SOME_NOT_GRANTED


@pytest.mark.parametrize(
    ("key", "warning"),
    [
        ("ses:ApiVersion", None),  # a key of the reference's row without a resource type
        ("ses:FromAddress", summary.CONDITIONS_WITHOUT_ACTION),  # a key of other SES actions only
    ],
)
def test_condition_keys_of_the_row_without_a_resource_type_apply(key, warning):
    statement = allow("ses:DeleteConfigurationSet", "*", Condition={"StringEquals": {key: "2"}})
    (ses,) = summary.summarize(doc(statement)).rows
    assert ses.prefix == "ses" and ses.condition_warning == warning


@pytest.mark.parametrize(
    ("arn", "text"),
    [
        # API Gateway's stage type has two ARN formats: HTTP/WebSocket APIs, then REST APIs.
        (
            "arn:aws:apigateway:us-east-1::/apis/a1b2/stages/prod",
            "ApiId | string like | a1b2, StageName | string like | prod",
        ),
        (
            "arn:aws:apigateway:us-east-1::/restapis/a1b2/stages/prod",
            "RestApiId | string like | a1b2, StageName | string like | prod",
        ),
    ],
)
def test_a_resource_in_either_arn_format_of_its_type_is_told_in_that_formats_words(arn, text):
    assert summary.resource_text(arn, "apigateway") == text


def test_notaction_is_all_services_except():
    document = doc({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"})
    result = summary.summarize(document)
    (section,) = result.sections
    assert section.notes == ("All services except: IAM; Organizations",)
    assert section.count == ALL - 2
    assert not [r for r in section.rows if r.name in ("IAM", "Organizations")]
    assert row(result, "S3").access_level == "Full access"


def test_notaction_of_some_actions_leaves_the_service_limited():
    document = doc({"Effect": "Allow", "NotAction": "s3:DeleteBucket", "Resource": "*"})
    result = summary.summarize(document)
    assert result.sections[0].notes == ("All services except: S3 (DeleteBucket)",)
    s3 = row(result, "S3")
    assert s3.access_level.startswith("Full: ") and "Limited: Write" in s3.access_level
    assert s3.granted == s3.total - 1


def test_notaction_star_grants_nothing_so_no_summary():
    result = summary.summarize(doc({"Effect": "Allow", "NotAction": "*", "Resource": "*"}))
    assert result.error == summary.CANNOT_SUMMARIZE


def test_notresource_is_all_resources_except():
    document = doc({"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::public/*"})
    assert row(summary.summarize(document), "S3", "Deny").resource == (
        "All resources except: arn:aws:s3:::public/*"
    )


def test_unrecognized_service_and_action():
    document = doc(allow(["codedploy:*", "s3:DeletObject", "s3:GetObject"], "*"))
    result = summary.summarize(document)
    assert [(u.prefix, u.actions) for u in result.unrecognized_services] == [("codedploy", ("codedploy:*",))]
    s3 = row(result, "S3")
    assert s3.unrecognized_actions == ("s3:DeletObject",)
    assert s3.access_level == "Limited: Read"
    assert result.warning == summary.SOME_NOT_GRANTED


def test_action_without_applicable_resource_grants_nothing():
    # ListAllMyBuckets does not support resource-level permissions: it needs "*".
    document = doc(allow("s3:ListAllMyBuckets", "arn:aws:s3:::my-bucket"))
    result = summary.summarize(document)
    s3 = row(result, "S3")
    assert s3.resource_warning == summary.NO_RESOURCES
    assert not s3.grants
    assert result.sections[0].count == 0
    assert result.warning == summary.NONE_GRANTED


def test_actions_without_resources_of_their_service():
    document = doc(allow("codecommit:*", "arn:aws:codebuild:us-east-1:111122223333:project/demo"))
    assert row(summary.summarize(document), "CodeCommit").resource_warning == summary.NO_RESOURCES


@pytest.mark.parametrize(
    "document",
    [
        '{"Version": "2012-10-17", "Statement": ',  # not JSON
        {
            "Statement": [
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}}
            ]
        },
        {"Statement": [{"Effect": "Maybe", "Action": "s3:*", "Resource": "*"}]},
    ],
)
def test_no_summary_for_malformed_or_principal_policies(document):
    assert summary.summarize(document).error == summary.CANNOT_SUMMARIZE


def test_json_text_and_dict_give_the_same_summary():
    document = doc(allow("s3:Get*", "arn:aws:s3:::b/*"))
    assert summary.summarize(json.dumps(document)) == summary.summarize(document)


def test_single_statement_object():
    document = {"Version": "2012-10-17", "Statement": allow("s3:GetObject")}
    assert row(summary.summarize(document), "S3").access_level == "Limited: Read"


@pytest.mark.parametrize(
    ("operator", "words"),
    [
        ("StringEquals", "string equals"),
        ("ArnLike", "arn like"),
        ("IpAddress", "ip address"),
        ("NumericLessThanEquals", "numeric less than equals"),
        ("BoolIfExists", "bool if exists"),
        ("ForAllValues:StringNotEquals", "for all values: string not equals"),
    ],
)
def test_operator_words(operator, words):
    assert summary.operator_words(operator) == words


@pytest.fixture(scope="module")
def aws_managed_documents():
    from policies.aws_managed.loader import read_data_file

    return {entry["name"]: entry["document"] for entry in read_data_file()}


def test_every_aws_managed_policy_has_a_summary(aws_managed_documents):
    for name, document in aws_managed_documents.items():
        result = summary.summarize(document)
        assert result.error is None, name
        assert result.sections or result.unrecognized_services, name


def test_aws_managed_policies_as_the_console_summarises_them(aws_managed_documents):
    admin = summary.summarize(aws_managed_documents["AdministratorAccess"])
    assert [(s.heading, s.count) for s in admin.sections] == [("Allow", ALL)]
    power = summary.summarize(aws_managed_documents["PowerUserAccess"])
    (allow,) = power.sections
    assert allow.notes == ("All services except: Account Management; IAM; Organizations",)
    assert row(power, "IAM").access_level.startswith("Limited")  # its second statement allows a few
    read_only = summary.summarize(aws_managed_documents["ReadOnlyAccess"])
    assert read_only.sections[0].count > 250
    assert "Write" not in row(read_only, "S3").access_level
    s3_read = summary.summarize(aws_managed_documents["AmazonS3ReadOnlyAccess"])
    # s3:AllowVendedLogDeliveryForResource is a Read action that Get*, List* and Describe* miss.
    assert catalog.action("s3:AllowVendedLogDeliveryForResource").access_level == "Read"
    assert [(r.name, r.access_level, r.resource, r.condition) for r in s3_read.rows] == [
        ("S3", "Full: List Limited: Read", "All resources", "None"),
        ("S3 Object Lambda", "Full: List, Read", "All resources", "None"),
    ]
