"""Controlled PDFs from the register: plain data for ``qms.render``, stored renditions,
and compiled manuals.

The controlled PDF of an issue is rendered once, when it takes effect, and stored as a
blob whose hash is recorded on the revision and in the trail; downloads return those
bytes, once the trail confirms they are the copy it recorded. Anything not effective is
rendered on request, watermarked with its state.
"""

import hashlib
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from types import TracebackType

from sqlalchemy import delete
from sqlmodel import Session, col, select

from qms.clock import naive_utc, utcnow
from qms.domain import DocType, Meaning, RevisionStatus
from qms.errors import QMSError, ValidationError
from qms.i18n import msg, translate
from qms.models import Compilation, Department, Document, Revision, User
from qms.render import (
    DocumentRendition,
    HistoryEntry,
    ListedObjective,
    ManualEntry,
    ManualSpec,
    SignatureLine,
    compile_manual,
    launch_workers,
    render_document_pdf,
)
from qms.services import blobs
from qms.services.documents import paper, signatures
from qms.services.documents import register as documents
from qms.services.documents.bodies import body_images
from qms.services.integrity.copies import confirm_controlled_copies, confirm_controlled_copy
from qms.services.objectives import lifecycle as objectives
from qms.services.people import organisation, users
from qms.services.trail import chain as trail
from qms.services.trail.chain import canonical

MANUAL_TYPE_ORDER = [t.value for t in DocType]
MANUAL_TITLE = msg("Quality management system — Documents in force")
DEPARTMENT_MANUAL_TITLE = msg("Documents in force of the department")


def effective_date_of(session: Session, rev: Revision) -> date | None:
    """The date an issue took (or will take) effect, as printed on it."""
    return documents.effective_day(rev, organisation.get_setting(session, "timezone"))


def organisation_name(session: Session, language: str) -> str:
    english = organisation.get_setting(session, "organisation.name_en")
    if language == "en" and english:
        return english
    return organisation.get_setting(session, "organisation.name")


def stamp_labels(session: Session) -> dict[str, str]:
    """Label overrides for the renderer: the organisation's stamp, when it has one, in
    place of the catalog's words on superseded and obsolete copies."""
    stamp = organisation.get_setting(session, organisation.STAMP_SETTING)
    return {"status_superseded": stamp, "status_obsolete": stamp} if stamp else {}


def rendition(
    session: Session, doc: Document, rev: Revision, *, language: str | None = None
) -> DocumentRendition:
    """Everything the PDF of one issue shows, as plain data."""
    language = language or doc.language
    dept = users.department_by_id(session, doc.department_id)
    shown = [
        r
        for r in documents.revisions_of(session, doc)
        if r.issue <= rev.issue and (r.effective_at is not None or r.id == rev.id)
    ]
    history = [
        HistoryEntry(r.issue, effective_date_of(session, r), r.reason, r.description) for r in shown
    ]
    here = {r.issue for r in shown}
    for imported in (r for r in shown if r.origin == "import"):
        for line in paper.record_of(session, imported).history:
            if line.issue not in here:
                here.add(line.issue)
                history.append(HistoryEntry(line.issue, line.issued_on, "", line.change))
    owner = session.get(User, doc.owner_id) if doc.owner_id else None
    return DocumentRendition(
        organisation=organisation_name(session, language),
        code=doc.code,
        title=doc.title,
        doc_type=doc.doc_type,
        department=(dept.name_en or dept.name) if language == "en" else dept.name,
        language=language,
        issue=rev.issue,
        status=rev.status,
        effective_date=effective_date_of(session, rev),
        body_markdown=rev.body,
        content_hash=rev.content_hash,
        signatures=tuple(_signature_lines(session, doc, rev)),
        history=tuple(sorted(history, key=lambda h: h.issue)),
        images=body_images(session, rev.body),
        author=owner.full_name if owner else organisation_name(session, language),
        timezone=organisation.get_setting(session, "timezone"),
        objectives=tuple(_listed_objectives(session, doc, rev, language)),
    )


