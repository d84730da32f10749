"""IAM's API model (botocore's, the one the AWS SDKs and the CLI are built from) as the one source of
the limits and patterns both the console's services and the AWS API check: a name's length, a path's,
a tag's, a description's."""

import functools

import botocore.session


@functools.cache
def service_model(name="iam"):
    """botocore's model of the service `name`, loaded once per process."""
    return botocore.session.get_session().get_service_model(name)


def member_shape(operation, member, service="iam"):
    """The shape of `member` in `operation`'s input ("CreateUser", "UserName"); a list's item shape
    with member "Tags.member"."""
    shape = service_model(service).operation_model(operation).input_shape
    for part in member.split("."):
        shape = shape.member if part == "member" else shape.members[part]
    return shape


def constraint(operation, member, key, service="iam"):
    """One constraint of a request member: "min", "max" or "pattern"."""
    return member_shape(operation, member, service).metadata[key]
