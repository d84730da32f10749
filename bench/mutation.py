"""Mutation testing figure: how many mutants of the authorization module, the operations table and the
engine's evaluation module the suite kills, within a time cap (30 minutes by default, two workers).

A benchmark that prints, never a CI gate. It runs mutmut (configured in pyproject.toml's [tool.mutmut]:
which modules, and only the tests of those parts) from the repository root, stops it at the cap, and
counts what it decided:

    .venv/bin/python bench/mutation.py [--minutes 30] [--children 2]

Killed mutants are caught by a test; survivors are changes of the code no test notices (each is a test
worth writing, or an equivalent mutant); "not checked" ones were left when the cap came.
"""

import argparse
import collections
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = ROOT / ".venv" / "bin" / "mutmut"
KILLED = {"killed"}
SURVIVED = {"survived"}


def run(minutes, children):
    started = time.monotonic()
    process = subprocess.Popen(
        [str(MUTMUT), "run", "--max-children", str(children)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        process.wait(timeout=minutes * 60)
        capped = False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
        capped = True
    return time.monotonic() - started, capped


def results():
    output = subprocess.run(
        [str(MUTMUT), "results", "--all", "true"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    statuses = {}
    for line in output.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            statuses[name] = status
    return statuses


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--children", type=int, default=2)
    args = parser.parse_args()
    seconds, capped = run(args.minutes, args.children)
    statuses = results()
    counts = collections.Counter(statuses.values())
    checked = sum(n for status, n in counts.items() if status != "not checked")
    killed = sum(counts[s] for s in KILLED)
    print(
        f"mutmut over {len(statuses)} mutants in {seconds / 60:.1f} minutes ({'capped' if capped else 'finished'})"
    )
    for status, n in counts.most_common():
        print(f"  {status:12} {n}")
    if checked:
        print(f"killed {killed} of {checked} checked: {100 * killed / checked:.1f}%")
    by_function = collections.Counter(
        name.split("__mutmut_")[0] for name, status in statuses.items() if status in SURVIVED
    )
    print("functions with the most survivors:")
    for function, n in by_function.most_common(15):
        print(f"  {n:4}  {function}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
