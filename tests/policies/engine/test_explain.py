"""AWS's access denied messages ("Troubleshoot access denied error messages") and answer objects."""

import pytest

from policies.engine import evaluate
from policies.engine.explain import explain_message

USER = "arn:aws:iam::123456789012:user/John"
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
DENY_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}

MESSAGE_ROWS = [
    (
        {"decision": "implicitDeny", "deniedBy": {"kind": "scp", "level": 0}},
        "codecommit:ListRepositories",
        "because no service control policy allows the codecommit:ListRepositories action",
    ),
    (
        {"decision": "explicitDeny", "deniedBy": {"kind": "scp", "level": 2}},
        "codecommit:ListRepositories",
        "with an explicit deny in a service control policy",
    ),
    (
        {"decision": "explicitDeny", "deniedBy": {"kind": "rcp", "level": 0}},
        "secretsmanager:GetSecretValue",
        "with an explicit deny in a resource control policy",
    ),
    (
        {"decision": "implicitDeny", "deniedBy": {"kind": "rcp", "level": 0}},
        "secretsmanager:GetSecretValue",
        "because no resource control policy allows the secretsmanager:GetSecretValue action",
    ),
    (
        {"decision": "implicitDeny", "deniedBy": {"kind": "identity"}},
        "codecommit:ListRepositories",
        "because no identity-based policy allows the codecommit:ListRepositories action",
    ),
    (
        {"decision": "explicitDeny", "deniedBy": {"kind": "identity"}},
        "codedeploy:ListDeployments",
        "with an explicit deny in an identity-based policy",
    ),
    (
        {"decision": "implicitDeny", "deniedBy": {"kind": "resource"}},
        "secretsmanager:GetSecretValue",
        "because no resource-based policy allows the secretsmanager:GetSecretValue action",
    ),
    (
        {"decision": "explicitDeny", "deniedBy": {"kind": "resource"}},
        "secretsmanager:GetSecretValue",
        "with an explicit deny in a resource-based policy",
    ),
    (
        {"decision": "implicitDeny", "deniedBy": {"kind": "permissionsBoundary"}},
        "codedeploy:ListDeployments",
        "because no permissions boundary allows the codedeploy:ListDeployments action",
    ),
    (
        {"decision": "explicitDeny", "deniedBy": {"kind": "permissionsBoundary"}},
        "sagemaker:ListModels",
        "with an explicit deny in a permissions boundary",
    ),
    (
        {"decision": "implicitDeny", "deniedBy": {"kind": "sessionPolicy"}},
        "codecommit:ListRepositories",
        "because no session policy allows the codecommit:ListRepositories action",
    ),
    (
        {"decision": "explicitDeny", "deniedBy": {"kind": "sessionPolicy"}},
        "codedeploy:ListDeployments",
        "with an explicit deny in a session policy",
    ),
    (
        {"decision": "implicitDeny", "deniedBy": {"kind": "resource"}},
        "sts:AssumeRole",
        "because no role trust policy allows the sts:AssumeRole action",
    ),
    (
        {"decision": "explicitDeny", "deniedBy": {"kind": "resource"}},
        "sts:AssumeRole",
        "with an explicit deny in the role trust policy",
    ),
]


@pytest.mark.parametrize(("decision", "action", "context"), MESSAGE_ROWS)
def test_messages_in_aws_words(decision, action, context):
    """User: ARN is not authorized to perform: ACTION <context>, for each policy type."""
    assert (
        explain_message(decision, action, USER)
        == f"User: {USER} is not authorized to perform: {action} {context}"
    )


def test_message_names_the_resource_when_given():
    """With a resource, AWS's message says `on resource: ARN` before the reason."""
    message = explain_message(
        {"decision": "explicitDeny", "deniedBy": {"kind": "identity"}},
        "codedeploy:ListDeployments",
        "arn:aws:iam::123456789012:role/HR",
        "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:*",
    )
    assert message == (
        "User: arn:aws:iam::123456789012:role/HR is not authorized to perform: codedeploy:ListDeployments "
        "on resource: arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:* "
        "with an explicit deny in an identity-based policy"
    )


def test_allowed_answers_have_no_message():
    """An allowed decision explains no denial."""
    assert explain_message({"decision": "allowed", "matched": []}, "s3:GetObject", USER) == ""


@pytest.mark.parametrize(
    ("request_fields", "reason"),
    [
        ({}, "because no identity-based policy allows the s3:GetObject action"),
        (
            {"identityPolicies": [ALLOW_ALL], "scps": [[]]},
            "because no service control policy allows the s3:GetObject action",
        ),
        (
            {"identityPolicies": [ALLOW_ALL], "permissionsBoundary": DENY_ALL},
            "with an explicit deny in a permissions boundary",
        ),
        (
            {"identityPolicies": [ALLOW_ALL], "resourceAccount": "444455556666"},
            "because no resource-based policy allows the s3:GetObject action",
        ),
    ],
)
def test_messages_for_evaluated_answers(request_fields, reason):
    """explain_message reads the answers evaluate() gives."""
    answer = evaluate(
        {"principal": USER, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", **request_fields}
    )
    assert explain_message(answer, "s3:GetObject", USER).endswith(reason)


def test_answer_shape_for_a_denial():
    """An implicit deny answer: decision, empty matched, deniedBy, missingContextValues."""
    answer = evaluate(
        {"id": "x", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "scps": [[ALLOW_ALL], []]}
    )
    assert answer == {
        "id": "x",
        "decision": "implicitDeny",
        "matched": [],
        "deniedBy": {"kind": "scp", "level": 1},
        "missingContextValues": [],
    }


def test_answer_shape_for_an_allow():
    """An allowed answer has no deniedBy."""
    answer = evaluate(
        {"id": "y", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "identityPolicies": [ALLOW_ALL]}
    )
    assert answer == {
        "id": "y",
        "decision": "allowed",
        "matched": [{"policy": "identityPolicies[0]", "statement": 0, "sid": None, "effect": "Allow"}],
        "missingContextValues": [],
    }
