"""Import procedure sources: Markdown files with YAML front matter.

Every file is read and checked before anything is written, and the whole import is one
transaction: one bad file means nothing is imported, and the error names the file.
"""

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session

from qms import files
from qms.clock import utcnow
from qms.domain import DocType, RevisionStatus, Role
from qms.errors import Joined, QMSError, Text, ValidationError
from qms.models import Document, Revision, User, pk
from qms.render.markdown import SafeBody
from qms.services.documents import bodies, renditions, revisions, signatures
from qms.services.documents import register as documents
from qms.services.fields import one_line
from qms.services.people import users
from qms.text import clean, nfc

# A body at its longest (4 bytes a character in UTF-8) and room for the front matter.
MAX_SOURCE_BYTES = 4 * revisions.MAX_BODY_CHARS + 64 * 1024
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)(.*)\Z", re.DOTALL)
REQUIRED = ("code", "title", "type", "department", "issue", "effective_date")
KNOWN = {
    *REQUIRED,
    "owner",
    "language",
    "review_interval",
    "reason",
    "description",
    *documents.EXTERNAL_FIELDS,
}


@dataclass(frozen=True)
class SourceFile:
    path: Path
    meta: dict[str, Any]
    body: str
    html: SafeBody  # the body checked against the caps of the controlled PDF


@dataclass(frozen=True)
class ImportResult:
    document: Document
    revision: Revision
    created: bool  # a new document, or a new issue of an existing one


def read_source(path: Path) -> SourceFile:
    """Parse one file; errors name the file and what is wrong."""
    try:
        raw = _read_bounded(path).decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        raise ValidationError("{path}: not UTF-8 text", path=str(path)) from None
    except OSError as exc:
        raise ValidationError(
            "{path}: cannot read it ({reason})", path=str(path), reason=exc.strerror or ""
        ) from None
    match = _FRONT_MATTER.match(raw.lstrip("\ufeff"))
    if not match:
        raise ValidationError(
            "{path}: no YAML front matter (the file must start with '---')", path=str(path)
        )
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        if where is None:
            raise ValidationError(
                "{path}: front matter is not valid YAML", path=str(path)
            ) from None
        raise ValidationError(
            "{path}: front matter is not valid YAML at line {line}",
            path=str(path),
            line=where.line + 2,
        ) from None
    if not isinstance(meta, dict):
        raise ValidationError("{path}: front matter must be a mapping of fields", path=str(path))
    missing = [key for key in REQUIRED if meta.get(key) in (None, "")]
    if missing:
        raise ValidationError(
            "{path}: missing {fields} in the front matter", path=str(path), fields=Joined(missing)
        )
    unknown = sorted(set(meta) - KNOWN)
    if unknown:
        raise ValidationError(
            "{path}: unknown front matter field {fields}", path=str(path), fields=Joined(unknown)
        )
    _check_types(path, meta)
    try:
        meta["code"] = documents.normalise_code(str(meta["code"]))
    except ValidationError as exc:
        raise exc.located(str(path)) from None
    body = nfc(match.group(2)).replace("\r\n", "\n").strip("\n") + "\n"
    if not body.strip():
        raise ValidationError("{path}: the body is empty", path=str(path))
    try:
        html = bodies.checked(body)
    except QMSError as exc:
        raise exc.located(str(path)) from None
    return SourceFile(path, meta, body, html)


def _read_bounded(path: Path) -> bytes:
    """The file's bytes: only a regular file of at most :data:`MAX_SOURCE_BYTES`."""
    try:
        return files.read_regular(path, MAX_SOURCE_BYTES)
    except files.NotRegularFile:
        raise ValidationError("{path}: not a regular file", path=str(path)) from None
    except files.FileTooLarge:
        raise ValidationError(
            "{path}: larger than {limit:,} bytes", path=str(path), limit=MAX_SOURCE_BYTES
        ) from None


def _check_types(path: Path, meta: dict[str, Any]) -> None:
    issue = meta["issue"]
    if not isinstance(issue, int) or isinstance(issue, bool) or issue < 1:
        raise ValidationError(
            "{path}: issue must be a whole number from 1, not {value}",
            path=str(path),
            value=repr(issue),
        )
    for key in ("effective_date", "checked_current_on"):
        if key in meta and not isinstance(meta[key], date):
            raise ValidationError(
                "{path}: {field} must be a date written YYYY-MM-DD", path=str(path), field=key
            )
    interval = meta.get("review_interval", 12)
    if not isinstance(interval, int) or isinstance(interval, bool):
        raise ValidationError("{path}: review_interval must be a number of months", path=str(path))
    if issue >= 2 and not (meta.get("reason") and meta.get("description")):
        raise ValidationError(
            "{path}: issue {issue} needs reason and description (required from issue 2 on)",
            path=str(path),
            issue=issue,
        )