def _listed_objectives(
    session: Session, doc: Document, rev: Revision, language: str
) -> list[ListedObjective]:
    """The approved objectives tied to the document as the issue lists them: those in
    force when it took effect (for an issue not effective yet, those in force now), so
    the controlled copy, rendered once then, and any later rendering agree."""
    at = rev.effective_at or utcnow()
    lines = []
    for objective, version in objectives.in_force_at(session, document=doc, at=at):
        owner = session.get(User, version.owner_id)
        dept = session.get(Department, objective.department_id) if objective.department_id else None
        lines.append(
            ListedObjective(
                ref=objective.ref,
                version=version.version,
                indicator=version.indicator,
                target=version.target,
                direction=version.direction,
                unit=version.unit,
                frequency=version.frequency,
                owner=owner.full_name if owner else "",
                department=((dept.name_en or dept.name) if language == "en" else dept.name)
                if dept
                else "",
            )
        )
    return lines


def _signature_lines(session: Session, doc: Document, rev: Revision) -> list[SignatureLine]:
    """The newest signature of each meaning (valid ones preferred); an issue approved on
    paper shows the signatures on its paper copy where it has no electronic one."""
    views = signatures.signatures_of(session, doc, rev)
    on_paper = {s.meaning: s for s in paper.record_of(session, rev).signers}
    lines = []
    for meaning in Meaning:
        if meaning.value in on_paper and not any(
            v.signature.meaning == meaning.value for v in views
        ):
            signer = on_paper[meaning.value]
            lines.append(
                SignatureLine(
                    meaning.value,
                    signer.name,
                    signer.position,
                    None,
                    True,
                    on_paper=True,
                    signed_on=signer.signed_on,
                )
            )
            continue
        of_meaning = [v for v in views if v.signature.meaning == meaning.value]
        chosen = next((v for v in reversed(of_meaning) if v.valid), None) or (
            of_meaning[-1] if of_meaning else None
        )
        if chosen is not None:
            s = chosen.signature
            lines.append(
                SignatureLine(
                    meaning.value, s.printed_name, s.position, naive_utc(s.signed_at), chosen.valid
                )
            )
    return lines


def controlled_pdf(session: Session, doc: Document, rev: Revision) -> bytes:
    """The controlled PDF of an issue that is taking effect, rendered (seconds)."""
    return render_document_pdf(rendition(session, doc, rev))


def store_controlled_pdf(
    session: Session, *, actor: str, doc: Document, rev: Revision, data: bytes
) -> str:
    """Store the controlled PDF of an issue that has just taken effect (from
    :func:`controlled_pdf`) and record its hash.

    Runs inside the transaction that makes the issue effective: no effective issue
    exists without its controlled copy. The caller commits.
    """
    blob = blobs.put(session, data=data, media_type=blobs.PDF)
    rev.pdf_sha256 = blob.sha256
    session.add(rev)
    trail.record(
        session,
        actor=actor,
        action="revision.render",
        entity="revision",
        entity_id=f"{doc.code}/{rev.issue}",
        payload={"new": {"pdf_sha256": blob.sha256, "size": blob.size}},
    )
    return blob.sha256


class PendingCopies:
    """Controlled copies of issues that take effect together in one transaction (an
    import), rendered in the background, up to ``workers`` at a time, while the
    transaction goes on; :meth:`store` stores them in the order they were added.

    Each render runs in its own worker process, as :func:`controlled_pdf` does, from the
    issue's data as it stands when it is added, so the bytes are the same as one render
    at a time would give. A context manager: leaving it drops the renders not yet started.
    """

    def __init__(self, workers: int = 2) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="qms-copies")
        self._pending: list[tuple[str, Document, Revision, Future[bytes]]] = []

    def add(self, session: Session, *, actor: str, doc: Document, rev: Revision) -> None:
        """Start rendering the controlled copy of ``rev``, which has just taken effect."""
        data = rendition(session, doc, rev)
        self._pending.append((actor, doc, rev, self._pool.submit(render_document_pdf, data)))

    def store(self, session: Session, *, only: str | None = None) -> None:
        """Wait for the renders and store each copy, with its hash on the revision and in
        the trail (:func:`store_controlled_pdf`); with ``only``, just the copies of that
        document, the others going on in the background. A failed render is raised,
        naming the issue; the caller's transaction then rolls back."""
        pending: list[tuple[str, Document, Revision, Future[bytes]]] = []
        kept: list[tuple[str, Document, Revision, Future[bytes]]] = []
        for entry in self._pending:
            (pending if only is None or entry[1].code == only else kept).append(entry)
        self._pending = kept
        for actor, doc, rev, future in pending:
            try:
                data = future.result()
            except QMSError as exc:
                raise exc.located(f"{doc.code}/{rev.issue}") from None
            store_controlled_pdf(session, actor=actor, doc=doc, rev=rev, data=data)

    def __enter__(self) -> "PendingCopies":
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self._pool.shutdown(cancel_futures=True)


