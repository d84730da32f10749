"""`python -m policies.engine evaluate|validate`: the contract's command line.

evaluate  reads JSON Lines of requests on stdin and writes one answer a line on stdout, in order;
          a line that is not JSON answers InvalidInput, blank lines are skipped; exits 0 once
          every line was read.
validate  is policies.engine.validation.main (reads one policy document on stdin).

Batches of requests usually repeat the same policy documents line after line, with a different
context. Decoding those documents anew on every line would cost more than evaluating them, so the
top-level object of each line is read field by field and a policy field whose text is the same as
on a recent line reuses the objects decoded then (and so the policies compiled for them).
"""

import json
import re
import sys
from json.decoder import scanstring
from json.scanner import make_scanner

USAGE = "usage: python -m policies.engine {evaluate,validate} [options] < input"

POLICY_FIELDS = frozenset(
    {"identityPolicies", "permissionsBoundary", "sessionPolicy", "scps", "rcps", "resourcePolicy"}
)
_RECENT = 4  # decoded texts remembered per policy field
_SHORT = 256  # characters: shorter lines (no policies to speak of) are decoded whole
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_SPACES = " \t\n\r"
_scan_once = make_scanner(json.JSONDecoder())


class RequestDecoder:
    """Decodes request lines, reusing the decoded value of policy fields seen on recent lines."""

    def __init__(self):
        self.recent: dict[str, list[tuple[str, object]]] = {}

    def _value(self, line: str, i: int) -> tuple[object, int]:
        try:
            return _scan_once(line, i)
        except StopIteration as stop:
            raise ValueError(f"Expecting value: column {stop.value + 1}") from None

    def _policy_value(self, key: str, line: str, i: int) -> tuple[object, int]:
        remembered = self.recent.setdefault(key, [])
        for text, value in remembered:
            # Only objects and arrays are remembered: their text ends where the value ends.
            if line.startswith(text, i):
                return value, i + len(text)
        value, end = self._value(line, i)
        if line[i] in "{[":
            remembered.insert(0, (line[i:end], value))
            del remembered[_RECENT:]
        return value, end

    def decode(self, line: str) -> object:
        """The JSON value of one line (ValueError when it is not JSON, or nested past the stack)."""
        try:
            return self._decode(line)
        except RecursionError:
            raise ValueError("Too deeply nested") from None

    def _decode(self, line: str) -> object:
        if len(line) < _SHORT:
            return json.loads(line)  # field by field costs more than it saves on short lines
        ws = _WHITESPACE.match
        i = ws(line, 0).end()
        if not line.startswith("{", i):
            return json.loads(line)
        out: dict = {}
        try:
            i = ws(line, i + 1).end()
            if line[i] == "}":
                i += 1
            else:
                while True:
                    if line[i] != '"':
                        raise ValueError(f"Expecting property name enclosed in double quotes: column {i + 1}")
                    key, i = scanstring(line, i + 1)
                    if line[i] != ":":
                        i = ws(line, i).end()
                        if line[i] != ":":
                            raise ValueError(f"Expecting ':' delimiter: column {i + 1}")
                    i += 1
                    if line[i] in _SPACES:
                        i = ws(line, i).end()
                    if key in POLICY_FIELDS:
                        out[key], i = self._policy_value(key, line, i)
                    else:
                        out[key], i = self._value(line, i)
                    if line[i] in _SPACES:
                        i = ws(line, i).end()
                    if line[i] == ",":
                        i += 1
                        if line[i] in _SPACES:
                            i = ws(line, i).end()
                        continue
                    if line[i] == "}":
                        i += 1
                        break
                    raise ValueError(f"Expecting ',' delimiter: column {i + 1}")
        except IndexError:
            raise ValueError("Expecting value: the line ends inside the object") from None
        if ws(line, i).end() != len(line):
            raise ValueError(f"Extra data: column {i + 1}")
        return out


def evaluate_lines(stdin, stdout) -> int:
    """Answer each JSON line of `stdin` (binary) on `stdout` (text); returns the exit status."""
    # Imported here: `validate` and `--help` answer without loading the catalog and the evaluator.
    from policies.engine import evaluate
    from policies.engine.explain import error_answer

    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    write = stdout.write
    decoder = RequestDecoder()
    for raw in stdin:
        if not raw.strip():
            continue
        try:
            request = decoder.decode(raw.decode("utf-8"))
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
        # Imported here: `evaluate` does not pay for the validator's grammar.
        from policies.engine.validation import main as validate_main

        return validate_main(rest)
    print(f"unknown command {command!r}\n{USAGE}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
