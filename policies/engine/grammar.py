"""The names of the IAM policy grammar that the parser, the validator and the AWS managed policy
loader share ("Grammar of the IAM JSON policy language", "IAM JSON policy element reference").

Orders are AWS's: elements in the order the reference and the console's JSON tab print them (the
loader writes documents in it), versions as Access Analyzer lists them in INVALID_VERSION's message.
"""

VERSIONS = ("2008-10-17", "2012-10-17")
TOP_LEVEL_ELEMENTS = ("Version", "Id", "Statement")
STATEMENT_ELEMENTS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
