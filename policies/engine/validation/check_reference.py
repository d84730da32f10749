"""Access Analyzer's checks as the "IAM policy validation check reference" names them: each issue
code's finding type and findingDetails wording, and its learn-more link."""

# issue code -> (finding type, findingDetails template), from the check reference.
CHECKS: dict[str, tuple[str, str]] = {
    "ARN_ACCOUNT_NOT_ALLOWED": (
        "ERROR",
        "The service {service} does not support specifying an account ID in the resource ARN.",
    ),
    "ARN_REGION_NOT_ALLOWED": (
        "ERROR",
        "The service {service} does not support specifying a Region in the resource ARN.",
    ),
    "DATA_TYPE_MISMATCH": ("ERROR", "The text does not match the expected JSON data type {data_type}."),
    "DUPLICATE_KEYS_WITH_DIFFERENT_CASE": (
        "ERROR",
        "The condition key {key} appears more than once with different capitalization in the same "
        "condition block. Remove the duplicate condition keys.",
    ),
    "EMPTY_VARIABLE": (
        "ERROR",
        "Empty policy variable. Remove the ${{ }} variable structure or provide a variable within the structure.",
    ),
    "FEDERATED_PRINCIPAL_NOT_SUPPORTED": (
        "ERROR",
        "The policy type does not support a federated identity provider in the principal element. "
        "Use a supported principal.",
    ),
    "INVALID_ACTION": ("ERROR", "The action {action} does not exist."),
    "INVALID_ARN_ACCOUNT": (
        "ERROR",
        "The resource ARN account ID {account} is not valid. Provide a 12-digit account ID.",
    ),
    "INVALID_ARN_PREFIX": ("ERROR", "Add the required prefix (arn) to the resource ARN."),
    "INVALID_ARN_REGION": (
        "ERROR",
        "The Region {region} is not valid for this resource. Update the resource ARN to include a supported Region.",
    ),
    "INVALID_ARN_RESOURCE": (
        "ERROR",
        "Resource ARN does not match the expected ARN format. Update the resource portion of the ARN.",
    ),
    "INVALID_ARN_SERVICE_CASE": (
        "ERROR",
        "Update the service name {service} in the resource ARN to use all lowercase letters.",
    ),
    "INVALID_CONDITION_KEY_FORMAT": (
        "ERROR",
        "The condition key format is not valid. Use the format service:keyname.",
    ),
    "INVALID_CONDITION_MULTIPLE_BOOLEAN": (
        "ERROR",
        "The condition key does not support multiple Boolean values. Use a single Boolean value.",
    ),
    "INVALID_CONDITION_OPERATOR": (
        "ERROR",
        "The condition operator {operator} is not valid. Use a valid condition operator.",
    ),
    "INVALID_EFFECT": ("ERROR", "The effect {effect} is not valid. Use Allow or Deny."),
    "INVALID_GLOBAL_CONDITION_KEY": (
        "ERROR",
        "The condition key {key} does not exist. Use a valid condition key.",
    ),
    "INVALID_PARTITION": (
        "ERROR",
        "The resource ARN for the service {service} does not support the partition {partition}. "
        "Use the supported values: {partitions}",
    ),
    "INVALID_POLICY_ELEMENT": ("ERROR", "The policy element {element} is not valid."),
    "INVALID_PRINCIPAL_FORMAT": (
        "ERROR",
        "The Principal element contents are not valid. Specify a key-value pair in the Principal element.",
    ),
    "INVALID_PRINCIPAL_KEY": ("ERROR", "The principal key {principal_key} is not valid."),
    "INVALID_SERVICE": ("ERROR", "The service {service} does not exist. Use a valid service name."),
    "INVALID_SERVICE_CONDITION_KEY": (
        "ERROR",
        "The condition key {key} does not exist in the service {service}. Use a valid condition key.",
    ),
    "INVALID_SERVICE_IN_ACTION": ("ERROR", "The service {service} specified in the action does not exist."),
    "INVALID_VARIABLE_FOR_OPERATOR": (
        "ERROR",
        "Policy variables can only be used with String and ARN operators.",
    ),
    "INVALID_VERSION": (
        "ERROR",
        "The version {version} is not valid. Use one of the following versions: {versions}",
    ),
    "INVALID_VPC_FORMAT": (
        "ERROR",
        "The VPC identifier in the condition key value is not valid. Use the prefix 'vpc-' followed by 8 or "
        "17 alphanumeric characters.",
    ),
    "INVALID_VPCE_FORMAT": (
        "ERROR",
        "The VPCE identifier in the condition key value is not valid.  Use the prefix 'vpce-' followed by 8 "
        "or 17 alphanumeric characters.",
    ),
    "JSON_SYNTAX_ERROR": ("ERROR", "Fix the JSON syntax error at index {index} line {line} column {column}."),
    "MISMATCHED_ACTION_FOR_PRINCIPAL": (
        "ERROR",
        "The {action} action is invalid with the following principal(s): {principals}. Use a SAML provider "
        "principal with the sts:AssumeRoleWithSAML action or use an OIDC provider principal with the "
        "sts:AssumeRoleWithWebIdentity action. Ensure the provider is Federated if you use either of the two "
        "options.",
    ),
    "MISSING_ACTION": ("ERROR", "Add an Action or NotAction element to the policy statement."),
    "MISSING_ARN_ACCOUNT": (
        "ERROR",
        "The resource {resource} in the arn is missing an account id. Please provide a 12 digit account id.",
    ),
    "MISSING_ARN_FIELD": (
        "ERROR",
        "Resource ARNs must include at least {fields} fields in the following structure: "
        "arn:partition:service:region:account:resource",
    ),
    "MISSING_ARN_REGION": ("ERROR", "Add a Region to the {service} resource ARN."),
    "MISSING_BRACE_IN_VARIABLE": (
        "ERROR",
        "The policy variable is missing a closing curly brace. Add }} after the variable text.",
    ),
    "MISSING_EFFECT": (
        "ERROR",
        "Add an Effect element to the policy statement with a value of Allow or Deny.",
    ),
    "MISSING_PRINCIPAL": ("ERROR", "Add a Principal element to the policy statement."),
    "MISSING_QUALIFIER": (
        "ERROR",
        "The request context key {key} has multiple values. Use the ForAllValues or ForAnyValue condition key "
        "qualifiers in your policy.",
    ),
    "MISSING_QUOTE_IN_VARIABLE": (
        "ERROR",
        "The policy variable default value must begin and end with a single quote. Add the missing quote.",
    ),
    "MISSING_RESOURCE": ("ERROR", "Add a Resource or NotResource element to the policy statement."),
    "MISSING_STATEMENT": ("ERROR", "Add a statement to the policy"),
    "MISSING_TAG_KEY_IN_CONDITION": (
        "ERROR",
        "The condition key {key} must include a tag key to control access based on tags. Use the format "
        "{key}tag-key and specify a key name for tag-key.",
    ),
    "NULL_WITH_IF_EXISTS": (
        "ERROR",
        "The Null condition operator cannot be used with the IfExists suffix. Update the operator or the suffix.",
    ),
    "POLICY_SIZE_EXCEEDS_RCP_QUOTA": (
        "ERROR",
        "The {size} characters in the resource control policy (RCP) exceed the {quota} character maximum for "
        "RCPs. We recommend that you use multiple granular policies.",
    ),
    "POLICY_SIZE_EXCEEDS_SCP_QUOTA": (
        "ERROR",
        "The {size} characters in the service control policy (SCP) exceed the {quota} character maximum for "
        "SCPs. We recommend that you use multiple granular policies.",
    ),
    "PRIVATE_IP_ADDRESS": (
        "ERROR",
        "aws:SourceIp works only for public IP address ranges. The values for condition key aws:SourceIp include "
        "only private IP addresses and will not have the desired effect. Update the value to include only public "
        "IP addresses.",
    ),
    "PRIVATE_NOT_IP_ADDRESS": (
        "ERROR",
        "The values for condition key aws:SourceIp include only private IP addresses and has no effect. "
        "aws:SourceIp works only for public IP address ranges. Update the value to include only public IP "
        "addresses.",
    ),
    "RCP_SYNTAX_ERROR_ACTION": (
        "ERROR",
        "RCPs only support specifying select service prefixes in the Action element. Learn more here.",
    ),
    "RCP_SYNTAX_ERROR_ALLOW": (
        "ERROR",
        'RCPs only support specifying all principals ("*") in the Principal element, all resources ("*") in the '
        "Resource element, and no Condition element with an effect of Allow.",
    ),
    "RCP_SYNTAX_ERROR_NOTACTION": (
        "ERROR",
        "RCPs do not support the NotAction element. Update to use the Action element.",
    ),
    "RCP_SYNTAX_ERROR_PRINCIPAL": (
        "ERROR",
        'The Principal element contents are not valid. RCPs only support specifying all principals ("*") in the '
        "Principal element. The NotPrincipal element is not supported for RCPs.",
    ),
    "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL": (
        "ERROR",
        "Role trust policies do not support NotPrincipal. Update the policy to use a Principal element instead.",
    ),
    "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE": (
        "ERROR",
        "Role trust policies apply to the role that they are attached to. You cannot specify a resource. Remove "
        "the Resource or NotResource element.",
    ),
    "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL": (
        "ERROR",
        '"Principal:" "*" is not supported in the principal element of a role trust policy. Replace the wildcard '
        "with a valid principal value.",
    ),
    "SCP_SYNTAX_ERROR_PRINCIPAL": (
        "ERROR",
        "SCPs do not support specifying principals. Remove the Principal or NotPrincipal element.",
    ),
    "TYPE_MISMATCH_IP_RANGE": (
        "ERROR",
        "The condition operator {operator} is used with an invalid IP range value. Specify the IP range in "
        "standard CIDR format.",
    ),
    "UNIQUE_SIDS_REQUIRED": (
        "ERROR",
        "Duplicate statement IDs are not supported for this policy type. Update the Sid value.",
    ),
    "UNSUPPORTED_ACTION_FOR_CONDITION_KEY": (
        "ERROR",
        "The following actions: {actions} are not supported by the condition key {key}. The condition will not "
        "be evaluated for these actions. We recommend that you move these actions to a different statement "
        "without this condition key.",
    ),
    "UNSUPPORTED_ELEMENT_COMBINATION": (
        "ERROR",
        "The policy elements {element1} and {element2} can not be used in the same statement. Remove one of "
        "these elements.",
    ),
    "UNSUPPORTED_GLOBAL_CONDITION_KEY": (
        "ERROR",
        "The condition key aws:ARN is not supported. Use aws:PrincipalArn or aws:SourceArn instead.",
    ),
    "UNSUPPORTED_PRINCIPAL": (
        "ERROR",
        "The policy type {policy_type} does not support the Principal element. Remove the Principal element.",
    ),
    "UNSUPPORTED_SID": (
        "ERROR",
        "Update the characters in the Sid element to use one of the following character types: [a-z, A-Z, 0-9]",
    ),
    "UNSUPPORTED_SPACE_IN_VARIABLE": (
        "ERROR",
        "A space is not supported within the policy variable text. Remove the space.",
    ),
    "UNSUPPORTED_WILDCARD_IN_PRINCIPAL": (
        "ERROR",
        "Wildcards (*, ?) are not supported with the principal key {principal_key}. Replace the wildcard with a "
        "valid principal value.",
    ),
    "VARIABLE_UNSUPPORTED_IN_ELEMENT": (
        "ERROR",
        "Policy variables are supported in the Resource and Condition elements. Remove the policy variable "
        "{variable} from this element.",
    ),
    "VARIABLE_UNSUPPORTED_IN_VERSION": (
        "ERROR",
        "To include variables in your policy, use the policy version 2012-10-17 or later.",
    ),
    # General warnings (the API's findingType is WARNING).
    "CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE": (
        "WARNING",
        "Using NotAction with NotResource can allow creation of unintended service-linked roles because it allows "
        "iam:CreateServiceLinkedRole permissions on multiple resources. We recommend that you specify resource "
        "ARNs instead.",
    ),
    "CREATE_SLR_WITH_NOT_RESOURCE": (
        "WARNING",
        "Using the iam:CreateServiceLinkedRole action with NotResource can allow creation of unintended "
        "service-linked roles for multiple resources. We recommend that you specify resource ARNs instead.",
    ),
    "CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE": (
        "WARNING",
        "Using an action with a wildcard(*) and NotResource can allow creation of unintended service-linked roles "
        "because it can allow iam:CreateServiceLinkedRole permissions on multiple resources. We recommend that you "
        "specify resource ARNs instead.",
    ),
    "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE": (
        "WARNING",
        "Using wildcards (*) in the action and the resource can allow creation of unintended service-linked roles "
        "because it allows iam:CreateServiceLinkedRole permissions on all resources. We recommend that you specify "
        "resource ARNs instead.",
    ),
    "CREATE_SLR_WITH_STAR_IN_RESOURCE": (
        "WARNING",
        "Using the iam:CreateServiceLinkedRole action with wildcards (*) in the resource can allow creation of "
        "unintended service-linked roles. We recommend that you specify resource ARNs instead.",
    ),
    "CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION": (
        "WARNING",
        "Using a resource with wildcards (*) and NotAction can allow creation of unintended service-linked roles "
        "because it allows iam:CreateServiceLinkedRole permissions on all resources. We recommend that you specify "
        "resource ARNs instead.",
    ),
    "INVALID_DATE_VALUE": (
        "WARNING",
        "The date {date} might not resolve as expected. We recommend that you use the YYYY-MM-DD format.",
    ),
    "INVALID_ROLE_REFERENCE": (
        "WARNING",
        "The Principal element includes the IAM role ID {roleid}. We recommend that you use a role ARN instead.",
    ),
    "INVALID_USER_REFERENCE": (
        "WARNING",
        "The Principal element includes the IAM user ID {userid}. We recommend that you use a user ARN instead.",
    ),
    "MISSING_VERSION": (
        "WARNING",
        "We recommend that you specify the Version element to help you with debugging permission issues.",
    ),
    "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA": (
        "WARNING",
        "The {size} characters in the identity policy, excluding whitespace, exceed the {quota} character maximum "
        "for inline and managed policies. We recommend that you use multiple granular policies.",
    ),
    "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA": (
        "WARNING",
        "The characters in the role trust policy, excluding whitespace, exceed the character maximum. We recommend "
        "that you request a role trust policy length quota increase using Service Quotas and AWS Support Center. "
        "If the quotas have already been increased, then you can ignore this warning.",
    ),
    "TYPE_MISMATCH": (
        "WARNING",
        "Use the operator type {allowed} instead of operator {operator} for the condition key {key}.",
    ),
    "TYPE_MISMATCH_BOOLEAN": (
        "WARNING",
        "Add a valid Boolean value (true or false) for the condition operator {operator}.",
    ),
    "TYPE_MISMATCH_DATE": (
        "WARNING",
        "The date condition operator is used with an invalid value. Specify a valid date using YYYY-MM-DD or other "
        "ISO 8601 date/time format.",
    ),
    "TYPE_MISMATCH_NUMBER": ("WARNING", "Add a valid numeric value for the condition operator {operator}."),
    "TYPE_MISMATCH_STRING": (
        "WARNING",
        "Add a valid base64-encoded string value for the condition operator {operator}.",
    ),
    "UNIQUE_SIDS_RECOMMENDED": (
        "WARNING",
        "We recommend that you use statement IDs that are unique to your policy. Update the Sid value.",
    ),
    "WILDCARD_WITHOUT_LIKE_OPERATOR": (
        "WARNING",
        "Your condition value includes a * or ? character. If you meant to use a wildcard (*, ?), update the "
        "condition operator to include Like.",
    ),
    # Security warnings.
    "ALLOW_WITH_NOT_PRINCIPAL": (
        "SECURITY_WARNING",
        "Using Allow with NotPrincipal can be overly permissive. We recommend that you use Principal instead.",
    ),
    "DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE": (
        "SECURITY_WARNING",
        "Using the effect Deny with the tag condition key {key} and actions for services with the following "
        "prefixes can be overly permissive: {services}. Actions for the listed services are not denied by this "
        "statement. We recommend that you move these actions to a different statement without this condition key.",
    ),
    "FORALLVALUES_WITH_SINGLE_VALUED_KEY": (
        "SECURITY_WARNING",
        "Using ForAllValues qualifier with the single-valued condition key {key} can be overly permissive. We "
        "recommend that you remove ForAllValues:.",
    ),
    "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE": (
        "SECURITY_WARNING",
        "Using NotAction with NotResource can be overly permissive because it can allow iam:PassRole permissions "
        "on multiple resources.. We recommend that you specify resource ARNs instead.",
    ),
    "PASS_ROLE_WITH_NOT_RESOURCE": (
        "SECURITY_WARNING",
        "Using the iam:PassRole action with NotResource can be overly permissive because it can allow iam:PassRole "
        "permissions on multiple resources. We recommend that you specify resource ARNs instead.",
    ),
    "PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE": (
        "SECURITY_WARNING",
        "Using an action with a wildcard (*) and NotResource can be overly permissive because it can allow "
        "iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs instead.",
    ),
    "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE": (
        "SECURITY_WARNING",
        "Using wildcards (*) in the action and the resource can be overly permissive because it allows "
        "iam:PassRole permissions on all resources. We recommend that you specify resource ARNs or add the "
        "iam:PassedToService condition key to your statement.",
    ),
    "PASS_ROLE_WITH_STAR_IN_RESOURCE": (
        "SECURITY_WARNING",
        "Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive because it "
        "allows iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs or add "
        "the iam:PassedToService condition key to your statement.",
    ),
    "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION": (
        "SECURITY_WARNING",
        "Using a resource with wildcards (*) and NotAction can be overly permissive because it allows iam:PassRole "
        "permissions on all resources. We recommend that you specify resource ARNs or add the iam:PassedToService "
        "condition key to your statement.",
    ),
    # Suggestions.
    "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE": (
        "SUGGESTION",
        "Using the effect Allow with the tag condition key {key} and actions for services with the following "
        "prefixes does not affect the policy: {services}. Actions for the listed service are not allowed by this "
        "statement. We recommend that you move these actions to a different statement without this condition key.",
    ),
    "EMPTY_ARRAY_ACTION": (
        "SUGGESTION",
        "This statement includes no actions and does not affect the policy. Specify actions.",
    ),
    "EMPTY_ARRAY_CONDITION": (
        "SUGGESTION",
        "There are no values for the condition key {key} and it does not affect the policy. Specify conditions.",
    ),
    "EMPTY_ARRAY_CONDITION_FORALLVALUES": (
        "SUGGESTION",
        "The ForAllValues prefix with an empty condition key matches only if the key {key} is missing from the "
        "request context. To determine if the request context is empty, we recommend that you use the Null "
        "condition operator with the value of true instead.",
    ),
    "EMPTY_ARRAY_CONDITION_FORANYVALUE": (
        "SUGGESTION",
        "The ForAnyValue prefix with an empty condition key {key} never matches the request context and it does "
        "not affect the policy. Specify conditions.",
    ),
    "EMPTY_ARRAY_CONDITION_IFEXISTS": (
        "SUGGESTION",
        "The IfExists suffix with an empty condition key matches only if the key {key} is missing from the request "
        "context. To determine if the request context is empty, we recommend that you use the Null condition "
        "operator with the value of true instead.",
    ),
    "EMPTY_ARRAY_PRINCIPAL": (
        "SUGGESTION",
        "This statement includes no principals and does not affect the policy. Specify principals.",
    ),
    "EMPTY_ARRAY_RESOURCE": (
        "SUGGESTION",
        "This statement includes no resources and does not affect the policy. Specify resources.",
    ),
    "EMPTY_OBJECT_CONDITION": (
        "SUGGESTION",
        "This condition block is empty and it does not affect the policy. Specify conditions.",
    ),
    "EMPTY_OBJECT_PRINCIPAL": (
        "SUGGESTION",
        "This statement includes no principals and does not affect the policy. Specify principals.",
    ),
    "EMPTY_SID_VALUE": ("SUGGESTION", "Add a value to the empty string in the Sid element."),
    "IMPROVE_IP_RANGE": (
        "SUGGESTION",
        "The non-zero bits in the IP address after the masked bits are ignored. Replace address with {address}.",
    ),
    "NULL_WITH_QUALIFIER": (
        "SUGGESTION",
        "Avoid using the Null condition operator with the ForAllValues or ForAnyValue qualifiers because they "
        "always return a true or false respectively.",
    ),
    "PRIVATE_IP_ADDRESS_SUBSET": (
        "SUGGESTION",
        "The values for condition key aws:SourceIp include a mix of private and public IP addresses. The private "
        "addresses will not have the desired effect. aws:SourceIp works only for public IP address ranges. To "
        "define permissions for private IP ranges, use aws:VpcSourceIp.",
    ),
    "PRIVATE_NOT_IP_ADDRESS_SUBSET": (
        "SUGGESTION",
        "The values for condition key aws:SourceIp include a mix of private and public IP addresses. The private "
        "addresses have no effect. aws:SourceIp works only for public IP address ranges. To define permissions for "
        "private IP ranges, use aws:VpcSourceIp.",
    ),
    "REDUNDANT_ACTION": (
        "SUGGESTION",
        "The {count} action(s) are redundant because they provide similar permissions. Update the policy to remove "
        "the redundant action such as: {action}.",
    ),
    "REDUNDANT_CONDITION_VALUE_NUM": (
        "SUGGESTION",
        "Multiple values in {operator} are redundant. Replace with the {extreme} single value for {key}.",
    ),
    "REDUNDANT_RESOURCE": (
        "SUGGESTION",
        "The {count} resource ARN(s) are redundant because they reference the same resource. Review the use of "
        "wildcards (*)",
    ),
    "REDUNDANT_STATEMENT": (
        "SUGGESTION",
        "The statements are redundant because they provide identical permissions. Update the policy to remove the "
        "redundant statement.",
    ),
    "WILDCARD_IN_SERVICE_NAME": (
        "SUGGESTION",
        "Avoid using wildcards (*, ?) in the service name because it might grant unintended access to other AWS "
        "services with similar names.",
    ),
}

_LINK_KIND = {
    "ERROR": "error",
    "SECURITY_WARNING": "security-warning",
    "WARNING": "general-warning",
    "SUGGESTION": "suggestion",
}
_LINK = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"
# Checks whose category changed in the reference (TYPE_MISMATCH_IP_RANGE is an error now).
_LINK_SLUG = {"TYPE_MISMATCH_IP_RANGE": "error-type-mismatch-ip-range"}


def learn_more(code: str, finding_type: str) -> str:
    slug = _LINK_SLUG.get(code) or f"{_LINK_KIND[finding_type]}-{code.lower().replace('_', '-')}"
    return f"{_LINK}#access-analyzer-reference-policy-checks-{slug}"
