"""Reporting an audit (the lead auditor signs, the report PDF is stored with its hash and
the audit is locked), the auditee's signature, reopening and closing."""

from sqlmodel import Session

from qms.clock import utcnow
from qms.errors import Text, ValidationError
from qms.models import Audit, AuditSignature, User, pk
from qms.render.data import AuditReport
from qms.services import blobs
from qms.services.audits.core import (
    AuditStatus,
    changing_status,
    get_audit,
    items_of,
    set_status,
)
from qms.services.audits.records import (
    AUDITEE,
    LEAD,
    confirm_reported,
    record_hash,
    report_data,
)
from qms.services.audits.steps import (
    check_close,
    check_reopen,
    check_report,
    check_sign,
)
from qms.services.documents import register as documents
from qms.services.fields import one_line
from qms.services.integrity.copies import confirm_stored_record
from qms.services.people import organisation, signing
from qms.services.people.signing import SigningLimits
from qms.services.trail import chain as trail
from qms.text import clean


def _sign(session: Session, audit: Audit, signer: User, meaning: str, content: str) -> None:
    session.add(
        AuditSignature(
            audit_id=pk(audit),
            user_id=pk(signer),
            meaning=meaning,
            printed_name=signer.full_name,
            position=signer.position,
            signed_at=utcnow(),
            content_hash=content,
        )
    )
    session.flush()


def render(report: AuditReport, *, pdfa: bool = False) -> bytes:
    from qms.render import render_record_pdf

    data: bytes = render_record_pdf(report, pdfa=pdfa)
    return data


def _store_report(session: Session, audit: Audit, content: str) -> str:
    """Render the report of the record whose hash is ``content`` and store it."""
    data = render(report_data(session, audit, content_hash=content), pdfa=True)
    blob = blobs.put(session, data=data, media_type=blobs.PDF)
    audit.report_sha256 = blob.sha256
    return blob.sha256


# ------------------------------------------------------------------- report, sign, close


def report(
    session: Session,
    *,
    actor: User,
    ref: str,
    password: str,
    conclusions: str | None = None,
    limits: SigningLimits | None = None,
) -> Audit:
    """Issue the report (lead auditor, password): every item answered, conclusions
    written. Signs the record, stores the report PDF with its hash and locks the audit."""
    audit = get_audit(session, ref, lock=True)
    check_report(session, actor, audit)
    if conclusions is not None:
        audit.conclusions = clean(conclusions).replace("\r\n", "\n")
    if not audit.conclusions:
        raise ValidationError("{ref} needs conclusions before it is reported", ref=audit.ref)
    items = items_of(session, audit)
    open_items = [i.number for i in items if i.result is None]
    if open_items:
        raise ValidationError(
            "{count} of {total} checklist items of {ref} have no result yet (first: item {first})",
            count=len(open_items),
            total=len(items),
            ref=audit.ref,
            first=open_items[0],
        )
    _confirm_signer(session, actor, audit, password, limits, LEAD)
    audit.actual_end = organisation.today(session)
    audit.reported_at = utcnow()
    with changing_status(
        session, actor=actor, audit=audit, status=AuditStatus.REPORTED, action="report"
    ) as details:
        content = record_hash(session, audit)
        _sign(session, audit, actor, LEAD, content)
        pdf_sha256 = _store_report(session, audit, content)  # rendered as reported
        session.add(audit)
        details.update(
            actual_end=audit.actual_end,
            conclusions=audit.conclusions,
            content_hash=content,
            pdf_sha256=pdf_sha256,
        )
    session.commit()
    return audit


def _confirm_signer(
    session: Session,
    actor: User,
    audit: Audit,
    password: str,
    limits: SigningLimits | None,
    meaning: str,
) -> None:
    """The signer's password, counted towards the signing lock-out as every signature is."""
    signing.confirm_signer(
        session,
        signer=actor,
        password=password,
        limits=limits,
        entity="audit",
        entity_id=audit.ref,
        meaning=meaning,
    )


def sign(
    session: Session,
    *,
    actor: User,
    ref: str,
    password: str,
    limits: SigningLimits | None = None,
) -> Audit:
    """The auditee representative signs the reported record (password); the stored
    report is rendered again with both signatures."""
    audit = get_audit(session, ref, lock=True)
    content = record_hash(session, audit)
    check_sign(session, actor, audit, content_hash=content)
    confirm_reported(session, audit, content)  # she signs the record that was reported
    _confirm_signer(session, actor, audit, password, limits, AUDITEE)
    _sign(session, audit, actor, AUDITEE, content)
    old_pdf = audit.report_sha256
    new_pdf = _store_report(session, audit, content)
    audit.updated_at = utcnow()
    session.add(audit)
    trail.record(
        session,
        actor=actor.username,
        action="audit.sign",
        entity="audit",
        entity_id=audit.ref,
        payload={
            "old": {"pdf_sha256": old_pdf},
            "new": {"meaning": AUDITEE, "content_hash": content, "pdf_sha256": new_pdf},
        },
    )
    session.commit()
    return audit


def reopen(session: Session, *, actor: User, ref: str, reason: str) -> Audit:
    """Unlock a reported audit for changes (lead auditor; the reason goes on the trail).
    Signatures stay, and show as invalid once the record changes."""
    audit = get_audit(session, ref, lock=True)
    check_reopen(session, actor, audit)
    reason = one_line(reason, field=Text("reason"))
    if not reason:
        raise ValidationError("give the reason for reopening the audit")
    set_status(
        session,
        actor=actor,
        audit=audit,
        status=AuditStatus.IN_PROGRESS,
        action="reopen",
        reason=reason,
    )
    session.commit()
    return audit


def close(session: Session, *, actor: User, ref: str) -> Audit:
    """Close a reported audit (lead auditor) once the auditee representative has signed
    and every finding has a corrective action."""
    audit = get_audit(session, ref, lock=True)
    now = record_hash(session, audit)  # the record as it stands, not as it was reported
    check_close(session, actor, audit, content_hash=now)
    audit.closed_at = utcnow()
    set_status(session, actor=actor, audit=audit, status=AuditStatus.CLOSED, action="close")
    session.commit()
    return audit


def report_pdf(
    session: Session, *, viewer: User, ref: str, language: str | None = None
) -> tuple[Audit, bytes]:
    """The report PDF: the stored bytes of a reported or closed audit (in the record's
    language), else rendered now (planned and in-progress reports carry a watermark)."""
    from qms.services.audits.views import require_reader

    audit = get_audit(session, ref)
    require_reader(session, viewer, audit)
    if language is not None and language not in ("vi", "en"):
        raise ValidationError("the report language must be vi or en")
    stored_in = documents.language_or_default(session, None)  # reports are stored in it
    wanted = language or stored_in
    stored = audit.status in (AuditStatus.REPORTED, AuditStatus.CLOSED) and audit.report_sha256
    if stored and wanted == stored_in:
        confirm_stored_record(session, entity="audit", ref=audit.ref, sha256=str(stored))
        return audit, blobs.data_of(session, str(stored))
    return audit, render(report_data(session, audit, language=wanted))
