"""What waits for a user: drafts to finish, issues to review or approve, new issues to
acknowledge, checklists to work, reports to sign, actions and verifications due, what
falls due in the next days, whom the user's issues wait on, and (for coordinators) the
issues whose readers are late. Each section is counted in the database and read a page
at a time (the home page shows the first page of each); more areas add their own
section source."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any, Generic, TypeVar
from urllib.parse import quote

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    case,
    exists,
    func,
    literal,
    not_,
    or_,
    true,
    union_all,
)
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from qms.domain import CapaStatus, CommentOutcome, DocType, Meaning, RevisionStatus, Role
from qms.errors import NotFound, ValidationError
from qms.models import (
    Acknowledgement,
    Audit,
    AuditMember,
    CapaAction,
    ChecklistItem,
    CorrectiveActionRequest,
    Document,
    ReviewComment,
    Revision,
    Risk,
    RiskAction,
    Signature,
    User,
)
from qms.services.audits.core import AuditStatus
from qms.services.audits.records import AUDITEE, signatures_of, valid_signed
from qms.services.documents import distribution, read_campaigns
from qms.services.documents import register as documents
from qms.services.paging import Paged
from qms.services.people import organisation, users
from qms.services.risks import views as risks

Cond = ColumnElement[bool]
T = TypeVar("T")

SHOWN_PER_SECTION = 20

# The home page counts a section whose every row needs judging (whose readers are late)
# up to this many and says "more than" beyond; the section's own pages count as far and
# lead on with "Next" while rows follow.
COUNTED_ON_HOME = 1000
COUNTED_ON_PAGE = COUNTED_ON_HOME

# How many days ahead "due soon" looks: an organisation setting.
DUE_SOON_SETTING = "home.due_soon_days"
DEFAULT_DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class InboxItem:
    code: str
    title: str
    issue: int
    status: str
    since: datetime
    url: str = ""  # audit and corrective-action items link to their own page
    kind: str = ""  # in "due soon": action, verification, read, review, risk_review...
    who: str = ""  # in "waiting": who holds the step ("" when any reviewer or approver may)
    late: bool = False  # in "due soon": its date has passed


@dataclass(frozen=True)
class InboxSection(Paged):
    key: str  # "drafts", "review", "approve", "acknowledge"...
    total: int
    items: list[InboxItem]
    page: int = 1
    per_page: int = SHOWN_PER_SECTION
    capped: bool = False  # more than ``total`` rows: the count stopped there
    more: bool = False  # a page follows this one


@dataclass(frozen=True)
class _Source:
    """How to count a section and read one page of it. A section counted by one select
    gives it as ``counting``, so that the home page asks all those counts in one
    statement rather than one each."""

    count: Callable[[], int]
    read: Callable[[int, int], list[InboxItem]]  # (offset, limit) -> items
    always: bool = True  # shown even when empty
    count_up_to: Callable[[int], int] | None = None  # counts no further than its argument
    counting: Callable[[int | None], Any] | None = None  # up to a cap -> select of the count
    issues: "_IssuePages | None" = None  # a section of issues: its pages read with others'
    along: tuple["_Along[Any]", ...] = ()  # values it reads, asked along with the counts


def _counted_by(
    session: Session,
    counting: Callable[[int | None], Any],
    read: Callable[[int, int], list[InboxItem]],
    *,
    capped: bool = False,
) -> _Source:
    """A section counted by the select ``counting`` makes (counting no further than its
    argument, when ``capped``)."""

    def count_up_to(most: int | None) -> int:
        total: int = session.exec(counting(most)).one()
        return total

    return _Source(
        lambda: count_up_to(None),
        read,
        count_up_to=count_up_to if capped else None,
        counting=counting,
    )


SectionQuery = Callable[[Session, User, set[Role]], Cond | None]


def _signed(meaning: Meaning) -> Cond:
    """The revision carries a signature of ``meaning`` on its current content."""
    return exists().where(
        and_(
            col(Signature.revision_id) == Revision.id,
            col(Signature.meaning) == meaning.value,
            col(Signature.content_hash) == Revision.content_hash,
        )
    )


def _drafts(session: Session, user: User, roles: set[Role]) -> Cond | None:
    if Role.CONTROLLER not in roles:
        return None
    return and_(
        col(Revision.status) == RevisionStatus.DRAFT.value, col(Revision.drafted_by_id) == user.id
    )


def _assigned(column: int | None, user: User, role: Role, roles: set[Role]) -> Cond:
    mine = col(column) == user.id
    if role in roles:
        return or_(mine, col(column).is_(None))
    return mine


def _to_review(session: Session, user: User, roles: set[Role]) -> Cond | None:
    if Role.REVIEWER not in roles:
        return None
    return and_(
        col(Revision.status) == RevisionStatus.IN_REVIEW.value,
        col(Revision.drafted_by_id) != user.id,
        _assigned(Revision.reviewer_id, user, Role.REVIEWER, roles),
        not_(_signed(Meaning.REVIEWED)),
    )


def _to_approve(session: Session, user: User, roles: set[Role]) -> Cond | None:
    if Role.APPROVER not in roles:
        return None
    reviewed_by_me = exists().where(
        and_(
            col(Signature.revision_id) == Revision.id,
            col(Signature.meaning) == Meaning.REVIEWED.value,
            col(Signature.user_id) == user.id,
        )
    )
    return and_(
        col(Revision.status) == RevisionStatus.IN_REVIEW.value,
        col(Revision.drafted_by_id) != user.id,
        _assigned(Revision.approver_id, user, Role.APPROVER, roles),
        _signed(Meaning.REVIEWED),
        not_(reviewed_by_me),
    )


def _unacknowledged(user: User, roles: set[Role]) -> Cond:
    """Effective issues of documents the user must read (their distribution) not yet
    acknowledged."""
    acknowledged = exists().where(
        and_(
            col(Acknowledgement.revision_id) == Revision.id,
            col(Acknowledgement.user_id) == user.id,
        )
    )
    return and_(
        col(Revision.status) == RevisionStatus.EFFECTIVE.value,
        or_(col(Revision.drafted_by_id).is_(None), col(Revision.drafted_by_id) != user.id),
        not_(acknowledged),
        col(Revision.document_id).in_(distribution.read_by(user, roles)),
    )


def _read_late(session: Session) -> Cond:
    """Issues whose time to acknowledge them has passed today."""
    return read_campaigns.took_effect_before(
        read_campaigns.overdue_before(
            organisation.today(session), read_campaigns.due_working_days(session)
        )
    )


def _to_acknowledge(session: Session, user: User, roles: set[Role]) -> Cond | None:
    """Issues to read still within their time (the late ones have their own section)."""
    return and_(_unacknowledged(user, roles), not_(_read_late(session)))


def _returned(session: Session, user: User, roles: set[Role]) -> Cond | None:
    """The user's drafts that a reviewer returned for changes."""
    if Role.CONTROLLER not in roles:
        return None
    was_returned = exists().where(
        and_(
            col(ReviewComment.revision_id) == Revision.id,
            col(ReviewComment.outcome) == CommentOutcome.RETURNED,
        )
    )
    return and_(
        col(Revision.status) == RevisionStatus.DRAFT.value,
        col(Revision.drafted_by_id) == user.id,
        was_returned,
    )


