"""The visual editor's state <-> JSON mapping and the "cannot show" decision (no database)."""

import json

import pytest

from policies import visual
from policies.engine import catalog


def doc(*statements, version="2012-10-17"):
    return {"Version": version, "Statement": list(statements)}


SHOWABLE = [
    doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}),
    doc(
        {
            "Sid": "VisualEditor0",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:Get*", "s3:ListBucket"],
            "Resource": ["arn:aws:s3:::my-bucket", "arn:aws:s3:::my-bucket/*"],
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        }
    ),
    doc(
        {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
        {
            "Sid": "NoDeletes",
            "Effect": "Deny",
            "Action": "s3:Delete*",
            "Resource": "*",
            "Condition": {
                "IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.7/32"]},
                "StringLike": {"s3:prefix": "home/*", "aws:PrincipalTag/team": ["a", "b"]},
            },
        },
    ),
    doc({"Effect": "Allow", "Action": ["ec2:*"], "Resource": ["*"]}),
    doc(
        {"Effect": "Allow", "Action": "iam:ChangePassword", "Resource": "arn:aws:iam::*:user/${aws:username}"}
    ),
    doc(
        {
            "Effect": "Allow",
            "Action": "logs:PutLogEvents",
            "Resource": "arn:aws:logs:*:111122223333:log-group:*",
        },
        version="2008-10-17",
    ),
    {
        "Version": "2012-10-17",
        "Id": "keep",
        "Statement": {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"},
    },
]


def normalized(document):
    """The document with its Statement as a list, as the editor writes it back."""
    out = dict(document)
    if isinstance(out["Statement"], dict):
        out["Statement"] = [out["Statement"]]
    return out


@pytest.mark.parametrize("document", SHOWABLE)
def test_round_trip_json_state_json(document):
    state, reason = visual.state_from_document(document)
    assert reason is None
    assert visual.document_from_state(state) == normalized(document)
    # And through the JSON text, as the tabs exchange it.
    again, _ = visual.state_from_document(visual.document_json(state))
    assert visual.document_from_state(again) == normalized(document)


@pytest.mark.parametrize(
    ("document", "why"),
    [
        (doc({"Effect": "Allow", "Action": "*", "Resource": "*"}), "statement 1 names more than one service"),
        (
            doc({"Effect": "Allow", "Action": ["s3:*", "ec2:*"], "Resource": "*"}),
            "statement 1 names more than one service",
        ),
        (
            doc({"Effect": "Allow", "Action": "code*:*", "Resource": "*"}),
            "statement 1 names more than one service",
        ),
        (doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}), "statement 1 uses NotAction"),
        (
            doc({"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::a"}),
            "statement 1 uses NotResource",
        ),
        (
            doc(
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}}
            ),
            "statement 1 uses Principal",
        ),
        (
            doc(
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
                {"Effect": "Allow", "Action": "s3:DeletObject", "Resource": "*"},
            ),
            "statement 2 names an unrecognized action: s3:DeletObject",
        ),
        (
            doc({"Effect": "Allow", "Action": "codedploy:*", "Resource": "*"}),
            "statement 1 names an unrecognized service: codedploy",
        ),
        (
            doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:ec2:*:*:instance/*"}),
            "statement 1 names a resource of no S3 resource type: arn:aws:ec2:*:*:instance/*",
        ),
        (doc({"Effect": "Allow", "Action": "s3:GetObject"}), "statement 1 has no Resource"),
        ('{"Statement": [', None),
    ],
)
def test_documents_the_visual_editor_cannot_show(document, why):
    state, reason = visual.state_from_document(document)
    assert state is None
    if why:
        assert reason == why
    message = visual.unsupported_reason(document)
    assert message.startswith("The visual editor can't show this policy: ")
    assert message.endswith("Edit it in the JSON editor.")


def test_showable_document_has_no_reason():
    assert visual.unsupported_reason(SHOWABLE[0]) is None


def test_new_blocks_write_console_sids_and_single_values_as_strings():
    state = visual.EditorState(blocks=[visual.Block(sid="VisualEditor0", service="s3")])
    visual.set_block_actions(state.blocks[0], {"getobject"})
    state.blocks[0].resources = ["arn:aws:s3:::my-bucket/*"]
    state.blocks[0].conditions = [visual.Condition("Bool", "aws:MultiFactorAuthPresent", ["true"])]
    assert json.loads(visual.document_json(state)) == doc(
        {
            "Sid": "VisualEditor0",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::my-bucket/*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        }
    )


def test_blocks_without_service_or_actions_are_left_out():
    state = visual.EditorState(blocks=[visual.Block(), visual.Block(service="s3")])
    assert visual.document_from_state(state) == {"Version": "2012-10-17", "Statement": []}


@pytest.mark.parametrize(
    ("before", "selected", "after"),
    [
        (["s3:Get*"], "every s3 action", ["s3:*"]),
        ([], {"getobject", "putobject"}, ["s3:GetObject", "s3:PutObject"]),
        # A wildcard stays while all its actions stay chosen...
        (["s3:List*"], "list plus getobject", ["s3:List*", "s3:GetObject"]),
        # ...and is written out when one of them is unticked.
        (["s3:*"], {"getobject", "putobject"}, ["s3:GetObject", "s3:PutObject"]),
        (["s3:GetObject"], set(), []),
    ],
)
def test_set_block_actions(before, selected, after):
    svc = catalog.service("s3")
    if selected == "every s3 action":
        selected = set(svc.actions)
    elif selected == "list plus getobject":
        selected = {low for low, a in svc.actions.items() if a.name.startswith("List")} | {"getobject"}
    block = visual.Block(service="s3", actions=list(before))
    visual.set_block_actions(block, selected)
    assert block.actions == after
    assert visual.block_actions(block) == selected


def test_unticking_one_action_of_a_wildcard():
    block = visual.Block(service="s3", actions=["s3:Get*"])
    chosen = visual.block_actions(block) - {"getobject"}
    visual.set_block_actions(block, chosen)
    assert "s3:Get*" not in block.actions and "s3:GetObject" not in block.actions
    assert visual.block_actions(block) == chosen


def test_resource_types_for_the_chosen_actions():
    block = visual.Block(service="s3", actions=["s3:GetObject", "s3:ListBucket"])
    names = [rtype.name for rtype, _ in visual.resource_types_for_block(block)]
    assert "bucket" in names and "object" in names
    assert not visual.needs_all_resources(block)
    block.actions.append("s3:ListAllMyBuckets")
    assert visual.needs_all_resources(block)


@pytest.mark.parametrize(
    ("pattern", "values", "arn"),
    [
        (
            "arn:${Partition}:s3:::${BucketName}/${ObjectName}",
            {"BucketName": "b", "ObjectName": "k/*"},
            "arn:aws:s3:::b/k/*",
        ),
        ("arn:${Partition}:s3:::${BucketName}/${ObjectName}", {}, "arn:aws:s3:::*/*"),
        (
            "arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}",
            {"Region": "us-east-1", "Account": "111122223333"},
            "arn:aws:ec2:us-east-1:111122223333:instance/*",
        ),
    ],
)
def test_build_arn_and_read_it_back(pattern, values, arn):
    assert visual.build_arn(pattern, values) == arn
    read = dict(visual.arn_fields_of(arn, pattern))
    for name in visual.arn_fields(pattern):
        if name != "Partition":
            assert read[name] == (values.get(name) or "*")