def import_files(session: Session, *, actor: User, paths: list[Path]) -> list[ImportResult]:
    """Import issues that were approved before the system existed, as effective issues.

    A new code registers the document. A known code with a higher issue number than its
    current one adds that issue and supersedes the current one; the same or a lower issue
    is refused (it is already here, or older than what is here).
    """
    results = add_files(session, actor=actor, paths=paths)
    session.commit()
    return results


def add_files(session: Session, *, actor: User, paths: list[Path]) -> list[ImportResult]:
    """:func:`import_files` without the commit, for larger set-ups."""
    users.require_role(session, actor, Role.CONTROLLER, action=Text("import documents"))
    sources = [read_source(path) for path in _expand(paths)]
    _refuse_duplicate_codes(sources)
    results = []
    # The controlled copies render on both cores while the next files are written.
    with renditions.PendingCopies() as copies:
        for source in sources:
            try:
                results.append(_import_one(session, actor, source, copies))
            except QMSError as exc:
                raise exc.located(str(source.path)) from None
        copies.store(session)
    return results


def _expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob("*.md")))
        elif path.exists():
            files.append(path)
        else:
            raise ValidationError("{path}: no such file or folder", path=str(path))
    if not files:
        raise ValidationError("no Markdown files to import")
    return files


def _refuse_duplicate_codes(sources: list[SourceFile]) -> None:
    seen: dict[str, Path] = {}
    for source in sources:
        code = source.meta["code"]
        if code in seen:
            raise ValidationError(
                "{path}: code {code} is also used by {other}",
                path=str(source.path),
                code=code,
                other=str(seen[code]),
            )
        seen[code] = source.path


def _import_one(
    session: Session, actor: User, source: SourceFile, copies: renditions.PendingCopies
) -> ImportResult:
    meta = source.meta
    code = meta["code"]
    doc = documents.find_document(session, code, lock=True)
    created = doc is None
    if doc is None:
        doc = documents.add_document(
            session,
            actor=actor,
            code=code,
            title=str(meta["title"]),
            doc_type=str(meta["type"]),
            department=str(meta["department"]),
            owner=str(meta["owner"]) if meta.get("owner") else None,
            language=str(meta.get("language", "vi")),
            review_interval_months=int(meta.get("review_interval", 12)),
            external={k: meta[k] for k in documents.EXTERNAL_FIELDS if k in meta}
            if documents.parse_doc_type(str(meta["type"])) is DocType.EXTERNAL
            else None,
        )
    issue = int(meta["issue"])
    current = documents.effective_revision(session, doc)
    if current is not None and issue <= current.issue:
        raise ValidationError(
            "{code} issue {issue} is already effective here", code=code, issue=current.issue
        )
    effective_on: date = meta["effective_date"]
    bodies.keep(session, source.body, source.html)
    at = utcnow()
    reason, description = (
        one_line(str(meta.get("reason") or ""), field=Text("reason for change")),
        clean(str(meta.get("description") or "")),
    )
    # Approved on paper. Not added to the session: it is saved as it takes effect, so it
    # never sits in the database as an issue in progress (one per document).
    rev = Revision(
        document_id=pk(doc),
        issue=issue,
        status=RevisionStatus.APPROVED.value,
        body=source.body,
        reason=reason,
        description=description,
        content_hash=signatures.content_hash(
            code=code, issue=issue, body=source.body, reason=reason, description=description
        ),
        planned_effective_date=effective_on,
        origin="import",
        created_at=at,
        updated_at=at,
    )
    revisions.take_effect(
        session,
        actor=actor,
        doc=doc,
        rev=rev,
        reviewed_on=effective_on,
        action="import",
        details={"effective_date": effective_on, "source": source.path.name},
        old={"superseded_issue": current.issue} if current else None,
        reason=reason or "approved before import",
        copies=copies,
    )
    return ImportResult(doc, rev, created)
