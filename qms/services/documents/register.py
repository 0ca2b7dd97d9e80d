"""The document register: identity, lookup, search, periodic review and external documents."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, String, and_, case, cast, func, or_, union
from sqlmodel import Session, col, select

from qms.clock import naive_utc, utcnow
from qms.domain import IN_PROGRESS, DocType, RevisionStatus, Role, validate_language
from qms.errors import Conflict, Joined, NotFound, Text, ValidationError
from qms.models import Department, Document, Revision, User, pk
from qms.services.documents import search_index
from qms.services.fields import one_line
from qms.services.people import organisation, users
from qms.services.trail import chain as trail
from qms.text import clean, fold, sort_key

# Capital letters (Vietnamese ones too: QT-ĐT-01), digits, '-', '.', '/'; starts with a letter.
_CODE = re.compile(r"^[^\W\d_][\w.\-/]{0,39}$")
EXTERNAL_FIELDS = ("issuer", "external_ref", "external_version", "checked_current_on")
_EXTERNAL_LABELS = {
    "issuer": Text("issuer"),
    "external_ref": Text("external reference"),
    "external_version": Text("external version"),
}


def normalise_code(code: str) -> str:
    code = clean(code).upper()
    if not _CODE.match(code) or "_" in code:
        raise ValidationError(
            "document code {code!r} must start with a letter and use only letters, digits, "
            "'-', '.' or '/' (at most 40 characters), e.g. QT-01 or BM-03-01",
            code=code,
        )
    return code


def find_document(session: Session, code: str, *, lock: bool = False) -> Document | None:
    """The document with ``code``, or None. ``lock`` holds its row until commit, which
    serialises changes to one document's issues (PostgreSQL row lock; on SQLite the
    write transaction already holds the database lock)."""
    query = select(Document).where(Document.code == clean(code).upper())
    return session.exec(query.with_for_update() if lock else query).first()


def get_document(session: Session, code: str) -> Document:
    doc = find_document(session, code)
    if doc is None:
        raise NotFound("no document with code {code}", code=clean(code).upper())
    return doc


def lock_document(session: Session, code: str) -> Document:
    doc = find_document(session, code, lock=True)
    if doc is None:
        raise NotFound("no document with code {code}", code=clean(code).upper())
    return doc


def parse_doc_type(value: str) -> DocType:
    try:
        return DocType(value.strip().lower().replace("-", "_").replace(" ", "_"))
    except ValueError:
        raise ValidationError(
            "unknown document type {value!r} (types: {choices})",
            value=value,
            choices=Joined([t.value for t in DocType]),
        ) from None


def language_or_default(session: Session, language: str | None) -> str:
    """``language``, or the organisation's language when none is asked for."""
    return validate_language(
        language or organisation.get_setting(session, "organisation.language") or "vi"
    )


def add_document(
    session: Session,
    *,
    actor: User,
    code: str,
    title: str,
    doc_type: str,
    department: str,
    owner: str | None = None,
    language: str = "vi",
    review_interval_months: int = 12,
    external: dict[str, object] | None = None,
) -> Document:
    """Validate and register a document without committing; the caller adds its first issue."""
    users.require_role(session, actor, Role.CONTROLLER, action=Text("register documents"))
    code = normalise_code(code)
    title = one_line(title, field=Text("title"))
    if not title:
        raise ValidationError("{code}: a document needs a title", code=code)
    if len(title) > 300:
        raise ValidationError("{code}: the title is longer than 300 characters", code=code)
    kind = parse_doc_type(doc_type)
    validate_language(language)
    if not 1 <= review_interval_months <= 120:
        raise ValidationError("{code}: the review interval must be 1 to 120 months", code=code)
    if session.exec(select(Document.id).where(Document.code == code)).first() is not None:
        raise Conflict("document {code} is already registered", code=code)
    dept = users.get_department(session, department)
    owner_user = users.get_user(session, owner) if owner else None
    extra = _external_fields(code, kind, external or {})
    doc = Document(
        code=code,
        title=title,
        doc_type=kind.value,
        department_id=pk(dept),
        owner_id=owner_user.id if owner_user else None,
        language=language,
        review_interval_months=review_interval_months,
        search_text=fold(f"{code} {title}"),
        title_sort_key=sort_key(title),
        created_at=utcnow(),
        created_by_id=actor.id,
    )
    for name, value in extra.items():
        setattr(doc, name, value)
    session.add(doc)
    session.flush()
    search_index.refresh(session, pk(doc))
    trail.record(
        session,
        actor=actor.username,
        action="document.register",
        entity="document",
        entity_id=code,
        payload={
            "new": {
                "code": code,
                "title": title,
                "type": kind.value,
                "department": dept.code,
                "owner": owner_user.username if owner_user else None,
                "language": language,
                "review_interval_months": review_interval_months,
                **{k: v for k, v in extra.items() if v},
            }
        },
    )
    return doc