@dataclass(frozen=True)
class ControlledCopy:
    """The stored PDF of an effective issue, as served."""

    code: str
    issue: int
    data: bytes


def document_pdf(
    session: Session,
    *,
    viewer: User | None,
    code: str,
    issue: int | None = None,
    language: str | None = None,
    pdfa: bool = False,
) -> tuple[Document, Revision, bytes]:
    """The PDF of an issue the viewer may see: the stored controlled copy of an effective
    issue (nothing is rendered), or a fresh, watermarked rendering of any other state.
    ``pdfa`` renders a PDF/A-3b archival copy instead of serving the stored one."""
    doc, rev = documents.get_revision(session, viewer=viewer, code=code, issue=issue)
    if language is not None:
        documents.validate_language(language)
    wanted = language or doc.language
    stored = rev.status == RevisionStatus.EFFECTIVE and rev.pdf_sha256 and wanted == doc.language
    if stored and not pdfa:
        key = str(rev.pdf_sha256)
        confirm_controlled_copy(session, code=doc.code, issue=rev.issue, sha256=key)
        return doc, rev, blobs.data_of(session, key)
    data = rendition(session, doc, rev, language=wanted)
    return doc, rev, render_document_pdf(data, labels=stamp_labels(session), pdfa=pdfa)


# "yes": a department's manual also holds its documents in another language than the
# organisation's (an English specification in a Vietnamese office's manual).
OTHER_LANGUAGES_SETTING = "manual.other_languages"


def other_languages_in_department_manuals(session: Session) -> bool:
    return organisation.get_setting(session, OTHER_LANGUAGES_SETTING) == "yes"