def _to_publish(session: Session, user: User, roles: set[Role]) -> Cond | None:
    """Approved issues: to publish now, or taking effect on their date."""
    if Role.CONTROLLER not in roles:
        return None
    return col(Revision.status) == RevisionStatus.APPROVED.value


def _waiting_on_others(session: Session, user: User, roles: set[Role]) -> Cond | None:
    """The user's issues in review: waiting on a reviewer or an approver."""
    if Role.CONTROLLER not in roles:
        return None
    return and_(
        col(Revision.status) == RevisionStatus.IN_REVIEW.value,
        col(Revision.drafted_by_id) == user.id,
    )


def _read_overdue(session: Session, user: User, roles: set[Role]) -> Cond | None:
    """Issues to read whose time to acknowledge them has passed."""
    return and_(_unacknowledged(user, roles), _read_late(session))


def _read_due_by(session: Session, horizon: date) -> Cond:
    """Issues whose time to acknowledge them ends by ``horizon`` (or has ended)."""
    return read_campaigns.took_effect_before(
        read_campaigns.overdue_before(
            horizon + timedelta(days=1), read_campaigns.due_working_days(session)
        )
    )


@dataclass(frozen=True)
class _Unread:
    """How many issues the user has still to read: in all, late, and due by the horizon of
    "due soon" (the late ones included)."""

    total: int
    late: int
    due_by_horizon: int


