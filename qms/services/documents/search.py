"""The register as pages: filters, search over codes, titles and effective bodies
(with or without Vietnamese diacritics), and the search index that makes it fast."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, insert, true
from sqlalchemy import select as sa_select
from sqlalchemy.orm import QueryableAttribute, aliased, defer
from sqlalchemy.sql import Select
from sqlalchemy.sql.expression import UnaryExpression
from sqlalchemy.sql.operators import custom_op
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from qms.domain import IN_PROGRESS, RevisionStatus
from qms.errors import Joined, NotFound, PermissionDenied, ValidationError
from qms.models import Department, Document, RegisterTally, Revision, SearchTerm, User, pk
from qms.services.documents import register as documents
from qms.services.documents import search_index
from qms.services.paging import Paged
from qms.services.people import users
from qms.text import clean, fold

Cond = ColumnElement[bool]

PAGE_SIZE = 50
WALK_FROM = 2_000
# A search that matches more documents than this is counted as "more than" it: the
# register pages its matches in order without counting every one (nor its facets).
COUNT_CAP = 1_000
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


SORTS = ("code", "title", "type", "department", "status", "effective")


@dataclass(frozen=True)
class RegisterFilter:
    """What the register is narrowed to: words, a type, a department code, a status."""

    search: str | None = None
    doc_type: str | None = None
    department: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class Facets:
    """How many documents each choice of a filter would show, the other filters kept."""

    types: dict[str, int]
    departments: dict[str, int]
    statuses: dict[str, int]


@dataclass(frozen=True)
class RegisterPage(Paged):
    rows: list[documents.RegisterRow]
    total: int
    page: int
    per_page: int
    sort: str = "title"
    descending: bool = False
    facets: Facets | None = None
    # ``capped``: more than ``total`` documents match (a broad search, counted up to
    # ``total`` only); ``more``: a page follows this one.
    capped: bool = False
    more: bool = False


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
    """``Document.id IN matching``. With ``walk`` (many matches) SQLite walks the sort
    order's index and stops at the page instead of sorting every match: its planner
    cannot know how many rows the full-text index returns, and a unary ``+`` keeps it
    from driving the query from them. PostgreSQL estimates them and chooses for itself."""
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


def _check(filters: RegisterFilter, see_all: bool, sort: str) -> None:
    status = filters.status
    if status and status not in STATUS_FILTERS:
        raise ValidationError(
            "unknown status {value!r} (one of {choices})",
            value=status,
            choices=Joined(STATUS_FILTERS),
        )
    if status and not see_all and status != "effective":
        raise PermissionDenied("staff see effective documents only")
    if sort not in SORTS:
        raise ValidationError(
            "unknown sort {value!r} (one of {choices})", value=sort, choices=Joined(SORTS)
        )


@dataclass(frozen=True)
class _Selection:
    """The conditions on ``document`` a filter makes; ``matching`` is the full-text
    index's part (ids), when the filter needs it."""

    conditions: list[Cond]
    matching: Select[tuple[int]] | None
    standing: str | None = None  # without words: the state the row must say

    def where(self, session: Session, *, walk: bool = False, joined: bool = False) -> list[Cond]:
        """The conditions; ``joined``: but the full-text index's, joined by the caller."""
        found = list(self.conditions)
        if self.standing is not None:
            # As with the full-text index: to walk the order's index when many match, an
            # SQLite planner without statistics must not start from the counts' index.
            unindexed = walk and session.get_bind().dialect.name == "sqlite"
            found.append(_standing(self.standing, unindexed=unindexed))
        if self.matching is not None and not joined:
            found.append(_in_index(session, self.matching, walk=walk))
        return found

    def count(self, session: Session, *, cap: int | None = None) -> int:
        """How many documents the selection holds; with ``cap``, counted only up to
        ``cap + 1`` (more than ``cap``), which the full-text index answers without
        reading every match."""
        if self.matching is not None and not self.conditions:  # the index alone answers
            found: Select[Any] = self.matching
        elif self.matching is not None and cap is not None:
            # Joined rather than ``IN``, so that the index's matches are read one by one
            # and the count stops at the cap. SQLite must read them from the index and
            # look each document up, not probe the index once per document of the other
            # filters (a unary ``+`` keeps the index from being probed by id).
            matches = self.matching.subquery()
            match_id: Any = next(iter(matches.c))
            if session.get_bind().dialect.name == "sqlite":
                match_id = UnaryExpression(match_id, operator=custom_op("+"))
            found = (
                sa_select(col(Document.id))
                .join(matches, col(Document.id) == match_id)
                .where(*self.where(session, joined=True))
            )
        else:
            found = sa_select(col(Document.id)).where(*self.where(session))
        if cap is not None:
            found = found.limit(cap + 1)
        return int(session.exec(select(func.count()).select_from(found.subquery())).one())


