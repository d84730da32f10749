"""validate(): a document's verdict (would the service store it, and with which message?) and
Access Analyzer's findings."""

from policies.engine.jsonpos import JSONPosError, parse
from policies.engine.validation.checker import Checker
from policies.engine.validation.findings import json_finding
from policies.engine.validation.policy_types import check_type
from policies.engine.validation.refusals import json_refusal, refusal


def validate(text: str, policy_type: str = "managed", *, entity_name: str | None = None) -> dict:
    """IAM's verdict and Access Analyzer's findings for a policy document.

    `entity_name` names the user, group or role of an inline policy: IAM's size message
    ends with it ("... exceeded for user alice"); without it the message ends at the type.
    """
    check_type(policy_type)
    try:
        doc = parse(text)
    except JSONPosError as exc:
        return {"malformed": json_refusal(text, policy_type), "findings": [json_finding(text, exc)]}
    malformed = refusal(doc, policy_type, entity_name)
    findings = Checker(doc, policy_type).run()
    return {"malformed": malformed, "findings": findings}
