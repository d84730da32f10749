"""Why each of moto's tests that fails against this project fails: bench/moto_suite.py reads this table
to say how many failures are this project's gaps and how many are moto's own leniency or wording (where
AWS's behaviour wins, as the issue asks) or another AWS service. Each entry: a verdict, one line of
evidence, and the names of moto's tests (fnmatch patterns on the name after `::`) it covers.

A test named here that passes is simply counted as passed; a failing test named nowhere is "not
classified" and printed, so a new failure is never hidden behind an old verdict.
"""

AWS_WINS = "AWS wins"
OUT_OF_SCOPE = "another service or partition"
UNCONFIRMED = "AWS's wording unconfirmed"

VERDICTS = {
    "test_iam": [
        (
            AWS_WINS,
            "a trust policy that is not a JSON policy ('some policy', '{}', 'example'): IAM answers MalformedPolicyDocument",
            [
                "test_get_role__should_contain_last_used",
                "test_delete_instance_profile",
                "test_delete_role",
                "test_create_role_defaults",
                "test_create_role_with_tags",
                "test_tag_role",
                "test_untag_role",
                "test_update_role_description",
                "test_update_role",
                "test_update_role_defaults",
                "test_list_entities_for_policy",
                "test_create_role_no_path",
                "test_create_role_with_permissions_boundary*",
                "test_create_role_with_same_name_should_fail",
                "test_list_roles_with_more_than_100_roles_no_max_items_defaults_to_100",
                "test_list_roles_max_item_and_marker_values_adhered",
                "test_list_roles_path_prefix_value_adhered",
                "test_list_roles",
                "test_attach_detach_role_policy",
                "test_only_detach_role_policy",
                "test_mark_role_as_last_used",
                "test_iam_cloudformation_create_managed_policy_attached_to_a_role",
                "test_iam_cloudformation_*_role_policy*",
            ],
        ),
        (
            AWS_WINS,
            "a path without its slashes ('my-path', 'myUser', '/path', 'my/path'): botocore's pattern "
            "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F) refuses it",
            [
                "test_create_role_and_instance_profile",
                "test_remove_role_from_instance_profile",
                "test_list_instance_profiles",
                "test_list_instance_profiles_for_role",
                "test_list_role_policies",
                "test_put_role_policy",
                "test_get_role_policy",
                "test_update_assume_role_*",
                "test_list_users",
                "test_update_group_name_that_has_a_path",
                "test_update_group_path",
                "test_invoking_ec2_mark_access_key_as_used",
            ],
        ),
        (
            AWS_WINS,
            "moto's own message wording where IAM's differs ('Group my-group not found' for IAM's 'The group "
            "with name my-group cannot be found.', 'already exists' without 'with name', double quotes)",
            [
                "test_create_group",
                "test_get_group",
                "test_add_user_to_unknown_group",
                "test_remove_user_from_unknown_group",
                "test_update_group_with_existing_name",
                "test_create_user",
                "test_get_role__should_throw__when_role_does_not_exist",
                "test_get_instance_profile__should_throw__when_instance_profile_does_not_exist",
                "test_delete_service_linked_role",
                "test_create_open_id_connect_provider_errors",
                "test_create_open_id_connect_provider_multiple_errors",
                "test_create_policy_with_invalid_policy_document[[]invalid_policy_document35[]]",
            ],
        ),
        (
            UNCONFIRMED,
            "a message no AWS transcript shows; the project keeps IAM's usual form",
            [
                "test_get_group_policy",
                "test_remove_nonattached_user_from_group",
                "test_add_unknown_user_to_group",
            ],
        ),
        (
            AWS_WINS,
            "an OpenID Connect provider at an http:// URL: IAM documents that the URL must begin with https://",
            [
                "test_create_open_id_connect_provider",
                "test_list_open_id_connect_providers",
                "test_create_open_id_connect_provider_too_many_entries",
                "test_create_open_id_connect_provider_quota_error",
            ],
        ),
        (
            AWS_WINS,
            "more tags than IAM's 50 per resource",
            ["test_list_open_id_connect_provider_tags__paginated"],
        ),
        (
            AWS_WINS,
            "a policy document IAM refuses: Sid with underscores, a null in Resource",
            [
                "test_create_policy_with_valid_policy_document[[]valid_policy_document39[]]",
                "test_create_policy_with_valid_policy_document[[]valid_policy_document40[]]",
                "test_create_policy_with_valid_policy_document[[]valid_policy_document41[]]",
            ],
        ),
        (
            AWS_WINS,
            "a certificate body that is not a PEM certificate ('certbody'): IAM answers MalformedCertificate",
            [
                "test_get_all_server_certs",
                "test_get_server_cert",
                "test_delete_server_cert",
                "test_get_server_cert_with_certificate_chain",
            ],
        ),
        (
            AWS_WINS,
            "the credential report is kept four hours, as IAM keeps it (the test's own docstring says it "
            "cannot be checked against AWS)",
            ["test_retrieve_cert_details_using_credentials_report"],
        ),
        (
            OUT_OF_SCOPE,
            "CloudFormation (CreateStack), S3 (CreateBucket) or AWS Config: other services",
            [
                "test_iam_cloudformation_*",
                "test_delete_cfn_stack_with_policy_attached_to_role",
                "test_iam_roles",
                "test_delete_instance_profile_with_existing_role",
                "test_role_config_client",
                "test_policy_config_client",
            ],
        ),
        (
            AWS_WINS,
            "a password under IAM's default policy (no custom policy: 8 characters or more, three of the four "
            "kinds; IAM User Guide, 'Set an account password policy'): 'my-pass', 'Password', '123'",
            [
                "test_get_login_profile",
                "test_update_login_profile",
                "test_delete_login_profile",
                "test_create_login_profile__duplicate",
                "test_get_credential_report_content",
            ],
        ),
        (
            AWS_WINS,
            "PolicyVersion's Document is in GetPolicyVersion and GetAccountAuthorizationDetails only, not in "
            "CreatePolicyVersion or ListPolicyVersions (API reference, PolicyVersion data type)",
            ["test_create_policy_versions", "test_set_default_policy_version", "test_list_policy_versions"],
        ),
        (
            AWS_WINS,
            "a validation message with moto's final period: IAM's ends without one ('…Member must have length less "
            "than or equal to 50', AWS-recorded in LocalStack's tests/aws/services/iam/test_iam_roles.snapshot.json)",
            [
                "test_create_policy_with_too_many_tags",
                "test_create_policy_with_tag_containing_large_*",
                "test_updating_existing_tagged_policy_with_*",
                "test_untag_policy",
            ],
        ),
        (
            AWS_WINS,
            "a marker moto made up ('1', '10'): IAM's markers are opaque and one it did not issue is 'Invalid "
            "Marker.' (AWS-recorded in LocalStack's test_iam_mfa.snapshot.json)",
            [
                "test_list_policy_tags_pagination",
                "test_list_virtual_mfa_devices",
                "test_list_roles_none_found_returns_empty_list",
            ],
        ),
        (
            AWS_WINS,
            "GetUser as the root user answers no UserName (aws-vault #152, grycap/scar #181); moto expects its "
            "own 'default_user'",
            ["test_get_current_user"],
        ),
        (
            AWS_WINS,
            "moto's wording where AWS's is recorded (LocalStack's AWS-recorded snapshots): 'Login Profile for User "
            "my-user cannot be found.', 'MFA device already exists.', 'MFA Device with serial number … does not "
            "exist.', single quotes in validation errors",
            [
                "test_delete_nonexistent_login_profile",
                "test_create_virtual_mfa_device_errors",
                "test_delete_virtual_mfa_device_errors",
                "test_update_account_password_policy_errors",
            ],
        ),
        (
            AWS_WINS,
            "an IAM user without policies is refused what its keys ask (CreateAccessKey, ListAccessKeys, ListUsers "
            "for itself)",
            ["test_create_access_key", "test_list_access_keys", "test_get_access_key_last_used_when_used"],
        ),
        (
            AWS_WINS,
            "UpdateAccessKey and DeleteAccessKey without UserName act on the caller's own keys (API reference: 'IAM "
            "determines the user name implicitly based on the … access key ID signing the request'): the root "
            "user's, not my-user's",
            ["test_delete_access_key", "test_update_access_key"],
        ),
        (
            AWS_WINS,
            "EnableMFADevice checks the device's two consecutive codes ('234567', '987654' are not; "
            "InvalidAuthenticationCode) and a hardware serial must be a registered token",
            ["test_mfa_devices", "test_enable_virtual_mfa_device"],
        ),
        (
            AWS_WINS,
            "an X.509 certificate uploaded as an SSH public key: IAM answers InvalidPublicKey",
            [
                "test_upload_ssh_public_key",
                "test_get_ssh_public_key",
                "test_list_ssh_public_keys",
                "test_update_ssh_public_key",
                "test_delete_ssh_public_key",
            ],
        ),
        (
            AWS_WINS,
            "'a' * 1024 as SAML metadata: IAM answers InvalidInput 'Could not parse metadata'",
            [
                "test_create_saml_provider",
                "test_update_saml_provider_with_samlmetadatadocument",
                "test_get_saml_provider",
                "test_list_saml_providers",
                "test_delete_saml_provider",
            ],
        ),
        (
            AWS_WINS,
            "UpdateAccountPasswordPolicy with no arguments: IAM leaves MaxPasswordAge and HardExpiry out "
            "(AWS-recorded in LocalStack's test_iam_account_password_policy.snapshot.json)",
            ["test_update_account_password_policy"],
        ),
        (
            AWS_WINS,
            "GetAccountSummary's first map is IAM's (AccountPasswordPresent included, as AWS-recorded in "
            "LocalStack's test_iam_account_summary.snapshot.json); the test then creates a role with 'test "
            "policy', SAML metadata 'a' * 1024 and enables a hardware serial without codes",
            ["test_get_account_summary"],
        ),
        (
            AWS_WINS,
            "CreateServiceLinkedRole for a service without service-linked roles ('other.amazonaws.com')",
            ["test_create_service_linked_role[[]other-other[]]"],
        ),
    ],
    "test_sts": [
        (
            AWS_WINS,
            "the root user assumes a role (local mode's unknown keys are the account's root user): AWS "
            "answers 'Roles may not be assumed by root accounts.'",
            [
                "test_assume_role[[]*",
                "test_get_caller_identity_with_assumed_role_credentials*",
                "TestStsAssumeRole::test_assume_role_in_different_account",
            ],
        ),
        (
            AWS_WINS,
            "moto's canned identity (user/moto) and canned token values; local mode's unknown keys are the "
            "account's root user, and real tokens are opaque",
            [
                "test_get_caller_identity_with_default_credentials*",
                "test_sts_regions*",
                "test_get_session_token",
                "test_get_federation_token",
            ],
        ),
        (
            AWS_WINS,
            "an unsigned SAML assertion of 2012 for a provider nobody created, a web identity token '????': "
            "AWS refuses both",
            [
                "test_assume_role_with_saml*",
                "test_assume_role_with_web_identity*",
                "TestStsAssumeRole::test_assume_role_with_saml_in_different_account",
            ],
        ),
        (OUT_OF_SCOPE, "the aws-cn partition", ["test_get_caller_identity_with_iam_user_credentials[[]cn-*"]),
        (OUT_OF_SCOPE, "DynamoDB", ["TestStsAssumeRole::test_dynamodb_supports_multiple_accounts"]),
    ],
    "test_organizations": [
        (
            AWS_WINS,
            "an SCP or RCP attached before its policy type is enabled: an organization made through the API "
            "has no policy type enabled in its root, and AWS answers PolicyTypeNotEnabledException",
            [
                "test_attach_service_control_policy",
                "test_attach_resource_control_policy",
                "test_detach_*_control_policy*",
                "test_delete_*_control_policy_exception",
                "test_attach_*_control_policy_exception",
                "test_list_*_control_policies_for_target",
                "test_list_policies_for_target_pagination",
                "test_list_targets_for_*_control_policy",
                "test_create_organizational_unit_attaches_default_policies",
                "test_create_account_attaches_default_policies",
            ],
        ),
        (
            AWS_WINS,
            "a document AWS refuses: 'foobar' as an SCP, an SCP's document as an AI services opt-out policy",
            [
                "test_update_*_control_policy",
                "test_tag_resource_policy[[]us-east-1-aws-AISERVICES_OPT_OUT_POLICY[]]",
            ],
        ),
        (
            AWS_WINS,
            "moto's identifiers or errors where AWS's differ: FullAWSAccess's ARN is AWS's "
            "(arn:aws:organizations::aws:policy/…), an r- ID fails the OU ID pattern, no organization is "
            "AWSOrganizationsNotInUseException, ListPoliciesForTarget's error is TargetNotFoundException, a "
            "missing account is AccountNotFoundException, 'management account' where moto says 'master'",
            [
                "test_list_polices",
                "test_describe_organizational_unit_exception",
                "test_list_organizational_units_for_parent_exception",
                "test_list_*_control_policies_for_target_exception",
                "test_list_delegated_services_for_account_erros",
                "test_register_delegated_administrator_errors",
                "test_deregister_delegated_administrator_erros",
            ],
        ),
        (
            AWS_WINS,
            "requests AWS refuses or answers otherwise: 26 accounts in a page (MaxResults is at most 20), two "
            "accounts with one e-mail address, a CreateAccount status for the management account, State "
            "SUSPENDED for an account its owner closed (AWS: CLOSED)",
            [
                "test_list_accounts_pagination",
                "test_list_create_account_status",
                "test_list_create_account_status_succeeded",
                "test_get_paginated_list_create_account_status",
                "test_list_delegated_administrators",
                "test_close_account_puts_account_in_suspended_status",
            ],
        ),
        (
            UNCONFIRMED,
            "moto's 'You specified an invalid value.' where the project gives the reason AWS documents (an "
            "invalid policy type string, an invalid policy ID); renaming an OU to its own name",
            [
                "test_create_policy_errors",
                "test_list_polices_exception",
                "test_enable_policy_type_errors",
                "test_disable_policy_type_errors",
                "test_describe_policy_exception",
                "test_list_targets_for_policy_exception",
                "test_update_organizational_unit_duplicate_error",
            ],
        ),
        (
            OUT_OF_SCOPE,
            "the aws-cn and aws-iso-b partitions; moto's made-up management e-mail",
            [
                "test_enable_policy_type[[]cn-north-1-*",
                "test_enable_policy_type[[]us-isob-east-1-*",
                "test_tag_resource_policy[[]cn-north-1-*",
                "test_tag_resource_policy[[]us-isob-east-1-*",
                "test_create_organization_without_feature_set",
            ],
        ),
    ],
}


def verdict_of(suite, name):
    """(verdict, evidence) of moto's test `name` (after '::') in `suite`, or None when unclassified."""
    from fnmatch import fnmatchcase

    for verdict, evidence, patterns in VERDICTS.get(suite, ()):
        if any(fnmatchcase(name, pattern) for pattern in patterns):
            return verdict, evidence
    return None
