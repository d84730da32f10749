"""IAM's ARNs: how an entity is named in a request, and how a refusal names it."""

import re


def arn_of(account_id, kind, path="/", name=""):
    """An IAM ARN: `arn_of("111122223333", "user", "/", "bob")`; with no name, the listing form
    AWS's denials show for List* (`arn:aws:iam::111122223333:user/`)."""
    return f"arn:aws:iam::{account_id}:{kind}{path}{name}"


_NAMED_ENTITY = re.compile(r"arn:aws:iam::\d{12}:(user|group|role)/(?:.*/)?([^/]+)")
_POLICY = re.compile(r"arn:aws:iam::(?:\d{12}|aws):policy/(?:.*/)?[^/]+")
_POLICY_PATH = re.compile(r"arn:aws:iam::\d{12}:policy(/(?:.*/)?)")


def read_resource_label(resource):
    """How IAM's refusal of a read names its resource: `user bob` for a user, group or role (its path,
    which the caller did not give, stays unsaid), `policy <ARN>` for a managed policy, `policy path /`
    for the policies listed under a path (ListPolicies), the ARN otherwise."""
    match = _NAMED_ENTITY.fullmatch(resource)
    if match:
        return f"{match.group(1)} {match.group(2)}"
    match = _POLICY_PATH.fullmatch(resource)
    if match:
        return f"policy path {match.group(1)}"
    return f"policy {resource}" if _POLICY.fullmatch(resource) else resource


def path_and_name(account_id, kind, arn):
    """(path, name) of an ARN of this account's entity of `kind` (`arn:aws:iam::…:mfa/team/dev` ->
    ("/team/", "dev")), or None when the ARN names something else."""
    prefix = arn_of(account_id, kind, "/")
    if not arn or not arn.startswith(prefix):
        return None
    path, _, name = arn[len(prefix) - 1 :].rpartition("/")
    return path + "/", name
