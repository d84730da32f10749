"""How much of each service's API the endpoint answers: the operations of botocore's model that have a
handler, per service (IAM, STS, Organizations, sso-admin, identitystore, sso-oidc, sso). The README's figures are written from here (`manage.py api_coverage
--write-readme`) and a test checks them."""

import re

from aws.model import service_model
from iamconsole.aws_api import iam, identitystore, organizations, rest_json, sso_admin, sts

README_START = "<!-- api-coverage: written by `manage.py api_coverage --write-readme` -->"
README_END = "<!-- /api-coverage -->"
_FRAGMENT = re.compile(re.escape(README_START) + r".*?" + re.escape(README_END), re.DOTALL)

# (the README's name of the service, botocore's model, the operations answered). STS's unsigned
# operations count once their verifier is registered.
SERVICES = [
    ("IAM", "iam", lambda: set(iam.HANDLERS)),
    ("STS", "sts", lambda: set(sts.HANDLERS) | set(sts.UNSIGNED_HANDLERS)),
    ("Organizations", "organizations", lambda: set(organizations.HANDLERS)),
    ("IAM Identity Center (sso-admin)", "sso-admin", lambda: set(sso_admin.HANDLERS)),
    ("Identity Store", "identitystore", lambda: set(identitystore.HANDLERS)),
    ("IAM Identity Center OIDC (sso-oidc)", "sso-oidc", lambda: set(rest_json.HANDLERS["sso-oidc"])),
    ("AWS access portal (sso)", "sso", lambda: set(rest_json.HANDLERS["sso"])),
]


def implemented(model="iam"):
    """(the operations of botocore's `model` answered, sorted; how many the model has)."""
    handled = dict((name, handlers) for _, name, handlers in SERVICES)[model]()
    names = service_model(model).operation_names
    return sorted(handled & set(names)), len(names)


def coverage_lines():
    """One line a service: "IAM operations: 146 of 181 implemented"."""
    lines = []
    for label, model, _ in SERVICES:
        done, total = implemented(model)
        lines.append(f"{label} operations: {len(done)} of {total} implemented")
    return lines


def markdown():
    """The README's fragment: each service's coverage line and its operations, between its markers."""
    parts = [README_START]
    for (label, model, _), line in zip(SERVICES, coverage_lines(), strict=True):
        done, _ = implemented(model)
        parts += [
            f"**{line}**",
            "",
            f"<details><summary>The {label} operations</summary>",
            "",
            ", ".join(f"`{name}`" for name in done),
            "",
            "</details>",
            "",
        ]
    return "\n".join([*parts[:-1], README_END])


def readme_fragment(text):
    """The fragment the README holds now, or None."""
    found = _FRAGMENT.search(text)
    return found.group(0) if found else None


def with_fragment(text):
    """The README's text with its fragment rewritten from the code."""
    return _FRAGMENT.sub(lambda _: markdown(), text)
