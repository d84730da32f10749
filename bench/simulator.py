"""How long the policy simulator's whole-service runs take for a user with ten managed policies.

    .venv/bin/python bench/simulator.py

Sets up the data in an in-memory SQLite database through Django's test-runner utilities (one
account, alice with ten customer managed policies of four statements each: wildcards, a NotAction,
a condition, a policy variable) and times the task's own work, `simulation_run_execute` (the
principal's policies loaded per chunk, progress saved every chunk, results saved at the end), for
all S3 actions and for all actions of all services. For comparison it also times `simulate` in
custom mode on the same ten documents (no database), and once more with SCPs at three levels
(root, an OU, the account) and a session policy in play. Prints figures; asserts nothing.
"""

import json
import os
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iamconsole.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.pop("DATABASE_URL", None)  # SQLite: its test database lives in memory

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def policy(n):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": f"Read{n}", "Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"},
            {
                "Sid": f"Own{n}",
                "Effect": "Allow",
                "Action": "s3:*Object",
                "Resource": "arn:aws:s3:::home-${aws:username}/*",
            },
            {
                "Sid": f"Office{n}",
                "Effect": "Allow",
                "Action": ["ec2:Describe*", "iam:Get*"],
                "Resource": "*",
                "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
            },
            {
                "Sid": f"NotIam{n}",
                "Effect": "Deny",
                "NotAction": ["iam:*", "sts:*", "s3:*", "ec2:*"],
                "Resource": "*",
            },
        ],
    }


def timed(label, count, fn):
    start = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - start
    print(f"{label:<58} {count:>6} actions  {elapsed:7.2f} s  {count / elapsed:9,.0f} actions/s")


def main():
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)

    from policies.models import PolicyAttachment, SimulationRun
    from policies.selectors import simulation
    from policies.services.simulation_runs import ALL_SERVICES, run_actions, simulation_run_execute
    from tests.accounts.factories import AccountFactory, IAMUserFactory
    from tests.policies.permissions_helpers import make_policy

    account = AccountFactory(name="Bench")
    alice = IAMUserFactory(account=account, name="alice")
    documents = [json.dumps(policy(n)) for n in range(10)]
    for n, document in enumerate(documents):
        PolicyAttachment.objects.create(
            policy=make_policy(name=f"Bench{n}", account=account, document=document), user=alice
        )

    print(f"alice: {PolicyAttachment.objects.filter(user=alice).count()} managed policies of 4 statements")
    for service in ("s3", ALL_SERVICES):
        actions = run_actions(service)
        name = "all services" if service == ALL_SERVICES else service
        run = SimulationRun.objects.create(
            account=account,
            started_by=account.root_arn,
            parameters={
                "mode": "existing",
                "principal": f"user:{alice.pk}",
                "service": service,
                "resource": "*",
            },
            total=len(actions),
        )
        timed(
            f"whole-service run, {name} (task's work, SQLite)",
            len(actions),
            lambda run=run: simulation_run_execute(run_id=run.pk),
        )
        timed(
            f"simulate(), custom mode, {name} (no database)",
            len(actions),
            lambda actions=actions: simulation.simulate(
                account=None, policy_documents=documents, actions=actions, resource_arns=["*"], context={}
            ),
        )
    # An organization's usual shape: FullAWSAccess at the root and the OU, a deny list at the account.
    full_access = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }
    deny_list = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Deny", "Action": ["organizations:Leave*", "iam:CreateUser"], "Resource": "*"},
            {
                "Effect": "Deny",
                "NotAction": ["iam:*", "sts:*"],
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}},
            },
        ],
    }
    scps = [
        [json.dumps(full_access)],
        [json.dumps(full_access)],
        [json.dumps(full_access), json.dumps(deny_list)],
    ]
    session = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    )
    actions = run_actions(ALL_SERVICES)
    timed(
        "simulate(), custom, 3 SCP levels + session, all services",
        len(actions),
        lambda: simulation.simulate(
            account=account,
            policy_documents=documents,
            scps=scps,
            session_policies=[session],
            actions=actions,
            resource_arns=["*"],
            context={"aws:RequestedRegion": "us-east-1"},
        ),
    )


if __name__ == "__main__":
    main()