def _selection(session: Session, filters: RegisterFilter, see_all: bool) -> _Selection:
    words, conditions = _search_words(filters.search or "")
    if filters.doc_type:
        conditions.append(
            col(Document.doc_type) == documents.parse_doc_type(filters.doc_type).value
        )
    if filters.department:
        # By the code each document row carries (a department's code never changes): its
        # index lists the department's documents in the register's order, so a page of
        # a department is read from there, not sorted out of all its documents.
        conditions.append(col(Document.department_code) == clean(filters.department).upper())
    having, lacking = _state_filter(filters.status, see_all)
    if words:
        matching = search_index.matching(session, words, having=having, lacking=lacking)
        return _Selection(conditions, matching)
    return _Selection(conditions, None, having)


def _standing(status: str, *, unindexed: bool = False) -> Cond:
    """Documents with an issue in ``status`` as the register means it (``obsolete``:
    withdrawn), from where the document row says its issues stand; ``unindexed`` keeps
    SQLite from answering it from an index (a unary ``+``)."""
    columns = Document.__table__.c  # type: ignore[attr-defined]
    value: Any = true()
    if status == RevisionStatus.EFFECTIVE.value:
        column = columns.in_effect
    elif status == RevisionStatus.OBSOLETE.value:
        column = columns.withdrawn
    else:
        column, value = columns.in_progress, status
    if unindexed:
        column = UnaryExpression(column, operator=custom_op("+"), type_=column.type)
    return column == value


def _ordered(
    query: SelectOfScalar[Any], sort: str, descending: bool, *, sift: bool = False
) -> SelectOfScalar[Any]:
    """``query`` (over ``document``) in the order of the column ``sort``; the Vietnamese
    title order, then the code, breaks ties. Descending reverses every key, so an index
    on them serves both directions. With ``sift`` (few matches, on SQLite) no index
    serves the order (a unary ``+``): the planner, which has no statistics, then finds
    the few rows by their filter's index and sorts them, instead of walking the whole
    title index in search of them."""
    keys: list[Any] = []
    if sort == "code":
        keys = [col(Document.code)]
    elif sort == "type":
        keys = [col(Document.doc_type)]
    elif sort == "department":
        keys = [col(Document.department_code)]
    elif sort == "status":
        keys = [col(Document.status_rank)]
    elif sort == "effective":
        day = col(Document.effective_on)
        keys = [day.is_(None), day]  # documents never in effect come last
    if sort != "code":
        keys += [col(Document.title_sort_key), col(Document.code)]
    if sift:
        keys = [UnaryExpression(key, operator=custom_op("+")) for key in keys]
    return query.order_by(*(key.desc() if descending else key for key in keys))


def _department_id(session: Session, code: str) -> int:
    """The id of the department ``code``, or -1 (which no document has) if there is none."""
    found = session.exec(
        select(Department.id).where(Department.code == clean(code).upper())
    ).first()
    return found if found is not None else -1


@dataclass(frozen=True)
class _Group:
    """How many of the documents the words match share a type, a department and the
    states of their issues (effective, the state in progress, withdrawn)."""

    doc_type: str
    department_id: int
    count: int
    # None: not asked (staff, who see documents in effect only).
    effective: bool | None = None
    progress: str | None = None
    withdrawn: bool = False

    def has(self, status: str | None) -> bool:
        if status is None or self.effective is None:
            return True
        if status == RevisionStatus.EFFECTIVE.value:
            return self.effective
        if status == RevisionStatus.OBSOLETE.value:
            return self.withdrawn
        return self.progress == status


