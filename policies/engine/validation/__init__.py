"""Validate a policy document as IAM and IAM Access Analyzer would.

`validate(text, policy_type)` answers two questions, as the contract asks:

* ``malformed`` - would the service refuse to store the document, and with which message?
  IAM answers with MalformedPolicyDocument (or LimitExceeded for size), Organizations with
  MalformedPolicyDocumentException / ConstraintViolationException, S3 with MalformedPolicy.
  Only this refuses a save. The refusal layer follows the order of IAM's own checks as
  observed by moto and LocalStack, whose validators were written against real IAM
  responses (syntax, version, legacy parsing, Sid uniqueness, actions, ARN formats,
  vendor prefixes, resources), then the size quota.
* ``findings`` - what Access Analyzer's ValidatePolicy would report: issue codes, finding
  types and details as the "IAM policy validation check reference" names them, and
  locations whose spans follow its Position type (line from 1, column from 0, offset
  from 0, end exclusive; a span covers the value at the end of the path).

Message provenance is noted next to each constant; the module docstring of the tests
lists which ones are confirmed verbatim and which are not.

The modules, each importing only those below it:

    cli               `python -m policies.engine validate`: main()
    verdict           validate(): the refusal and the findings of one document
    refusals          would IAM, Organizations or S3 store it? (the `malformed` message)
    checker           Access Analyzer's checks of the document, statements, principals,
                      actions and resources, per policy type
    condition_checks  Access Analyzer's checks of Condition blocks
    findings          a finding's shape and location; Findings collects a document's
    check_reference   issue codes: finding type, wording, learn-more link (CHECKS)
    messages          IAM's, Organizations' and S3's refusal messages, word for word
    policy_types      the policy types and their size quotas
    vocabulary        partitions, condition operators, trust actions, known providers
    values            wildcards, globs and dates as both layers read them

The element names and versions of the grammar are policies.engine.grammar's.
"""

from policies.engine.validation.check_reference import CHECKS
from policies.engine.validation.cli import main
from policies.engine.validation.policy_types import POLICY_TYPES, SIZE_LIMITS, size_for_quota
from policies.engine.validation.verdict import validate

__all__ = ["CHECKS", "POLICY_TYPES", "SIZE_LIMITS", "main", "size_for_quota", "validate"]
