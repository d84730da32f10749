"""A closed classroom's seat over the wire: writes answer AWS's AccessDenied with the classroom's
message; reads go on."""

from accounts.models import Account, AuditEvent
from classrooms.services.seats import CLOSED_MESSAGE

from .conftest import error_of


def test_a_write_locked_account_refuses_writes_on_the_api_and_answers_reads(iam, api_account, root_keys):
    iam.create_user(UserName="before")
    Account.objects.filter(pk=api_account.pk).update(write_locked_reason=CLOSED_MESSAGE)

    error, status = error_of(iam.create_user, UserName="after")

    assert (error["Code"], error["Message"], status) == ("AccessDenied", CLOSED_MESSAGE, 403)
    assert [user["UserName"] for user in iam.list_users()["Users"]] == ["before"]
    assert AuditEvent.objects.filter(
        account=api_account, event_name="CreateUser", error_code="AccessDenied"
    ).exists()