def _groups(session: Session, filters: RegisterFilter, see_all: bool) -> list[_Group]:
    """The documents the words match (every document without words), counted in one
    grouped query by type, department and, for controllers, where their issues stand
    (kept on the document row), so that the total and the facets come from one
    evaluation of the full-text index, or from the index on those columns alone; the
    groups are bounded by the types, departments and states, not by the register. For
    staff only the documents in effect count."""
    words, conditions = _search_words(filters.search or "")
    if not words and not conditions:
        return _tallied(session, see_all)
    if words:
        having = None if see_all else RevisionStatus.EFFECTIVE.value
        matching = search_index.matching(session, words, having=having)
        conditions.append(_in_index(session, matching, walk=False))
    elif not see_all:
        conditions.append(_standing(RevisionStatus.EFFECTIVE.value))
    if not see_all:
        counted = session.exec(
            select(Document.doc_type, Document.department_id, func.count())
            .where(*conditions)
            .group_by(col(Document.doc_type), col(Document.department_id))
        ).all()
        return [_Group(kind, dept, int(n)) for kind, dept, n in counted]
    standing = (col(Document.in_effect), col(Document.in_progress), col(Document.withdrawn))
    found = session.execute(
        sa_select(col(Document.doc_type), col(Document.department_id), *standing, func.count())
        .where(*conditions)
        .group_by(col(Document.doc_type), col(Document.department_id), *standing)
    ).all()
    return [
        _Group(kind, dept, int(n), bool(eff), state, bool(gone))
        for kind, dept, eff, state, gone, n in found
    ]


def _tallied(session: Session, see_all: bool) -> list[_Group]:
    """The groups of the whole register, read from its tally (which triggers on
    ``document`` keep) instead of counted from every document; for staff, the
    documents in effect only."""
    tally = RegisterTally
    if not see_all:
        summed = session.exec(
            select(tally.doc_type, tally.department_id, func.sum(tally.documents))
            .where(col(tally.in_effect).is_(True))
            .group_by(col(tally.doc_type), col(tally.department_id))
        ).all()
        return [_Group(kind, dept, int(n)) for kind, dept, n in summed if n]
    rows = session.exec(select(tally).where(col(tally.documents) > 0)).all()
    return [
        _Group(
            row.doc_type,
            row.department_id,
            row.documents,
            row.in_effect,
            row.in_progress or None,
            row.withdrawn,
        )
        for row in rows
    ]


