"""The AWS managed policies for job functions: the console's Type "AWS managed - job function".

Exactly the policies of the IAM User Guide's page "AWS managed policies for job functions"
(access_policies_job-functions), whatever their path: AdministratorAccess, PowerUserAccess and
SecurityAudit sit at "/", the rest under "/job-function/", which also holds policies the page does
not list (AWSManagementConsoleAdministratorAccess, the AmazonODB… admins) and the console calls
"AWS managed". The page's list was read through third-party copies of it; its full text was not
retrievable here, so keep this list beside the page when it changes.
"""

JOB_FUNCTION_POLICY_ARNS = frozenset(
    f"arn:aws:iam::aws:policy{path}{name}"
    for path, name in (
        ("/", "AdministratorAccess"),
        ("/job-function/", "Billing"),
        ("/job-function/", "DatabaseAdministrator"),
        ("/job-function/", "DataScientist"),
        ("/job-function/", "NetworkAdministrator"),
        ("/", "PowerUserAccess"),
        ("/", "SecurityAudit"),
        ("/job-function/", "SupportUser"),
        ("/job-function/", "SystemAdministrator"),
        ("/job-function/", "ViewOnlyAccess"),
    )
)
