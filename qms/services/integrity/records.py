"""The integrity of audit records and corrective action records against the trail.

What the trail records about an audit (entity ``audit``, id its reference): every change
of status; ``audit.report`` the record hash the lead auditor signed and the report PDF
stored then; ``audit.sign`` the record hash the auditee signed and the report stored
again with both signatures. About a corrective action (entity ``capa``): every change
of status; ``capa.verify`` the record hash the verifier signed and the verdict;
``capa.render`` the record PDF stored at closure (once: a closed record is locked).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from qms.domain import AuditStatus, CapaStatus
from qms.errors import Text
from qms.models import (
    Audit,
    AuditSignature,
    CapaVerification,
    CorrectiveActionRequest,
    TrailEvent,
    User,
)
from qms.phrases import state
from qms.services.audits.records import AUDITEE, LEAD, record_hash
from qms.services.capa import records as capa_records
from qms.services.integrity.recorded import (
    Signed,
    new_values,
    report_pdf,
    report_signatures,
    stored_pdf,
    text_value,
)
from qms.services.integrity.report import Findings, short

Owners = dict[str, tuple[str, str, int | None]]

AUDIT_SIGNINGS = {"audit.report": LEAD, "audit.sign": AUDITEE}
VERIFIED = "verified"
_CAPA_ACTION_EVENTS = "capa.action_"  # their status is an action's, not the record's


@dataclass
class TrailRecord:
    """What the trail recorded about one audit or corrective action, oldest event first."""

    first_event: int
    status: tuple[str, int] | None = None
    signed: list[Signed] = field(default_factory=list)
    content: tuple[str, int] | None = None  # the newest record hash signed, and its event
    pdfs: list[tuple[str, int]] = field(default_factory=list)  # stored PDFs, oldest first


def _fold(events: Iterable[TrailEvent]) -> dict[str, TrailRecord]:
    records: dict[str, TrailRecord] = {}
    for event in events:
        record = records.get(event.entity_id)
        if record is None:
            record = records[event.entity_id] = TrailRecord(event.seq)
        new = new_values(event.payload)
        status = text_value(new, "status")
        if status is not None and not event.action.startswith(_CAPA_ACTION_EVENTS):
            record.status = (status, event.seq)
        digest = text_value(new, "content_hash")
        meaning = AUDIT_SIGNINGS.get(event.action) or (
            VERIFIED if event.action == "capa.verify" else None
        )
        if meaning is not None and digest is not None:
            record.signed.append(Signed(meaning, event.actor, digest, event.seq))
            if event.action != "capa.verify" or new.get("effective") is True:
                record.content = (digest, event.seq)
        pdf = stored_pdf(new)
        if pdf is not None:
            record.pdfs.append((pdf, event.seq))
    return records


def events_about(session: Session, entity: str) -> dict[str, TrailRecord]:
    return _fold(
        session.exec(
            select(TrailEvent)
            .where(TrailEvent.entity == entity)
            .order_by(col(TrailEvent.seq))
            .execution_options(yield_per=1000)
        )
    )


def compare_status(
    findings: Findings, *, record: str, ref: str, stored: str, trail: TrailRecord
) -> None:
    if trail.status is None or trail.status[0] == stored:
        return
    expected, seq = trail.status
    findings.add(
        Text(
            "{subject} is {found} here, but the trail last recorded it {expected} (event {event})",
            subject=ref,
            found=state(stored),
            expected=state(expected),
            event=seq,
        ),
        record=record,
        ref=ref,
        what="status",
        expected=expected,
        found=stored,
        event=seq,
    )


def compare_record(
    findings: Findings, *, record: str, ref: str, actual: str, signed: tuple[str, int]
) -> None:
    expected, seq = signed
    if actual == expected:
        return
    findings.add(
        Text(
            "{subject}: the record (hash {found}) is not the record signed at event {event} "
            "(hash {expected})",
            subject=ref,
            found=short(actual),
            expected=short(expected),
            event=seq,
        ),
        record=record,
        ref=ref,
        what="content",
        expected=expected,
        found=actual,
        event=seq,
    )


def report_missing(findings: Findings, record: str, leftovers: Mapping[str, TrailRecord]) -> None:
    for ref, trail in leftovers.items():
        findings.add(
            Text(
                "{subject} is on the trail (from event {event}) but no longer stored",
                subject=ref,
                event=trail.first_event,
            ),
            record=record,
            ref=ref,
            what="missing",
            event=trail.first_event,
        )


def check_audits(session: Session, findings: Findings, owners: Owners) -> int:
    """Every audit: status, signatures, the signed record of a reported or closed audit,
    and its stored report. Returns how many audits were checked."""
    trail = events_about(session, "audit")
    signed: dict[int, list[Signed]] = {}
    for audit_id, meaning, username, digest in session.exec(
        select(
            AuditSignature.audit_id,
            AuditSignature.meaning,
            User.username,
            AuditSignature.content_hash,
        )
        .join(User, col(User.id) == AuditSignature.user_id)
        .order_by(col(AuditSignature.signed_at), col(AuditSignature.id))
    ):
        signed.setdefault(audit_id, []).append(Signed(meaning, username, digest))
    audits = session.exec(select(Audit).order_by(col(Audit.year), col(Audit.number))).all()
    for audit in audits:
        recorded = trail.pop(audit.ref, None) or TrailRecord(0)
        compare_status(findings, record="audit", ref=audit.ref, stored=audit.status, trail=recorded)
        report_signatures(
            findings,
            audit.ref,
            record="audit",
            ref=audit.ref,
            stored=signed.get(audit.id or 0, []),
            recorded=recorded.signed,
        )
        locked = audit.status in (AuditStatus.REPORTED, AuditStatus.CLOSED)
        if locked and recorded.content is not None:
            compare_record(
                findings,
                record="audit",
                ref=audit.ref,
                actual=record_hash(session, audit),
                signed=recorded.content,
            )
        expected, seq = recorded.pdfs[-1] if recorded.pdfs else (None, None)
        if audit.report_sha256 != expected:
            report_pdf(
                findings,
                audit.ref,
                record="audit",
                ref=audit.ref,
                expected=expected,
                found=audit.report_sha256,
                event=seq,
            )
        if audit.report_sha256:
            owners[audit.report_sha256] = ("audit", audit.ref, None)
    report_missing(findings, "audit", trail)
    return len(audits)


def check_corrective_actions(session: Session, findings: Findings, owners: Owners) -> int:
    """Every corrective action: status, verifications, the record verified effective,
    and the record PDF stored at closure. Returns how many were checked."""
    trail = events_about(session, "capa")
    verified: dict[int, list[tuple[Signed, CapaVerification]]] = {}
    for verification, username in session.exec(
        select(CapaVerification, User.username)
        .join(User, col(User.id) == CapaVerification.verifier_id)
        .order_by(col(CapaVerification.performed_at), col(CapaVerification.id))
    ):
        signed = Signed(VERIFIED, username, verification.content_hash)
        verified.setdefault(verification.capa_id, []).append((signed, verification))
    cars = session.exec(
        select(CorrectiveActionRequest).order_by(
            col(CorrectiveActionRequest.year), col(CorrectiveActionRequest.number)
        )
    ).all()
    for car in cars:
        recorded = trail.pop(car.ref, None) or TrailRecord(0)
        checks = verified.get(car.id or 0, [])
        compare_status(findings, record="capa", ref=car.ref, stored=car.status, trail=recorded)
        report_signatures(
            findings,
            car.ref,
            record="capa",
            ref=car.ref,
            stored=[s for s, _ in checks],
            recorded=recorded.signed,
        )
        effective = [v for _, v in checks if v.effective]
        done = car.status in (CapaStatus.VERIFIED_EFFECTIVE, CapaStatus.CLOSED)
        if done and effective and recorded.content is not None:
            last = effective[-1]
            actual = capa_records.content_hash(
                session, car, effective=True, evidence=last.evidence, as_of=last.performed_at
            )
            compare_record(
                findings, record="capa", ref=car.ref, actual=actual, signed=recorded.content
            )
        compare_pdf(
            findings,
            record="capa",
            ref=car.ref,
            stored=car.record_sha256,
            recorded=recorded,
            again=_second_record_pdf,
        )
        if car.record_sha256:
            owners[car.record_sha256] = ("capa", car.ref, None)
    report_missing(findings, "capa", trail)
    return len(cars)


def compare_pdf(
    findings: Findings,
    *,
    record: str,
    ref: str,
    stored: str | None,
    recorded: TrailRecord,
    again: Callable[[str, int], Text],
) -> None:
    """A record keeps one PDF, made when it was locked: the stored one must be the first
    the trail recorded, and a second one on the trail (``again`` words it) is a finding."""
    for _, event in recorded.pdfs[1:]:
        findings.add(again(ref, event), record=record, ref=ref, what="pdf", event=event)
    expected, seq = recorded.pdfs[0] if recorded.pdfs else (None, None)
    if stored != expected:
        report_pdf(
            findings, ref, record=record, ref=ref, expected=expected, found=stored, event=seq
        )


def _second_record_pdf(ref: str, event: int) -> Text:
    return Text(
        "{subject}: the trail records a second record PDF for it (event {event})",
        subject=ref,
        event=event,
    )
