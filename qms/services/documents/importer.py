"""Import procedure sources: Markdown files with YAML front matter, and Word files.

Every file is read and checked before anything is written, and the whole import is one
transaction: one bad file means nothing is imported, and the error names the file.
:func:`plan_files` reads and checks the same way and says what an import would do,
writing nothing (the dry run).

A Word file's fields come from its header table, then from a sidecar YAML file of the
same name (``QT-01.yaml`` beside ``QT-01.docx``, front matter fields), then from the
command line, each overriding the one before.
"""

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session, select

from qms import files
from qms.clock import utcnow
from qms.domain import DocType, RevisionStatus, Role
from qms.errors import Joined, QMSError, Text, ValidationError
from qms.i18n import pmsg, translate
from qms.models import Department, Document, Revision, User, pk
from qms.render.markdown import SafeBody
from qms.services import blobs
from qms.services.documents import bodies, paper, renditions, revisions, signatures
from qms.services.documents import register as documents
from qms.services.documents.word import package
from qms.services.documents.word.reader import Loss, WordDocument
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
    "last_reviewed",
    "reason",
    "description",
    *documents.EXTERNAL_FIELDS,
    *paper.FIELDS,
}
WORD_SUFFIXES = (".docx", ".doc", ".docm", ".dotm")
NOTES_HEADING = pmsg("Word", "Notes")


@dataclass(frozen=True)
class SourceFile:
    path: Path
    meta: dict[str, Any]
    body: str
    html: SafeBody  # the body checked against the caps of the controlled PDF
    paper: paper.PaperRecord
    sha256: str  # of the file as read
    images: Mapping[str, tuple[bytes, str]] = field(default_factory=dict)  # sha256 -> bytes, type
    losses: tuple[Loss, ...] = ()  # what a Word file held that the body cannot
    pages: int | None = None  # of a Word file, as Word counted them or estimated


@dataclass(frozen=True)
class ImportResult:
    document: Document
    revision: Revision
    created: bool  # a new document, or a new issue of an existing one


def read_source(path: Path, overrides: Mapping[str, Any] | None = None) -> SourceFile:
    """Parse one file; errors name the file and what is wrong. ``overrides`` are fields
    given on the command line, over those of the file."""
    if path.suffix.lower() in WORD_SUFFIXES:
        return _read_word(path, overrides or {})
    data = _read_bounded(path, MAX_SOURCE_BYTES)
    try:
        raw = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        raise ValidationError("{path}: not UTF-8 text", path=str(path)) from None
    match = _FRONT_MATTER.match(raw.lstrip("\ufeff"))
    if not match:
        raise ValidationError(
            "{path}: no YAML front matter (the file must start with '---')", path=str(path)
        )
    meta = {**_yaml_mapping(path, match.group(1), first_line=2), **(overrides or {})}
    body = nfc(match.group(2)).replace("\r\n", "\n").strip("\n") + "\n"
    return _checked_source(path, meta, body, sha256=hashlib.sha256(data).hexdigest())


def _yaml_mapping(path: Path, text: str, *, first_line: int) -> dict[str, Any]:
    try:
        meta = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        if where is None:
            raise ValidationError(
                "{path}: front matter is not valid YAML", path=str(path)
            ) from None
        raise ValidationError(
            "{path}: front matter is not valid YAML at line {line}",
            path=str(path),
            line=where.line + first_line,
        ) from None
    if not isinstance(meta, dict):
        raise ValidationError("{path}: front matter must be a mapping of fields", path=str(path))
    return meta


def _checked_source(
    path: Path,
    meta: dict[str, Any],
    body: str,
    *,
    sha256: str,
    word: WordDocument | None = None,
) -> SourceFile:
    missing = [key for key in REQUIRED if meta.get(key) in (None, "")]
    if missing and word is not None:
        raise ValidationError(
            "{path}: missing {fields}: not in the header table; give them in {sidecar} or "
            "when importing",
            path=str(path),
            fields=Joined(missing),
            sidecar=path.with_suffix(".yaml").name,
        )
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
    images = word.images if word else {}
    try:
        meta["code"] = documents.normalise_code(str(meta["code"]))
        record = paper.from_meta(meta, issue=meta["issue"])
        if not body.strip():
            raise ValidationError("the body is empty")
        html = bodies.checked(body, {key: data for key, (data, _) in images.items()})
    except QMSError as exc:
        raise exc.located(str(path)) from None
    return SourceFile(
        path,
        meta,
        body,
        html,
        record,
        sha256,
        images,
        tuple(word.losses) if word else (),
        word.pages if word else None,
    )


