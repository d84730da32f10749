"""Decisions per second through policies.engine.evaluate() and through the JSON Lines command.

    .venv/bin/python bench/engine.py [--seconds 3] [--profile a|b]

(a) one identity policy of three statements;
(b) a principal with 10 managed policies of 10 statements each (wildcards, conditions, policy
    variables), a permissions boundary and SCPs on three levels.
Requests share the same policy dict objects, as an application keeping policies in memory passes
them, and differ in their context (and, for (b), in action and resource). The command is timed
end to end: process start, JSON parsing of every line (policies included) and writing answers.
Targets: (a) >= 100,000/s, (b) >= 10,000/s, on one process. Prints figures; asserts nothing.
First, the catalog's load time at start-up, in a fresh process (evaluation itself never loads the
catalog: it reads only the small list of services under RCPs).
"""

import argparse
import cProfile
import json
import os
import pathlib
import pstats
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from policies.engine import evaluate  # noqa: E402

ACCOUNT = "111122223333"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"


def batch_a(count: int) -> list[dict]:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadReports",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:GetObjectVersion"],
                "Resource": "arn:aws:s3:::reports/*",
                "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
            },
            {"Sid": "List", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::reports"},
            {"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"},
        ],
    }
    ips = ["203.0.113.7", "198.51.100.1", "203.0.113.200", "192.0.2.33"]
    return [
        {
            "id": str(i),
            "principal": USER,
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::reports/2026/q3.csv",
            "context": {"aws:SourceIp": ips[i % len(ips)]},
            "identityPolicies": [policy],
        }
        for i in range(count)
    ]


SERVICES = ["s3", "ec2", "dynamodb", "sqs", "sns", "lambda", "logs", "kms", "iam", "cloudwatch"]


