"""Corrective-action records as data: lookup by reference, the content a verification
signs, the record and register handed to the PDF renderer, and their PDFs."""

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import case
from sqlmodel import Session, col, func, select

from qms.clock import naive_utc
from qms.domain import CapaSource, CapaStatus, Role
from qms.errors import NotFound, PermissionDenied, ValidationError
from qms.i18n import Message, msg, pmsg, translate
from qms.models import (
    Audit,
    CapaAction,
    CapaVerification,
    CapaWhy,
    CorrectiveActionRequest,
    Department,
    Document,
    Finding,
    ManagementReview,
    ReviewDecision,
    Revision,
    User,
    pk,
)
from qms.render.data import (
    CapaActionLine,
    CapaRecord,
    CapaRegister,
    CapaRegisterRow,
    CapaVerificationLine,
    CapaWhyLine,
)
from qms.services import blobs
from qms.services.documents import register as documents
from qms.services.documents import renditions
from qms.services.integrity.copies import confirm_stored_record
from qms.services.people import organisation, users
from qms.services.records import views as records_views
from qms.services.trail import chain as trail
from qms.text import clean

_REF = re.compile(r"^CAR-(\d{4})-(\d{3,})$")

# Words of the record's codes, in the catalogs (the web pages use them too).
SOURCE_LABELS: dict[str, Message] = {
    "audit_finding": msg("Internal audit finding"),
    "complaint": msg("Citizen complaint"),
    "late_dossier": msg("Late dossier at the one-stop desk"),
    "measurement": msg("Process measurement"),
    "objective_not_met": msg("Quality objective not met"),
    "management_review": msg("Management review"),
    "other": msg("Other"),
}
SEVERITY_LABELS: dict[str, Message] = {"major": msg("Major"), "minor": msg("Minor")}
CAUSE_LABELS: dict[str, Message] = {
    "people": msg("People"),
    "method": msg("Method"),
    "documentation": msg("Documentation"),
    "equipment": msg("Equipment, software"),
    "environment": msg("Work environment"),
    "management": msg("Management"),
    "other": msg("Other"),
}
SIMILAR_LABELS: dict[str, Message] = {
    "yes": msg("Yes"),
    "no": msg("No"),
    "possible": msg("Possibly"),
}
_ISSUE_WORD = msg("issue")
_FINDING_WORD = msg("finding")
# The state of the issue a corrective action raised, as the record prints it.
_REVISION_STATUS: dict[str, Message] = {
    "draft": pmsg("document change", "draft"),
    "in_review": pmsg("document change", "in review"),
    "approved": pmsg("document change", "approved"),
    "effective": pmsg("document change", "effective"),
    "superseded": pmsg("document change", "superseded"),
    "obsolete": pmsg("document change", "obsolete"),
}


def _word(table: dict[str, Message], code: str, language: str) -> str:
    """The words of ``code`` in ``language``, or the code itself when it has none."""
    return translate(table[code], language) if code in table else code


# ----------------------------------------------------------------------------- lookup


def normalise_ref(ref: str) -> str:
    value = clean(ref).upper()
    if not _REF.match(value):
        raise ValidationError(
            "{ref!r} is not a corrective action reference like CAR-2026-001", ref=ref
        )
    return value


def get_capa(session: Session, ref: str, *, lock: bool = False) -> CorrectiveActionRequest:
    """The record with ``ref`` (any case); ``lock`` holds its row until commit."""
    value = normalise_ref(ref)
    query = select(CorrectiveActionRequest).where(CorrectiveActionRequest.ref == value)
    car = session.exec(query.with_for_update() if lock else query).first()
    if car is None:
        raise NotFound("no corrective action {ref}", ref=value)
    return car


def actions_of(session: Session, car: CorrectiveActionRequest) -> list[CapaAction]:
    return list(
        session.exec(
            select(CapaAction).where(CapaAction.capa_id == car.id).order_by(col(CapaAction.number))
        ).all()
    )


def whys_of(session: Session, car: CorrectiveActionRequest) -> list[CapaWhy]:
    return list(
        session.exec(
            select(CapaWhy).where(CapaWhy.capa_id == car.id).order_by(col(CapaWhy.position))
        ).all()
    )


