"""Fields and questions read from a dataset that can be edited as Argilla v1 users edit them.

In v1, ``dataset.questions[0].title = "..."`` changed the dataset. Our fields and questions are
frozen values; the ones a dataset hands out (``dataset.fields``, ``dataset.questions``,
``field_by_name``, ``question_by_name``) are bound copies: setting an attribute builds the new
field or question (checked as when it was made), and the dataset commits the new schema through
its change path (saved with it), refusing an edit that would leave a stored answer or suggestion
invalid. A bound copy is still a ``LabelQuestion`` (or whichever it was), equal to the plain one
with the same values; copying or pickling it gives the plain one.

Names cannot change (answers are stored by question name); every other attribute can.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, TypeVar

from nb_feedback.base.errors import SchemaError

Item = TypeVar("Item")
Edit = Callable[[Any, str, Any], Any]
"""``edit(item, attribute, value)``: commit the change and return the new (plain) item."""

_BOUND: dict[type, type] = {}


def _bound_class(base: type) -> type:
    cls = _BOUND.get(base)
    if cls is None:

        def __setattr__(self: Any, name: str, value: Any) -> None:
            if name == "name":
                raise SchemaError(
                    f"{base.__name__} {self.name!r}: the name cannot change (answers and "
                    "suggestions are stored by name); add a new one instead"
                )
            if name.startswith("_") or name not in {f.name for f in dataclasses.fields(base)}:
                raise AttributeError(f"{base.__name__} has no attribute {name!r} to set")
            edit = self.__dict__.get("_nb_edit")
            if edit is None:  # a copy made by dataclasses.replace: a plain frozen value
                raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
            new = edit(plain(self), name, value)
            object.__setattr__(self, name, getattr(new, name))

        def __eq__(self: Any, other: object) -> bool:
            if not isinstance(other, base):
                return NotImplemented
            return bool(plain(self) == plain(other))

        def __hash__(self: Any) -> int:
            return hash(plain(self))

        def __reduce__(self: Any) -> tuple[Any, ...]:
            return (_rebuild, (base, _values(self)))

        cls = type(
            base.__name__,
            (base,),
            {
                "__setattr__": __setattr__,
                "__eq__": __eq__,
                "__hash__": __hash__,
                "__reduce__": __reduce__,
                "__qualname__": base.__qualname__,
                "__module__": base.__module__,
            },
        )
        _BOUND[base] = cls
    return cls


def _values(item: Any) -> dict[str, Any]:
    return {f.name: getattr(item, f.name) for f in dataclasses.fields(item) if f.init}


def _rebuild(base: type, values: dict[str, Any]) -> Any:
    return base(**values)


def plain(item: Item) -> Item:
    """Return ``item`` as a plain (unbound) field or question."""
    base = type(item)
    if base in _BOUND.values():
        out: Any = object.__new__(base.__mro__[1])
        out.__dict__.update({k: v for k, v in item.__dict__.items() if k != "_nb_edit"})
        return out  # type: ignore[no-any-return]
    return item


def bind(item: Item, edit: Edit) -> Item:
    """Return a copy of ``item`` whose attribute assignments go through ``edit``."""
    cls = _bound_class(type(plain(item)))
    out: Any = object.__new__(cls)
    out.__dict__.update(plain(item).__dict__)
    out.__dict__["_nb_edit"] = edit
    return out  # type: ignore[no-any-return]


class SettingsList(list[Any]):
    """A dataset's fields, questions, metadata properties or vector settings, as a list.

    Changing the list itself raises, naming what to do instead: in Argilla v1 code
    ``dataset.fields.append(...)`` would otherwise change a copy and nothing else.
    """

    _WHAT_TO_DO: ClassVar[dict[str, str]] = {
        "fields": "records are stored by field name: build a new FeedbackDataset",
        "questions": "answers are stored by question name: build a new FeedbackDataset",
        "metadata_properties": "use add_metadata_property / delete_metadata_properties",
        "vectors_settings": "use add_vector_settings / delete_vectors_settings",
    }

    def __init__(self, items: Iterable[Any], what: str) -> None:
        super().__init__(items)
        self._what = what

    def _refuse(self, *_: Any, **__: Any) -> Any:
        raise SchemaError(
            f"dataset.{self._what} cannot be changed as a list: {self._WHAT_TO_DO[self._what]} "
            "(setting an attribute of one item, e.g. .title, does change the dataset)"
        )

    append = extend = insert = pop = remove = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        return (list, (list(self),))
