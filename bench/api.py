"""AWS API calls per second: a boto3 workload against the project under gunicorn (3 workers, DEBUG off)
on PostgreSQL, signed with the keys of an IAM user whose policy allows it (so the engine decides every
call), with 1 and 4 clients; and against moto's server in the same run when moto is installed (a
dev-only dependency: `.venv/bin/pip install "moto[server]"`). Prints figures; asserts nothing.

    .venv/bin/python bench/api.py [--seconds 20] [--database postgres://postgres@127.0.0.1:5432/iamconsole_bench]
        [--moto-server /path/to/venv/bin/moto_server]

The ceiling: the same clients against bench/canned_iam.py (fixed answers, no work) show the most any
server could serve them on this machine.

Each client repeats one round: create a user and a group, add the user to the group, create a policy
and a second version of it, attach it, read the user, list users with pagination (pages of 5), list
the attached policies, then detach and delete all of it (17 calls). The target: at least three times
moto_server's rate at 4 clients.

The STS phase (this project only): each client calls AssumeRole once with the user's keys, then
repeats GetCallerIdentity, ListUsers and GetUser signed with the role session's temporary credentials
(each call looks the credentials up and the engine decides it for the role).
"""

import argparse
import json
import os
import pathlib
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid

import boto3
from botocore.config import Config

ROOT = pathlib.Path(__file__).resolve().parents[1]
PYTHON = sys.executable
VENV_BIN = pathlib.Path(PYTHON).parent
DOCUMENT = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
)
SECOND = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}
)
CALLS_PER_ROUND = 17


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 — our own local server
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not come up")


def iam_client(url, key, secret, service="iam", token=None):
    return boto3.client(
        service,
        endpoint_url=url,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 1}, max_pool_connections=4),
    )


def one_round(iam, account_id, tag):
    user, group, policy = f"u-{tag}", f"g-{tag}", f"p-{tag}"
    iam.create_user(UserName=user)
    iam.create_group(GroupName=group)
    iam.add_user_to_group(GroupName=group, UserName=user)
    arn = iam.create_policy(PolicyName=policy, PolicyDocument=DOCUMENT)["Policy"]["Arn"]
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=SECOND, SetAsDefault=True)
    iam.attach_user_policy(UserName=user, PolicyArn=arn)
    iam.get_user(UserName=user)
    first = iam.list_users(MaxItems=5)
    if first["IsTruncated"]:
        iam.list_users(MaxItems=5, Marker=first["Marker"])
    else:
        iam.list_users(MaxItems=5)
    iam.list_attached_user_policies(UserName=user)
    iam.detach_user_policy(UserName=user, PolicyArn=arn)
    iam.delete_policy_version(PolicyArn=arn, VersionId="v1")
    iam.delete_policy(PolicyArn=arn)
    iam.remove_user_from_group(GroupName=group, UserName=user)
    iam.delete_group(GroupName=group)
    iam.delete_user(UserName=user)


STS_CALLS_PER_ROUND = 3


def session_clients(url, credentials, account_id):
    """(STS client, IAM client) signed with a new session of the bench role."""
    sts = iam_client(url, *credentials, service="sts")
    issued = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/bench-role", RoleSessionName="bench", DurationSeconds=3600
    )["Credentials"]
    keys = (issued["AccessKeyId"], issued["SecretAccessKey"])
    return (
        iam_client(url, *keys, service="sts", token=issued["SessionToken"]),
        iam_client(url, *keys, token=issued["SessionToken"]),
    )


def sts_round(clients, account_id, tag):
    sts, iam = clients
    sts.get_caller_identity()
    iam.list_users(MaxItems=5)
    iam.get_user(UserName="bench-caller")


def run(url, credentials, clients, seconds, account_id, sts=False):
    """Calls per second of `clients` threads, each with its own boto3 client, for `seconds`; with
    `sts`, the STS phase's calls with a role session's credentials."""
    done = [0] * clients
    failures = []
    stop = time.monotonic() + seconds

    def work(index):
        if sts:
            caller, one = session_clients(url, credentials, account_id), sts_round
        else:
            caller, one = iam_client(url, *credentials), one_round
        while time.monotonic() < stop:
            try:
                one(caller, account_id, f"{index}-{uuid.uuid4().hex[:8]}")
            except Exception as error:  # noqa: BLE001 — counted and shown, the run goes on
                failures.append(repr(error)[:200])
                return
            done[index] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=work, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return sum(done) * (STS_CALLS_PER_ROUND if sts else CALLS_PER_ROUND) / elapsed, failures


