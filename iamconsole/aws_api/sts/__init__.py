"""STS's operations on the wire (Query protocol, botocore's "sts" model). The handlers call
accounts/services/sts.py, as the console's Switch role does: authorized by the engine and recorded in
Event history with eventSource sts.amazonaws.com."""

from iamconsole.aws_api.sts import operations
from iamconsole.aws_api.sts.operations import HANDLERS, UNSIGNED, UNSIGNED_HANDLERS, answer_unsigned

__all__ = ["HANDLERS", "UNSIGNED", "UNSIGNED_HANDLERS", "answer_unsigned", "operations"]
