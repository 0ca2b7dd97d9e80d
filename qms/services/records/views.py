"""What the list of records shows: its lines with their batches, what is due for
disposal, and the retention that the records ``qms`` produces carry."""

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from qms.errors import Text, ValidationError, either
from qms.i18n import in_language
from qms.models import Department, Document, RecordBatch, RecordType, User
from qms.services.people import organisation
from qms.services.records import tables
from qms.services.records.batches import due_from

# The records qms produces, and the setting naming the form each is made on (or the
# record's name in the list); the list's line with that form code (or name) gives its
# retention. Lines without a form are named by the record's name in the list, whose
# default is in the records tables' words file (``tables.words().produced``).
PRODUCED = {
    "audit_report": ("records.form.audit_report", "BM-03-02"),
    "capa_record": ("records.form.capa_record", "BM-04-01"),
    "review_minutes": ("records.form.review_minutes", None),
    "trail_print": ("records.form.trail_print", None),
}


@dataclass(frozen=True)
class BatchView:
    id: int
    record_type_id: int
    record: str
    department: str
    year: int
    count: int | None
    description: str
    due_from: date | None
    due: bool  # past retention and not yet disposed of
    disposed_on: date | None
    method: str
    reference: str
    disposed_by: str
    approved_by: str


@dataclass(frozen=True)
class RecordLineView:
    id: int
    name: str
    form_code: str
    process: str
    department: str
    location: str
    medium: str  # paper | electronic | both
    retention: str  # as written
    retention_years: int | None
    permanent: bool
    disposal: str
    source: str  # the procedure's code, "" for a line added by hand
    source_line: int | None
    batches: list[BatchView] = field(default_factory=list)


def list_view(
    session: Session,
    *,
    today: date,
    department: str | None = None,
    medium: str | None = None,
) -> list[RecordLineView]:
    """The lines of the list in force, by department then source and row, each with its
    batches; ``department`` (code) and ``medium`` narrow it."""
    if medium is not None and medium not in tables.MEDIA:
        raise ValidationError(
            "the medium is {choices}, not {medium!r}", choices=either(tables.MEDIA), medium=medium
        ).about("medium")
    query = (
        select(RecordType, Department.code, Document.code)
        .outerjoin(Department, col(Department.id) == RecordType.department_id)
        .outerjoin(Document, col(Document.id) == RecordType.document_id)
        .where(col(RecordType.retired_at).is_(None))
        .order_by(col(Document.code), col(RecordType.line), col(RecordType.id))
    )
    if department:
        query = query.where(Department.code == department.strip().upper())
    if medium:
        query = query.where(RecordType.medium == medium)
    rows = session.exec(query).all()
    batches = _batches(session, today, [line.id for line, _d, _s in rows if line.id])
    views = []
    for line, dept, source in rows:
        assert line.id is not None
        views.append(
            RecordLineView(
                id=line.id,
                name=line.name,
                form_code=line.form_code,
                process=line.process,
                department=dept or "",
                location=line.location,
                medium=line.medium,
                retention=line.retention_text,
                retention_years=line.retention_years,
                permanent=line.permanent,
                disposal=line.disposal,
                source=source or "",
                source_line=line.line,
                batches=[b for b in batches if b.record_type_id == line.id],
            )
        )
    return views


def kept_batches(session: Session, *, today: date) -> list[BatchView]:
    """Every batch, of lines in force or retired, oldest year first."""
    return _batches(session, today, None)


def due(session: Session, *, today: date) -> list[BatchView]:
    """Batches past their retention that are not yet disposed of."""
    return [batch for batch in _batches(session, today, None) if batch.due]


def _batches(session: Session, today: date, line_ids: list[int] | None) -> list[BatchView]:
    query = (
        select(RecordBatch, RecordType, Department.code)
        .join(RecordType, col(RecordType.id) == RecordBatch.record_type_id)
        .outerjoin(Department, col(Department.id) == RecordType.department_id)
        .order_by(col(RecordBatch.year), col(RecordBatch.id))
    )
    if line_ids is not None:
        if not line_ids:
            return []
        query = query.where(col(RecordBatch.record_type_id).in_(line_ids))
    found = session.exec(query).all()
    people = _usernames(
        session,
        {i for b, _l, _d in found for i in (b.disposed_by_id, b.approved_by_id) if i is not None},
    )
    views = []
    for batch, line, dept in found:
        assert batch.id is not None
        until = due_from(line, batch.year)
        views.append(
            BatchView(
                id=batch.id,
                record_type_id=batch.record_type_id,
                record=line.name,
                department=dept or "",
                year=batch.year,
                count=batch.count,
                description=batch.description,
                due_from=until,
                due=batch.disposed_on is None and until is not None and until <= today,
                disposed_on=batch.disposed_on,
                method=batch.disposal_method,
                reference=batch.disposal_reference,
                disposed_by=people.get(batch.disposed_by_id or 0, ""),
                approved_by=people.get(batch.approved_by_id or 0, ""),
            )
        )
    return views


def _usernames(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.exec(select(User.id, User.username).where(col(User.id).in_(ids))).all()
    return {user_id: name for user_id, name in rows if user_id is not None}


# ------------------------------------------------------------------ retention of records


def line_for_form(session: Session, form_code: str) -> RecordType | None:
    """The line in force for records made on ``form_code``; the longest retention when
    several procedures list it."""
    lines = session.exec(
        select(RecordType)
        .where(RecordType.form_code == form_code.strip().upper())
        .where(col(RecordType.retired_at).is_(None))
    ).all()
    if not lines:
        return None
    return max(lines, key=_longest_kept)


def line_for(session: Session, form_or_name: str) -> RecordType | None:
    """The line in force for a form code, else for a record named so in the list (in any
    case); the longest retention when several lines match."""
    line = line_for_form(session, form_or_name)
    if line is not None:
        return line
    wanted = " ".join(form_or_name.split()).casefold()
    if not wanted:
        return None
    lines = [
        line
        for line in session.exec(
            select(RecordType).where(col(RecordType.retired_at).is_(None))
        ).all()
        if " ".join(line.name.split()).casefold() == wanted
    ]
    return max(lines, key=_longest_kept) if lines else None


def _longest_kept(line: RecordType) -> tuple[bool, int, int]:
    return (line.permanent, line.retention_years or 0, -(line.id or 0))


def retention_phrase(line: RecordType) -> Text | str:
    if line.permanent:
        return Text("permanent")
    if line.retention_years == 1:
        return Text("1 year")
    if line.retention_years is not None:
        return Text("{years} years", years=line.retention_years)
    return line.retention_text


def produced_retention(session: Session, kind: str, language: str) -> str:
    """ "Retention: 5 years" for a record ``qms`` produces (a key of :data:`PRODUCED`),
    in ``language``, from the list's line of its form (or of its name, for a record made
    on no form); "" when the list has none."""
    setting, default = PRODUCED[kind]
    code = organisation.get_setting(session, setting) or default or tables.words().produced[kind]
    line = line_for(session, code)
    if line is None:
        return ""
    return in_language(Text("Retention: {period}", period=retention_phrase(line)), language)