def migrate_and_make_the_caller(env):
    """Migrate the database `env` names and make the bench's account, IAM user (with its keys) and role:
    (account id, access key id, secret)."""
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0", "--no-input"], cwd=ROOT, env=env, check=True)
    made = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", SETUP],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    account_id, key, secret = made.stdout.split()[-3:]
    return account_id, key, secret


def project_server(database, port):
    """Migrate the bench database, make an IAM user allowed iam:* with its keys, start gunicorn."""
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    env.pop("CELERY_BROKER_URL", None)
    account_id, key, secret = migrate_and_make_the_caller(env)
    server = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "iamconsole.wsgi",
            "-w",
            "3",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    return server, account_id, (key, secret)


SETUP = """
import json
from access.acting import Acting
from accounts.models import Account
from accounts.services.access_keys import access_key_create
from accounts.services.users import user_create
from policies.services.permissions import inline_policy_put
from policies.services.roles import role_create
account = Account.objects.create(name="bench", root_email=f"bench-{Account.objects.count()}@example.com", root_password="!")
root = Acting(account=account)
user = user_create(account=account, name="bench-caller", acting=root)
inline_policy_put(name="all-iam", user=user, acting=root, document=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["iam:*", "sts:AssumeRole"], "Resource": "*"}]}))
trust = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": user.arn}, "Action": "sts:AssumeRole"}]}
role = role_create(account=account, name="bench-role", trust_policy=json.dumps(trust), acting=root)
inline_policy_put(name="read-iam", role=role, acting=root, document=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"}]}))
key, secret = access_key_create(account=account, user=user, acting=root)
print(account.id, key.access_key_id, secret)
"""


def ceiling(seconds):
    """The same clients against bench/canned_iam.py under gunicorn (3 workers): a server that does nothing."""
    rates = {}
    port = free_port()
    server = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "--chdir",
            str(ROOT / "bench"),
            "canned_iam:app",
            "-w",
            "3",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ]
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url)
        for clients in (1, 4):
            rate, failures = run(url, ("AKIAIOSFODNN7EXAMPLE", "secret"), clients, seconds, "123456789012")
            rates[("canned", clients)] = rate
            print(
                f"Canned responses (gunicorn 3 workers, no work at all), {clients} client(s): {rate:,.0f} calls/s"
            )
            for failure in failures[:3]:
                print("  failure:", failure)
    finally:
        server.terminate()
        server.wait()
    return rates


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/iamconsole_bench")
    parser.add_argument(
        "--moto-server", default=str(VENV_BIN / "moto_server"), help="moto_server to compare with (any venv)"
    )
    args = parser.parse_args()

    name = args.database.rsplit("/", 1)[-1]
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=False)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)

    results = {}
    port = free_port()
    server, account_id, credentials = project_server(args.database, port)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/healthz")
        for clients in (1, 4):
            rate, failures = run(url, credentials, clients, args.seconds, account_id)
            results[("iam console", clients)] = rate
            print(
                f"IAM console (gunicorn 3 workers, PostgreSQL, enforced), {clients} client(s): {rate:,.0f} calls/s"
            )
            for failure in failures[:3]:
                print("  failure:", failure)
        for clients in (1, 4):
            rate, failures = run(url, credentials, clients, args.seconds, account_id, sts=True)
            print(
                f"STS phase (a role session's temporary credentials), {clients} client(s): {rate:,.0f} calls/s"
            )
            for failure in failures[:3]:
                print("  failure:", failure)
    finally:
        server.terminate()
        server.wait()

    results.update(ceiling(args.seconds))
    moto = pathlib.Path(args.moto_server)
    if moto.exists():
        port = free_port()
        server = subprocess.Popen(
            [str(moto), "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_up(url)
            for clients in (1, 4):
                rate, failures = run(
                    url,
                    ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                    clients,
                    args.seconds,
                    "123456789012",
                )
                results[("moto_server", clients)] = rate
                print(f"moto_server (no enforcement), {clients} client(s): {rate:,.0f} calls/s")
                for failure in failures[:3]:
                    print("  failure:", failure)
        finally:
            server.terminate()
            server.wait()
        if results.get(("moto_server", 4)):
            ratio = results[("iam console", 4)] / results[("moto_server", 4)]
            print(f"At 4 clients: {ratio:.2f} times moto_server's rate (target: 3)")
            most = results[("canned", 4)] / results[("moto_server", 4)]
            print(
                f"At 4 clients the canned server reaches {most:.2f} times moto_server's rate: no server can do more here"
            )
    else:
        print('moto_server is not installed: `.venv/bin/pip install "moto[server]"` to compare.')


if __name__ == "__main__":
    main()
