"""Check answers against the schema; shared by add_response, add_records and the widget."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from nb_feedback.base.errors import ResponseError
from nb_feedback.domain._checks import is_blank
from nb_feedback.domain.schema import Schema, TextQuestion
from nb_feedback.domain.spans import span_text_problem


def check_values(
    schema: Schema,
    values: Mapping[str, Any],
    status: str,
    where: str,
    fields: Mapping[str, Any] | None = None,
) -> None:
    """Raise ``ResponseError`` unless ``values`` answers the schema's questions for ``status``.

    A submitted response must answer every required question with a valid value. Drafts and
    discarded responses may leave questions out, and a draft's text may be empty (it is a
    work in progress), but every value given must still have the right type. With the record's
    ``fields``, a span answer's offsets are also checked against the field's text.
    """
    if type(values) is not dict and not isinstance(values, Mapping):  # dict: no ABC check
        raise ResponseError(f"{where}: values must be a dict of answers, got {values!r}")
    checks = schema.value_checks
    # every name first: an unknown one is named before a value (one C-level test when all are
    # known, the usual case; the loop finds the first unknown one, or a name given as a non-str)
    if not values.keys() <= checks.keys():
        for name in values:
            if (name if type(name) is str else str(name)) not in checks:
                raise ResponseError(
                    f"{where}: unknown question {name!r}: expected one of {schema.question_names}"
                )
    for name, value in values.items():
        if status == "draft" and is_blank(value):
            question = schema.question(str(name))
            if isinstance(question, TextQuestion):
                continue  # a draft's text may be empty
        problem = checks[name if type(name) is str else str(name)](value)
        if problem:
            raise ResponseError(f"{where}, question {name!r}: {problem}")
    spans = schema.span_questions
    if spans and fields is not None:
        for name, question in spans.items():
            if name in values:
                problem = span_text_problem(question, values[name], fields)
                if problem:
                    raise ResponseError(f"{where}, question {name!r}: {problem}")
    if status == "submitted":
        for name in schema.required_question_names:
            if name not in values:
                raise ResponseError(
                    f"{where}: a submitted response must answer required question {name!r}"
                )


def is_missing(value: object) -> bool:
    """Tell whether ``value`` is None or float NaN (how pandas marks an empty cell)."""
    return value is None or (isinstance(value, float) and math.isnan(value))
