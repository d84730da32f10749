"""`python -m policies.engine validate --type TYPE [--name NAME] < policy.json`."""

import json
import sys

from policies.engine.validation.policy_types import POLICY_TYPES
from policies.engine.validation.verdict import validate


def main(argv: list[str]) -> int:
    """`validate --type TYPE [--name NAME] < policy.json`: print the verdict, exit 1 if malformed."""
    import argparse  # only the command needs it: the console and the API import validation without it

    ap = argparse.ArgumentParser(prog="python -m policies.engine validate")
    ap.add_argument("--type", default="managed", choices=POLICY_TYPES)
    ap.add_argument("--name", default=None, help="user, group or role of an inline policy")
    args = ap.parse_args(argv)
    text = sys.stdin.buffer.read().decode("utf-8")
    result = validate(text, args.type, entity_name=args.name)
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 1 if result["malformed"] is not None else 0