def verifications_of(session: Session, car: CorrectiveActionRequest) -> list[CapaVerification]:
    return list(
        session.exec(
            select(CapaVerification)
            .where(CapaVerification.capa_id == car.id)
            .order_by(col(CapaVerification.performed_at), col(CapaVerification.id))
        ).all()
    )


def finding_label(session: Session, car: CorrectiveActionRequest) -> str:
    """``IA-2026-01/2`` style reference of the finding the record was raised from, or
    ``MR-2026-01/3`` of the management review decision that raised it."""
    if car.finding_id is None:
        return _review_decision_label(session, car)
    finding = session.get(Finding, car.finding_id)
    audit = session.get(Audit, finding.audit_id) if finding else None
    if finding is None or audit is None:
        return ""
    return f"{audit.ref}/{finding.number}"


def _review_decision_label(session: Session, car: CorrectiveActionRequest) -> str:
    if car.source != CapaSource.MANAGEMENT_REVIEW.value or car.id is None:
        return ""
    found = session.exec(
        select(ManagementReview.ref, ReviewDecision.number)
        .join(ReviewDecision, col(ReviewDecision.review_id) == ManagementReview.id)
        .where(ReviewDecision.capa_id == car.id)
    ).first()
    return f"{found[0]}/{found[1]}" if found else ""


def revision_label(session: Session, action: CapaAction, language: str = "en") -> str:
    """``QT-01 issue 4 (draft)``: the document change an action raised, or ""."""
    if action.revision_id is None:
        return ""
    rev = session.get(Revision, action.revision_id)
    doc = session.get(Document, rev.document_id) if rev else None
    if rev is None or doc is None:
        return ""
    status = _word(_REVISION_STATUS, rev.status, language)
    return f"{doc.code} {translate(_ISSUE_WORD, language)} {rev.issue} ({status})"


# ----------------------------------------------------------------- what a verifier signs


def content_hash(
    session: Session,
    car: CorrectiveActionRequest,
    *,
    effective: bool,
    evidence: str,
    as_of: datetime | None = None,
) -> str:
    """SHA-256 of the record as a verifier sees it (nonconformity, correction, cause,
    actions) plus their verdict and evidence. ``as_of`` recomputes it for an earlier
    verification: actions added after that moment were not part of what was signed."""
    cutoff = naive_utc(as_of)
    actions = [
        a for a in actions_of(session, car) if cutoff is None or naive_utc(a.created_at) <= cutoff
    ]
    owners = {a.owner_id: username_of(session, a.owner_id) for a in actions}
    content = {
        "ref": car.ref,
        "source": car.source,
        "finding": finding_label(session, car),
        "description": car.description,
        "department": users.department_by_id(session, car.department_id).code,
        "clause": car.clause,
        "severity": car.severity,
        "reported_by": username_of(session, car.reported_by_id),
        "reported_at": naive_utc(car.reported_at),
        "containment": car.containment,
        "whys": [[w.question, w.answer] for w in whys_of(session, car)],
        "cause_category": car.cause_category,
        "root_cause": car.root_cause,
        "similar_exist": car.similar_exist,
        "similar_answer": car.similar_answer,
        "actions": [
            {
                "number": a.number,
                "description": a.description,
                "owner": owners[a.owner_id],
                "due_date": a.due_date,
                "status": a.status,
                "done_note": a.done_note,
                "revision_id": a.revision_id,
            }
            for a in actions
        ],
        "verdict": {"effective": effective, "evidence": evidence},
    }
    return hashlib.sha256(trail.canonical(content).encode()).hexdigest()


def verification_valid(
    session: Session, car: CorrectiveActionRequest, verification: CapaVerification
) -> bool:
    return verification.content_hash == content_hash(
        session,
        car,
        effective=verification.effective,
        evidence=verification.evidence,
        as_of=verification.performed_at,
    )


