"""The trust policy the create role wizard writes for the trusted entity chosen on its first step
(an AWS service, an AWS account, a web identity or SAML 2.0 provider, or a custom document), and the
choices that step offers. Reads the account's identity providers; writes nothing."""

import json
import re

from aws.errors import ValidationError
from policies.models import OpenIDConnectProvider, SAMLProvider

# The console's common use cases: (label, service principal, the description it proposes).
AWS_SERVICES = [
    ("EC2", "ec2.amazonaws.com", "Allows EC2 instances to call AWS services on your behalf."),
    ("Lambda", "lambda.amazonaws.com", "Allows Lambda functions to call AWS services on your behalf."),
    (
        "Elastic Container Service Task",
        "ecs-tasks.amazonaws.com",
        "Allows ECS tasks to call AWS services on your behalf.",
    ),
    (
        "Elastic Container Service",
        "ecs.amazonaws.com",
        "Allows ECS to create and manage AWS resources on your behalf.",
    ),
    ("API Gateway", "apigateway.amazonaws.com", "Allows API Gateway to push logs to CloudWatch Logs."),
    (
        "CloudFormation",
        "cloudformation.amazonaws.com",
        "Allows CloudFormation to create and manage AWS stacks and resources on your behalf.",
    ),
    ("CodeBuild", "codebuild.amazonaws.com", "Allows CodeBuild to call AWS services on your behalf."),
    (
        "CodePipeline",
        "codepipeline.amazonaws.com",
        "Allows CodePipeline to call AWS services on your behalf.",
    ),
    ("EventBridge", "events.amazonaws.com", "Allows EventBridge to call AWS services on your behalf."),
    (
        "Step Functions",
        "states.amazonaws.com",
        "Allows Step Functions to access AWS resources on your behalf.",
    ),
    ("Glue", "glue.amazonaws.com", "Allows Glue to call AWS services on your behalf."),
    (
        "SageMaker",
        "sagemaker.amazonaws.com",
        "Allows SageMaker notebook instances, training jobs, and models to access S3, ECR, and CloudWatch on your behalf.",
    ),
    ("Systems Manager", "ssm.amazonaws.com", "Allows Systems Manager to call AWS services on your behalf."),
    (
        "Elastic Beanstalk",
        "elasticbeanstalk.amazonaws.com",
        "Allows Elastic Beanstalk to call AWS services on your behalf.",
    ),
    (
        "EKS - Cluster",
        "eks.amazonaws.com",
        "Allows access to other AWS service resources that are required to operate clusters managed by EKS.",
    ),
    ("Batch", "batch.amazonaws.com", "Allows Batch to call AWS services on your behalf."),
    ("Redshift", "redshift.amazonaws.com", "Allows Redshift clusters to call AWS services on your behalf."),
    ("Firehose", "firehose.amazonaws.com", "Allows Firehose to call AWS services on your behalf."),
]
# Web identity providers IAM knows without an OIDC provider resource: (label, Federated value).
WELL_KNOWN_WEB_PROVIDERS = [
    ("Amazon Cognito", "cognito-identity.amazonaws.com"),
    ("Login with Amazon", "www.amazon.com"),
    ("Facebook", "graph.facebook.com"),
    ("Google", "accounts.google.com"),
]
SAML_ATTRIBUTES = [
    "SAML:aud",
    "SAML:iss",
    "SAML:sub",
    "SAML:sub_type",
    "SAML:edupersonorgdn",
    "SAML:namequalifier",
]
SAML_CONSOLE_AUDIENCE = "https://signin.aws.amazon.com/saml"


def _statement(principal, action, condition=None):
    statement = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition:
        statement["Condition"] = condition
    return statement


def build_trust_policy(draft, account):
    """The trust policy the console writes for the chosen trusted entity, or a ValidationError."""
    kind = draft["entity_type"]
    if kind == "custom":
        return draft["custom_policy"]
    if kind == "service":
        if draft["service"] not in {principal for _, principal, _ in AWS_SERVICES}:
            raise ValidationError("Choose a service or use case.")
        statement = _statement({"Service": draft["service"]}, "sts:AssumeRole")
    elif kind == "account":
        account_id = account.id if draft["account_choice"] == "this" else draft["account_id"].strip()
        if not re.fullmatch(r"[0-9]{12}", account_id):
            raise ValidationError("Enter a valid 12-digit AWS account ID.")
        condition = {}
        if draft["require_external_id"]:
            if not draft["external_id"].strip():
                raise ValidationError("Enter an external ID.")
            condition["StringEquals"] = {"sts:ExternalId": draft["external_id"].strip()}
        if draft["require_mfa"]:
            condition["Bool"] = {"aws:MultiFactorAuthPresent": "true"}
        statement = _statement({"AWS": f"arn:aws:iam::{account_id}:root"}, "sts:AssumeRole", condition)
    elif kind == "web_identity":
        federated = draft["web_provider"]
        known = {value for _, value in WELL_KNOWN_WEB_PROVIDERS}
        if federated not in known:
            provider = OpenIDConnectProvider.objects.filter(account=account, url=federated).first()
            if provider is None:
                raise ValidationError("Choose an identity provider.")
            federated = provider.arn
            key = f"{provider.url}:aud"
        else:
            key = f"{federated}:aud"
        if not draft["audience"].strip():
            raise ValidationError("Enter an audience.")
        statement = _statement(
            {"Federated": federated},
            "sts:AssumeRoleWithWebIdentity",
            {"StringEquals": {key: draft["audience"].strip()}},
        )
    elif kind == "saml":
        provider = SAMLProvider.objects.filter(account=account, name=draft["saml_provider"]).first()
        if provider is None:
            raise ValidationError("Choose a SAML 2.0 based provider.")
        if draft["saml_access"] == "console":
            condition = {"StringEquals": {"SAML:aud": SAML_CONSOLE_AUDIENCE}}
            actions = ["sts:AssumeRoleWithSAML", "sts:TagSession"]
        else:
            if draft["saml_attribute"] not in SAML_ATTRIBUTES or not draft["saml_value"].strip():
                raise ValidationError("Choose an attribute and enter a value.")
            condition = {"StringEquals": {draft["saml_attribute"]: draft["saml_value"].strip()}}
            actions = ["sts:AssumeRoleWithSAML", "sts:TagSession"]
        statement = _statement({"Federated": provider.arn}, actions, condition)
    else:
        raise ValidationError("Choose a trusted entity type.")
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, indent=4)


def service_description(service):
    """The description the console proposes for a role a service assumes."""
    return next((description for _, principal, description in AWS_SERVICES if principal == service), "")