def _external_fields(code: str, kind: DocType, given: dict[str, object]) -> dict[str, object]:
    if kind is not DocType.EXTERNAL:
        present = [k for k in EXTERNAL_FIELDS if given.get(k)]
        if present:
            raise ValidationError(
                "{code}: {fields} apply to external documents only",
                code=code,
                fields=Joined(present),
            )
        return {}
    if not given.get("issuer"):
        raise ValidationError("{code}: an external document needs its issuer", code=code)
    checked = given.get("checked_current_on")
    if checked is not None and not isinstance(checked, date):
        raise ValidationError("{code}: checked_current_on must be a date (YYYY-MM-DD)", code=code)
    fields: dict[str, object] = {"checked_current_on": checked}
    for name, limit in (("issuer", 200), ("external_ref", 120), ("external_version", 200)):
        value = one_line(str(given.get(name) or ""), field=_EXTERNAL_LABELS[name])
        if len(value) > limit:
            raise ValidationError(
                "{code}: {field} is longer than {limit} characters",
                code=code,
                field=name,
                limit=limit,
            )
        fields[name] = value
    return fields


@dataclass(frozen=True)
class RegisterRow:
    document: Document
    department: Department
    current: Revision | None  # the effective issue, if any
    in_progress: Revision | None  # draft / in review / approved, if any
    withdrawn: bool


def visible_to_all(roles: set[Role]) -> bool:
    """Coordinators, reviewers, approvers, auditors and admins see every issue; staff see
    effective issues only (obsolete and superseded ones are never at staff's point of use)."""
    return bool(roles - {Role.STAFF})


def effective_revision(session: Session, doc: Document) -> Revision | None:
    return session.exec(
        select(Revision)
        .where(Revision.document_id == doc.id)
        .where(Revision.status == RevisionStatus.EFFECTIVE.value)
    ).first()


def in_progress_revision(session: Session, doc: Document) -> Revision | None:
    """The issue in draft, in review or approved, if any (at most one)."""
    return session.exec(
        select(Revision)
        .where(Revision.document_id == doc.id)
        .where(col(Revision.status).in_([s.value for s in IN_PROGRESS]))
    ).first()


def revisions_of(session: Session, doc: Document) -> list[Revision]:
    return list(
        session.exec(
            select(Revision).where(Revision.document_id == doc.id).order_by(col(Revision.issue))
        ).all()
    )


@dataclass(frozen=True)
class DueItem:
    document: Document
    due_on: date
    kind: str  # "periodic review" | "currency check"
    overdue: bool


def effective_day(rev: Revision, zone: str) -> date | None:
    """The date an issue took (or will take) effect as printed on it: the date on paper
    or the one its approver set, else the day it was published, in the time zone
    ``zone`` (never the moment an import was run)."""
    if rev.planned_effective_date:
        return rev.planned_effective_date
    if rev.effective_at is None:
        return None
    return naive_utc(rev.effective_at).replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).date()


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def latest_base(limit: date, months: int) -> date:
    """The last date from which ``months`` later still falls on or before ``limit``."""
    base = add_months(limit, -months)
    while add_months(base + timedelta(days=1), months) <= limit:
        base += timedelta(days=1)
    while add_months(base, months) > limit:
        base -= timedelta(days=1)
    return base


