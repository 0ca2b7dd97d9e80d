"""The audit trail for the people who inspect it (admins and auditors): filtered pages,
an export, and the chain check."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from qms.domain import Role
from qms.errors import Text, ValidationError
from qms.models import AuditEvent, User
from qms.services import organisation, trail, trail_anchors, users
from qms.text import clean

Cond = ColumnElement[bool]

PAGE_SIZE = 100


@dataclass(frozen=True)
class TrailFilter:
    entity: str | None = None  # "document", "revision", "user"...
    entity_id: str | None = None  # prefix: "QT-01" finds "QT-01" and "QT-01/2"
    actor: str | None = None
    since: date | None = None  # local calendar dates, inclusive
    until: date | None = None


@dataclass(frozen=True)
class TrailPage:
    events: list[AuditEvent]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _require_inspector(session: Session, viewer: User) -> None:
    users.require_role(
        session, viewer, Role.ADMIN, Role.AUDITOR, action=Text("read the audit trail")
    )


def _conditions(session: Session, filters: TrailFilter) -> list[Cond]:
    zone = ZoneInfo(organisation.get_setting(session, "timezone"))
    out: list[Cond] = []
    if filters.entity:
        out.append(col(AuditEvent.entity) == clean(filters.entity).lower())
    if filters.entity_id:
        out.append(col(AuditEvent.entity_id).startswith(clean(filters.entity_id), autoescape=True))
    if filters.actor:
        out.append(col(AuditEvent.actor) == clean(filters.actor).lower())
    if filters.since:
        out.append(col(AuditEvent.at) >= datetime.combine(filters.since, time(), zone))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time(), zone)
        out.append(col(AuditEvent.at) < end)
    return out


def browse(
    session: Session,
    *,
    viewer: User,
    filters: TrailFilter,
    page: int = 1,
    per_page: int = PAGE_SIZE,
) -> TrailPage:
    """Newest events first, one page at a time."""
    _require_inspector(session, viewer)
    conditions = _conditions(session, filters)
    page = max(1, page)
    total = session.exec(select(func.count()).select_from(AuditEvent).where(*conditions)).one()
    events = session.exec(
        select(AuditEvent)
        .where(*conditions)
        .order_by(col(AuditEvent.seq).desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return TrailPage(list(events), int(total), page, per_page)


def entities(session: Session, *, viewer: User) -> list[str]:
    """The kinds of things the trail has events about, for the filter."""
    _require_inspector(session, viewer)
    return sorted(session.exec(select(AuditEvent.entity).distinct()).all())


def export(session: Session, *, viewer: User, filters: TrailFilter) -> Iterator[AuditEvent]:
    """Every matching event, oldest first, streamed; the viewer is checked at the call,
    before anything is streamed."""
    _require_inspector(session, viewer)
    return iter(
        session.exec(
            select(AuditEvent)
            .where(*_conditions(session, filters))
            .order_by(col(AuditEvent.seq))
            .execution_options(yield_per=1000)
        )
    )


def verify(session: Session, *, viewer: User) -> trail.TrailCheck:
    _require_inspector(session, viewer)
    return trail.verify(session)


def verify_against(
    session: Session, *, viewer: User, anchors: str | bytes, source: str | Text
) -> tuple[trail.TrailCheck, int]:
    """The chain check against anchors kept outside the system (the JSON lines of
    ``qms trail anchor``, as text or as the bytes of an uploaded file called ``source``),
    and how many anchors were checked. The viewer is checked before the file is read."""
    _require_inspector(session, viewer)
    if isinstance(anchors, bytes):
        try:
            anchors = anchors.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError("{source} is not UTF-8 text", source=source) from None
    given = trail_anchors.parse(anchors, source=source)
    return trail_anchors.verify_with(session, given), len(given)


def anchor(session: Session, *, viewer: User) -> trail_anchors.Anchor | None:
    """The anchor of the trail as it stands (None while it is empty), to be kept outside."""
    _require_inspector(session, viewer)
    try:
        return trail_anchors.take(session)
    except ValidationError:
        return None
