"""The policy engine: a pure-Python library (never imports Django).

`evaluate(request)` is the contract's function (see ENGINE_CONTRACT.md, the command-line contract shared with the other evaluators): one request
object in, one answer object out.
"""

from collections.abc import Mapping

from policies.engine.document import MalformedPolicyDocument
from policies.engine.evaluation import InvalidRequest, decide
from policies.engine.explain import answer, error_answer

__all__ = ["evaluate"]


def evaluate(request: dict) -> dict:
    """Evaluate one request object as AWS would; the contract's answer object (never raises for bad input)."""
    if type(request) is not dict and not isinstance(request, Mapping):
        return error_answer(request, "InvalidInput", "the request must be a JSON object")
    try:
        decision = decide(request)
    except MalformedPolicyDocument as error:
        return error_answer(request, "MalformedPolicyDocument", str(error))
    except InvalidRequest as error:
        return error_answer(request, "InvalidInput", str(error))
    return answer(decision, request)