def review_falls_due_by(limit: date, months: int, zone: str) -> ColumnElement[bool]:
    """A condition on ``Document`` joined to its effective ``Revision``: a document
    reviewed every ``months`` whose periodic review (currency check for an external one)
    falls due on or before ``limit``, as :func:`review_due` reckons it, so the database
    chooses the few due among a large register."""
    base = latest_base(limit, months)
    after = datetime.combine(base + timedelta(days=1), time(), ZoneInfo(zone)).astimezone(UTC)
    external = col(Document.doc_type) == DocType.EXTERNAL.value
    checked = case(
        (external, col(Document.checked_current_on)), else_=col(Document.last_reviewed_on)
    )
    planned = col(Revision.planned_effective_date)
    return and_(
        col(Document.review_interval_months) == months,
        or_(
            checked <= base,
            and_(
                checked.is_(None),
                or_(
                    planned <= base,
                    and_(planned.is_(None), col(Revision.effective_at) < after),
                    and_(planned.is_(None), col(Revision.effective_at).is_(None)),
                ),
            ),
        ),
    )


def reviews_falling_due_by(limit: date, intervals: Sequence[int], zone: str) -> ColumnElement[bool]:
    """A condition on ``Document`` joined to its effective ``Revision``: its periodic review
    (currency check) falls due on or before ``limit``, for a register whose documents are
    reviewed every one of ``intervals`` months. The exact rule (:func:`review_falls_due_by`)
    reads the effective issue, so alone it judges every document in effect; here the
    database first gathers the few candidates from the indexes on the document's review
    dates (a superset: a day's margin for the zone), then applies the rule to those."""
    candidates = []
    for months in intervals:
        base = latest_base(limit, months)
        took_effect_by = datetime.combine(base + timedelta(days=2), time(), UTC)
        for reviewed in (Document.last_reviewed_on, Document.checked_current_on):
            in_effect = select(Document.id).where(
                col(Document.in_effect).is_(True), Document.review_interval_months == months
            )
            never = in_effect.where(col(reviewed).is_(None))
            candidates += [
                in_effect.where(col(reviewed) <= base),
                never.where(col(Document.effective_on) < took_effect_by),
                never.where(col(Document.effective_on).is_(None)),
            ]
    return and_(
        col(Document.id).in_(union(*candidates)),
        or_(*(review_falls_due_by(limit, months, zone) for months in intervals)),
    )


def review_intervals() -> Select[str]:
    """The review intervals the register's documents in effect use (the others fall due
    for no review), as one row: their months listed (:func:`intervals_listed` reads it),
    so that a page can ask it along another count. Each interval is found from the index
    on the review dates, from the one before: the few intervals cost a look-up each, not a
    reading of every document in effect."""
    months = col(Document.review_interval_months)
    in_effect = col(Document.in_effect).is_(True)
    used = select(func.min(months).label("months")).where(in_effect).cte(recursive=True)
    following = select(func.min(months)).where(in_effect, months > used.c.months)
    used = used.union_all(select(following.scalar_subquery()).where(used.c.months.is_not(None)))
    listed = func.aggregate_strings(cast(used.c.months, String), ",")
    return select(listed).where(used.c.months.is_not(None))


def intervals_listed(listed: str | None) -> list[int]:
    """The intervals of :func:`review_intervals`' row."""
    return [int(months) for months in listed.split(",")] if listed else []


