"""Console pages at AWS's quota sizes: the server time of each page and filter. Prints figures; asserts
nothing.

    .venv/bin/python bench/quota.py [--database [--database-name NAME]] [--events 100000]
        [--members 5000] [--attachments 5000] [--repeat 7]

Seeds one account into a throwaway database (a SQLite file in a temporary directory, or with
--database the PostgreSQL database --database-name, iamconsole_bench_quota unless told, on
postgres://postgres@127.0.0.1:5432, created for the run and dropped after it): 100,000 audit events
by 5,000 users and a role's sessions (one event in ten), a group of 5,000 users, 5,000 policy
attachments (every member's own policy, and a policy attached to all of them), then requests each
page with Django's test client in-process, signed in as the root user and as an IAM user of the big
group whose policies the engine weighs on every request, and prints the median server time of
--repeat requests (and the fastest: the nearest to the page's own cost on a busy machine). The
target: every page under 50 ms on PostgreSQL.
"""

import argparse
import os
import pathlib
import statistics
import sys
import tempfile
import time
import warnings

ROOT = pathlib.Path(__file__).resolve().parents[1]
SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE = "iamconsole_bench_quota"
BATCH = 2000


def create_postgres(name):
    import psycopg  # noqa: PLC0415 — only for --database

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")


def drop_postgres(name):
    import psycopg  # noqa: PLC0415 — only for --database

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def seed(*, events, members, attachments):
    """The account, its users, the big group, a role, attachments and events; returns (account,
    member, group, role)."""
    from django.contrib.auth.hashers import make_password  # noqa: PLC0415 — after django.setup()
    from django.utils import timezone  # noqa: PLC0415

    from accounts.models import Account, AuditEvent, Group, GroupMembership, IAMUser  # noqa: PLC0415
    from policies.models import ManagedPolicy, PolicyAttachment, PolicyVersion, Role  # noqa: PLC0415

    now = timezone.now()
    account = Account.objects.create(
        name="Quota", root_email="quota@example.com", root_password=make_password("x")
    )
    users = IAMUser.objects.bulk_create(
        [IAMUser(account=account, name=f"user{index:05}") for index in range(members)], batch_size=BATCH
    )
    users = list(IAMUser.objects.filter(account=account).order_by("name"))
    group = Group.objects.create(account=account, name="everyone")
    GroupMembership.objects.bulk_create(
        [GroupMembership(user=user, group=group) for user in users], batch_size=BATCH
    )
    admin_document = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
    )
    own_document = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}'
    )
    policies = ManagedPolicy.objects.bulk_create(
        [
            ManagedPolicy(
                account=account,
                name=f"policy{index:05}",
                arn=f"arn:aws:iam::{account.id}:policy/policy{index:05}",
                created_at=now,
                updated_at=now,
            )
            for index in range(attachments)
        ],
        batch_size=BATCH,
    )
    policies = list(ManagedPolicy.objects.filter(account=account).order_by("name"))
    PolicyVersion.objects.bulk_create(
        [
            PolicyVersion(
                policy=policy,
                number=1,
                document=admin_document if index == 0 else own_document,
                created_at=now,
            )
            for index, policy in enumerate(policies)
        ],
        batch_size=BATCH,
    )
    # policy00000 on the group (every member's Permissions tab shows it); each other on one user.
    rows = [PolicyAttachment(policy=policies[0], group=group)]
    rows += [
        PolicyAttachment(policy=policy, user=user) for policy, user in zip(policies[1:], users, strict=False)
    ]
    role = Role.objects.create(account=account, name="deployer", trust_policy=admin_document)
    rows.append(PolicyAttachment(policy=policies[0], role=role))
    PolicyAttachment.objects.bulk_create(rows, batch_size=BATCH)
    # And policy00001 on a thousand users: its "Entities attached" tab.
    PolicyAttachment.objects.bulk_create(
        [PolicyAttachment(policy=policies[1], user=user) for user in users[1:1001]], batch_size=BATCH
    )

    # Each user made events in turn: user00000 made events/members of them (20 at the defaults); one
    # event in ten is a session of the role (STS and IAM calls).
    def event(index):
        user = users[index % len(users)]
        target = users[(index * 7) % len(users)]
        if index % 10 == 9:
            return AuditEvent(
                account=account,
                event_source=("sts.amazonaws.com", "iam.amazonaws.com")[index % 20 // 10],
                event_name=("GetCallerIdentity", "ListRoles")[index % 20 // 10],
                read_only=True,
                user_identity={
                    "type": "AssumedRole",
                    "principalId": f"{role.role_id}:ci-{index % 7}",
                    "arn": f"arn:aws:sts::{account.id}:assumed-role/deployer/ci-{index % 7}",
                    "accountId": account.id,
                },
                source_ip_address="198.51.100.8",
                user_agent="bench",
                principal_id=role.role_id,
                aws_region=("us-east-1", "eu-west-3")[index % 2],
            )
        return AuditEvent(
            account=account,
            event_name=("GetUser", "ListAttachedUserPolicies", "UpdateUser", "TagUser")[index % 4],
            read_only=index % 4 < 2,
            user_identity={
                "type": "IAMUser",
                "principalId": user.user_id,
                "arn": f"arn:aws:iam::{account.id}:user/{user.name}",
                "accountId": account.id,
                "userName": user.name,
            },
            source_ip_address="198.51.100.7",
            user_agent="bench",
            request_parameters={"userName": target.name},
            principal_id=user.user_id,
        )

    record = getattr(AuditEvent.objects, "bulk_record", None)  # absent before Event history's index
    for start in range(0, events, BATCH):
        batch = [event(index) for index in range(start, min(events, start + BATCH))]
        if record:
            record(batch, batch_size=BATCH)
        else:
            AuditEvent.objects.bulk_create(batch, batch_size=BATCH)
    return account, users[0], group, role


def explain_attachments(member):
    """EXPLAIN ANALYZE of the query that reads a user's own and group attachments, as
    entity_permissions makes it on every request the user signs."""
    from django.db import connection  # noqa: PLC0415 — after django.setup()
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    from policies.selectors.permissions import entity_permissions  # noqa: PLC0415

    with CaptureQueriesContext(connection) as captured:
        entity_permissions(user=member)
    sql = next(
        query["sql"] for query in captured.captured_queries if "policies_policyattachment" in query["sql"]
    )
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ANALYZE {sql}")
        print("\nEXPLAIN ANALYZE (a user's attachments):")
        for (line,) in cursor.fetchall():
            print("  " + line)


def timed(client, url, repeat):
    """(median ms, fastest ms, bytes): on a machine shared with other work the fastest of the
    requests is the nearest to the page's own cost, the median what a user met meanwhile."""
    client.get(url)  # warm: templates compiled, the engine's caches filled
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), min(times), len(response.content)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", action="store_true", help="PostgreSQL instead of a SQLite file")
    parser.add_argument("--database-name", default=DATABASE, help="the PostgreSQL database to create")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=5_000)
    parser.add_argument("--attachments", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=7)
    options = parser.parse_args()

    workdir = tempfile.TemporaryDirectory()
    if options.database:
        create_postgres(options.database_name)
        os.environ["DATABASE_URL"] = f"{SERVER}/{options.database_name}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir.name}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iamconsole.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-quota")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    warnings.filterwarnings("ignore", message="No directory at")
    sys.path.insert(0, str(ROOT))
    import django  # noqa: PLC0415 — the database is chosen above, before settings load

    django.setup()
    from django.conf import settings  # noqa: PLC0415

    # DEBUG off (no query log), without the collected static files' manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connection, transaction  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415
    from django.urls import reverse  # noqa: PLC0415

    from console.session import SESSION_KEY  # noqa: PLC0415

    try:
        call_command("migrate", verbosity=0)
        # AWS's managed policies, as a deployment has them (the Policies list pages through them).
        call_command("load_aws_managed_policies", verbosity=0)
        started = time.perf_counter()
        with transaction.atomic():  # one commit: SQLite syncs the file once, not once per batch
            account, member, group, role = seed(
                events=options.events, members=options.members, attachments=options.attachments
            )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # As autovacuum leaves a table after a bulk insert: statistics and the visibility map
                # (without it, counting the events' index reads every row's heap page too).
                cursor.execute("VACUUM ANALYZE")
        print(
            f"{connection.vendor}: seeded {options.events:,} events, a group of {options.members:,} users, "
            f"{options.attachments:,} attachments in {time.perf_counter() - started:.1f} s"
        )

        def signed_in(user=None):
            client = Client()
            session = client.session
            session[SESSION_KEY] = {"account": account.id, "user": user.pk if user else None}
            session.save()
            return client

        events = reverse("accounts:event_history")
        busy = "user00000"
        group_url = reverse("accounts:group_detail", args=[group.name])
        admin_url = reverse("policies:policy_detail", args=[f"arn:aws:iam::{account.id}:policy/policy00000"])
        advisor = "?tab=last_accessed"
        pages = [
            ("Dashboard", reverse("dashboard")),
            ("Credential report", reverse("accounts:credential_report")),
            ("Search, 'user0'", reverse("search") + "?q=user0"),
            ("Access Advisor, user", reverse("accounts:user_detail", args=[member.name]) + advisor),
            ("Access Advisor, group", group_url + advisor),
            (
                "Access Advisor, group, not in 90 days",
                group_url + advisor + "&accessed=not-accessed-in&days=90",
            ),
            ("Access Advisor, role", reverse("policies:role_detail", args=[role.name]) + advisor),
            ("Access Advisor, policy (group+role)", admin_url + advisor),
            ("Roles", reverse("policies:role_list")),
            ("Event history", events),
            ("Event history, user name", f"{events}?user_name={busy}"),
            ("Event history, resource name", f"{events}?resource_name={busy}"),
            ("Event history, resource name (none)", f"{events}?resource_name=nobody"),
            ("Group, Users tab", group_url),
            ("Group, Permissions tab", group_url + "?tab=permissions"),
            ("Users", reverse("accounts:user_list")),
            ("User, Permissions tab", reverse("accounts:user_detail", args=[member.name])),
            ("Policies", reverse("policies:policy_list")),
            (
                "Policy, Entities attached",
                reverse("policies:policy_detail", args=[f"arn:aws:iam::{account.id}:policy/policy00001"])
                + "?tab=entities",
            ),
        ]
        # The member's policies come from its own attachment and the group's: the query every
        # request it signs makes.
        from policies.models import ManagedPolicy, PolicyAttachment  # noqa: PLC0415

        admin = ManagedPolicy.objects.get(account=account, name="policy00000")
        assert PolicyAttachment.objects.filter(policy=admin, group=group).exists()
        if connection.vendor == "postgresql":
            explain_attachments(member)
        for label, client in (("root", signed_in()), ("IAM user in the group", signed_in(member))):
            print(f"\nas {label}:")
            print(f"  {'page':<42} {'median ms':>10} {'min ms':>8} {'bytes':>10}")
            for name, url in pages:
                median, fastest, size = timed(client, url, options.repeat)
                print(f"  {name:<42} {median:>10.1f} {fastest:>8.1f} {size:>10,}")
    finally:
        connection.close()
        if options.database:
            drop_postgres(options.database_name)
        workdir.cleanup()


if __name__ == "__main__":
    main()
