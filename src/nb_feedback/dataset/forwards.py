"""The dataset's methods that hand work to a feature function: one signature, the feature's.

``FeedbackDataset.to_sft`` and the others listed in ``FORWARDS`` call a feature function with
the dataset first. Their parameters are written once, on the feature function; ``lend`` gives
each forward that function's signature (less what the dataset fills in) and its docstring when
the package is imported, so ``help(dataset.to_sft)`` and Jupyter's Shift+Tab show every
parameter, and a parameter added to the feature is a parameter of the method at once.
"""

from __future__ import annotations

import importlib
import inspect
import re
from typing import Any

FORWARDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # method, "module:function", parameters the dataset fills in (not shown)
    ("format_as", "nb_feedback.argilla.argilla_format:format_as", ("ds",)),
    ("to_sft", "nb_feedback.exports.sft:to_sft", ("ds",)),
    ("suggest", "nb_feedback.exports.suggest:suggest", ("ds", "write")),
    ("to_preference", "nb_feedback.exports.preference:to_preference", ("ds",)),
    ("to_kto", "nb_feedback.exports.preference:to_kto", ("ds",)),
    ("report", "nb_feedback.exports.report:report", ("ds",)),
    ("to_argilla", "nb_feedback.argilla.to_argilla:to_argilla", ("dataset",)),
    ("from_argilla", "nb_feedback.argilla.from_argilla:from_argilla", ("make",)),
    ("to_hub", "nb_feedback.argilla.hub:to_hub", ("dataset",)),
    ("from_hub", "nb_feedback.argilla.hub:from_hub", ("make",)),
    ("prepare_for_training", "nb_feedback.argilla.training:prepare_for_training", ("ds",)),
    (
        "compute_agreement_metrics",
        "nb_feedback.team.metrics:compute_agreement_metrics",
        ("dataset",),
    ),
    ("compute_model_metrics", "nb_feedback.team.metrics:compute_model_metrics", ("dataset",)),
    ("find_similar_records", "nb_feedback.dataset.similar_records:find_similar_records", ("ds",)),
)


def target_of(spec: str) -> Any:
    """Return the feature function named ``"module:function"``."""
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def lend(cls: type) -> None:
    """Give each forward of ``cls`` its feature function's signature and docstring."""
    for method, spec, filled in FORWARDS:
        target = target_of(spec)
        member = cls.__dict__[method]
        is_class = isinstance(member, classmethod)
        function = member.__func__ if is_class else member
        signature = inspect.signature(target)
        missing = [n for n in filled if n not in signature.parameters]
        if missing:  # the table names a parameter the feature no longer has
            raise AssertionError(f"{spec} has no parameter {missing[0]!r}")
        first = inspect.Parameter(
            "cls" if is_class else "self", inspect.Parameter.POSITIONAL_OR_KEYWORD
        )
        kept = [p for p in signature.parameters.values() if p.name not in filled]
        function.__signature__ = signature.replace(parameters=[first, *kept])
        function.__doc__ = without_parameters(inspect.getdoc(target) or "", filled)


def without_parameters(doc: str, names: tuple[str, ...]) -> str:
    """Drop the numpy-style entries of ``names`` (and their indented lines) from ``doc``."""
    out: list[str] = []
    skipping = False
    for line in doc.splitlines():
        entry = re.match(r"^(\w+)\s*:", line)
        if entry:  # a parameter's entry starts: skip it and its indented lines if named
            skipping = entry.group(1) in names
        elif line and not line[0].isspace():  # any other unindented line ends the entry
            skipping = False
        if not skipping:
            out.append(line)
    return "\n".join(out)