class _Along(Generic[T]):
    """A value some section needs, read by a select of exactly one row (of aggregates): on
    first use, or, on the home page, along with the counts, in the same statement."""

    def __init__(
        self, session: Session, query: Callable[[], Any], make: Callable[[Sequence[Any]], T]
    ) -> None:
        self._session, self.query, self._make = session, query, make
        self._found: tuple[T] | None = None

    @property
    def known(self) -> bool:
        return self._found is not None

    def take(self, row: Sequence[Any]) -> T:
        """Keep the value of the query's row (read by it, or along another statement)."""
        self._found = (self._make(row),)
        return self._found[0]

    def __call__(self) -> T:
        if self._found is not None:
            return self._found[0]
        return self.take(self._session.execute(self.query()).one())


def _unread_tally(session: Session, user: User, roles: set[Role]) -> _Along[_Unread]:
    """The user's issues still to read, counted in one pass: the sections "acknowledge",
    "read_overdue" and "due soon" all ask, and judging who must read what is the costly
    part of each."""

    def query() -> Any:
        horizon = organisation.today(session) + timedelta(days=due_soon_days(session))
        return (
            select(
                func.count(),
                func.coalesce(func.sum(case((_read_late(session), 1), else_=0)), 0),
                func.coalesce(func.sum(case((_read_due_by(session, horizon), 1), else_=0)), 0),
            )
            .select_from(Revision)
            .where(_unacknowledged(user, roles))
        )

    return _Along(session, query, lambda row: _Unread(*row))


def _any(session: Session, query: Callable[[], Any]) -> _Along[bool]:
    """Whether the count ``query`` selects is above zero."""
    return _Along(session, query, lambda row: row[0] > 0)


SECTIONS: list[tuple[str, SectionQuery]] = [
    ("drafts", _drafts),
    ("review", _to_review),
    ("approve", _to_approve),
    ("acknowledge", _to_acknowledge),
]

# Shown only when something waits in them.
WHEN_WAITING: list[tuple[str, SectionQuery]] = [
    ("returned", _returned),
    ("publish", _to_publish),
    ("read_overdue", _read_overdue),
]


def inbox(session: Session, *, viewer: User, roles: set[Role] | None = None) -> list[InboxSection]:
    """Every section that applies to the viewer's roles, with counts and the oldest items
    (``roles``: the viewer's, when the caller has read them already in this transaction)."""
    sources = _sources(session, viewer, roles)
    counts = _counts(session, sources, COUNTED_ON_HOME)
    first_pages = _issue_pages(
        session,
        {
            key: (source.issues, 0, min(SHOWN_PER_SECTION, counts[key][0]))
            for key, source in sources.items()
            if source.issues is not None and counts[key][0]
        },
    )
    sections = []
    for key, source in sources.items():
        total, capped = counts[key]
        if total or source.always:
            if key in first_pages:
                items = first_pages[key]
            else:
                items = source.read(0, min(SHOWN_PER_SECTION, total)) if total else []
            more = capped or total > len(items)
            sections.append(InboxSection(key, total, items, capped=capped, more=more))
    return sections


def inbox_section(
    session: Session,
    *,
    viewer: User,
    key: str,
    page: int = 1,
    per_page: int | None = None,
    roles: set[Role] | None = None,
) -> InboxSection:
    """One page of one section of the viewer's inbox (pages past the end are empty), of
    ``per_page`` rows (as many as the home page shows, by default). A section counted up
    to a cap says whether a page follows by reading one row more."""
    source = _sources(session, viewer, roles).get(key)
    if source is None:
        raise NotFound("no inbox section {key!r} for you", key=key)
    page, per_page = max(1, page), per_page or SHOWN_PER_SECTION
    items = source.read((page - 1) * per_page, per_page + 1)
    total, capped = _counts(session, {key: source}, COUNTED_ON_PAGE)[key]
    more = len(items) > per_page
    return InboxSection(key, total, items[:per_page], page, per_page, capped, more)


def _counts(session: Session, sources: dict[str, _Source], cap: int) -> dict[str, tuple[int, bool]]:
    """How many rows each section holds, and whether its count stopped at ``cap`` (only a
    section that counts up to a limit stops). The counts that are one select each are
    asked together, in one statement: each costs the database little, and a round trip
    from the app costs about as much again."""
    asked = {
        key: source.counting(cap + 1 if source.count_up_to else None)
        for key, source in sources.items()
        if source.counting is not None
    }
    wanted = {id(a): a for source in sources.values() for a in source.along if not a.known}
    along = [(value, value.query().subquery()) for value in wanted.values()]
    found: dict[str, int] = {}
    if asked or along:
        query = sa_select(
            *(count.scalar_subquery() for count in asked.values()),
            *(column for _, row in along for column in row.c),
        )
        if along:  # each a row of its own: joined, one row in all
            joined = along[0][1]
            for _, row in along[1:]:
                joined = joined.join(row, true())
            query = query.select_from(joined)
        row = session.execute(query).one()
        found = dict(zip(asked, row[: len(asked)], strict=True))
        start = len(asked)
        for value, columns in along:
            value.take(row[start : start + len(columns.c)])
            start += len(columns.c)
    counts = {}
    for key, source in sources.items():
        if source.count_up_to is None:
            counts[key] = (found[key] if key in found else source.count(), False)
        else:
            total = found[key] if key in found else source.count_up_to(cap + 1)
            counts[key] = (min(total, cap), total > cap)
    return counts


