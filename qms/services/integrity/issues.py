"""The integrity of issues: each issue's text, status, signatures and controlled PDF
against what the trail recorded about it.

What the trail records about an issue (entity ``revision``, id ``CODE/ISSUE``):
``revision.draft`` and ``revision.edit`` the content hash of each version of a draft;
``signature.<meaning>`` who signed which content hash; the event that made it effective
(``revision.publish`` or ``revision.import``) the content hash that took effect;
``revision.render`` the hash of the controlled PDF stored then; and every change of
status. An issue takes effect and is rendered once: the first such events are the record.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from qms.domain import Meaning, RevisionStatus
from qms.errors import Text
from qms.models import Document, Revision, Signature, TrailEvent, User
from qms.phrases import state
from qms.services.documents.signatures import content_hash
from qms.services.integrity.recorded import (
    Signed,
    new_values,
    report_pdf,
    report_signatures,
    signing,
    text_value,
)
from qms.services.integrity.report import Findings, Mismatch, short

ENTITY = "revision"
RENDER = "revision.render"
SIGNATURE = "signature."
IMPORT = "revision.import"
_UNCHECKED = ("revision.acknowledge",)  # events that record nothing about the content


def entity_id(code: str, issue: int) -> str:
    return f"{code}/{issue}"


@dataclass
class IssueRecord:
    """What the trail recorded about one issue, folded from its events oldest first."""

    first_event: int
    drafted: tuple[str, int] | None = None  # content hash and event of the newest draft or edit
    status: tuple[str, int] | None = None  # the newest status and its event
    effects: list[tuple[str, int, str]] = field(default_factory=list)  # hash, event, action
    approved: tuple[str, int] | None = None  # the newest approval before taking effect
    signed: list[Signed] = field(default_factory=list)
    renders: list[tuple[str, int]] = field(default_factory=list)  # PDF hash, event

    def add(self, event: TrailEvent) -> None:
        new = new_values(event.payload)
        if event.action.startswith(SIGNATURE):
            signed = signing(event, text_value(new, "meaning") or event.action[len(SIGNATURE) :])
            self.signed.append(signed)
            if signed.meaning == Meaning.APPROVED and not self.effects:
                self.approved = (signed.content_hash, event.seq)
            return
        if event.action == RENDER:
            self.renders.append((text_value(new, "pdf_sha256") or "", event.seq))
            return
        status, digest = text_value(new, "status"), text_value(new, "content_hash")
        if status is not None:
            self.status = (status, event.seq)
        if status == RevisionStatus.EFFECTIVE:
            self.effects.append((digest or "", event.seq, event.action))
        elif digest is not None:
            self.drafted = (digest, event.seq)

    @property
    def content(self) -> tuple[str, int] | None:
        """The content hash the issue must have now, and its event: the one that took
        effect, else the newest draft."""
        if self.effects:
            digest, seq, _ = self.effects[0]
            return digest, seq
        return self.drafted


def fold(events: Iterable[TrailEvent]) -> dict[str, IssueRecord]:
    """The trail's record of each issue the events are about, by ``CODE/ISSUE``."""
    records: dict[str, IssueRecord] = {}
    for event in events:
        record = records.get(event.entity_id)
        if record is None:
            record = records[event.entity_id] = IssueRecord(event.seq)
        record.add(event)
    return records


@dataclass(frozen=True)
class StoredIssue:
    """An issue as stored now, with the hash of its text computed afresh."""

    code: str
    issue: int
    status: str
    content_hash: str  # as stored
    actual_hash: str  # of the stored text, now
    pdf_sha256: str | None
    signatures: tuple[Signed, ...]


def subject(code: str, issue: int) -> Text:
    return Text("{code} issue {issue}", code=code, issue=issue)


