"""The account's credential report: GenerateCredentialReport and GetCredentialReport."""

from accounts.selectors.credential_report import latest_credential_report
from accounts.services.credential_report import credential_report_generate
from iamconsole.aws_api.iam.common import operation, read

REPORT_FORMAT = "text/csv"


@operation("GenerateCredentialReport")
def generate_credential_report(acting, params):
    result = credential_report_generate(account=acting.account, acting=acting)
    answer = {"State": result.state}
    if result.description:
        answer["Description"] = result.description
    return answer


@operation("GetCredentialReport")
def get_credential_report(acting, params):
    report = read(
        acting, "GetCredentialReport", answer=lambda: latest_credential_report(account=acting.account)
    )
    return {
        "Content": report.content.encode(),
        "ReportFormat": REPORT_FORMAT,
        "GeneratedTime": report.generated_at,
    }
