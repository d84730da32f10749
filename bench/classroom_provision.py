"""How long a classroom's jobs take: provision 100 seats from a template of 20 entities, then reset all
100, on PostgreSQL with a real Celery worker (Redis broker). Prints figures; asserts nothing.

    .venv/bin/python bench/classroom_provision.py [--seats 100] \
        [--database postgres://postgres@127.0.0.1:5432/iamconsole_bench_classroom] \
        [--broker redis://127.0.0.1:6379/15]

The template account holds 4 users (tags, inline policies, group memberships, a boundary), 3 groups
(managed policies attached), 4 customer managed policies (two versions each), 3 roles (trust
policies, tags, inline and managed policies), 1 instance profile, and an organization with 2 OUs, 1
member account (holding its own OrganizationAccountAccessRole, which each seat's member account gets
a copy of) and an SCP: 20 entities. The bench recreates the database, migrates it, starts one
worker (`celery worker` on the bench's own Redis database, a process per core; a job goes out in tasks of 25 seats) and times each job from the request's commit until the page's
poll would see it finished. The goal: under 60 s each on a 2-core machine.
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import time
import uuid

import redis

ROOT = pathlib.Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seats", type=int, default=100)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/iamconsole_bench_classroom")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--concurrency", type=int, default=2, help="the worker's processes (one per core)")
    return parser.parse_args()


def fresh_database(url):
    name = url.rsplit("/", 1)[-1]
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=False)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
    env.pop("CELERY_BROKER_URL", None)
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0", "--no-input"], cwd=ROOT, env=env, check=True)


def start_worker(database, broker, name, concurrency):
    env = {**os.environ, "DATABASE_URL": database, "CELERY_BROKER_URL": broker, "DEBUG": "1"}
    return subprocess.Popen(
        [PYTHON, "-m", "celery", "-A", "iamconsole", "worker", f"--concurrency={concurrency}",
         "-n", f"{name}@%h", "--without-gossip", "--without-mingle", "--loglevel=warning"],
        cwd=ROOT,
        env=env,
    )  # fmt: skip


def document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=4)


def template_account():
    """The 20-entity template, made through the services as a person's clicks would."""
    from access.acting import Acting
    from accounts.models import Account
    from accounts.services.groups import group_add_user, group_create
    from accounts.services.users import user_create, user_tag
    from organizations import flows as organizations_flows
    from organizations import services as organizations
    from organizations.models import SCP
    from policies.aws_managed.loader import aws_managed_policy
    from policies.services.instance_profiles import instance_profile_add_role, instance_profile_create
    from policies.services.permissions import inline_policy_put, permissions_boundary_put, policy_attach
    from policies.services.policies import policy_create, policy_version_create
    from policies.services.roles import role_create

    account = Account.objects.create(
        name="Template", root_email=f"template-{uuid.uuid4().hex[:8]}@example.com", root_password="!"
    )
    acting = Acting(account=account, user_agent="bench")
    allow = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::course/*"}
    policies = []
    for n in range(4):
        policy = policy_create(
            account=account, name=f"course-policy-{n}", document=document(allow), acting=acting
        )
        policy_version_create(
            policy=policy, document=document(allow, {**allow, "Action": "s3:ListBucket"}), acting=acting
        )
        policies.append(policy)
    groups = [group_create(account=account, name=f"team-{n}", acting=acting) for n in range(3)]
    for group, policy in zip(groups, policies, strict=False):
        policy_attach(policy=policy, group=group, acting=acting)
    for n in range(4):
        user = user_create(account=account, name=f"student-{n}", path="/class/", acting=acting)
        user_tag(user=user, tags=[("cohort", "2026")], acting=acting)
        inline_policy_put(name="own-prefix", document=document(allow), user=user, acting=acting)
        group_add_user(group=groups[n % 3], user=user, acting=acting)
        if n == 0:
            permissions_boundary_put(policy_arn=policies[3].arn, user=user, acting=acting)
    trust = document(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account.id}:root"},
            "Action": "sts:AssumeRole",
        }
    )
    roles = [
        role_create(account=account, name=f"role-{n}", trust_policy=trust, acting=acting) for n in range(3)
    ]
    for role in roles:
        inline_policy_put(name="inline", document=document(allow), role=role, acting=acting)
        policy_attach(policy=aws_managed_policy("ReadOnlyAccess"), role=role, acting=acting)
    profile = instance_profile_create(account=account, name="web", acting=acting)
    instance_profile_add_role(profile=profile, role=roles[0], acting=acting)
    organization = organizations.organization_create(acting=acting)
    organization = organizations.policy_type_enable(
        organization=organization, policy_type="SERVICE_CONTROL_POLICY", acting=acting
    )
    sandbox = organizations.ou_create(
        organization=organization, parent_id=organization.root_id, name="Sandbox", acting=acting
    )
    organizations.ou_create(
        organization=organization, parent_id=sandbox.id, name="Experiments", acting=acting
    )
    member = organizations_flows.account_create_with_access_role(
        organization=organization,
        name="Sandbox account",
        email=f"member-{account.id}@example.com",
        acting=acting,
    )
    organizations.account_move(membership=member, destination_id=sandbox.id, acting=acting)
    scp = organizations.policy_create(
        organization=organization,
        policy_type=SCP,
        name="deny-user-changes",
        content=document({"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}),
        acting=acting,
    )
    organizations.policy_attach(organization=organization, policy=scp, target_id=sandbox.id, acting=acting)
    return account


def wait_for(job):
    from classrooms.models import Job

    while True:
        job.refresh_from_db()
        if job.status in (Job.Status.SUCCEEDED, Job.Status.FAILED):
            return job
        time.sleep(0.2)


def main():
    args = arguments()
    # The default queue, on a Redis database of the bench's own (a job's worker enqueues its shares there).
    name = f"bench-classroom-{uuid.uuid4().hex[:8]}"
    fresh_database(args.database)
    os.environ.update(
        {"DATABASE_URL": args.database, "CELERY_BROKER_URL": args.broker, "DEBUG": "1"},
        DJANGO_SETTINGS_MODULE="iamconsole.settings",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from classrooms.models import AccountLink, Classroom
    from classrooms.services.seats import seats_provision, seats_reset_all, template_create
    from iamconsole.celery import app

    worker = start_worker(args.database, args.broker, name, args.concurrency)
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=1.0, destination=[f"{name}@{os.uname().nodename}"]):
            if time.monotonic() > deadline or worker.poll() is not None:
                raise SystemExit("the worker did not start")
        account = template_account()
        instructor = get_user_model().objects.create(username="bench-instructor", email="i@example.com")
        AccountLink.objects.create(person=instructor, account=account)
        template = template_create(person=instructor, account=account, name="bench")
        classroom = Classroom.objects.create(
            instructor=instructor, name="Bench class", seat_limit=args.seats, template=template
        )
        print(
            f"template: {template.entity_count} entities; {args.seats} seats; PostgreSQL, "
            f"1 worker of {args.concurrency} processes"
        )

        for label, start_job in (
            ("provision", lambda: seats_provision(classroom=classroom, count=args.seats, person=instructor)),
            ("reset all", lambda: seats_reset_all(classroom=classroom, person=instructor)),
        ):
            began = time.perf_counter()
            with transaction.atomic():
                job = start_job()
            job = wait_for(job)
            seconds = time.perf_counter() - began
            failed = sum(1 for result in job.results.values() if result["status"] != "ok")
            print(
                f"{label}: {job.total} seats in {seconds:.1f} s ({job.total / seconds:.1f} seats/s), "
                f"{job.status}, {failed} failed"
            )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        redis.Redis.from_url(args.broker).flushdb()  # the bench's queue and task results


if __name__ == "__main__":
    main()
