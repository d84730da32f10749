"""Event history: alice's root user reads her account's CloudTrail-shaped events; charlie never sees them."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from access.acting import Acting
from access.audit import record_event
from accounts.models import AuditEvent
from accounts.services.signin import console_login_event
from accounts.services.users import user_create
from aws.errors import EntityAlreadyExists

URL = reverse("accounts:event_history")
DOWNLOAD_URL = reverse("accounts:event_history_download")
HTMX = {"HX-Request": "true", "HX-Target": "event-table"}


def _event(acting, name, *, when=None, **kwargs):
    event = record_event(acting=acting, event_name=name, **kwargs)
    if when is not None:
        AuditEvent.objects.filter(pk=event.pk).update(event_time=when)
        event.refresh_from_db()
    return event


def _names(response):
    return [row["event"].event_name for row in response.context["rows"]]


def _download(client, **params):
    response = client.get(DOWNLOAD_URL, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(b"".join(response.streaming_content))


@pytest.fixture
def bob_acting(account, bob):
    return Acting(account=account, user=bob, source_ip="203.0.113.5", user_agent="console")


def test_event_history_lists_the_accounts_events_newest_first_with_their_columns(
    root_client, root_acting, bob_acting
):
    _event(root_acting, "ListUsers", read_only=True, when=timezone.now() - timedelta(hours=2))
    _event(
        bob_acting,
        "AttachUserPolicy",
        request_parameters={"userName": "carol", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
        when=timezone.now() - timedelta(hours=1),
    )

    response = root_client.get(URL)

    assert response.status_code == 200
    assert _names(response) == ["AttachUserPolicy", "ListUsers"]
    body = response.content.decode()
    assert "Event history" in body
    assert "carol, arn:aws:iam::aws:policy/ReadOnlyAccess" in body
    rows = response.context["rows"]
    assert [row["user_name"] for row in rows] == ["bob", "root"]


def test_event_history_is_in_the_left_navigation(root_client):
    response = root_client.get(reverse("accounts:user_list"))
    assert f'href="{URL}"' in response.content.decode()


def test_a_row_expands_to_the_cloudtrail_record(root_client, root_acting, account):
    with pytest.raises(EntityAlreadyExists):
        user_create(account=account, name="dup", acting=root_acting)
        user_create(account=account, name="dup", acting=root_acting)

    response = root_client.get(URL, {"event_name": "CreateUser"})

    failed, created = response.context["rows"]
    record = json.loads(failed["record"])
    assert record["eventName"] == "CreateUser"
    assert record["eventSource"] == "iam.amazonaws.com"
    assert record["awsRegion"] == "us-east-1"
    assert record["eventVersion"] == "1.08"
    assert record["errorCode"] == "EntityAlreadyExists"
    assert record["errorMessage"] == failed["event"].error_message
    assert record["userIdentity"]["type"] == "Root"
    assert record["userIdentity"]["arn"] == account.root_arn
    assert record["sourceIPAddress"] == "198.51.100.7"
    assert record["userAgent"] == "pytest"
    assert record["requestParameters"]["userName"] == "dup"
    assert record["eventID"] == str(failed["event"].event_id)
    assert record["readOnly"] is False
    assert record["eventType"] == "AwsApiCall"
    assert record["recipientAccountId"] == account.id
    assert record["eventTime"].endswith("Z")
    assert "errorCode" not in json.loads(created["record"])
    assert "&quot;eventName&quot;: &quot;CreateUser&quot;" in response.content.decode()


def test_a_console_sign_in_reads_like_cloudtrails_console_login(root_client, account):
    client_facts = Acting(account=account, source_ip="192.0.2.1", user_agent="Firefox")
    console_login_event(account=account, success=True, client=client_facts, login_to="https://console/")

    [row] = root_client.get(URL, {"event_source": "signin.amazonaws.com"}).context["rows"]

    record = json.loads(row["record"])
    assert record["eventName"] == "ConsoleLogin"
    assert record["eventType"] == "AwsConsoleSignIn"
    assert record["requestParameters"] is None
    assert record["additionalEventData"] == {
        "LoginTo": "https://console/",
        "MobileVersion": "No",
        "MFAUsed": "No",
    }
    assert record["responseElements"] == {"ConsoleLogin": "Success"}
    assert record["sourceIPAddress"] == "192.0.2.1"
    assert row["user_name"] == "root"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"user_name": "bob"}, ["CreateAccessKey", "AttachUserPolicy"]),
        ({"user_name": "root"}, ["ConsoleLogin", "ListUsers"]),
        ({"event_name": "ListUsers"}, ["ListUsers"]),
        ({"resource_name": "carol"}, ["AttachUserPolicy"]),
        ({"resource_name": "arn:aws:iam::aws:policy/ReadOnlyAccess"}, ["AttachUserPolicy"]),
        ({"resource_name": "AKIAEXAMPLE"}, ["CreateAccessKey"]),
        ({"read_only": "true"}, ["ListUsers"]),
        ({"read_only": "false"}, ["ConsoleLogin", "CreateAccessKey", "AttachUserPolicy"]),
        ({"event_source": "signin.amazonaws.com"}, ["ConsoleLogin"]),
        ({"user_name": "bob", "event_name": "AttachUserPolicy"}, ["AttachUserPolicy"]),
        ({"event_name": "createuser"}, []),  # lookup attributes match exactly, as in CloudTrail
    ],
)
def test_filters(root_client, root_acting, bob_acting, params, expected):
    now = timezone.now()
    _event(root_acting, "ListUsers", read_only=True, when=now - timedelta(hours=4))
    _event(
        bob_acting,
        "AttachUserPolicy",
        request_parameters={"userName": "carol", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
        when=now - timedelta(hours=3),
    )
    _event(
        bob_acting,
        "CreateAccessKey",
        request_parameters={"userName": "bob", "accessKeyId": "AKIAEXAMPLE"},
        when=now - timedelta(hours=2),
    )
    _event(
        root_acting,
        "ConsoleLogin",
        event_source="signin.amazonaws.com",
        event_type="AwsConsoleSignIn",
        when=now - timedelta(hours=1),
    )

    assert _names(root_client.get(URL, params)) == expected
    assert _names(root_client.get(URL, params, headers=HTMX)) == expected


def test_time_range_filters_from_and_to(root_client, root_acting):
    _event(root_acting, "Old", when=timezone.now().replace(year=2026, month=1, day=10, hour=12))
    _event(root_acting, "Middle", when=timezone.now().replace(year=2026, month=2, day=10, hour=12))
    _event(root_acting, "New", when=timezone.now().replace(year=2026, month=3, day=10, hour=12))

    response = root_client.get(URL, {"start": "2026-02-01T00:00", "end": "2026-02-28T23:59"})

    assert _names(response) == ["Middle"]
    assert _names(root_client.get(URL, {"start": "2026-02-10T12:00"})) == ["New", "Middle"]
    assert _names(root_client.get(URL, {"end": "2026-02-01"})) == ["Old"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"start": "yesterday"}, "start", "Enter a valid start date and time (YYYY-MM-DD hh:mm)."),
        ({"end": "2026-13-45"}, "end", "Enter a valid end date and time (YYYY-MM-DD hh:mm)."),
        (
            {"start": "2026-03-01T00:00", "end": "2026-02-01T00:00"},
            "end",
            "The end date and time must be after the start date and time.",
        ),
    ],
)
def test_bad_dates_are_explained_and_the_other_filters_still_apply(
    root_client, root_acting, params, field, message
):
    _event(root_acting, "ListUsers", read_only=True)
    _event(root_acting, "CreateUser")

    response = root_client.get(URL, {**params, "event_name": "ListUsers"}, headers=HTMX)

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert _names(response) == ["ListUsers"]


def test_htmx_filtering_renders_only_the_table(root_client, root_acting):
    _event(root_acting, "ListUsers", read_only=True)

    response = root_client.get(URL, {"event_name": "ListUsers"}, headers=HTMX)

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="event-table"')
    assert "<h1>" not in body
    assert "ListUsers" in body


def test_pages_of_fifty(root_client, root_acting):
    # The page's queries do not grow with its rows: tests/accounts/test_queries.py.
    AuditEvent.objects.bulk_create(
        AuditEvent(
            account=root_acting.account,
            event_name=f"Event{index:03}",
            user_identity=root_acting.user_identity(),
            request_parameters={"userName": f"user{index}"},
        )
        for index in range(120)
    )
    first = root_client.get(URL)
    last = root_client.get(URL, {"page": 3})

    assert len(first.context["rows"]) == 50
    assert len(last.context["rows"]) == 20
    assert first.context["page"].paginator.num_pages == 3
    assert 'aria-label="Next page"' in first.content.decode()


def test_pagination_links_keep_the_filters(root_client, root_acting):
    for _ in range(51):
        _event(root_acting, "ListUsers", read_only=True)

    response = root_client.get(URL, {"event_name": "ListUsers"})

    assert "?event_name=ListUsers&page=2" in response.content.decode()


def test_download_exports_the_filtered_events_as_a_cloudtrail_file(root_client, root_acting, account):
    _event(root_acting, "ListUsers", read_only=True)
    _event(root_acting, "CreateUser", request_parameters={"userName": "dana"})

    data = _download(root_client, event_name="CreateUser")

    assert list(data) == ["Records"]
    [record] = data["Records"]
    assert record["eventName"] == "CreateUser"
    assert record["requestParameters"] == {"userName": "dana"}
    assert record["recipientAccountId"] == account.id
    assert len(_download(root_client)["Records"]) == 2


def test_download_is_an_attachment(root_client):
    response = root_client.get(DOWNLOAD_URL)
    assert response["Content-Disposition"].startswith('attachment; filename="event_history_')
    assert json.loads(b"".join(response.streaming_content)) == {"Records": []}


def test_download_is_capped(root_client, root_acting, monkeypatch):
    monkeypatch.setattr("accounts.selectors.events.EXPORT_LIMIT", 3)
    for _ in range(5):
        _event(root_acting, "ListUsers", read_only=True)

    assert len(_download(root_client)["Records"]) == 3


def test_passwords_stay_redacted_in_the_record(root_client, root_acting):
    _event(root_acting, "CreateLoginProfile", request_parameters={"userName": "bob", "password": "S3cret!"})

    body = root_client.get(URL).content.decode() + json.dumps(_download(root_client))

    assert "S3cret!" not in body
    assert "HIDDEN_DUE_TO_SECURITY_REASONS" in body


def test_charlie_never_sees_alices_events(client, sign_in_as, root_acting, charlie_account, charlie_acting):
    _event(root_acting, "CreateUser", request_parameters={"userName": "alices-user"})
    _event(charlie_acting, "ListUsers", read_only=True)
    sign_in_as(client, charlie_account)

    page = client.get(URL)
    filtered = client.get(URL, {"resource_name": "alices-user"}, headers=HTMX)
    exported = _download(client)

    assert _names(page) == ["ListUsers"]
    assert "alices-user" not in page.content.decode()
    assert _names(filtered) == []
    assert [record["eventName"] for record in exported["Records"]] == ["ListUsers"]


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302
    assert client.get(DOWNLOAD_URL).status_code == 302
