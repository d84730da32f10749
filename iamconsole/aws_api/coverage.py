"""How much of IAM's API the endpoint answers: the operations of botocore's model that have a handler.
The README's figure is written from here (`manage.py api_coverage --write-readme`) and a test checks it."""

import re

from aws.model import service_model
from iamconsole.aws_api.iam import HANDLERS

README_START = "<!-- api-coverage: written by `manage.py api_coverage --write-readme` -->"
README_END = "<!-- /api-coverage -->"
_FRAGMENT = re.compile(re.escape(README_START) + r".*?" + re.escape(README_END), re.DOTALL)


def implemented():
    """(the IAM operations answered, sorted; how many botocore's model has)."""
    names = service_model("iam").operation_names
    return sorted(set(HANDLERS) & set(names)), len(names)


def coverage_line():
    done, total = implemented()
    return f"IAM operations: {len(done)} of {total} implemented"


def markdown():
    """The README's fragment: the coverage line and the operations, between its markers."""
    done, _ = implemented()
    return "\n".join(
        [
            README_START,
            f"**{coverage_line()}**",
            "",
            "<details><summary>The operations</summary>",
            "",
            ", ".join(f"`{name}`" for name in done),
            "",
            "</details>",
            README_END,
        ]
    )


def readme_fragment(text):
    """The fragment the README holds now, or None."""
    found = _FRAGMENT.search(text)
    return found.group(0) if found else None


def with_fragment(text):
    """The README's text with its fragment rewritten from the code."""
    return _FRAGMENT.sub(lambda _: markdown(), text)
