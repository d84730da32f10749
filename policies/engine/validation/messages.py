"""IAM's refusals, word for word: the messages IAM, Organizations and S3 answer when they refuse to
store a document (the `malformed` of validate()). Their provenance is noted next to each."""

# Verbatim from IAM error responses (moto's and LocalStack's validators, which copy them,
# and users' reports of real errors).
SYNTAX = "Syntax errors in policy."
VERSION = "Policy document must be version 2012-10-17 or greater."
LEGACY = "The policy failed legacy parsing"
SID_UNIQUE = "Statement IDs (SID) in a single policy must be unique."
SID_ALNUM = (
    "Statement IDs (SID) must be alpha-numeric. "
    "Check that your input satisfies the regular expression [0-9A-Za-z]*"
)
NO_ACTIONS = "Policy statement must contain actions."
NO_RESOURCES = "Policy statement must contain resources."
NO_VENDOR = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
ONE_COLON = "Actions/Condition can contain only one colon."
NO_PRINCIPAL_ALLOWED = "Policy document should not specify a principal."
RESOURCE_NOT_ARN = 'Resource {resource} must be in ARN format or "*".'
BAD_PARTITION = 'Partition "{partition}" is not valid for resource "{arn}".'
VENDOR_REGEX = "Resource vendor must be fully qualified and cannot contain regexes."
IAM_REGION = "IAM resource {resource} cannot contain region information."
S3_REGION = "Resource {resource} can not contain region information."
IAM_PATHS = (
    "user/",
    "federated-user/",
    "role/",
    "group/",
    "instance-profile/",
    "mfa/",
    "server-certificate/",
    "policy/",
    "sms-mfa/",
    "saml-provider/",
    "oidc-provider/",
    "report/",
    "access-report/",
)
IAM_PATH = 'IAM resource path must either be "*", root, or start with {values}.'
# Trust policies (CreateRole / UpdateAssumeRolePolicy).
TRUST_JSON = "This policy contains invalid Json"
TRUST_RESOURCE = "Has prohibited field Resource"
TRUST_NOT_RESOURCE = "AssumeRole policy must not contain resources."  # not confirmed verbatim
TRUST_NOT_PRINCIPAL = "AssumeRole policy must not contain NotPrincipal field."  # not confirmed
TRUST_ACTIONS = "AssumeRole policy may only specify STS AssumeRole actions."
TRUST_NO_PRINCIPAL = (
    "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: "
    "The passed in policy has a statement with no principals!"
)
TRUST_STAR = 'AssumeRolepolicy contained an invalid principal: "STAR":"*".'
BAD_PRINCIPAL = 'Invalid principal in policy: "{key}":"{value}"'
# Size quotas (LimitExceeded).
SIZE_MANAGED = "Cannot exceed quota for PolicySize: {limit}"
SIZE_INLINE = "Maximum policy size of {limit} bytes exceeded for {entity}"
SIZE_TRUST = "Cannot exceed quota for ACLSizePerRole: {limit}"
# IAM's parameter constraint on PolicyDocument (a ValidationError, not MalformedPolicyDocument).
CHARSET = (
    "1 validation error detected: Value at 'policyDocument' failed to satisfy constraint: "
    "Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+"
)
MAX_DOCUMENT = 131072
TOO_LONG = (
    "1 validation error detected: Value at 'policyDocument' failed to satisfy constraint: "
    "Member must have length less than or equal to 131072"
)
# Organizations (SCPs and RCPs).
ORG_MALFORMED = "The provided policy document does not meet the requirements of the specified policy type."
ORG_SIZE = "You have exceeded the maximum policy size."
# Amazon S3 bucket policies stand for "resource" policies (MalformedPolicy).
S3_FIRST_BYTE = "Policies must be valid JSON and the first byte must be '{'"
S3_INVALID_JSON = "This policy contains invalid Json"
S3_VERSION = "The policy must contain a valid version string"
S3_EMPTY = "Could not parse the policy: Statement is empty!"
S3_NO_STATEMENT = "Missing required field Statement"
S3_MISSING = "Missing required field {field}"
S3_ACTION = "Policy has invalid action"
S3_RESOURCE = "Policy has invalid resource"
S3_PRINCIPAL = "Invalid principal in policy"
