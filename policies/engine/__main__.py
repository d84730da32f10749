"""`python -m policies.engine evaluate|validate`: the contract's command line.

evaluate  reads JSON Lines of requests on stdin and writes one answer a line on stdout, in order;
          a line that is not JSON answers InvalidInput, blank lines are skipped; exits 0 once
          every line was read.
validate  is policies.engine.validation.main (reads one policy document on stdin).
"""

import json
import sys

USAGE = "usage: python -m policies.engine {evaluate,validate} [options] < input"


def evaluate_lines(stdin, stdout) -> int:
    """Answer each JSON line of `stdin` (binary) on `stdout` (text); returns the exit status."""
    from policies.engine import evaluate
    from policies.engine.explain import error_answer

    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    write = stdout.write
    for raw in stdin:
        if not raw.strip():
            continue
        try:
            request = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            answer = error_answer(None, "InvalidInput", "the line is not UTF-8")
        except ValueError as error:
            answer = error_answer(None, "InvalidInput", f"the line is not JSON: {error}")
        else:
            answer = evaluate(request)
        write(dumps(answer))
        write("\n")
    stdout.flush()
    return 0


def main(argv: list[str]) -> int:
    """Dispatch the subcommand; returns the exit status."""
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE, file=sys.stderr if not argv else sys.stdout)
        return 2 if not argv else 0
    command, rest = argv[0], argv[1:]
    if command == "evaluate":
        if rest:
            print(f"evaluate takes no arguments\n{USAGE}", file=sys.stderr)
            return 2
        sys.stdout.reconfigure(encoding="utf-8")
        return evaluate_lines(sys.stdin.buffer, sys.stdout)
    if command == "validate":
        from policies.engine.validation import main as validate_main

        return validate_main(rest)
    print(f"unknown command {command!r}\n{USAGE}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
