"""Differences between two issues: on their rendered text, passage by passage (what a
reviewer reads, see :mod:`qms.render.html_diff`), and on their Markdown, line by line with
the words that changed inside them (what ``qms doc diff`` prints)."""

import difflib
import re
from dataclasses import dataclass, field
from typing import Literal

from sqlmodel import Session

from qms.errors import ValidationError
from qms.models import Document, Revision, User
from qms.render import RenderError
from qms.render.html_diff import Folded, Passage, Shown, changes_only, compare
from qms.services.documents import bodies
from qms.services.documents import register as documents

Op = Literal["equal", "insert", "delete", "replace"]
_TOKEN = re.compile(r"\s+|[\w]+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class WordChange:
    op: Op
    old: str
    new: str


@dataclass(frozen=True)
class LineChange:
    """One line of the comparison. For ``replace``, ``words`` shows the change word by word."""

    op: Op
    old: str | None
    new: str | None
    words: list[WordChange] = field(default_factory=list)


@dataclass(frozen=True)
class IssueDiff:
    code: str
    old_issue: int
    new_issue: int
    lines: list[LineChange]

    @property
    def changed(self) -> bool:
        return any(line.op != "equal" for line in self.lines)


def diff_text(old: str, new: str) -> list[LineChange]:
    old_lines, new_lines = old.splitlines(), new.splitlines()
    out: list[LineChange] = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(LineChange("equal", line, line) for line in old_lines[i1:i2])
        elif tag == "delete":
            out.extend(LineChange("delete", line, None) for line in old_lines[i1:i2])
        elif tag == "insert":
            out.extend(LineChange("insert", None, line) for line in new_lines[j1:j2])
        else:
            out.extend(_pair_lines(old_lines[i1:i2], new_lines[j1:j2]))
    return out


def _pair_lines(old: list[str], new: list[str]) -> list[LineChange]:
    """Pair replaced lines one to one for word diffs; the surplus is deleted or inserted."""
    out = []
    for index in range(max(len(old), len(new))):
        a = old[index] if index < len(old) else None
        b = new[index] if index < len(new) else None
        if a is None:
            out.append(LineChange("insert", None, b))
        elif b is None:
            out.append(LineChange("delete", a, None))
        else:
            out.append(LineChange("replace", a, b, diff_words(a, b)))
    return out


def diff_words(old: str, new: str) -> list[WordChange]:
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    return [
        WordChange(tag, "".join(a[i1:i2]), "".join(b[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
    ]


def diff_issues(
    session: Session,
    *,
    viewer: User | None,
    code: str,
    old_issue: int | None = None,
    new_issue: int | None = None,
) -> IssueDiff:
    """Compare two issues the viewer may see (staff: effective ones only). Without
    ``new_issue``: the issue the document opens on; without ``old_issue``: the one before."""
    doc, new = documents.get_revision(session, viewer=viewer, code=code, issue=new_issue)
    if old_issue is None:
        if new.issue == 1:
            raise ValidationError(
                "issue 1 is the first issue of {code}: there is no earlier issue to compare",
                code=doc.code,
            )
        old_issue = new.issue - 1
    _, old = documents.get_revision(session, viewer=viewer, code=code, issue=old_issue)
    return IssueDiff(doc.code, old.issue, new.issue, diff_text(old.body, new.body))


@dataclass(frozen=True)
class Comparison:
    """Two issues compared on their rendered text."""

    code: str
    old_issue: int
    new_issue: int
    passages: list[Passage]

    @property
    def changes(self) -> int:
        return sum(1 for p in self.passages if p.changed)

    def changes_only(self) -> list[Shown | Folded]:
        return changes_only(self.passages)


def compare_revisions(session: Session, doc: Document, old: Revision, new: Revision) -> Comparison:
    """The passages of ``old`` and ``new``; raises RenderError for a body the renderer
    refuses (one saved before the caps were checked)."""
    passages = compare(bodies.html_of(session, old.body), bodies.html_of(session, new.body))
    return Comparison(doc.code, old.issue, new.issue, passages)


def compare_issues(
    session: Session, *, viewer: User | None, code: str, old_issue: int, new_issue: int
) -> Comparison:
    """Two issues the viewer may see, compared on their rendered text."""
    doc, old = documents.get_revision(session, viewer=viewer, code=code, issue=old_issue)
    _, new = documents.get_revision(session, viewer=viewer, code=code, issue=new_issue)
    return compare_revisions(session, doc, old, new)


def against_effective(session: Session, doc: Document, rev: Revision) -> Comparison | None:
    """An issue in progress compared with the effective issue it will replace; None when
    there is none, or when either body cannot be rendered (the full text is shown)."""
    effective = documents.effective_revision(session, doc)
    if effective is None or effective.issue >= rev.issue:
        return None
    try:
        return compare_revisions(session, doc, effective, rev)
    except RenderError:
        return None