def username_of(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return user.username if user else ""


def _full_name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return user.full_name if user else ""


# ----------------------------------------------------------------------- record / register


def local_zone(session: Session) -> ZoneInfo:
    """The organisation's time zone, read once for a list of records."""
    return ZoneInfo(organisation.get_setting(session, "timezone"))


def _local_date(
    session: Session, value: datetime | None, zone: ZoneInfo | None = None
) -> date | None:
    if value is None:
        return None
    zone = zone or local_zone(session)
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(zone).date()


def _department_name(dept: Department, language: str) -> str:
    name = (dept.name_en or dept.name) if language == "en" else dept.name
    return f"{dept.code} – {name}"


def record_data(
    session: Session, car: CorrectiveActionRequest, *, language: str | None = None
) -> CapaRecord:
    """Everything the record PDF shows, as plain data in ``language``."""
    lang = documents.language_or_default(session, language)
    today = organisation.today(session)
    finding = finding_label(session, car)
    if finding and car.finding_id is not None:
        row = session.get(Finding, car.finding_id)
        audit_ref, _, number = finding.partition("/")
        finding = f"{audit_ref} / {translate(_FINDING_WORD, lang)} {number}"
        if row is not None and row.clause:
            finding += f" ({row.clause})"
    actions = tuple(
        CapaActionLine(
            number=a.number,
            description=a.description,
            owner=_full_name(session, a.owner_id),
            due_date=a.due_date,
            status=a.status,
            done_on=_local_date(session, a.done_at),
            done_note=a.done_note,
            overdue=is_overdue(a, today),
            document_change=revision_label(session, a, lang),
        )
        for a in actions_of(session, car)
    )
    verifications = tuple(
        CapaVerificationLine(
            verifier=v.printed_name,
            position=v.position,
            performed_at=naive_utc(v.performed_at),
            effective=v.effective,
            evidence=v.evidence,
            valid=verification_valid(session, car, v),
        )
        for v in verifications_of(session, car)
    )
    return CapaRecord(
        organisation=renditions.organisation_name(session, lang),
        language=lang,
        ref=car.ref,
        status=car.status,
        source=_word(SOURCE_LABELS, car.source, lang),
        finding=finding,
        description=car.description,
        department=_department_name(users.department_by_id(session, car.department_id), lang),
        clause=car.clause,
        severity=_word(SEVERITY_LABELS, car.severity, lang),
        reported_by=_full_name(session, car.reported_by_id),
        reported_at=naive_utc(car.reported_at),
        containment=car.containment,
        contained_by=_full_name(session, car.contained_by_id),
        contained_at=naive_utc(car.contained_at),
        whys=tuple(CapaWhyLine(w.position, w.question, w.answer) for w in whys_of(session, car)),
        cause_category=_word(CAUSE_LABELS, car.cause_category, lang),
        root_cause=car.root_cause,
        similar_exist=_word(SIMILAR_LABELS, car.similar_exist, lang),
        similar_answer=car.similar_answer,
        actions=actions,
        verifications=verifications,
        closed_by=_full_name(session, car.closed_by_id),
        closed_at=naive_utc(car.closed_at),
        printed_on=today,
        timezone=organisation.get_setting(session, "timezone"),
        retention=records_views.produced_retention(session, "capa_record", lang),
    )


def age_days(
    session: Session, car: CorrectiveActionRequest, today: date, zone: ZoneInfo | None = None
) -> int:
    """Days from the report to today, or to the closure of a closed record (``zone``: the
    organisation's, when the caller has read it already)."""
    start = _local_date(session, car.reported_at, zone) or today
    end = _local_date(session, car.closed_at, zone) if car.closed_at else today
    return max(0, ((end or today) - start).days)


def action_counts(
    session: Session, today: date, *, ids: list[int] | None = None
) -> dict[int, tuple[int, int]]:
    """Per record id (of ``ids``, or of every record): its open actions, and how many of
    them are overdue (as :func:`is_overdue` says), counted by the database in one query."""
    late = case((col(CapaAction.due_date) < today, 1), else_=0)
    query = select(CapaAction.capa_id, func.count(), func.sum(late)).where(
        CapaAction.status == "open"
    )
    if ids is not None:
        query = query.where(col(CapaAction.capa_id).in_(ids))
    rows = session.exec(query.group_by(col(CapaAction.capa_id))).all()
    return {capa_id: (int(count), int(overdue or 0)) for capa_id, count, overdue in rows}


def is_overdue(action: CapaAction, today: date) -> bool:
    """Still open after its due date (due today is not late yet)."""
    return action.status == "open" and action.due_date < today


def register_data(session: Session, *, language: str | None = None) -> CapaRegister:
    """Every corrective action with its status, age and open / overdue action counts."""
    lang = documents.language_or_default(session, language)
    today = organisation.today(session)
    rows = []
    records = session.exec(
        select(CorrectiveActionRequest).order_by(
            col(CorrectiveActionRequest.year), col(CorrectiveActionRequest.number)
        )
    ).all()
    counts = action_counts(session, today)
    zone = local_zone(session)
    for car in records:
        open_actions, overdue_actions = counts.get(pk(car), (0, 0))
        rows.append(
            CapaRegisterRow(
                ref=car.ref,
                reported_on=_local_date(session, car.reported_at, zone) or today,
                department=users.department_by_id(session, car.department_id).code,
                source=_word(SOURCE_LABELS, car.source, lang),
                severity=_word(SEVERITY_LABELS, car.severity, lang),
                status=car.status,
                age_days=age_days(session, car, today, zone),
                open_actions=open_actions,
                overdue_actions=overdue_actions,
                description=car.description,
            )
        )
    return CapaRegister(
        organisation=renditions.organisation_name(session, lang),
        language=lang,
        printed_on=today,
        rows=tuple(rows),
        timezone=organisation.get_setting(session, "timezone"),
    )


# ------------------------------------------------------------------------------- PDFs


def render_record(record: CapaRecord, *, pdfa: bool = False) -> bytes:
    from qms.render import render_record_pdf

    data: bytes = render_record_pdf(record, pdfa=pdfa)
    return data


def stored_language(session: Session, car: CorrectiveActionRequest) -> str | None:
    """The language of the record PDF stored at closure (from the closing trail event)."""
    for event in reversed(trail.events(session, entity="capa", entity_id=car.ref)):
        if event.action == "capa.close":
            value = json.loads(event.payload).get("new", {}).get("language")
            return str(value) if value else None
    return None


READERS = (Role.CONTROLLER, Role.AUDITOR, Role.APPROVER, Role.REVIEWER, Role.ADMIN)


def require_reader(
    session: Session, viewer: User, car: CorrectiveActionRequest | None = None
) -> None:
    """Controllers, auditors, approvers, reviewers and admins see every corrective action;
    the reporter of a record and the owners of its actions see that record."""
    if users.roles_of(session, viewer) & set(READERS):
        return
    if car is not None:
        if car.reported_by_id == viewer.id:
            return
        if any(a.owner_id == viewer.id for a in actions_of(session, car)):
            return
    raise PermissionDenied(
        "{user} cannot see corrective actions: it needs the controller, auditor, "
        "approver, reviewer or admin role, or an action of the record",
        user=viewer.username,
    )


def record_pdf(
    session: Session, *, viewer: User | None, ref: str, language: str | None = None
) -> tuple[CorrectiveActionRequest, bytes]:
    """The record PDF: the bytes stored at closure (in the language they were stored in),
    or a fresh rendering of a record still in progress or in another language.

    ``viewer`` is checked with :func:`require_reader`; None is the command line, whose
    user already holds the database (the same for every read of corrective actions)."""
    car = get_capa(session, ref)
    if viewer is not None:
        require_reader(session, viewer, car)
    wanted = documents.language_or_default(session, language) if language else None
    if car.status == CapaStatus.CLOSED and car.record_sha256:
        stored = stored_language(session, car)
        if wanted is None or wanted == stored:
            confirm_stored_record(session, entity="capa", ref=car.ref, sha256=car.record_sha256)
            return car, blobs.data_of(session, car.record_sha256)
    return car, render_record(record_data(session, car, language=wanted))


def register_pdf(session: Session, *, viewer: User | None, language: str | None = None) -> bytes:
    from qms.render import render_record_pdf

    if viewer is not None:
        require_reader(session, viewer)

    data: bytes = render_record_pdf(register_data(session, language=language))
    return data


@dataclass(frozen=True)
class Reference:
    """A finding reference ``IA-2026-01/2`` split into audit ref and finding number."""

    audit_ref: str
    number: int


def parse_finding_ref(value: str) -> Reference:
    text = clean(value).upper().replace(" ", "")
    audit_ref, sep, number = text.rpartition("/")
    number = number.removeprefix("F")
    if not sep or not audit_ref or not number.isdigit() or int(number) < 1:
        raise ValidationError(
            "{value!r} is not a finding reference: give the audit and the finding number, "
            "e.g. IA-2026-01/2",
            value=value,
        )
    return Reference(audit_ref, int(number))
