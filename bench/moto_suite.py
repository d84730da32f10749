"""moto's own IAM, STS and Organizations test suites as the outside measure of the AWS API's fidelity:
the tests of moto's source distribution, in moto's server mode, pointed at this project in local mode, and at moto's own server
for comparison. Nothing of moto's is copied into the project: the suite is downloaded into a temporary
directory, with its own virtualenv (moto[server], freezegun, pytest).

    .venv/bin/python bench/moto_suite.py [--moto 5.2.5] [--suites test_iam test_sts test_organizations]
        [--keep] [--workdir DIR] [--verbose]

Prints the passes of each server and the kinds of failure against this one (the error code, or the
first words of the assertion). Where moto is more lenient than AWS (a trust policy "some policy", a
path without slashes, a weak password, a user without policies creating keys; in Organizations an SCP
or RCP attached before its type is enabled, "foobar" as an SCP's content, an SCP's document as an AI
services opt-out policy, two accounts with one email address, a CreateAccount status for the management
account, FullAWSAccess's ARN in the organization), AWS's behaviour wins and the test fails here on purpose.
"""

import argparse
import collections
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request

from moto_verdicts import UNCONFIRMED, verdict_of

ROOT = pathlib.Path(__file__).resolve().parents[1]
SUITES = {"test_iam": "IAM", "test_sts": "STS", "test_organizations": "Organizations"}
PYTHON = sys.executable


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 — a local server
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not come up")


def prepare(workdir, version):
    """moto's sdist unpacked in `workdir`, and a virtualenv able to run its tests."""
    pip = [
        PYTHON,
        "-m",
        "pip",
        "download",
        "-q",
        f"moto=={version}",
        "--no-binary",
        ":all:",
        "--no-deps",
        "-d",
    ]
    subprocess.run([*pip, str(workdir)], check=True)
    with tarfile.open(next(workdir.glob("moto-*.tar.gz"))) as archive:
        archive.extractall(workdir, filter="data")
    venv = workdir / "venv"
    subprocess.run([PYTHON, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", f"moto[server]=={version}", "freezegun", "pytest"],
        check=True,
    )
    return next(path for path in workdir.iterdir() if path.is_dir() and path.name.startswith("moto-")), venv


def run_suite(source, venv, endpoint, suite):
    """({passed, failed, skipped}, [failure lines]) of moto's tests/<suite> against `endpoint`."""
    env = {
        **os.environ,
        "TEST_SERVER_MODE": "true",
        "TEST_SERVER_MODE_ENDPOINT": endpoint,
        "AWS_ACCESS_KEY_ID": "FOOBARKEY",
        "AWS_SECRET_ACCESS_KEY": "FOOBARSECRET",
        "COLUMNS": "1000",  # pytest's summary lines whole, with their error codes
    }
    result = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pytest",
            "-q",
            "-rf",
            "-p",
            "no:cacheprovider",
            "--color=no",
            f"tests/{suite}",
        ],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    counts = {kind: 0 for kind in ("passed", "failed", "skipped")}
    for number, kind in re.findall(r"(\d+) (passed|failed|skipped)", result.stdout.splitlines()[-1]):
        counts[kind] = int(number)
    failures = [line for line in result.stdout.splitlines() if line.startswith("FAILED ")]
    return counts, failures


def test_name(failure):
    """The name after the file of a pytest summary line: 'FAILED tests/x/y.py::name - why' -> 'name'."""
    return failure.removeprefix("FAILED ").split(" - ", 1)[0].split("::", 1)[-1]


def report_verdicts(suite, moto_counts, our_counts, failures, verbose=False):
    """The failures by verdict (bench/moto_verdicts.py), the figure over the tests whose expectation is
    AWS's, and the unclassified failures in full (the project's own gaps)."""
    groups = collections.defaultdict(list)
    unclassified = []
    for failure in failures:
        verdict = verdict_of(suite, test_name(failure))
        if verdict:
            groups[verdict].append(failure)
        else:
            unclassified.append(failure)
    print("  Failures here, by verdict (bench/moto_verdicts.py):")
    for (verdict, evidence), members in sorted(groups.items(), key=lambda item: -len(item[1])):
        print(f"    {len(members):4}  {verdict}: {evidence}")
        if verbose:
            for failure in members:
                print(f"            {test_name(failure)}")
    print(f"    {len(unclassified):4}  not classified (this project's gaps):")
    for failure in unclassified:
        print(f"            {failure[:300]}")
    excused = sum(len(members) for (verdict, _), members in groups.items() if verdict != UNCONFIRMED)
    agreed = moto_counts["passed"] - excused
    if agreed > 0:
        print(
            f"  Of the {agreed} tests whose expectations are AWS's (moto's passes less the AWS-wins and "
            f"other-service failures): {our_counts['passed']} pass here, {our_counts['passed'] / agreed:.0%}"
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--moto", default="5.2.5")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--suites",
        nargs="+",
        default=list(SUITES),
        choices=list(SUITES),
        help="moto's test directories to run",
    )
    parser.add_argument("--verbose", action="store_true", help="print each failure")
    parser.add_argument(
        "--workdir", help="a directory --keep kept: its moto source and virtualenv are reused"
    )
    args = parser.parse_args()

    workdir = (
        pathlib.Path(args.workdir) if args.workdir else pathlib.Path(tempfile.mkdtemp(prefix="moto-suite-"))
    )
    servers = []
    try:
        if args.workdir:
            source = next(
                path for path in workdir.iterdir() if path.is_dir() and path.name.startswith("moto-")
            )
            venv = workdir / "venv"
            (workdir / "db.sqlite3").unlink(missing_ok=True)
        else:
            source, venv = prepare(workdir, args.moto)
        port = free_port()
        env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
            "IAMCONSOLE_LOCAL_MODE": "1",
        }
        env.pop("CELERY_BROKER_URL", None)
        subprocess.run([PYTHON, "manage.py", "migrate", "-v0", "--no-input"], cwd=ROOT, env=env, check=True)
        subprocess.run([PYTHON, "manage.py", "load_aws_managed_policies"], cwd=ROOT, env=env, check=True)
        servers.append(
            subprocess.Popen(
                [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        ours = f"http://127.0.0.1:{port}"
        wait_until_up(f"{ours}/healthz")
        moto_port = free_port()
        servers.append(
            subprocess.Popen(
                [str(venv / "bin" / "moto_server"), "-p", str(moto_port)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        theirs = f"http://127.0.0.1:{moto_port}"
        wait_until_up(theirs)

        for suite in args.suites:
            moto_counts, _ = run_suite(source, venv, theirs, suite)
            our_counts, failures = run_suite(source, venv, ours, suite)
            print(f"moto {args.moto}'s tests/{suite} in server mode:")
            print(f"  against moto_server:  {moto_counts['passed']} passed, {moto_counts['failed']} failed")
            print(f"  against IAM Console:  {our_counts['passed']} passed, {our_counts['failed']} failed")
            if moto_counts["passed"]:
                print(
                    f"  {our_counts['passed'] / moto_counts['passed']:.0%} of the tests moto's own server passes"
                )
            report_verdicts(suite, moto_counts, our_counts, failures, verbose=args.verbose)
    finally:
        for server in servers:
            server.terminate()
            server.wait()
        # A --workdir given is the caller's (its moto source and virtualenv are reused): never removed.
        if args.keep or args.workdir:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