def _tally(session: Session, filters: RegisterFilter, see_all: bool) -> tuple[int, Facets]:
    """The register's total under ``filters`` and each filter's counts, the other
    filters kept, summed from :func:`_groups`, so the words are looked up in the index
    once."""
    groups = _groups(session, filters, see_all)
    kind = documents.parse_doc_type(filters.doc_type).value if filters.doc_type else None
    dept = _department_id(session, filters.department) if filters.department else None

    def chosen(group: _Group, *, doc_type: bool = True, department: bool = True) -> bool:
        return (not doc_type or kind is None or group.doc_type == kind) and (
            not department or dept is None or group.department_id == dept
        )

    total = sum(g.count for g in groups if chosen(g) and g.has(filters.status))
    types: dict[str, int] = {}
    by_dept: dict[int, int] = {}
    statuses: dict[str, int] = {}
    for g in groups:
        if g.has(filters.status) and chosen(g, doc_type=False):
            types[g.doc_type] = types.get(g.doc_type, 0) + g.count
        if g.has(filters.status) and chosen(g, department=False):
            by_dept[g.department_id] = by_dept.get(g.department_id, 0) + g.count
    for status in STATUS_FILTERS if see_all else ():
        statuses[status] = sum(g.count for g in groups if chosen(g) and g.has(status))
    codes = dict(
        session.exec(
            select(Department.id, Department.code).where(col(Department.id).in_(list(by_dept)))
        ).all()
    )
    departments = {codes[d]: n for d, n in by_dept.items()}
    return total, Facets({k: n for k, n in types.items() if n}, departments, statuses)


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
    sort: str = "title",
    descending: bool = False,
    facets: bool = False,
    count_cap: int | None = None,
) -> RegisterPage:
    """One page of the register in the order of ``sort`` (Vietnamese title order by
    default), with the total count and, with ``facets``, each filter's counts.

    Staff (and anonymous viewers) see documents with an effective issue only, and
    never an issue in progress. ``status`` is ``effective``, ``obsolete`` (withdrawn) or
    the state of the issue in progress (``draft``, ``in_review``, ``approved``).
    With ``count_cap``, a search that matches more documents than that is not counted
    further: the page says ``capped`` (more than ``total``) and carries no facets, and
    ``more`` says whether a page follows.
    The page's documents are chosen on small keys first, then loaded with their issues.
    """
    roles = users.roles_of(session, viewer) if viewer else set()
    see_all = documents.visible_to_all(roles)
    filters = RegisterFilter(search, doc_type, department, status)
    _check(filters, see_all, sort)
    page = max(1, page)
    chosen = _selection(session, filters, see_all)
    capped = False
    if count_cap is not None and chosen.matching is not None:
        total = chosen.count(session, cap=count_cap)
        capped = total > count_cap
    # Without search words the register's tally gives the total (and the facets) at the
    # cost of a few rows, whatever the register's size.
    tally = None
    if not capped and (facets or chosen.matching is None):
        tally = _tally(session, filters, see_all)
    if capped:
        total = count_cap or 0
    elif tally:
        total = tally[0]
    elif count_cap is None:
        total = chosen.count(session)
    walk = capped or total > WALK_FROM  # every sort has an index to walk
    sift = not walk and session.get_bind().dialect.name == "sqlite"
    query = _ordered(
        select(Document.id).where(*chosen.where(session, walk=walk)), sort, descending, sift=sift
    )
    found = (
        session.exec(query.offset((page - 1) * per_page).limit(per_page + 1)).all() if total else []
    )
    ids = [doc_id for doc_id in found[:per_page] if doc_id is not None]
    return RegisterPage(
        _rows(session, ids, see_all),
        total,
        page,
        per_page,
        sort,
        descending,
        tally[1] if tally and facets else None,
        capped=capped,
        more=len(found) > per_page,
    )


def register_rows(
    session: Session,
    *,
    viewer: User | None,
    filters: RegisterFilter,
    sort: str = "title",
    descending: bool = False,
    batch: int = 500,
) -> Iterator[documents.RegisterRow]:
    """Every row of the filtered register in the order of ``sort``, read ``batch`` at a
    time."""
    see_all = documents.visible_to_all(users.roles_of(session, viewer) if viewer else set())
    _check(filters, see_all, sort)
    chosen = _selection(session, filters, see_all)
    query = _ordered(select(Document.id).where(*chosen.where(session)), sort, descending)
    ids = [doc_id for doc_id in session.exec(query).all() if doc_id is not None]
    for start in range(0, len(ids), batch):
        yield from _rows(session, ids[start : start + batch], see_all)


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
        # A row shows its issues, not their text (which may run to many pages).
        .options(*(defer(_attribute(issue.body)) for issue in (current, progress)))
    ).all()
    by_id = {doc.id: (doc, dept, cur, prog) for doc, dept, cur, prog in found}
    withdrawn = _withdrawn(session, [pk(d) for d, _, c, p in found if c is None and p is None])
    return [
        documents.RegisterRow(doc, dept, cur, prog if see_all else None, doc.id in withdrawn)
        for doc, dept, cur, prog in (by_id[i] for i in ids)
    ]


def _attribute(column: object) -> QueryableAttribute[Any]:
    """A model's column as SQLAlchemy's loader options take it (SQLModel types it as
    its value)."""
    assert isinstance(column, QueryableAttribute)
    return column


def _withdrawn(session: Session, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    found = session.exec(
        select(Revision.document_id)
        .where(col(Revision.document_id).in_(ids))
        .where(Revision.status == RevisionStatus.OBSOLETE.value)
    ).all()
    return set(found)
