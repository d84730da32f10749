"""AWS Organizations' operations on the wire (JSON 1.1). Each handler takes the acting principal and the
request read from botocore's model and returns the output shape's members; writes go through the same
services as the console, reads are authorized and recorded. Each module registers its family's handlers."""

from iamconsole.aws_api.organizations import accounts, integrations, policies, structure
from iamconsole.aws_api.organizations.common import HANDLERS, invalid_input, refused

__all__ = ["HANDLERS", "accounts", "integrations", "invalid_input", "policies", "refused", "structure"]
