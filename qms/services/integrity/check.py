"""The one integrity check: the trail's chain, then every stored record against it, then
every stored file against its hash."""

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy import select as select_columns  # any number of columns (sqlmodel: four)
from sqlmodel import Session, col, select

from qms.errors import Text
from qms.models import Department, Document, RegisterTally, User
from qms.services import blobs
from qms.services.integrity import issues, records, reviews
from qms.services.integrity.report import Findings, IntegrityReport, short
from qms.services.trail import chain as trail
from qms.services.trail.view import require_inspector


def run(session: Session, *, viewer: User | None, language: str = "en") -> IntegrityReport:
    """Check everything and name every mismatch in ``language``. The same people as the
    chain check (admins and auditors) may run it; ``viewer`` None is the command line,
    whose user already holds the database."""
    if viewer is not None:
        require_inspector(session, viewer)
    findings = Findings(language)
    counts = _check_everything(session, findings)
    return IntegrityReport(
        intact=not findings.items,
        trail_events=counts.trail_events,
        chain_intact=counts.chain_intact,
        issues=counts.issues,
        audits=counts.audits,
        corrective_actions=counts.corrective_actions,
        reviews=counts.reviews,
        files=counts.files,
        mismatches=tuple(findings.items),
    )


def problems(session: Session) -> list[Text]:
    """Every mismatch :func:`run` would name, as sentences in no language yet (for checks
    that report them their own way, such as a backup or a restore)."""
    findings = Findings("en")
    _check_everything(session, findings)
    return findings.texts


@dataclass(frozen=True)
class _Counts:
    trail_events: int
    chain_intact: bool
    issues: int
    audits: int
    corrective_actions: int
    reviews: int
    files: int


def _check_everything(session: Session, findings: Findings) -> _Counts:
    chain = trail.verify(session)
    for problem in chain.problems:
        findings.add(
            problem.text, record="trail", ref=str(problem.seq), what="chain", event=problem.seq
        )
    owners: records.Owners = {}
    issue_count = issues.check_all(session, findings, owners)
    audit_count = records.check_audits(session, findings, owners)
    capa_count = records.check_corrective_actions(session, findings, owners)
    review_count = reviews.check_reviews(session, findings, owners)
    file_count = _check_files(session, findings, owners)
    _check_register_counts(session, findings)
    return _Counts(
        chain.events, chain.ok, issue_count, audit_count, capa_count, review_count, file_count
    )


def _check_register_counts(session: Session, findings: Findings) -> None:
    """The register's counts, which triggers on ``document`` keep in ``register_tally``,
    against the documents themselves: a difference means a change bypassed the triggers
    (dropped, or the table written by hand), and the register shows wrong totals."""
    group = (
        col(Document.doc_type),
        col(Document.department_id),
        col(Document.in_effect),
        func.coalesce(col(Document.in_progress), ""),
        col(Document.withdrawn),
    )
    counted = {
        tuple(row[:5]): int(row[5])
        for row in session.execute(select_columns(*group, func.count()).group_by(*group))
    }
    kept = {
        (t.doc_type, t.department_id, t.in_effect, t.in_progress, t.withdrawn): t.documents
        for t in session.exec(select(RegisterTally)).all()
        if t.documents
    }
    codes = dict(session.execute(select_columns(col(Department.id), col(Department.code))).all())
    for key in sorted(set(counted) | set(kept), key=repr):
        expected, found = counted.get(key, 0), kept.get(key, 0)
        if expected != found:
            doc_type, department_id, in_effect, in_progress, withdrawn = key
            standing = "in effect" if in_effect else "withdrawn" if withdrawn else "not in effect"
            ref = f"{doc_type}/{codes.get(department_id, department_id)}/{standing}"
            if in_progress:
                ref += f"/{in_progress}"
            findings.add(
                Text(
                    "the register counts {found} documents in {group}, but {expected} are there",
                    found=found,
                    group=ref,
                    expected=expected,
                ),
                record="register",
                ref=ref,
                what="count",
                expected=str(expected),
                found=str(found),
            )


def _check_files(session: Session, findings: Findings, owners: records.Owners) -> int:
    """Every stored file's bytes against the hash it is stored under, naming the issue,
    audit, corrective action or management review whose PDF it is."""
    count, problems = blobs.verify(session)
    for problem in problems:
        record, ref, issue = owners.get(problem.sha256, ("file", problem.sha256, None))
        if record == "file":
            text = problem.text
        else:
            owner = issues.subject(ref, issue) if issue is not None else ref
            text = Text(
                "{subject}: its stored PDF {key} no longer matches its hash",
                subject=owner,
                key=short(problem.sha256),
            )
        findings.add(
            text,
            record=record,
            ref=ref,
            issue=issue,
            what="file",
            expected=problem.sha256,
            found=problem.actual,
        )
    return count
