"""Name and text checks shared by the schema's fields, questions and metadata properties.

``schema`` and ``metadata`` both import these, and this module imports neither, so there is no
cycle. ``is_unicode`` and ``text_problem`` also serve the record and answer checks.
"""

from __future__ import annotations

import functools
import inspect
import re
from typing import Any, TypeVar

from nb_feedback.base.errors import SchemaError, SchemaTypeError

C = TypeVar("C", bound=type)

# Argilla v1's name rule: lower-case letters, digits, '_' and '-', with at least one of the first two.
_NAME = re.compile(r"^(?=.*[a-z0-9])[a-z0-9_-]+$")
MAX_TEXT_CHARS = 1_000_000
"""Longest text a field or text answer may hold (characters)."""


def check_name(kind: str, name: object) -> None:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise SchemaError(
            f"{kind} name {name!r}: expected lower-case letters, digits, '_' or '-' "
            "(e.g. 'prompt' or 'demonstration')"
        )


def _check_bool(owner: str, attr: str, value: object) -> None:
    if not isinstance(value, bool):
        raise SchemaError(f"{owner}: {attr} must be True or False, got {value!r}")


def check_optional_str(owner: str, attr: str, value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise SchemaError(f"{owner}: {attr} must be a string or None, got {value!r}")
    if value is not None and not is_unicode(value):
        raise SchemaError(
            f"{owner}: {attr} must be valid Unicode text, got a lone surrogate character"
        )


def is_unicode(text: str) -> bool:
    """Tell whether ``text`` can be stored as UTF-8 (it holds no lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def is_blank(value: object) -> bool:
    """Tell whether ``value`` is an empty or whitespace-only text (``not value.strip()``, no copy)."""
    return isinstance(value, str) and (not value or value.isspace())


def text_problem(value: object) -> str | None:
    """Say what is wrong with ``value`` as a non-empty text, or return None when it is fine."""
    if not isinstance(value, str):
        return f"expected text (str), got {type(value).__name__} {short_repr(value)}"
    if is_blank(value):
        return "expected non-empty text, got empty or whitespace-only text"
    if len(value) > MAX_TEXT_CHARS:
        return f"expected at most {MAX_TEXT_CHARS:,} characters, got {len(value):,}"
    if not value.isascii() and not is_unicode(value):  # isascii: no encoding for ASCII text
        return "expected valid Unicode text, got a lone surrogate character"
    return None


def short_repr(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def checked_arguments(cls: C) -> C:
    """Make an unknown or missing argument of ``cls(...)`` a ``SchemaTypeError`` naming the class.

    Python's own ``TypeError`` says only "unexpected keyword argument"; Argilla v1 validated the
    arguments, so v1 code catches a ``ValueError`` there. The arguments are bound to the
    signature first, so a ``TypeError`` raised inside ``__init__`` itself is left alone.
    """
    init = inspect.getattr_static(cls, "__init__")
    signature = inspect.signature(init)

    @functools.wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        try:
            signature.bind(self, *args, **kwargs)
        except TypeError as exc:
            raise SchemaTypeError(f"{cls.__name__}: {exc}") from None
        init(self, *args, **kwargs)

    cls.__init__ = __init__  # type: ignore[misc]
    return cls