def _sources(session: Session, user: User, roles: set[Role] | None) -> dict[str, _Source]:
    if roles is None:
        roles = users.roles_of(session, user)
    unread = _unread_tally(session, user, roles)
    counted_once = {
        "acknowledge": lambda: unread().total - unread().late,
        "read_overdue": lambda: unread().late,
    }
    sources = {}
    for key, query in SECTIONS:
        condition = query(session, user, roles)
        if condition is not None:
            sources[key] = _revision_source(session, condition)
    for key, query in WHEN_WAITING:
        condition = query(session, user, roles)
        if condition is not None:
            sources[key] = replace(_revision_source(session, condition), always=False)
    for key, count in counted_once.items():
        if key in sources:
            sources[key] = replace(sources[key], count=count, counting=None, along=(unread,))
    waiting = _waiting_on_others(session, user, roles)
    if waiting is not None:
        sources["waiting"] = replace(_waiting_source(session, waiting), always=False)
    sources.update(_record_sources(session, user, roles))
    sources["due_soon"] = _due_soon(session, user, roles, unread)
    if Role.CONTROLLER in roles:
        sources["late_readers"] = replace(_late_readers(session), always=False)
    return sources


def _revision_source(
    session: Session, condition: Cond, item: Callable[["_Issue"], InboxItem] | None = None
) -> _Source:
    def counting(_: int | None) -> Any:  # conditions are on the issue alone: no document row
        return select(func.count()).select_from(Revision).where(condition)

    return _issue_source(session, _IssuePages(condition, item or _plain_item), counting)


@dataclass(frozen=True)
class _Issue:
    """What a section shows of one issue: its row's few columns (not its body), who holds
    its steps ("" when nobody is named) and when its current content was last signed."""

    code: str
    title: str
    issue: int
    status: str
    updated_at: datetime
    planned_effective_date: date | None
    reviewer: str | None
    approver: str | None
    reviewed_at: datetime | None
    submitted_at: datetime | None


@dataclass(frozen=True)
class _IssuePages:
    """A section of the issues meeting ``condition`` (with ``on_document``, a condition
    that also reads the issue's ``Document``), oldest first, each shown by ``item``."""

    condition: Cond
    item: Callable[[_Issue], InboxItem]
    on_document: bool = False


def _plain_item(issue: _Issue) -> InboxItem:
    return InboxItem(issue.code, issue.title, issue.issue, issue.status, _since(issue))


def _issue_source(
    session: Session,
    pages: _IssuePages,
    counting: Callable[[int | None], Any],
    *,
    capped: bool = False,
) -> _Source:
    def read(offset: int, limit: int) -> list[InboxItem]:
        return _issue_pages(session, {"": (pages, offset, limit)})[""]

    return replace(_counted_by(session, counting, read, capped=capped), issues=pages)


_IN_ORDER = (col(Revision.updated_at), col(Revision.document_id))
# Who holds an issue's steps: made once, as adapting a new alias's columns costs more
# than the rest of building the statement.
_REVIEWER, _APPROVER = aliased(User, name="reviewer"), aliased(User, name="approver")


