"""The register as pages: filters, search over codes, titles and effective bodies
(with or without Vietnamese diacritics), and the search index that makes it fast."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, delete, func, insert
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select
from sqlalchemy.sql.expression import UnaryExpression
from sqlalchemy.sql.operators import custom_op
from sqlmodel import Session, col, select

from qms.domain import IN_PROGRESS, RevisionStatus
from qms.errors import Joined, NotFound, PermissionDenied, ValidationError
from qms.models import Department, Document, Revision, SearchTerm, User, pk
from qms.services.documents import register as documents
from qms.services.documents import search_index
from qms.services.paging import Paged
from qms.services.people import users
from qms.text import clean, fold

Cond = ColumnElement[bool]

PAGE_SIZE = 50
WALK_FROM = 2_000
STATUS_FILTERS = ("effective", "draft", "in_review", "approved", "obsolete")


def terms_of(text: str) -> set[str]:
    """The distinct folded words of ``text`` (what the body index stores)."""
    return set(search_index.words_of(text))


def index_document(session: Session, doc: Document, body: str) -> None:
    """Replace a document's body index with the words of ``body`` (its new effective
    issue, or nothing once it is withdrawn); the caller commits with the change."""
    session.execute(delete(SearchTerm).where(col(SearchTerm.document_id) == doc.id))
    terms = sorted(terms_of(body))
    if terms:
        session.execute(
            insert(SearchTerm), [{"document_id": pk(doc), "term": term} for term in terms]
        )
    search_index.refresh(session, pk(doc))


@dataclass(frozen=True)
class RegisterPage(Paged):
    rows: list[documents.RegisterRow]
    total: int
    page: int
    per_page: int


def _search_words(search: str) -> tuple[list[str], list[Cond]]:
    """The folded words the full-text index must find for ``search``, and the conditions
    it cannot answer: a search word with punctuation (a code such as ``qt-01``) must also
    appear, as written, in the code or title."""
    words: list[str] = []
    conditions: list[Cond] = []
    for word in fold(clean(search)).split():
        parts = search_index.words_of(word)
        words.extend(parts)
        if parts != [word]:
            conditions.append(col(Document.search_text).contains(word, autoescape=True))
    return words, conditions


def _in_index(session: Session, matching: Select[tuple[int]], *, walk: bool) -> Cond:
    """``Document.id IN matching``. With ``walk`` (many matches) SQLite walks the title
    order and stops at the page instead of sorting every match: its planner cannot know
    how many rows the full-text index returns, and a unary ``+`` keeps it from driving
    the query from them. PostgreSQL estimates them and chooses for itself."""
    key = col(Document.id)
    if walk and session.get_bind().dialect.name == "sqlite":
        unindexed: UnaryExpression[int] = UnaryExpression(
            Document.__table__.c.id,  # type: ignore[attr-defined]
            operator=custom_op("+"),
        )
        return unindexed.in_(matching)
    return key.in_(matching)


def _state_filter(status: str | None, see_all: bool) -> tuple[str | None, list[str]]:
    """The state a shown document must have an issue in, and the states it must not."""
    if not see_all or status == "effective":
        return RevisionStatus.EFFECTIVE.value, []
    if status == "obsolete":
        return RevisionStatus.OBSOLETE.value, [
            RevisionStatus.EFFECTIVE.value,
            *(s.value for s in IN_PROGRESS),
        ]
    return status, []


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
    words, conditions = _search_words(search or "")
    if doc_type:
        conditions.append(col(Document.doc_type) == documents.parse_doc_type(doc_type).value)
    if department:
        dept = session.exec(
            select(Department.id).where(Department.code == clean(department).upper())
        ).first()
        conditions.append(col(Document.department_id) == (dept if dept is not None else -1))
    having, lacking = _state_filter(status, see_all)
    counted = select(func.count()).select_from(Document).where(*conditions)
    if words or having:
        matching = search_index.matching(session, words, having=having, lacking=lacking)
        if not conditions:  # the index alone answers: count its rows
            counted = select(func.count()).select_from(matching.subquery())
        else:
            counted = counted.where(col(Document.id).in_(matching))
        conditions.append(col(Document.id).in_(matching))
    total = session.exec(counted).one()
    if words or having:
        conditions[-1] = _in_index(session, matching, walk=total > WALK_FROM)
    query = select(Document.id).where(*conditions)
    found = session.exec(
        query.order_by(col(Document.title_sort_key), col(Document.code))
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
