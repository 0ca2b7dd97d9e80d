"""The one integrity check: the trail's chain, then every stored record against it, then
every stored file against its hash."""

from dataclasses import dataclass

from sqlmodel import Session

from qms.errors import Text
from qms.models import User
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
    return _Counts(
        chain.events, chain.ok, issue_count, audit_count, capa_count, review_count, file_count
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
