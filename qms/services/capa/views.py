"""Read-only views of corrective actions: the register with ages and overdue counts, and
one record in full with the steps its viewer may take.

The views are frozen dataclasses of plain values: the command line prints them (and dumps
them with ``qms.views.as_json``) and the API declares them as its response models, so a
field has one name and one form everywhere."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from qms.domain import CapaStatus
from qms.errors import Joined, Text, ValidationError
from qms.models import CorrectiveActionRequest, Department, Document, Revision, User, pk
from qms.services.capa import records as capa_records
from qms.services.capa.lifecycle import closure_problems
from qms.services.capa.records import get_capa, require_reader
from qms.services.capa.steps import action_steps, record_steps
from qms.services.paging import Paged
from qms.services.people import organisation, users


@dataclass(frozen=True)
class CapaSummary:
    """One row of the register."""

    ref: str
    status: str
    source: str
    department: str  # code
    severity: str
    description: str
    reported_at: datetime
    age_days: int
    open_actions: int
    overdue_actions: int


PAGE_SIZE = 50


@dataclass(frozen=True)
class CapaPage(Paged):
    """One page of the register and the number of records that match."""

    rows: list[CapaSummary]
    total: int
    page: int
    per_page: int


def list_capas(
    session: Session,
    *,
    viewer: User | None,
    status: str | None = None,
    department: str | None = None,
    year: int | None = None,
) -> list[CapaSummary]:
    """The register, oldest first, optionally filtered (``viewer`` as in
    :func:`capa_records.record_pdf`)."""
    query = _register_query(session, viewer, status, department, year)
    return _summaries(session, list(session.exec(query).all()))


def capa_page(
    session: Session,
    *,
    viewer: User | None,
    status: str | None = None,
    department: str | None = None,
    year: int | None = None,
    page: int = 1,
    per_page: int = PAGE_SIZE,
) -> CapaPage:
    """One page of :func:`list_capas`, counted by the database. The page's records are
    found from narrow rows (ids in the register's order: sorting whole rows costs), then
    read."""
    query = _register_query(session, viewer, status, department, year)
    total = session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
    page = max(1, page)
    keys = query.with_only_columns(col(CorrectiveActionRequest.id))
    ids = list(session.execute(keys.offset((page - 1) * per_page).limit(per_page)).scalars())
    read = select(CorrectiveActionRequest).where(col(CorrectiveActionRequest.id).in_(ids))
    found = {car.id: car for car in session.exec(read).all()}
    return CapaPage(_summaries(session, [found[i] for i in ids]), int(total), page, per_page)


def _register_query(
    session: Session,
    viewer: User | None,
    status: str | None,
    department: str | None,
    year: int | None,
) -> SelectOfScalar[CorrectiveActionRequest]:
    if viewer is not None:
        require_reader(session, viewer)
    query = select(CorrectiveActionRequest).order_by(
        col(CorrectiveActionRequest.year), col(CorrectiveActionRequest.number)
    )
    if status:
        try:
            query = query.where(CorrectiveActionRequest.status == CapaStatus(status).value)
        except ValueError:
            raise ValidationError(
                "unknown status {value!r} (statuses: {choices})",
                value=status,
                choices=Joined([s.value for s in CapaStatus]),
            ) from None
    if department:
        query = query.where(
            CorrectiveActionRequest.department_id == pk(users.get_department(session, department))
        )
    if year is not None:
        query = query.where(CorrectiveActionRequest.year == year)
    return query


def _summaries(session: Session, cars: list[CorrectiveActionRequest]) -> list[CapaSummary]:
    today = organisation.today(session)
    counts = capa_records.action_counts(session, today, ids=[pk(car) for car in cars])
    zone = capa_records.local_zone(session)
    departments = dict(
        session.exec(
            select(Department.id, Department.code).where(
                col(Department.id).in_({car.department_id for car in cars})
            )
        ).all()
    )
    out = []
    for car in cars:
        open_actions, overdue_actions = counts.get(pk(car), (0, 0))
        out.append(
            CapaSummary(
                ref=car.ref,
                status=car.status,
                source=car.source,
                department=departments[car.department_id],
                severity=car.severity,
                description=car.description,
                reported_at=car.reported_at,
                age_days=capa_records.age_days(session, car, today, zone),
                open_actions=open_actions,
                overdue_actions=overdue_actions,
            )
        )
    return out


@dataclass(frozen=True)
class CapaWhyView:
    position: int
    question: str
    answer: str


@dataclass(frozen=True)
class CapaActionView:
    number: int
    description: str
    owner: str  # username
    due_date: date
    status: str  # open or done
    overdue: bool
    done_at: datetime | None
    done_note: str
    document: str | None  # code of the document the action changes
    document_issue: int | None  # the issue it raised
    document_change: str | None  # "QT-01 issue 4 (draft)"
    steps: tuple[str, ...]  # "done" when the viewer may mark it done


@dataclass(frozen=True)
class CapaVerificationView:
    verifier: str  # username
    printed_name: str
    effective: bool
    evidence: str
    performed_at: datetime
    content_hash: str
    valid: bool


@dataclass(frozen=True)
class CapaDetail:
    """One record in full; ``steps`` are those the viewer may take (see
    :mod:`qms.services.capa.steps`), none without a viewer."""

    ref: str
    status: str
    source: str
    finding: str | None  # "IA-2026-01/2"
    department: str  # code
    clause: str
    severity: str
    description: str
    reported_by: str
    reported_at: datetime
    containment: str
    contained_by: str | None
    contained_at: datetime | None
    whys: tuple[CapaWhyView, ...]
    cause_category: str
    root_cause: str
    similar_exist: str
    similar_answer: str
    analysed_by: str | None
    analysed_at: datetime | None
    actions: tuple[CapaActionView, ...]
    verification_due: date | None
    verifications: tuple[CapaVerificationView, ...]
    closed_by: str | None
    closed_at: datetime | None
    record_sha256: str | None
    closure_problems: tuple[str, ...]  # in English; closure_phrases() to translate
    steps: tuple[str, ...]


def detail(session: Session, *, viewer: User | None, ref: str, language: str = "en") -> CapaDetail:
    """A record as ``capa show`` and the JSON API give it; ``language`` is that of the
    document change an action raised ("QT-01 issue 4 (draft)")."""
    car = get_capa(session, ref)
    if viewer is not None:
        require_reader(session, viewer, car)

    def name(user_id: int | None) -> str | None:
        return capa_records.username_of(session, user_id) or None

    today = organisation.today(session)
    actions = []
    for a in capa_records.actions_of(session, car):
        rev = session.get(Revision, a.revision_id) if a.revision_id else None
        doc = session.get(Document, a.document_id) if a.document_id else None
        actions.append(
            CapaActionView(
                number=a.number,
                description=a.description,
                owner=capa_records.username_of(session, a.owner_id),
                due_date=a.due_date,
                status=a.status,
                overdue=capa_records.is_overdue(a, today),
                done_at=a.done_at,
                done_note=a.done_note,
                document=doc.code if doc else None,
                document_issue=rev.issue if rev else None,
                document_change=capa_records.revision_label(session, a, language) or None,
                steps=action_steps(session, viewer, car, a.number) if viewer else (),
            )
        )
    return CapaDetail(
        ref=car.ref,
        status=car.status,
        source=car.source,
        finding=capa_records.finding_label(session, car) or None,
        department=users.department_by_id(session, car.department_id).code,
        clause=car.clause,
        severity=car.severity,
        description=car.description,
        reported_by=capa_records.username_of(session, car.reported_by_id),
        reported_at=car.reported_at,
        containment=car.containment,
        contained_by=name(car.contained_by_id),
        contained_at=car.contained_at,
        whys=tuple(
            CapaWhyView(w.position, w.question, w.answer)
            for w in capa_records.whys_of(session, car)
        ),
        cause_category=car.cause_category,
        root_cause=car.root_cause,
        similar_exist=car.similar_exist,
        similar_answer=car.similar_answer,
        analysed_by=name(car.analysed_by_id),
        analysed_at=car.analysed_at,
        actions=tuple(actions),
        verification_due=car.verification_due,
        verifications=tuple(
            CapaVerificationView(
                verifier=capa_records.username_of(session, v.verifier_id),
                printed_name=v.printed_name,
                effective=v.effective,
                evidence=v.evidence,
                performed_at=v.performed_at,
                content_hash=v.content_hash,
                valid=capa_records.verification_valid(session, car, v),
            )
            for v in capa_records.verifications_of(session, car)
        ),
        closed_by=name(car.closed_by_id),
        closed_at=car.closed_at,
        record_sha256=car.record_sha256,
        closure_problems=tuple(str(p) for p in _closure_problems(session, car)),
        steps=record_steps(session, viewer, car) if viewer else (),
    )


def closure_phrases(session: Session, *, ref: str) -> list[Text]:
    """What still stands between the record and its closure, as phrases a page translates
    (the same list as ``CapaDetail.closure_problems``)."""
    return _closure_problems(session, get_capa(session, ref))


def _closure_problems(session: Session, car: CorrectiveActionRequest) -> list[Text]:
    return [] if car.status == CapaStatus.CLOSED else closure_problems(session, car)
