"""A refused form, shown again: what the user typed, and what was wrong beside the field
it is about (or above the form when it is about no one field)."""

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Refusal:
    step: str = ""  # the form that was refused ("" when none was)
    values: Mapping[str, str] = field(default_factory=dict)
    field: str | None = None
    message: str = ""

    def value(self, step: str, name: str, default: str = "") -> str:
        """What the user typed in ``name`` of the ``step`` form, else ``default``."""
        if step != self.step:
            return default
        return self.values.get(name, default)

    def error(self, step: str, name: str) -> str:
        """The message for the ``name`` field of the ``step`` form ("" when fine)."""
        return self.message if step == self.step and name == self.field else ""

    def form_error(self, step: str) -> str:
        """The message about the ``step`` form as a whole ("" when fine)."""
        return self.message if step == self.step and self.field is None else ""