def review_due(
    session: Session, *, within_days: int = 30, intervals: Sequence[int] | None = None
) -> list[DueItem]:
    """Effective documents whose periodic review (or, for external ones, currency check)
    falls due within ``within_days`` from today, overdue ones included, soonest first
    (``intervals``: the register's review intervals, when the caller has read them)."""
    today = organisation.today(session)
    items = []
    zone = organisation.get_setting(session, "timezone")
    limit = today + timedelta(days=within_days)
    if intervals is None:
        intervals = session.exec(select(Document.review_interval_months).distinct()).all()
    if not intervals:
        return []
    rows = session.exec(
        select(Document, Revision)
        .join(Revision, col(Revision.document_id) == Document.id)
        .where(Revision.status == RevisionStatus.EFFECTIVE.value)
        .where(reviews_falling_due_by(limit, intervals, zone))
    ).all()
    for doc, rev in rows:
        # From the last review, else from the date the issue took effect (on paper for an
        # imported one).
        since = effective_day(rev, zone) or today
        if doc.doc_type == DocType.EXTERNAL:
            base = doc.checked_current_on or since
            kind = "currency check"
        else:
            base = doc.last_reviewed_on or since
            kind = "periodic review"
        due_on = add_months(base, doc.review_interval_months)
        if (due_on - today).days <= within_days:
            items.append(DueItem(doc, due_on, kind, due_on < today))
    return sorted(items, key=lambda item: (item.due_on, item.document.code))


def check_periodic_review(session: Session, actor: User, doc: Document) -> Revision:
    """Recording a periodic review: a controller, of the effective issue."""
    users.require_role(session, actor, Role.CONTROLLER, action=Text("record periodic reviews"))
    rev = effective_revision(session, doc)
    if rev is None:
        raise ValidationError("{code} has no effective issue to review", code=doc.code)
    return rev


def record_periodic_review(session: Session, *, actor: User, code: str, note: str) -> Document:
    """Record that a document was reviewed and is still adequate (no new issue needed).

    For an external document this is the check that the referenced edition is still current.
    """
    users.require_role(session, actor, Role.CONTROLLER, action=Text("record periodic reviews"))
    note = one_line(note, field=Text("note"))
    if not note:
        raise ValidationError("say what the review found").about("note")
    doc = lock_document(session, code)
    check_periodic_review(session, actor, doc)
    today = organisation.today(session)
    field = "checked_current_on" if doc.doc_type == DocType.EXTERNAL else "last_reviewed_on"
    old = getattr(doc, field)
    setattr(doc, field, today)
    session.add(doc)
    trail.record(
        session,
        actor=actor.username,
        action="document.periodic_review",
        entity="document",
        entity_id=doc.code,
        payload={"old": {field: old}, "new": {field: today}, "reason": note},
    )
    session.commit()
    return doc


def get_revision(
    session: Session, *, viewer: User | None, code: str, issue: int | None = None
) -> tuple[Document, Revision]:
    """The issue a viewer asked for. Without ``issue``: the effective one (for staff), or
    the effective one else the newest (for everyone who may see drafts)."""
    if issue is None:  # the common case, in one query: the effective issue, for everyone
        found = session.exec(
            select(Document, Revision)
            .join(Revision, col(Revision.document_id) == Document.id)
            .where(Document.code == clean(code).upper())
            .where(Revision.status == RevisionStatus.EFFECTIVE.value)
        ).first()
        if found is not None:
            return found
    doc = get_document(session, code)
    roles = users.roles_of(session, viewer) if viewer else set()
    see_all = visible_to_all(roles)
    if issue is None:
        rev = effective_revision(session, doc)
        if rev is None and see_all:
            rev = session.exec(
                select(Revision)
                .where(Revision.document_id == doc.id)
                .order_by(col(Revision.issue).desc())
            ).first()
        if rev is None:
            raise NotFound("{code} has no effective issue", code=doc.code)
        return doc, rev
    rev = session.exec(
        select(Revision).where(Revision.document_id == doc.id).where(Revision.issue == issue)
    ).first()
    # An issue hidden from the viewer is refused exactly as a missing one: a refusal that
    # named its state would tell staff that the draft, or the old issue, exists.
    if rev is None or (not see_all and rev.status != RevisionStatus.EFFECTIVE):
        raise NotFound("{code} has no issue {issue}", code=doc.code, issue=issue)
    return doc, rev
