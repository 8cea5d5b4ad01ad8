"""What every kind of field shares: a name, a title, whether it is required, markdown or not.

``schema.TextField`` and ``chat.ChatField`` differ in their kind, their default for
``use_markdown`` and the value a record holds; their checks and stored form are these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from nb_feedback.domain._checks import _check_bool, check_name, check_optional_str


class Titled:
    """What fields and questions share: a kind, a name, and a title shown (``label``)."""

    name: str
    title: str | None
    kind: ClassVar[str]

    @property
    def label(self) -> str:
        """The title shown to people: ``title`` or the name."""
        return self.title or self.name

    def _head(self) -> dict[str, Any]:
        """Return the first keys of the stored form: kind, name and the title shown."""
        return {"kind": self.kind, "name": self.name, "title": self.label}


@dataclass(frozen=True)
class FieldBase(Titled):
    """A field's settings, checked when it is built."""

    name: str
    title: str | None = None
    required: bool = True
    use_markdown: bool = False
    kind: ClassVar[str] = ""

    def __post_init__(self) -> None:
        check_name("field", self.name)
        check_optional_str(f"field {self.name!r}", "title", self.title)
        _check_bool(f"field {self.name!r}", "required", self.required)
        _check_bool(f"field {self.name!r}", "use_markdown", self.use_markdown)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form stored in ``schema.json``."""
        return {
            **self._head(),
            "required": self.required,
            "use_markdown": self.use_markdown,
        }