@pytest.mark.parametrize(
    ("arn", "rtype"),
    [
        ("arn:aws:s3:::my-bucket", "bucket"),
        ("arn:aws:s3:::my-bucket/*", "object"),
        ("arn:aws:s3:::*/*", "object"),
        ("arn:aws:ec2:*:*:instance/*", None),
    ],
)
def test_resource_type_of_arn(arn, rtype):
    found = visual.resource_type_of_arn(arn, "s3")
    assert (found.name if found else None) == rtype


@pytest.mark.parametrize(
    ("arn", "prefix", "rtype", "arn_format"),
    [
        # Lex's bot has two formats (v2, then v1); an ARN of either is a bot, told in its own format.
        (
            "arn:aws:lex:us-east-1:111122223333:bot/BOTID12345",
            "lex",
            "bot",
            "arn:${Partition}:lex:${Region}:${Account}:bot/${BotId}",
        ),
        (
            "arn:aws:lex:us-east-1:111122223333:bot:OrderFlowers",
            "lex",
            "bot",
            "arn:${Partition}:lex:${Region}:${Account}:bot:${BotName}",
        ),
        (
            "arn:aws:apigateway:us-east-1::/restapis/a1b2/stages/prod",
            "apigateway",
            "Stage",
            "arn:${Partition}:apigateway:${Region}::/restapis/${RestApiId}/stages/${StageName}",
        ),
    ],
)
def test_resource_type_of_an_arn_in_a_second_arn_format(arn, prefix, rtype, arn_format):
    assert visual.resource_type_of_arn(arn, prefix).name == rtype
    assert visual.arn_format_of(arn, prefix) == (catalog.service(prefix).resource_types[rtype], arn_format)


@pytest.mark.parametrize(
    ("prefix", "label"),
    [("s3", "S3"), ("ec2", "EC2"), ("iam", "IAM"), ("logs", "CloudWatch Logs"), ("nope", "nope")],
)
def test_service_label(prefix, label):
    assert visual.service_label(prefix) == label


def test_every_aws_managed_policy_the_editor_can_show_round_trips():
    from policies.aws_managed.loader import read_data_file

    shown = 0
    for entry in read_data_file():
        state, reason = visual.state_from_document(entry["document"])
        if state is None:
            assert reason, entry["name"]
            continue
        shown += 1
        assert visual.document_from_state(state) == normalized(json.loads(entry["document"])), entry["name"]
    assert shown > 500  # most AWS managed policies are single-service statements