def manual_pdf(
    session: Session,
    *,
    department: str | None = None,
    doc_type: str | None = None,
    language: str = "vi",
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The compiled manual of the effective documents (all, or one department or type).
    A department's manual holds only the documents in the organisation's language unless
    the organisation's setting says otherwise.

    A manual built from exactly the same issues and settings is served from storage;
    otherwise the stored per-issue renditions are reused and only cover and contents
    are rendered. Commits the new compilation.
    """
    documents.validate_language(language)
    query = (
        select(Document, Revision)
        .join(Revision, col(Revision.document_id) == Document.id)
        .join(Department, col(Department.id) == Document.department_id)
        .where(Revision.status == RevisionStatus.EFFECTIVE.value)
    )
    if department:
        users.get_department(session, department)
        query = query.where(Department.code == department.strip().upper())
        if not other_languages_in_department_manuals(session):
            own = organisation.get_setting(session, "organisation.language") or "vi"
            query = query.where(Document.language == own)
    if doc_type:
        query = query.where(Document.doc_type == documents.parse_doc_type(doc_type).value)
    rows = sorted(
        session.exec(query).all(),
        key=lambda row: (
            MANUAL_TYPE_ORDER.index(row[0].doc_type),
            row[0].title_sort_key,
            row[0].code,
        ),
    )
    if not rows:
        raise ValidationError("no effective documents match: the manual would be empty")
    stored = {
        doc.code: rev.pdf_sha256 for doc, rev in rows if rev.pdf_sha256 and language == doc.language
    }
    confirm_controlled_copies(
        session,
        [(doc.code, rev.issue, stored[doc.code]) for doc, rev in rows if doc.code in stored],
    )
    spec_title, subtitle = translate(MANUAL_TITLE, language), ""
    if department:
        dept = users.get_department(session, department)
        spec_title = translate(DEPARTMENT_MANUAL_TITLE, language)
        subtitle = (dept.name_en or dept.name) if language == "en" else dept.name
    # Read once: a setting read per document is a query per document.
    zone = organisation.get_setting(session, "timezone")
    org_name = organisation_name(session, language)
    compiled_on = max(
        (d for _, rev in rows if (d := documents.effective_day(rev, zone))),
        default=date(2000, 1, 1),
    )
    key = hashlib.sha256(
        canonical(
            {
                "title": spec_title,
                "subtitle": subtitle,
                "language": language,
                "organisation": org_name,
                "compiled_on": compiled_on,
                "parts": [
                    [
                        doc.code,
                        rev.issue,
                        rev.pdf_sha256 if language == doc.language else rev.content_hash,
                    ]
                    for doc, rev in rows
                ],
            }
        ).encode()
    ).hexdigest()
    cached = session.get(Compilation, key)
    if cached is not None:
        return blobs.data_of(session, cached.pdf_sha256)
    manual = hashlib.sha256(
        canonical(
            {
                "title": spec_title,
                "subtitle": subtitle,
                "language": language,
                "department": department.strip().upper() if department else "",
                "type": doc_type or "",
            }
        ).encode()
    ).hexdigest()
    launch_workers()  # loads while the parts are gathered here
    parts = blobs.data_of_many(session, list(stored.values()))
    entries = tuple(
        _manual_entry(
            session, doc, rev, language, org_name, zone, parts.get(stored.get(doc.code, ""))
        )
        for doc, rev in rows
    )
    spec = ManualSpec(org_name, spec_title, language, compiled_on, entries, subtitle)
    fronts = _StoredFrontPieces(session, manual=manual)
    data = compile_manual(spec, progress=progress, front_store=fronts)
    blob = blobs.put(session, data=data, media_type=blobs.PDF)
    session.add(Compilation(key=key, pdf_sha256=blob.sha256, created_at=utcnow(), manual=manual))
    _drop_earlier_compilations(session, manual=manual, kept={key, *fronts.used})
    session.commit()
    return data


class _StoredFrontPieces:
    """Manuals' cover and contents pages, kept as compilations under the key of what they
    print: after one document changed, only the contents page listing it is rendered.
    ``used`` collects the keys of the pieces the manual being compiled is made of."""

    def __init__(self, session: Session, *, manual: str) -> None:
        self.session = session
        self.manual = manual
        self.used: set[str] = set()

    def get_many(self, keys: Sequence[str]) -> dict[str, bytes]:
        self.used.update(keys)
        rows = self.session.exec(select(Compilation).where(col(Compilation.key).in_(keys))).all()
        data = blobs.data_of_many(self.session, [row.pdf_sha256 for row in rows])
        return {row.key: data[row.pdf_sha256] for row in rows}

    def put(self, key: str, pdf: bytes) -> None:
        self.used.add(key)
        blob = blobs.put(self.session, data=pdf, media_type=blobs.PDF)
        if self.session.get(Compilation, key) is None:
            self.session.add(
                Compilation(
                    key=key, pdf_sha256=blob.sha256, created_at=utcnow(), manual=self.manual
                )
            )


def _drop_earlier_compilations(session: Session, *, manual: str, kept: set[str]) -> None:
    """Forget what earlier compilations of ``manual`` stored and its new one does not use
    (its earlier versions, their cover and contents pages): they would never be served
    again. Their bytes (megabytes a manual) are deleted by the daily ``storage`` job, which
    costs the download nothing (:func:`blobs.drop_unused_pdfs`)."""
    session.execute(
        delete(Compilation).where(
            col(Compilation.manual) == manual, col(Compilation.key).not_in(sorted(kept))
        )
    )


def _manual_entry(
    session: Session,
    doc: Document,
    rev: Revision,
    language: str,
    org_name: str,
    zone: str,
    stored: bytes | None,
) -> ManualEntry:
    """One part of a manual: the ``stored`` controlled copy, reused byte for byte, or the
    full rendition of an issue that must be rendered (in another language than its own).

    A stored part needs only what the contents page lists of it, so its signatures and
    history (several queries per document) are not read again."""
    if stored is not None:
        listed = DocumentRendition(
            organisation=org_name,
            code=doc.code,
            title=doc.title,
            doc_type=doc.doc_type,
            department="",
            language=language,
            issue=rev.issue,
            status=rev.status,
            effective_date=documents.effective_day(rev, zone),
            body_markdown=rev.body,
            content_hash=rev.content_hash,
            signatures=(),
            history=(),
        )
        return ManualEntry(listed, stored)
    return ManualEntry(rendition(session, doc, rev, language=language), None)
