"""The audit trail for the people who inspect it (admins and auditors): filtered pages,
an export, and the chain check."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from qms.clock import naive_utc
from qms.domain import Role
from qms.errors import Text, ValidationError
from qms.i18n import in_language
from qms.models import TrailEvent, User
from qms.render.data import TrailPrint, TrailPrintRow
from qms.services.documents import register as documents
from qms.services.documents import renditions
from qms.services.paging import Paged
from qms.services.people import organisation, users
from qms.services.records import views as records_views
from qms.services.trail import anchors as trail_anchors
from qms.services.trail import chain as trail
from qms.services.trail import words as trail_words
from qms.text import clean, shorten

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
class TrailPage(Paged):
    events: list[TrailEvent]
    total: int
    page: int
    per_page: int


def require_inspector(session: Session, viewer: User) -> None:
    """Admins and auditors read the trail and run the checks against it."""
    users.require_role(
        session, viewer, Role.ADMIN, Role.AUDITOR, action=Text("read the audit trail")
    )


def _conditions(session: Session, filters: TrailFilter) -> list[Cond]:
    zone = ZoneInfo(organisation.get_setting(session, "timezone"))
    out: list[Cond] = []
    if filters.entity:
        out.append(col(TrailEvent.entity) == clean(filters.entity).lower())
    if filters.entity_id:
        out.append(col(TrailEvent.entity_id).startswith(clean(filters.entity_id), autoescape=True))
    if filters.actor:
        out.append(col(TrailEvent.actor) == clean(filters.actor).lower())
    if filters.since:
        out.append(col(TrailEvent.at) >= datetime.combine(filters.since, time(), zone))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time(), zone)
        out.append(col(TrailEvent.at) < end)
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
    require_inspector(session, viewer)
    conditions = _conditions(session, filters)
    page = max(1, page)
    total = session.exec(select(func.count()).select_from(TrailEvent).where(*conditions)).one()
    events = session.exec(
        select(TrailEvent)
        .where(*conditions)
        .order_by(col(TrailEvent.seq).desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return TrailPage(list(events), int(total), page, per_page)


def entities(session: Session, *, viewer: User) -> list[str]:
    """The kinds of things the trail has events about, for the filter."""
    require_inspector(session, viewer)
    return sorted(session.exec(select(TrailEvent.entity).distinct()).all())


def export(session: Session, *, viewer: User, filters: TrailFilter) -> Iterator[TrailEvent]:
    """Every matching event, oldest first, streamed; the viewer is checked at the call,
    before anything is streamed."""
    require_inspector(session, viewer)
    return iter(
        session.exec(
            select(TrailEvent)
            .where(*_conditions(session, filters))
            .order_by(col(TrailEvent.seq))
            .execution_options(yield_per=1000)
        )
    )


def verify(session: Session, *, viewer: User) -> trail.TrailCheck:
    require_inspector(session, viewer)
    return trail.verify(session)


def verify_against(
    session: Session, *, viewer: User | None, anchors: str | bytes, source: str | Text
) -> tuple[trail.TrailCheck, int]:
    """The chain check against anchors kept outside the system (the JSON lines of
    ``qms trail anchor``, as text or as the bytes of an uploaded file called ``source``),
    and how many anchors were checked. The viewer is checked before the file is read
    (None is the command line)."""
    if viewer is not None:
        require_inspector(session, viewer)
    if isinstance(anchors, bytes):
        try:
            anchors = anchors.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError("{source} is not UTF-8 text", source=source) from None
    given = trail_anchors.parse(anchors, source=source)
    return trail_anchors.verify_with(session, given), len(given)


# -------------------------------------------------------------------------- print

MAX_PRINTED_EVENTS = 1_000  # up to about 100 landscape pages; the CSV export has no limit
PRINTED_DETAIL_CHARS = 300


def print_data(
    session: Session, *, viewer: User | None, filters: TrailFilter, language: str | None = None
) -> TrailPrint:
    """The matching events, oldest first, as the printed trail shows them, with the state
    of the whole chain and its anchor now. ``viewer`` None is the command line."""
    if viewer is not None:
        require_inspector(session, viewer)
    lang = documents.language_or_default(session, language)
    conditions = _conditions(session, filters)
    total = session.exec(select(func.count()).select_from(TrailEvent).where(*conditions)).one()
    if total > MAX_PRINTED_EVENTS:
        raise ValidationError(
            "{count:,} events match; a printed trail holds at most {limit:,}: narrow the "
            "filters, or export the events as CSV",
            count=int(total),
            limit=MAX_PRINTED_EVENTS,
        )
    events = session.exec(select(TrailEvent).where(*conditions).order_by(col(TrailEvent.seq))).all()
    check = trail.verify(session)
    problem = in_language(check.problems[0].text, lang) if check.problems else ""
    newest = trail_anchors.of_check(check)
    return TrailPrint(
        organisation=renditions.organisation_name(session, lang),
        language=lang,
        printed_on=organisation.today(session),
        filters=_printed_filters(filters),
        rows=tuple(
            TrailPrintRow(
                seq=e.seq,
                at=naive_utc(e.at),
                actor=e.actor,
                action=trail_words.action_word(e.action, lang),
                entity=trail_words.entity_word(e.entity, lang),
                entity_id=e.entity_id,
                details=shorten(
                    trail_words.details(e.payload, lang, e.entity, limit=len(e.payload) + 1),
                    PRINTED_DETAIL_CHARS,
                ),
                hash=e.hash,
            )
            for e in events
        ),
        chain_events=check.events,
        chain_problem=problem,
        anchor=newest.line() if newest else "",
        timezone=organisation.get_setting(session, "timezone"),
        retention=records_views.produced_retention(session, "trail_print", lang),
    )


def _printed_filters(filters: TrailFilter) -> tuple[tuple[str, str], ...]:
    given = [
        ("entity", clean(filters.entity or "").lower()),
        ("entity_id", clean(filters.entity_id or "")),
        ("actor", clean(filters.actor or "").lower()),
        ("since", filters.since.isoformat() if filters.since else ""),
        ("until", filters.until.isoformat() if filters.until else ""),
    ]
    return tuple((key, value) for key, value in given if value)


def trail_pdf(
    session: Session, *, viewer: User | None, filters: TrailFilter, language: str | None = None
) -> bytes:
    """The printed trail as a PDF (see :func:`print_data`)."""
    from qms.render import render_record_pdf

    data: bytes = render_record_pdf(
        print_data(session, viewer=viewer, filters=filters, language=language)
    )
    return data