def compare(findings: Findings, stored: StoredIssue, record: IssueRecord | None) -> None:
    """Name every way ``stored`` differs from the trail's ``record`` of it."""
    name = subject(stored.code, stored.issue)
    if stored.content_hash != stored.actual_hash:
        findings.add(
            Text(
                "{subject}: its stored content hash {found} is not the hash of its text "
                "({expected})",
                subject=name,
                found=short(stored.content_hash),
                expected=short(stored.actual_hash),
            ),
            record="issue",
            ref=stored.code,
            issue=stored.issue,
            what="stored_hash",
            expected=stored.actual_hash,
            found=stored.content_hash,
        )
    content = record.content if record else None
    if record is None or content is None:
        findings.add(
            Text("{subject}: the trail holds no record of its content", subject=name),
            record="issue",
            ref=stored.code,
            issue=stored.issue,
            what="content",
            found=stored.actual_hash,
        )
        return
    _compare_content(findings, name, stored, content)
    _compare_status(findings, name, stored, record)
    _compare_effect(findings, name, stored, record)
    report_signatures(
        findings,
        name,
        record="issue",
        ref=stored.code,
        issue=stored.issue,
        stored=stored.signatures,
        recorded=record.signed,
    )
    _compare_pdf(findings, name, stored, record)


def _compare_content(
    findings: Findings, name: Text, stored: StoredIssue, content: tuple[str, int]
) -> None:
    expected, seq = content
    if stored.actual_hash == expected:
        return
    findings.add(
        Text(
            "{subject}: its text (hash {found}) is not the text the trail recorded "
            "(hash {expected}, event {event})",
            subject=name,
            found=short(stored.actual_hash),
            expected=short(expected),
            event=seq,
        ),
        record="issue",
        ref=stored.code,
        issue=stored.issue,
        what="content",
        expected=expected,
        found=stored.actual_hash,
        event=seq,
    )


def _compare_status(
    findings: Findings, name: Text, stored: StoredIssue, record: IssueRecord
) -> None:
    if record.status is None or record.status[0] == stored.status:
        return
    expected, seq = record.status
    findings.add(
        Text(
            "{subject} is {found} here, but the trail last recorded it {expected} (event {event})",
            subject=name,
            found=state(stored.status),
            expected=state(expected),
            event=seq,
        ),
        record="issue",
        ref=stored.code,
        issue=stored.issue,
        what="status",
        expected=expected,
        found=stored.status,
        event=seq,
    )


def _compare_effect(
    findings: Findings, name: Text, stored: StoredIssue, record: IssueRecord
) -> None:
    """Within the trail: the content that took effect is the content that was approved
    (an issue imported as approved on paper has no approval here)."""
    if not record.effects:
        return
    took_effect, seq, action = record.effects[0]
    for _, again, _ in record.effects[1:]:
        findings.add(
            Text(
                "{subject}: the trail records it taking effect a second time (event {event})",
                subject=name,
                event=again,
            ),
            record="issue",
            ref=stored.code,
            issue=stored.issue,
            what="effect",
            event=again,
        )
    if action == IMPORT:
        return
    if record.approved is None:
        findings.add(
            Text(
                "{subject} took effect (event {event}) without an approval on the trail",
                subject=name,
                event=seq,
            ),
            record="issue",
            ref=stored.code,
            issue=stored.issue,
            what="approval",
            found=took_effect,
            event=seq,
        )
    elif record.approved[0] != took_effect:
        approved, approved_at = record.approved
        findings.add(
            Text(
                "{subject} took effect (event {event}) with content {found}, not the "
                "content approved at event {approved_at} ({expected})",
                subject=name,
                event=seq,
                found=short(took_effect),
                approved_at=approved_at,
                expected=short(approved),
            ),
            record="issue",
            ref=stored.code,
            issue=stored.issue,
            what="approval",
            expected=approved,
            found=took_effect,
            event=approved_at,
        )


def _compare_pdf(findings: Findings, name: Text, stored: StoredIssue, record: IssueRecord) -> None:
    for _, again in record.renders[1:]:
        findings.add(
            Text(
                "{subject}: the trail records a second controlled PDF for it (event {event})",
                subject=name,
                event=again,
            ),
            record="issue",
            ref=stored.code,
            issue=stored.issue,
            what="pdf",
            event=again,
        )
    expected, seq = record.renders[0] if record.renders else (None, None)
    if stored.pdf_sha256 == expected:
        return
    report_pdf(
        findings,
        name,
        record="issue",
        ref=stored.code,
        issue=stored.issue,
        expected=expected,
        found=stored.pdf_sha256,
        event=seq,
    )