def _issue_pages(
    session: Session, asked: dict[str, tuple[_IssuePages, int, int]]
) -> dict[str, list[InboxItem]]:
    """One page (offset, limit) of each section of issues ``asked``, read in one
    statement: the home page shows the first of several, and each statement costs a round
    trip. Each page's issues are chosen first, from the indexes alone; only their rows are
    read then, and of those only the columns shown (an issue's row holds its body)."""
    if not asked:
        return {}
    chosen = []
    for key, (pages, offset, limit) in asked.items():
        page = (
            _issues(pages.condition, on_document=pages.on_document)
            .order_by(*_IN_ORDER)
            .offset(offset)
            .limit(limit)
            .subquery()
        )
        chosen.append(sa_select(literal(key, String).label("section"), page.c.id))
    ids = (union_all(*chosen) if len(chosen) > 1 else chosen[0]).subquery()
    reviewer, approver = _REVIEWER, _APPROVER
    rows = session.execute(
        sa_select(
            ids.c.section,
            col(Document.code),
            col(Document.title),
            col(Revision.issue),
            col(Revision.status),
            col(Revision.updated_at),
            col(Revision.planned_effective_date),
            col(reviewer.full_name),
            col(approver.full_name),
            _last_signed(Meaning.REVIEWED),
            _last_signed(Meaning.DRAFTED),
        )
        .select_from(ids)
        .join(Revision, col(Revision.id) == ids.c.id)
        .join(Document, col(Document.id) == Revision.document_id)
        .outerjoin(reviewer, col(reviewer.id) == Revision.reviewer_id)
        .outerjoin(approver, col(approver.id) == Revision.approver_id)
        .order_by(ids.c.section, *_IN_ORDER)
    ).all()
    found: dict[str, list[InboxItem]] = {key: [] for key in asked}
    for key, *columns in rows:
        found[key].append(asked[key][0].item(_Issue(*columns)))
    return found


@cache
def _last_signed(meaning: Meaning) -> Any:
    """When the outer query's issue was last signed with ``meaning`` on its current
    content (NULL if never); made once per meaning, like the aliases above."""
    return (
        sa_select(func.max(Signature.signed_at))
        .where(
            col(Signature.revision_id) == Revision.id,
            col(Signature.meaning) == meaning.value,
            col(Signature.content_hash) == Revision.content_hash,
        )
        .scalar_subquery()
    )


def _issues(condition: Cond, *, on_document: bool = False) -> Any:
    """The ids of the issues meeting ``condition``, with their documents joined when the
    condition reads them."""
    ids = select(Revision.id)
    if on_document:
        ids = ids.join(Document, col(Document.id) == Revision.document_id)
    return ids.where(condition)


def _since(issue: _Issue) -> datetime:
    """Since when an issue has waited: an effective one since the date it took effect (for
    an imported issue, the date on paper, not the moment of the import)."""
    if issue.status == RevisionStatus.EFFECTIVE and issue.planned_effective_date:
        return _at(issue.planned_effective_date)
    if issue.status == RevisionStatus.APPROVED and issue.planned_effective_date:
        return _at(issue.planned_effective_date)  # the day it takes effect
    return issue.updated_at


