"""The register as pages: filters, search over codes, titles and effective bodies
(with or without Vietnamese diacritics), and the search index that makes it fast."""

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, delete, exists, func, insert, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from qms.domain import IN_PROGRESS, RevisionStatus
from qms.errors import Joined, NotFound, PermissionDenied, ValidationError
from qms.models import Department, Document, Revision, SearchTerm, User, pk
from qms.services.documents import register as documents
from qms.services.people import users
from qms.text import clean, fold

Cond = ColumnElement[bool]

PAGE_SIZE = 50
MAX_TERM = 64
_WORD = re.compile(r"\w+")
STATUS_FILTERS = ("effective", "draft", "in_review", "approved", "obsolete")


def terms_of(text: str) -> set[str]:
    """The distinct folded words of ``text`` (what the body index stores)."""
    return {word[:MAX_TERM] for word in _WORD.findall(fold(text))}


def index_document(session: Session, doc: Document, body: str) -> None:
    """Replace a document's body index with the words of ``body`` (its new effective
    issue); the caller commits with the change that made the issue effective."""
    session.execute(delete(SearchTerm).where(col(SearchTerm.document_id) == doc.id))
    terms = sorted(terms_of(body))
    if terms:
        session.execute(
            insert(SearchTerm), [{"document_id": pk(doc), "term": term} for term in terms]
        )


@dataclass(frozen=True)
class RegisterPage:
    rows: list[documents.RegisterRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _word_condition(word: str) -> Cond:
    """A document matches a search word through its code or title (anywhere in them) or
    through a word of its effective body that starts with it."""
    in_title = col(Document.search_text).contains(word, autoescape=True)
    if not _WORD.fullmatch(word):
        return in_title
    prefix = word[:MAX_TERM]
    in_body = exists().where(
        and_(
            col(SearchTerm.document_id) == Document.id,
            col(SearchTerm.term) >= prefix,
            col(SearchTerm.term) < prefix + "\uffff",
        )
    )
    return or_(in_title, in_body)


def _has_issue(*statuses: str) -> Cond:
    return exists().where(
        and_(col(Revision.document_id) == Document.id, col(Revision.status).in_(statuses))
    )


def _status_conditions(status: str | None, see_all: bool) -> list[Cond]:
    effective = RevisionStatus.EFFECTIVE.value
    if not see_all or status == "effective":
        return [_has_issue(effective)]
    if status == "obsolete":
        in_progress = [s.value for s in IN_PROGRESS]
        return [
            ~_has_issue(effective, *in_progress),
            _has_issue(RevisionStatus.OBSOLETE.value),
        ]
    return [_has_issue(status)] if status else []


def register_page(
    session: Session,
    *,
    viewer: User | None,
    search: str | None = None,
    doc_type: str | None = None,
    department: str | None = None,
    status: str | None = None,
    page: int = 1,
    per_page: int = PAGE_SIZE,
) -> RegisterPage:
    """One page of the register in Vietnamese title order, with the total count.

    Staff (and anonymous viewers) see documents with an effective issue only, and
    never an issue in progress. ``status`` is ``effective``, ``obsolete`` (withdrawn) or
    the state of the issue in progress (``draft``, ``in_review``, ``approved``).
    The page's documents are chosen on small keys first, then loaded with their issues.
    """
    roles = users.roles_of(session, viewer) if viewer else set()
    see_all = documents.visible_to_all(roles)
    if status and status not in STATUS_FILTERS:
        raise ValidationError(
            "unknown status {value!r} (one of {choices})",
            value=status,
            choices=Joined(STATUS_FILTERS),
        )
    if status and not see_all and status != "effective":
        raise PermissionDenied("staff see effective documents only")
    page = max(1, page)
    conditions: list[Cond] = []
    if search:
        conditions.extend(_word_condition(word) for word in fold(clean(search)).split())
    if doc_type:
        conditions.append(col(Document.doc_type) == documents.parse_doc_type(doc_type).value)
    if department:
        dept = session.exec(
            select(Department.id).where(Department.code == clean(department).upper())
        ).first()
        conditions.append(col(Document.department_id) == (dept if dept is not None else -1))
    conditions.extend(_status_conditions(status, see_all))
    # The page walks the title-order index and stops early; the total is counted apart.
    total = session.exec(select(func.count()).select_from(Document).where(*conditions)).one()
    found = session.exec(
        select(Document.id)
        .where(*conditions)
        .order_by(col(Document.title_sort_key), col(Document.code))
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    ids = [doc_id for doc_id in found if doc_id is not None]
    return RegisterPage(_rows(session, ids, see_all), int(total), page, per_page)


def register_row(session: Session, *, viewer: User | None, doc: Document) -> documents.RegisterRow:
    """One document's register row, as ``viewer`` may see it (staff: effective only)."""
    see_all = documents.visible_to_all(users.roles_of(session, viewer) if viewer else set())
    row = _rows(session, [pk(doc)], see_all)[0]
    if not see_all and row.current is None:
        raise NotFound("{code} has no effective issue", code=doc.code)
    return row


def _rows(session: Session, ids: list[int], see_all: bool) -> list[documents.RegisterRow]:
    """The register rows of ``ids``, in that order, with their current issues."""
    if not ids:
        return []
    current = aliased(Revision)
    progress = aliased(Revision)
    found = session.exec(
        select(Document, Department, current, progress)
        .join(Department, col(Department.id) == Document.department_id)
        .outerjoin(
            current,
            and_(
                col(current.document_id) == Document.id,
                col(current.status) == RevisionStatus.EFFECTIVE.value,
            ),
        )
        .outerjoin(
            progress,
            and_(
                col(progress.document_id) == Document.id,
                col(progress.status).in_([s.value for s in IN_PROGRESS]),
            ),
        )
        .where(col(Document.id).in_(ids))
    ).all()
    by_id = {doc.id: (doc, dept, cur, prog) for doc, dept, cur, prog in found}
    withdrawn = _withdrawn(session, [pk(d) for d, _, c, p in found if c is None and p is None])
    return [
        documents.RegisterRow(doc, dept, cur, prog if see_all else None, doc.id in withdrawn)
        for doc, dept, cur, prog in (by_id[i] for i in ids)
    ]


def _withdrawn(session: Session, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    found = session.exec(
        select(Revision.document_id)
        .where(col(Revision.document_id).in_(ids))
        .where(Revision.status == RevisionStatus.OBSOLETE.value)
    ).all()
    return set(found)
