"""A closed classroom's seats refuse every write, with a clear message recorded in Event history;
reads go on."""

import pytest
from django.urls import reverse

from access.acting import Acting
from accounts.models import Account, AuditEvent, Group, IAMUser
from accounts.services.credential_report import credential_report_generate
from accounts.services.users import user_create
from aws.errors import AccessDenied
from aws.organizations_errors import AccessDeniedException
from classrooms.services.seats import CLOSED_MESSAGE, classroom_close, seat_join
from organizations import services as organizations
from organizations.models import Membership, Organization
from tests.queries import sign_in


@pytest.fixture
def closed_seat(classroom, instructor, student):
    seat = seat_join(classroom=classroom, student=student)
    classroom_close(classroom=classroom, person=instructor)
    return Account.objects.get(pk=seat.account_id)


def test_a_closed_seat_refuses_a_write_and_records_the_refusal(closed_seat):
    with pytest.raises(AccessDenied, match=CLOSED_MESSAGE):
        user_create(account=closed_seat, name="late", acting=Acting(account=closed_seat))
    assert not IAMUser.objects.filter(account=closed_seat, name="late").exists()
    event = AuditEvent.objects.get(account=closed_seat, event_name="CreateUser")
    assert (event.error_code, event.error_message) == ("AccessDenied", CLOSED_MESSAGE)


def test_a_closed_seat_refuses_organizations_writes_and_its_member_accounts_too(closed_seat):
    organization = Organization.objects.get(management_account=closed_seat)
    with pytest.raises(AccessDeniedException, match=CLOSED_MESSAGE):
        organizations.ou_create(
            organization=organization,
            parent_id=organization.root_id,
            name="Late",
            acting=Acting(account=closed_seat),
        )
    member = Membership.objects.exclude(account=closed_seat).get(organization=organization).account
    with pytest.raises(AccessDenied, match=CLOSED_MESSAGE):
        user_create(account=member, name="late", acting=Acting(account=member))


def test_a_closed_seat_still_answers_reads(closed_seat):
    report = credential_report_generate(account=closed_seat, acting=Acting(account=closed_seat))
    assert report is not None


def test_the_console_shows_the_refusal_on_a_write(client, closed_seat):
    sign_in(client, closed_seat)
    response = client.post(reverse("accounts:group_create"), {"name": "late"})
    assert CLOSED_MESSAGE in response.content.decode()
    assert not Group.objects.filter(account=closed_seat, name="late").exists()
    assert client.get(reverse("accounts:user_list")).status_code == 200
