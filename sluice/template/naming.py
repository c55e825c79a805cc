"""Stable generated names and ids, shaped like the ones CloudFormation gives unnamed resources."""

from __future__ import annotations

import base64
import hashlib

_SUFFIX_LENGTH = 12


def stable_suffix(*parts: str, length: int = _SUFFIX_LENGTH) -> str:
    """An upper-case alphanumeric suffix derived from `parts` (same parts, same suffix)."""
    digest = hashlib.sha256("/".join(parts).encode()).digest()
    return base64.b32encode(digest).decode().rstrip("=")[:length]


def generated_name(
    stack_name: str, logical_id: str, max_length: int, lowercase: bool = False
) -> str:
    """`<stack>-<LogicalId>-<suffix>`, cut to `max_length` the way CloudFormation does it."""
    suffix = stable_suffix(stack_name, logical_id)
    prefix = f"{stack_name}-{logical_id}"[: max_length - len(suffix) - 1]
    name = f"{prefix}-{suffix}"
    return name.lower() if lowercase else name


def generated_id(*parts: str, length: int = 10) -> str:
    """A lower-case alphanumeric id such as an API Gateway API id."""
    return stable_suffix(*parts, length=length).lower()


def generated_uuid(*parts: str) -> str:
    """A UUID-shaped id derived from `parts`."""
    digest = hashlib.sha256("/".join(parts).encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"