def _read_word(path: Path, overrides: Mapping[str, Any]) -> SourceFile:
    """A Word file: its header table, signature and history tables, then the sidecar
    YAML and the command line over them."""
    from qms.services.documents.word import reader

    sidecar = path.with_suffix(".yaml")
    extra = (
        _yaml_mapping(
            sidecar, _read_bounded(sidecar, 64 * 1024).decode("utf-8", "replace"), first_line=1
        )
        if sidecar.is_file()
        else {}
    )
    language = str(overrides.get("language") or extra.get("language") or "vi")
    data = _read_bounded(path, package.MAX_DOCX_BYTES)
    try:
        word = reader.read(
            data,
            suffix=path.suffix.lower(),
            notes_heading=translate(NOTES_HEADING, language if language in ("vi", "en") else "vi"),
        )
    except QMSError as exc:
        raise exc.located(str(path)) from None
    meta: dict[str, Any] = dict(word.fields)
    for signer in word.signers:
        key = next(k for k, m in paper.SIGNER_FIELDS.items() if m == signer.meaning)
        meta[key] = {"name": signer.name, "position": signer.position, "date": signer.signed_on}
    meta.update(extra)
    meta.update(overrides)
    issue = meta.get("issue")
    if isinstance(issue, int):
        lines = [h for h in word.history if h.issue < issue]
        if lines and "history" not in extra:
            meta["history"] = [
                {"issue": h.issue, "date": h.issued_on, "change": h.change} for h in lines
            ]
        this = next((h for h in word.history if h.issue == issue), None)
        if this is not None and this.change and issue >= 2:
            # Paper records what changed; the reason is often not written apart from it.
            meta.setdefault("description", this.change)
            meta.setdefault("reason", this.change)
    return _checked_source(
        path, meta, nfc(word.body), sha256=hashlib.sha256(data).hexdigest(), word=word
    )


def _read_bounded(path: Path, limit: int) -> bytes:
    """The file's bytes: only a regular file of at most ``limit`` bytes."""
    try:
        return files.read_regular(path, limit)
    except files.NotRegularFile:
        raise ValidationError("{path}: not a regular file", path=str(path)) from None
    except files.FileTooLarge:
        raise ValidationError(
            "{path}: larger than {limit:,} bytes", path=str(path), limit=limit
        ) from None
    except OSError as exc:
        raise ValidationError(
            "{path}: cannot read it ({reason})", path=str(path), reason=exc.strerror or ""
        ) from None


