"""Issues out to Word and back: an issue as ``.docx`` for people who must edit in Word,
and an edited ``.docx`` saved as the next draft (the diff then shows what changed)."""

from dataclasses import dataclass
from datetime import UTC
from zoneinfo import ZoneInfo

from sqlmodel import Session

from qms.errors import QMSError, ValidationError
from qms.i18n import pmsg, translate, translate_all
from qms.models import Revision, User
from qms.render.data import SignatureLine
from qms.services import blobs
from qms.services.documents import register as documents
from qms.services.documents import renditions, revisions
from qms.services.documents.paper import PaperLine
from qms.services.documents.word import package, reader, writer

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LABELS = {
    "code": pmsg("Word", "Code"),
    "issue": pmsg("Word", "Issue"),
    "effective_date": pmsg("Word", "Effective date"),
    "name": pmsg("Word", "Full name"),
    "position": pmsg("Word", "Position"),
    "date": pmsg("Word", "Date"),
    "drafted": pmsg("Word", "Drafted"),
    "reviewed": pmsg("Word", "Reviewed"),
    "approved": pmsg("Word", "Approved"),
    "history_title": pmsg("Word", "Revision history"),
    "history_issue": pmsg("Word", "Issue"),
    "history_date": pmsg("Word", "Date"),
    "history_change": pmsg("Word", "Change"),
    "notes": pmsg("Word", "Notes"),
}


@dataclass(frozen=True)
class WordCopy:
    filename: str
    data: bytes


def export_issue(
    session: Session, *, viewer: User | None, code: str, issue: int | None = None
) -> WordCopy:
    """The issue the viewer asked for (as :func:`documents.get_revision` chooses it) as a
    ``.docx`` in the document's language."""
    doc, rev = documents.get_revision(session, viewer=viewer, code=code, issue=issue)
    shown = renditions.rendition(session, doc, rev)
    labels = translate_all(LABELS, doc.language)
    data = writer.write(
        writer.WordIssue(
            organisation=shown.organisation,
            title=doc.title,
            code=doc.code,
            issue=rev.issue,
            effective_date=shown.effective_date,
            body=rev.body,
            images=shown.images,
            signers=[
                writer.Signer(
                    labels[line.meaning],
                    line.name,
                    line.position,
                    _signed_day(line, shown.timezone),
                )
                for line in shown.signatures
            ],
            history=[
                PaperLine(h.issue, h.effective_date, h.description or h.reason)
                for h in shown.history
            ],
            labels=labels,
        )
    )
    return WordCopy(f"{doc.code}-{rev.issue:02d}.docx", data)


def _signed_day(line: SignatureLine, zone: str) -> str:
    """The day written on paper, or the local day of an electronic signature."""
    if line.signed_on:
        return f"{line.signed_on:%d/%m/%Y}"
    if line.signed_at:
        return f"{line.signed_at.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)):%d/%m/%Y}"
    return ""


def revise_from_word(
    session: Session,
    *,
    actor: User,
    code: str,
    data: bytes,
    filename: str,
    reason: str | None = None,
    description: str | None = None,
    based_on: str | None = None,
) -> Revision:
    """Save the body of an edited Word file as the next draft of ``code`` (or the draft in
    progress), as :func:`revisions.revise` does with Markdown; its pictures are stored
    with it. The header, signature and history tables are not part of the body."""
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    doc = documents.get_document(session, code)
    try:
        if len(data) > package.MAX_DOCX_BYTES:
            raise ValidationError(
                "the Word file is larger than {limit:,} bytes", limit=package.MAX_DOCX_BYTES
            )
        word = reader.read(
            data, suffix=suffix, notes_heading=translate(LABELS["notes"], doc.language)
        )
    except QMSError as exc:
        raise exc.located(filename) from None
    for image, media_type in word.images.values():
        blobs.put(session, data=image, media_type=media_type)
    return revisions.revise(
        session,
        actor=actor,
        code=code,
        body=word.body,
        reason=reason,
        description=description,
        based_on=based_on,
    )