def _managed_policy(n: int) -> dict:
    service = SERVICES[n]
    statements = []
    for k in range(10):
        kind = k % 5
        if kind == 0:
            statement = {"Effect": "Allow", "Action": f"{service}:Get*", "Resource": "*"}
        elif kind == 1:
            statement = {
                "Effect": "Allow",
                "Action": [f"{service}:List*", f"{service}:Describe*"],
                "Resource": f"arn:aws:{service}:*:{ACCOUNT}:*",
                "Condition": {"StringEquals": {"aws:PrincipalTag/team": ["red", "blue"]}},
            }
        elif kind == 2:
            statement = {
                "Effect": "Allow",
                "Action": f"{service}:Put*",
                "Resource": f"arn:aws:{service}:*:{ACCOUNT}:home/${{aws:username}}/*",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
            }
        elif kind == 3:
            statement = {
                "Effect": "Deny",
                "Action": f"{service}:Delete*",
                "Resource": "*",
                "Condition": {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.0/24"]}},
            }
        else:
            statement = {
                "Effect": "Allow",
                "Action": f"{service}:*Tag*",
                "Resource": "*",
                "Condition": {
                    "StringLike": {"aws:RequestTag/project": "proj-*"},
                    "ForAllValues:StringEquals": {"aws:TagKeys": ["project", "env"]},
                },
            }
        statement["Sid"] = f"P{n}S{k}"
        statements.append(statement)
    return {"Version": "2012-10-17", "Statement": statements}


def batch_b(count: int) -> list[dict]:
    managed = [_managed_policy(n) for n in range(10)]
    boundary = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": [f"{s}:*" for s in SERVICES[:8]], "Resource": "*"},
            {"Effect": "Deny", "Action": "iam:*", "Resource": "*"},
        ],
    }
    full = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    region_guard = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "NotAction": ["iam:*", "sts:*", "cloudwatch:*"],
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}},
            }
        ],
    }
    scps = [[full], [full, region_guard], [full]]
    actions = [
        ("s3:GetObject", "arn:aws:s3:::reports/q3.csv"),
        ("s3:PutObject", f"arn:aws:s3:*:{ACCOUNT}:home/alice/notes.txt"),
        ("ec2:DescribeInstances", f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-1"),
        ("dynamodb:DeleteItem", f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/t"),
        ("sqs:ListQueues", f"arn:aws:sqs:us-east-1:{ACCOUNT}:q"),
        ("lambda:TagResource", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:f"),
        ("kms:GetKeyPolicy", "*"),
        ("iam:GetUser", f"arn:aws:iam::{ACCOUNT}:user/alice"),
    ]
    contexts = [
        {
            "aws:SourceIp": "203.0.113.7",
            "aws:PrincipalTag/team": "red",
            "aws:MultiFactorAuthPresent": True,
            "aws:RequestedRegion": "us-east-1",
            "aws:RequestTag/project": "proj-a",
            "aws:TagKeys": ["project"],
        },
        {"aws:SourceIp": "192.0.2.1", "aws:PrincipalTag/team": "green", "aws:RequestedRegion": "ap-south-1"},
        {
            "aws:SourceIp": "198.51.100.9",
            "aws:MultiFactorAuthPresent": False,
            "aws:RequestedRegion": "eu-west-1",
        },
    ]
    out = []
    for i in range(count):
        action, resource = actions[i % len(actions)]
        out.append(
            {
                "id": str(i),
                "principal": USER,
                "action": action,
                "resource": resource,
                "context": dict(contexts[i % len(contexts)]),
                "identityPolicies": managed,
                "permissionsBoundary": boundary,
                "scps": scps,
            }
        )
    return out


def rate(requests: list[dict], seconds: float) -> tuple[float, float]:
    """(per CPU second, per wall second) decisions through evaluate(), best round of several.

    The machine is shared with other work, so each round of `requests` is timed both by this
    process's CPU time (what the engine costs, unaffected by waiting for a core) and by the wall
    clock; the best round of each is reported.
    """
    for request in requests[:50]:  # compile and warm the caches, as a long-running app would be
        evaluate(request)
    cpu_rates, wall_rates = [], []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(cpu_rates) < 3:
        cpu, wall = time.process_time(), time.perf_counter()
        for request in requests:
            evaluate(request)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        cpu_rates.append(len(requests) / max(cpu, 1e-9))
        wall_rates.append(len(requests) / wall)
    return max(cpu_rates), max(wall_rates)


def command_rate(requests: list[dict]) -> float:
    """Decisions per second through `python -m policies.engine evaluate`, process start included."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as handle:
        for request in requests:
            handle.write(json.dumps(request) + "\n")
        path = handle.name
    try:
        with open(path, "rb") as stdin:
            start = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "-m", "policies.engine", "evaluate"],
                stdin=stdin,
                stdout=subprocess.PIPE,
                cwd=ROOT,
                check=True,
            )
            elapsed = time.perf_counter() - start
        assert result.stdout.count(b"\n") == len(requests)
        return len(requests) / elapsed
    finally:
        os.unlink(path)


def catalog_start_up() -> dict:
    """The catalog's figures and load time as a fresh process sees them (import and load)."""
    code = (
        "import json, time; t = time.perf_counter(); from policies.engine import catalog; "
        "info = catalog.load().as_dict(); info['startUpSeconds'] = time.perf_counter() - t; print(json.dumps(info))"
    )
    result = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE, cwd=ROOT, check=True)
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--profile", choices=["a", "b"], help="cProfile one batch instead of timing")
    args = parser.parse_args()
    a, b = batch_a(1000), batch_b(1000)
    if args.profile:
        requests = a if args.profile == "a" else b
        profiler = cProfile.Profile()
        profiler.enable()
        rate(requests, args.seconds)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return
    info = catalog_start_up()
    print(
        f"catalog: {info['source']} {info['version']}, {info['services']} services, {info['actions']:,} actions; "
        f"loaded in {info['loadSeconds']:.3f}s ({info['startUpSeconds']:.3f}s with the import, fresh process)"
    )
    decisions = {}
    for request in b[:8]:
        decisions[request["action"]] = evaluate(request)["decision"]
    print("(b) decisions by action:", decisions)
    for name, label, requests in (
        ("a", "1 policy x 3 statements", a),
        ("b", "10x10 + boundary + 3 SCP levels", b),
    ):
        cpu, wall = rate(requests, args.seconds)
        print(
            f"({name}) evaluate(), {label:32s} {cpu:>10,.0f} decisions per CPU second, {wall:>10,.0f} per wall second"
        )
    for name, batch in (("a", batch_a), ("b", batch_b)):
        print(
            f"({name}) python -m policies.engine evaluate, 20,000 lines: {command_rate(batch(20000)):>10,.0f} decisions/s"
        )


if __name__ == "__main__":
    main()
