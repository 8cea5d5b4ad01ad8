"""Whole docstrings for the dataset's forwarding methods.

``FeedbackDataset.to_sft``, ``to_preference``, ``to_kto`` and ``report`` are short forwards to
the feature modules that do the work (imported lazily when called). ``help(dataset.to_sft)``
should still show every parameter: ``lend_docs`` gives each forward its feature function's
docstring, once, when the package is imported (the feature modules import no ``datasets``).
"""

from __future__ import annotations

import inspect


def lend_docs() -> None:
    """Append each feature function's docstring to the method that forwards to it."""
    from nb_feedback.dataset.dataset import FeedbackDataset
    from nb_feedback.exports import preference, report, sft

    for method, source in (
        (FeedbackDataset.to_sft, sft.to_sft),
        (FeedbackDataset.to_preference, preference.to_preference),
        (FeedbackDataset.to_kto, preference.to_kto),
        (FeedbackDataset.report, report.report),
    ):
        first = (inspect.getdoc(method) or "").splitlines()[0]
        body = inspect.getdoc(source) or ""
        # the feature function takes the dataset first; the method is called on it
        method.__doc__ = (
            f"{first}\n\nForwards to ``{source.__module__}.{source.__name__}(dataset, ...)``; "
            f"its documentation (``ds`` is this dataset):\n\n{body}"
        )