def _check_types(path: Path, meta: dict[str, Any]) -> None:
    issue = meta["issue"]
    if not isinstance(issue, int) or isinstance(issue, bool) or issue < 1:
        raise ValidationError(
            "{path}: issue must be a whole number from 1, not {value}",
            path=str(path),
            value=repr(issue),
        )
    for key in ("effective_date", "checked_current_on", "last_reviewed"):
        if key in meta and not isinstance(meta[key], date):
            raise ValidationError(
                "{path}: {field} must be a date written YYYY-MM-DD", path=str(path), field=key
            )
    if meta.get("last_reviewed") and meta["last_reviewed"] < meta["effective_date"]:
        raise ValidationError(
            "{path}: last_reviewed must not be before effective_date", path=str(path)
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


@dataclass(frozen=True)
class PlannedImport:
    """What importing one file would do (the dry run)."""

    source: SourceFile
    existing_issue: int | None  # the document's effective issue here, if it is registered
    conflict: Text | None  # why the import would be refused, if it would


def plan_files(
    session: Session,
    *,
    actor: User,
    paths: list[Path],
    overrides: Mapping[str, Any] | None = None,
) -> list[PlannedImport]:
    """Read and check every file as :func:`import_files` would and say, per file, what it
    would create and what conflicts with the register; nothing is written. One file that
    cannot be read stops the plan, naming the file."""
    users.require_role(session, actor, Role.CONTROLLER, action=Text("import documents"))
    sources = _read_all(paths, overrides)
    plans = []
    for source in sources:
        doc = documents.find_document(session, source.meta["code"])
        current = documents.effective_revision(session, doc) if doc else None
        conflict = None
        if current is not None and source.meta["issue"] <= current.issue:
            conflict = Text(
                "{code} issue {issue} is already effective here",
                code=doc.code if doc else "",
                issue=current.issue,
            )
        try:
            _department_code(session, str(source.meta["department"]))
        except QMSError as exc:
            conflict = conflict or exc.text
        plans.append(PlannedImport(source, current.issue if current else None, conflict))
    return plans


def import_files(
    session: Session,
    *,
    actor: User,
    paths: list[Path],
    overrides: Mapping[str, Any] | None = None,
) -> list[ImportResult]:
    """Import issues that were approved before the system existed, as effective issues.

    A new code registers the document. A known code with a higher issue number than its
    current one adds that issue and supersedes the current one; the same or a lower issue
    is refused (it is already here, or older than what is here).
    """
    results = add_files(session, actor=actor, paths=paths, overrides=overrides)
    session.commit()
    return results


def add_files(
    session: Session,
    *,
    actor: User,
    paths: list[Path],
    overrides: Mapping[str, Any] | None = None,
    copies: renditions.PendingCopies | None = None,
) -> list[ImportResult]:
    """:func:`import_files` without the commit, for larger set-ups. Given ``copies``,
    the controlled copies are left rendering there, for the caller to store before it
    commits; otherwise they are stored before this returns."""
    users.require_role(session, actor, Role.CONTROLLER, action=Text("import documents"))
    sources = _read_all(paths, overrides)
    # The controlled copies render on both cores while the next files are written.
    if copies is not None:
        return _import_all(session, actor, sources, copies)
    with renditions.PendingCopies() as own:
        results = _import_all(session, actor, sources, own)
        own.store(session)
    return results


def _import_all(
    session: Session, actor: User, sources: list[SourceFile], copies: renditions.PendingCopies
) -> list[ImportResult]:
    results = []
    for source in sources:
        try:
            results.append(_import_one(session, actor, source, copies))
        except QMSError as exc:
            raise exc.located(str(source.path)) from None
    return results


def _read_all(paths: list[Path], overrides: Mapping[str, Any] | None) -> list[SourceFile]:
    files = _expand(paths)
    if overrides and {"code", "title", "issue"} & set(overrides) and len(files) > 1:
        raise ValidationError("a code, title or issue given on the command line needs one file")
    sources = [read_source(path, overrides) for path in files]
    _refuse_duplicate_codes(sources)
    return sources


def _expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.iterdir()
                    if p.suffix.lower() in (".md", *WORD_SUFFIXES) and not p.name.startswith("~$")
                )
            )
        elif path.exists():
            files.append(path)
        else:
            raise ValidationError("{path}: no such file or folder", path=str(path))
    if not files:
        raise ValidationError("no Markdown or Word files to import")
    return files


def _department_code(session: Session, value: str) -> str:
    """A department given by its code, or by its name as a Word header table writes it."""
    wanted = " ".join(value.split())
    by_code = session.exec(select(Department.code).where(Department.code == wanted.upper())).first()
    if by_code is not None:
        return by_code
    folded = wanted.casefold()
    for dept in session.exec(select(Department)).all():
        if folded in {dept.name.casefold(), (dept.name_en or "").casefold()}:
            return dept.code
    return users.get_department(session, wanted).code  # the refusal


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
            department=_department_code(session, str(meta["department"])),
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
    for data, media_type in source.images.values():
        blobs.put(session, data=data, media_type=media_type)
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
        # The last periodic review on paper, else the issue itself was the last review.
        reviewed_on=meta.get("last_reviewed") or effective_on,
        action="import",
        details={
            "effective_date": effective_on,
            **({"last_reviewed": meta["last_reviewed"]} if meta.get("last_reviewed") else {}),
            "source": source.path.name,
            "source_sha256": source.sha256,
            **paper.as_trail(source.paper),
        },
        old={"superseded_issue": current.issue} if current else None,
        reason=reason or "approved before import",
        copies=copies,
        with_issue=lambda saved: paper.store(session, saved, source.paper),
    )
    return ImportResult(doc, rev, created)
