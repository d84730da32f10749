"""The request context: the condition keys and values of one request.

AWS matches condition key names case-insensitively ("aws:SourceIp" and "AWS:SOURCEIP" are the
same key), so keys are stored lower-cased. Every value is held as a tuple of strings, whether the
key is single-valued or multivalued, so condition operators have one shape to deal with.
"""

from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["Context", "normalise_value"]


def _scalar(value: Any) -> str:
    if type(value) is str:
        return value
    # bool before int: True is an int in Python, and AWS spells booleans "true"/"false".
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    raise TypeError(f"context values must be strings, numbers or booleans, not {type(value).__name__}")


def normalise_value(value: Any) -> tuple[str, ...] | None:
    """One context value as a tuple of strings; None (the key counts as absent) for None."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return tuple(_scalar(item) for item in value)
    return (_scalar(value),)


class Context:
    """Request context: keys matched case-insensitively; every value held as a tuple of strings."""

    __slots__ = ("values",)

    def __init__(self, values: Mapping[str, Any] | None = None):
        # One pass. When two keys differ only in case the later one wins, as one key can hold only
        # one value in a request. A None value means the key is not in the request.
        normalised: dict[str, tuple[str, ...]] = {}
        if values:
            for key, value in values.items():
                if type(value) is str:  # the common case, kept cheap
                    normalised[key.lower()] = (value,)
                    continue
                held = normalise_value(value)
                if held is not None:
                    normalised[key.lower()] = held
        # Public on purpose: compiled conditions read it with already lower-cased keys (hot path).
        self.values = normalised

    def get(self, key: str) -> tuple[str, ...] | None:
        """The values of `key` (any case), or None when the request lacks it."""
        return self.values.get(key.lower())

    def setdefault(self, key: str, value: Any) -> None:
        """Add `key` unless the request already has it (for values the engine derives)."""
        held = normalise_value(value)
        if held is not None:
            self.values.setdefault(key.lower(), held)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self.values

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def __repr__(self) -> str:
        return f"Context({self.values!r})"