# ------------------------------------------------------------------------ one issue


def recorded_events(session: Session, code: str, issue: int) -> list[TrailEvent]:
    return list(
        session.exec(
            select(TrailEvent)
            .where(TrailEvent.entity == ENTITY, TrailEvent.entity_id == entity_id(code, issue))
            .where(col(TrailEvent.action).not_in(_UNCHECKED))
            .order_by(col(TrailEvent.seq))
        ).all()
    )


def stored_issue(code: str, rev: Revision, signatures: Iterable[Signed]) -> StoredIssue:
    return StoredIssue(
        code=code,
        issue=rev.issue,
        status=rev.status,
        content_hash=rev.content_hash,
        actual_hash=content_hash(
            code=code,
            issue=rev.issue,
            body=rev.body,
            reason=rev.reason,
            description=rev.description,
        ),
        pdf_sha256=rev.pdf_sha256,
        signatures=tuple(signatures),
    )


def issue_mismatches(
    session: Session, doc: Document, rev: Revision, *, language: str = "en"
) -> tuple[Mismatch, ...]:
    """Every way one issue differs from what the trail recorded about it (none when
    intact), each in a sentence in ``language``."""
    rows = session.exec(
        select(Signature.meaning, User.username, Signature.content_hash)
        .join(User, col(User.id) == Signature.user_id)
        .where(Signature.revision_id == rev.id)
        .order_by(col(Signature.signed_at), col(Signature.id))
    ).all()
    stored = stored_issue(doc.code, rev, (Signed(m, u, h) for m, u, h in rows))
    findings = Findings(language)
    record = fold(recorded_events(session, doc.code, rev.issue)).get(entity_id(doc.code, rev.issue))
    compare(findings, stored, record)
    return tuple(findings.items)


# ------------------------------------------------------------------------ every issue


def check_all(
    session: Session, findings: Findings, owners: dict[str, tuple[str, str, int | None]]
) -> int:
    """Compare every issue with the trail's record of it; name the issues the trail
    records that are no longer stored. ``owners`` gets each stored PDF's issue. Returns
    how many issues were checked."""
    records = fold(
        session.exec(
            select(TrailEvent)
            .where(TrailEvent.entity == ENTITY)
            .where(col(TrailEvent.action).not_in(_UNCHECKED))
            .order_by(col(TrailEvent.seq))
            .execution_options(yield_per=1000)
        )
    )
    signed: dict[int, list[Signed]] = {}
    for revision_id, meaning, username, digest in session.exec(
        select(Signature.revision_id, Signature.meaning, User.username, Signature.content_hash)
        .join(User, col(User.id) == Signature.user_id)
        .order_by(col(Signature.signed_at), col(Signature.id))
    ):
        signed.setdefault(revision_id, []).append(Signed(meaning, username, digest))
    count = 0
    rows = session.exec(
        select(Document.code, Revision)
        .join(Revision, col(Revision.document_id) == Document.id)
        .order_by(col(Document.code), col(Revision.issue))
        .execution_options(yield_per=200)
    )
    for code, rev in rows:
        count += 1
        stored = stored_issue(code, rev, signed.get(rev.id or 0, ()))
        compare(findings, stored, records.pop(entity_id(code, rev.issue), None))
        if rev.pdf_sha256:
            owners[rev.pdf_sha256] = ("issue", code, rev.issue)
    for key, record in records.items():
        code, _, number = key.rpartition("/")
        issue_number = int(number) if number.isdigit() else None
        findings.add(
            Text(
                "{subject} is on the trail (from event {event}) but no longer stored",
                subject=subject(code, issue_number) if issue_number is not None else key,
                event=record.first_event,
            ),
            record="issue",
            ref=code or key,
            issue=issue_number,
            what="missing",
            event=record.first_event,
        )
    return count