def _at(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def _paged(session: Session, query: Any, item: Callable[[Any], InboxItem]) -> _Source:
    """A section whose rows ``query`` selects in order: counted in the database, read a
    page at a time, ``item`` making one entry of each row."""

    def counting(_: int | None) -> Any:
        return select(func.count()).select_from(query.order_by(None).subquery())

    def read(offset: int, limit: int) -> list[InboxItem]:
        return [item(row) for row in session.exec(query.offset(offset).limit(limit)).all()]

    return _counted_by(session, counting, read)


def _listed(items: Callable[[], list[InboxItem]]) -> _Source:
    """A small section whose rows need a rule checked in code, so it is read whole."""
    return _Source(lambda: len(items()), lambda offset, limit: items()[offset : offset + limit])


def _checklists(session: Session, user: User) -> _Source:
    """In-progress audits of the user's team with checklist items still unanswered."""
    open_items = (
        select(Audit, func.count(col(ChecklistItem.id)))
        .join(AuditMember, col(AuditMember.audit_id) == Audit.id)
        .join(ChecklistItem, col(ChecklistItem.audit_id) == Audit.id)
        .where(AuditMember.user_id == user.id)
        .where(Audit.status == AuditStatus.IN_PROGRESS.value)
        .where(col(ChecklistItem.result).is_(None))
        .group_by(col(Audit.id))
        .order_by(col(Audit.year), col(Audit.number))
    )
    return _paged(
        session,
        open_items,
        lambda row: InboxItem(
            row[0].ref, f"{row[1]}", 0, row[0].status, row[0].updated_at, _audit_url(row[0].ref)
        ),
    )


def _reports_to_sign(session: Session, user: User) -> _Source:
    """Reported audits whose report the user signs for the auditee and has not signed yet
    (whether any is reported to the user is asked along with the counts)."""
    to_user = and_(
        col(Audit.auditee_rep_id) == user.id, col(Audit.status) == AuditStatus.REPORTED.value
    )
    any_reported = _any(session, lambda: select(func.count()).select_from(Audit).where(to_user))

    def items() -> list[InboxItem]:
        if not any_reported():
            return []
        reported = session.exec(
            select(Audit).where(to_user).order_by(col(Audit.year), col(Audit.number))
        ).all()
        return [
            InboxItem(
                audit.ref,
                audit.objectives[:120],
                0,
                audit.status,
                audit.reported_at or audit.updated_at,
                _audit_url(audit.ref),
            )
            for audit in reported
            if not valid_signed(signatures_of(session, audit), AUDITEE)
        ]

    return replace(_listed(cache(items)), along=(any_reported,))


def _actions_due(session: Session, user: User) -> _Source:
    query = (
        select(CapaAction, CorrectiveActionRequest)
        .join(CorrectiveActionRequest, col(CorrectiveActionRequest.id) == CapaAction.capa_id)
        .where(CapaAction.owner_id == user.id)
        .where(CapaAction.status == "open")
        .where(CorrectiveActionRequest.status == CapaStatus.ACTIONS_PLANNED.value)
        .order_by(
            col(CapaAction.due_date),
            col(CorrectiveActionRequest.year),
            col(CorrectiveActionRequest.number),
        )
    )
    return _paged(
        session,
        query,
        lambda row: InboxItem(
            row[1].ref,
            row[0].description[:120],
            row[0].number,
            row[1].status,
            _at(row[0].due_date),
            _capa_url(row[1].ref),
        ),
    )


def _verifications_due(session: Session, user: User) -> _Source:
    owned = select(CapaAction.capa_id).where(CapaAction.owner_id == user.id)
    query = (
        select(CorrectiveActionRequest)
        .where(CorrectiveActionRequest.status == CapaStatus.ACTIONS_DONE.value)
        .where(col(CorrectiveActionRequest.id).not_in(owned))
        .order_by(
            col(CorrectiveActionRequest.verification_due),
            col(CorrectiveActionRequest.year),
            col(CorrectiveActionRequest.number),
        )
    )
    return _paged(
        session,
        query,
        lambda car: InboxItem(
            car.ref,
            car.description[:120],
            0,
            car.status,
            _at(car.verification_due) if car.verification_due else car.updated_at,
            _capa_url(car.ref),
        ),
    )


def _audit_url(ref: str) -> str:
    return f"/audits/{quote(ref, safe='')}"


def _capa_url(ref: str) -> str:
    return f"/capa/{quote(ref, safe='')}"


def _record_sources(session: Session, user: User, roles: set[Role]) -> dict[str, _Source]:
    """The audit and corrective-action sections that apply to the user: checklists and
    verifications always for the roles they concern, the others when something waits."""
    sources = {
        "checklists": replace(_checklists(session, user), always=Role.AUDITOR in roles),
        "sign_reports": replace(_reports_to_sign(session, user), always=False),
        "actions_due": replace(_actions_due(session, user), always=False),
    }
    if roles & {Role.AUDITOR, Role.CONTROLLER}:
        sources["verifications"] = _verifications_due(session, user)
    return sources


# ------------------------------------------------------------------ waiting on others


def _waiting_source(session: Session, condition: Cond) -> _Source:
    """The user's issues in review, each with who holds it now and since when: the
    reviewer since it was submitted, then the approver since it was reviewed."""
    return _revision_source(session, condition, _waiting_item)


def _waiting_item(issue: _Issue) -> InboxItem:
    if issue.reviewed_at is not None:
        step, who, since = "approve", issue.approver, issue.reviewed_at
    else:
        step, who, since = "review", issue.reviewer, issue.submitted_at or issue.updated_at
    return InboxItem(
        issue.code, issue.title, issue.issue, issue.status, since, kind=step, who=who or ""
    )


# ------------------------------------------------------------------ due soon


def due_soon_days(session: Session) -> int:
    value = organisation.get_setting(session, DUE_SOON_SETTING) or str(DEFAULT_DUE_SOON_DAYS)
    if not value.isdigit() or not 1 <= int(value) <= 90:
        raise ValidationError(
            "the setting {key} must be a whole number of days from 1 to 90, not {value!r}",
            key=DUE_SOON_SETTING,
            value=value,
        )
    return int(value)


# Late items of these kinds have a section of their own; "due soon" leaves them there.
LATE_ELSEWHERE = frozenset({"action", "verification", "read"})


def _due_soon(session: Session, user: User, roles: set[Role], unread: _Along[_Unread]) -> _Source:
    """Everything of the user's falling due by the horizon (today plus the setting's days),
    soonest first: actions, verifications, issues to read, periodic reviews, risk reviews
    and risk actions; late ones too, marked, unless their own section lists them. Each kind is chosen in the database by its
    date; the section is small (its days are few), so it is merged and read whole."""

    intervals = _Along(
        session, documents.review_intervals, lambda row: documents.intervals_listed(row[0])
    )
    # A controller takes the reviews of documents without an owner; others their own.
    owner_of_some = _any(
        session,
        lambda: select(func.count()).select_from(Document).where(Document.owner_id == user.id),
    )
    takes_reviews = (lambda: True) if Role.CONTROLLER in roles else owner_of_some

    def horizon() -> date:
        return organisation.today(session) + timedelta(days=due_soon_days(session))

    # Most days most people have none of these: whether any is asked with the counts.
    any_dated = _any(
        session,
        lambda: select(func.count()).select_from(_dated(user, roles, horizon()).subquery()),
    )

    def items() -> list[InboxItem]:
        today = organisation.today(session)
        horizon = today + timedelta(days=due_soon_days(session))
        found = [
            *(_dated_by(session, user, roles, horizon) if any_dated() else []),
            *(_reads_by(session, user, roles, horizon) if _reads_due(unread()) else []),
            *(_reviews_by(session, user, roles, horizon, intervals()) if takes_reviews() else []),
        ]
        found.sort(key=lambda item: (item.since, item.kind, item.code, item.issue))
        marked = [replace(item, late=item.since.date() < today) for item in found]
        return [item for item in marked if not item.late or item.kind not in LATE_ELSEWHERE]

    asked: tuple[_Along[Any], ...] = (unread, intervals, any_dated)
    if Role.CONTROLLER not in roles:
        asked += (owner_of_some,)
    return replace(_listed(cache(items)), along=asked)


def _dated_by(session: Session, user: User, roles: set[Role], horizon: date) -> list[InboxItem]:
    """The user's corrective actions, the verifications (for auditors and controllers),
    the risk reviews (for the controllers, who keep the register) and the user's risk
    actions falling due by the horizon: each chosen in the database by its date, all read
    in one statement."""
    return [
        InboxItem(
            row.ref,
            row.title[:120],
            row.number,
            row.status,
            _at(row.due),
            "/risks" if row.kind.startswith("risk_") else _capa_url(row.ref),
            kind=row.kind,
        )
        for row in session.execute(_dated(user, roles, horizon)).all()
    ]


def _dated(user: User, roles: set[Role], horizon: date) -> Any:
    """The select of :func:`_dated_by`'s rows: kind, ref, title, number, status, due."""
    kinds: list[Any] = [
        sa_select(
            literal("action", String).label("kind"),
            col(CorrectiveActionRequest.ref).label("ref"),
            col(CapaAction.description).label("title"),
            col(CapaAction.number).label("number"),
            col(CorrectiveActionRequest.status).label("status"),
            col(CapaAction.due_date).label("due"),
        )
        .join_from(
            CapaAction,
            CorrectiveActionRequest,
            col(CorrectiveActionRequest.id) == CapaAction.capa_id,
        )
        .where(
            col(CapaAction.owner_id) == user.id,
            col(CapaAction.status) == "open",
            col(CorrectiveActionRequest.status) != CapaStatus.CLOSED.value,
            col(CapaAction.due_date) <= horizon,
        )
    ]
    if roles & {Role.AUDITOR, Role.CONTROLLER}:
        owned = select(CapaAction.capa_id).where(CapaAction.owner_id == user.id)
        kinds.append(
            sa_select(
                literal("verification", String),
                col(CorrectiveActionRequest.ref),
                col(CorrectiveActionRequest.description),
                literal(0),
                col(CorrectiveActionRequest.status),
                col(CorrectiveActionRequest.verification_due),
            ).where(
                col(CorrectiveActionRequest.status) == CapaStatus.ACTIONS_DONE.value,
                col(CorrectiveActionRequest.id).not_in(owned),
                col(CorrectiveActionRequest.verification_due) <= horizon,
            )
        )
    day_after = horizon + timedelta(days=1)
    if Role.CONTROLLER in roles:
        kinds.append(
            sa_select(
                literal("risk_review", String),
                col(Risk.ref),
                col(Risk.title),
                literal(0),
                literal("", String),
                col(Risk.next_review),
            ).where(risks.review_overdue(day_after))
        )
    kinds.append(
        sa_select(
            literal("risk_action", String),
            col(Risk.ref),
            col(RiskAction.what),
            col(RiskAction.number),
            literal("", String),
            col(RiskAction.due),
        )
        .join_from(RiskAction, Risk, col(Risk.id) == RiskAction.risk_id)
        .where(col(RiskAction.owner_id) == user.id, risks.action_overdue(day_after))
    )
    return union_all(*kinds)


def _reads_due(unread: _Unread) -> bool:
    """Some issue still to read falls due by the horizon and is not late yet."""
    return unread.due_by_horizon > unread.late


def _reads_by(session: Session, user: User, roles: set[Role], horizon: date) -> list[InboxItem]:
    """Issues the user has still to acknowledge whose time to do so ends by the horizon
    and has not passed (the late ones are the section "read_overdue")."""
    days = read_campaigns.due_working_days(session)
    rows = session.exec(
        select(Document, Revision)
        .join(Revision, col(Revision.document_id) == Document.id)
        .where(_unacknowledged(user, roles))
        .where(_read_due_by(session, horizon))
        .where(not_(_read_late(session)))
    ).all()
    return [
        InboxItem(
            doc.code,
            doc.title,
            rev.issue,
            rev.status,
            _at(read_campaigns.add_working_days(read_campaigns.effective_on(rev), days)),
            kind="read",
        )
        for doc, rev in rows
    ]


def _reviews_by(
    session: Session, user: User, roles: set[Role], horizon: date, intervals: list[int]
) -> list[InboxItem]:
    """Documents due for their periodic review (or currency check) that the user owns,
    or, for a document without an owner, that a controller takes (``intervals``: the
    register's review intervals)."""
    within = (horizon - organisation.today(session)).days
    due = documents.review_due(session, within_days=within, intervals=intervals)
    return [
        InboxItem(
            item.document.code,
            item.document.title,
            0,
            "",
            _at(item.due_on),
            f"/documents/{quote(item.document.code, safe='')}",
            kind="currency" if item.document.doc_type == DocType.EXTERNAL else "review",
        )
        for item in due
        if item.document.owner_id == user.id
        or (item.document.owner_id is None and Role.CONTROLLER in roles)
    ]


# ------------------------------------------------------------------ late readers


def _late_readers(session: Session) -> _Source:
    """Effective issues past their time to read that someone on the distribution has not
    acknowledged (for coordinators), leading to the issue's readers page. Every issue is
    judged in turn, so the section is counted up to a limit only (``count_up_to``)."""
    condition = and_(
        col(Revision.status) == RevisionStatus.EFFECTIVE.value,
        _read_late(session),
        _someone_has_not_read(),
    )

    def counting(most: int | None) -> Any:
        first = _issues(condition, on_document=True).limit(most).subquery()
        return select(func.count()).select_from(first)

    pages = _IssuePages(condition, _late_readers_item, on_document=True)
    return _issue_source(session, pages, counting, capped=True)


def _late_readers_item(issue: _Issue) -> InboxItem:
    url = f"/documents/{quote(issue.code, safe='')}/readers"
    return InboxItem(issue.code, issue.title, issue.issue, issue.status, _since(issue), url=url)


def _someone_has_not_read() -> Cond:
    """A condition on the outer query's ``Revision`` and its ``Document`` (joined): an
    active reader (by the document's distribution, its drafter aside) has not acknowledged
    the issue. Whether the document has a list is asked once per issue, and only the
    people the rule names are looked at. The document comes from the outer join, not from
    a look-up per issue: PostgreSQL then reads the issues and the documents each from an
    index, in one hash join."""
    rule = distribution.reader_rule(
        doc_id=Revision.document_id, doc_department=Document.department_id
    )
    # Correlated to the outer query's issue two levels up, not only to the reader.
    acknowledged = (
        exists()
        .where(
            and_(
                col(Acknowledgement.revision_id) == Revision.id,
                col(Acknowledgement.user_id) == User.id,
            )
        )
        .correlate_except(Acknowledgement)
    )

    def unread_among(people: Cond) -> Cond:
        return exists(
            select(User.id)
            .where(people)
            .where(col(User.active).is_(True))
            .where(
                or_(col(Revision.drafted_by_id).is_(None), col(User.id) != Revision.drafted_by_id)
            )
            .where(not_(acknowledged))
        )

    # A CASE, not an OR of both ways: the database asks once whether the document has a
    # list, then looks only among the people that way names.
    chosen = case((rule.listed, unread_among(rule.on_list)), else_=unread_among(rule.by_department))
    return chosen.is_(True)
