"""Read-only views of corrective actions: the register with ages and overdue counts, and
one record in full."""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from qms.domain import CapaStatus
from qms.errors import Joined, Text, ValidationError
from qms.models import CapaAction, CapaVerification, CapaWhy, CorrectiveActionRequest, User, pk
from qms.services.capa import records as capa_records
from qms.services.capa.lifecycle import closure_problems
from qms.services.capa.records import get_capa, require_reader
from qms.services.people import organisation, users


@dataclass(frozen=True)
class CapaSummary:
    record: CorrectiveActionRequest
    department_code: str
    open_actions: int
    overdue_actions: int
    age_days: int


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
    if viewer is not None:
        require_reader(session, viewer)
    query = select(CorrectiveActionRequest).order_by(
        col(CorrectiveActionRequest.year), col(CorrectiveActionRequest.ref)
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
    if year:
        query = query.where(CorrectiveActionRequest.year == year)
    today = organisation.today(session)
    out = []
    counts = capa_records.action_counts(session, today)
    for car in session.exec(query).all():
        open_actions, overdue_actions = counts.get(pk(car), (0, 0))
        out.append(
            CapaSummary(
                record=car,
                department_code=users.department_by_id(session, car.department_id).code,
                open_actions=open_actions,
                overdue_actions=overdue_actions,
                age_days=capa_records.age_days(session, car, today),
            )
        )
    return out


@dataclass(frozen=True)
class ActionView:
    action: CapaAction
    owner: str  # username
    document_change: str  # "QT-01 issue 4 (draft)" or ""
    overdue: bool


@dataclass(frozen=True)
class VerificationView:
    verification: CapaVerification
    verifier: str  # username
    valid: bool


@dataclass(frozen=True)
class CapaDetail:
    record: CorrectiveActionRequest
    department_code: str
    finding: str  # "IA-2026-01/2" or ""
    reported_by: str
    contained_by: str
    analysed_by: str
    closed_by: str
    whys: list[CapaWhy]
    actions: list[ActionView]
    verifications: list[VerificationView]
    closure_problems: list[Text]


def detail(session: Session, *, viewer: User | None, ref: str) -> CapaDetail:
    car = get_capa(session, ref)
    if viewer is not None:
        require_reader(session, viewer, car)

    def name(user_id: int | None) -> str:
        return capa_records.username_of(session, user_id)

    today = organisation.today(session)
    return CapaDetail(
        record=car,
        department_code=users.department_by_id(session, car.department_id).code,
        finding=capa_records.finding_label(session, car),
        reported_by=name(car.reported_by_id),
        contained_by=name(car.contained_by_id),
        analysed_by=name(car.analysed_by_id),
        closed_by=name(car.closed_by_id),
        whys=capa_records.whys_of(session, car),
        actions=[
            ActionView(
                a,
                name(a.owner_id),
                capa_records.revision_label(session, a),
                capa_records.is_overdue(a, today),
            )
            for a in capa_records.actions_of(session, car)
        ],
        verifications=[
            VerificationView(
                v, name(v.verifier_id), capa_records.verification_valid(session, car, v)
            )
            for v in capa_records.verifications_of(session, car)
        ],
        closure_problems=[] if car.status == CapaStatus.CLOSED else closure_problems(session, car),
    )
