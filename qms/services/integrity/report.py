"""The integrity report as plain values: each stored value that differs from the trail's
record of it, in one sentence in the reader's language and as structured fields (the
same for ``qms verify --format json`` and the web)."""

from dataclasses import dataclass

from qms.errors import Text
from qms.i18n import in_language

NONE = ""  # an absent value (a PDF removed, a signature the trail never recorded)


@dataclass(frozen=True)
class Mismatch:
    """One difference. ``expected`` is what the trail recorded (for a stored hash or file:
    the hash of the stored text or bytes), ``found`` what is stored now, ``event`` the trail
    event that recorded ``expected``."""

    record: str  # issue | audit | capa | review | trail | file
    ref: str  # the document code, audit, CAR or review reference, or the stored file's hash
    issue: int | None  # the document's issue number
    what: str  # content | stored_hash | status | approval | signature | pdf | record ...
    expected: str
    found: str
    event: int | None
    message: str


@dataclass(frozen=True)
class IntegrityReport:
    """Everything checked, and every mismatch; ``intact`` when there is none."""

    intact: bool
    trail_events: int
    chain_intact: bool
    issues: int
    audits: int
    corrective_actions: int
    files: int
    reviews: int
    mismatches: tuple[Mismatch, ...]


def short(digest: str) -> str:
    """A hash as messages show it: its first 12 characters."""
    return f"{digest[:12]}…" if digest else "-"


class Findings:
    """Mismatches as they are found, each with its sentence in ``language``."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.items: list[Mismatch] = []
        self.texts: list[Text] = []  # the same sentences, in no language yet

    def add(
        self,
        text: Text,
        *,
        record: str,
        ref: str,
        what: str,
        issue: int | None = None,
        expected: str | None = None,
        found: str | None = None,
        event: int | None = None,
    ) -> None:
        self.texts.append(text)
        self.items.append(
            Mismatch(
                record=record,
                ref=ref,
                issue=issue,
                what=what,
                expected=expected or NONE,
                found=found or NONE,
                event=event,
                message=in_language(text, self.language),
            )
        )
