"""The list of records: the lines read from the effective procedures' records tables,
kept in step with them as issues take effect, and the lines added by hand.

When an issue takes effect its records table replaces the lines its document gave the
list: a line with the same record name is updated in place (batches kept under it stay
with it), a new one is added, and one the new issue no longer has is retired. A table
that cannot be read is reported by document code and line and never blocks the issue.
"""

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, or_, select

from qms.clock import utcnow
from qms.domain import DocType, RevisionStatus, Role
from qms.errors import NotFound, Text, ValidationError, either
from qms.models import Department, Document, RecordType, Revision, User, pk
from qms.services.fields import one_line
from qms.services.people import users
from qms.services.records import tables
from qms.services.trail import chain as trail
from qms.text import clean

# Documents whose issues may carry a records table (not forms, records or outside ones).
READ_TYPES = frozenset(
    {DocType.PROCEDURE.value, DocType.WORK_INSTRUCTION.value, DocType.MANUAL.value}
)
FORM_TYPES = (DocType.FORM.value, DocType.RECORD_TEMPLATE.value)


@dataclass(frozen=True)
class SourceProblem:
    """A records table that could not be read, where it is."""

    code: str
    issue: int
    line: int
    text: Text


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def issue_took_effect(
    session: Session, *, actor: str, doc: Document, rev: Revision
) -> list[SourceProblem]:
    """Replace the lines ``doc`` gives the list with those of ``rev``'s records table, in
    the caller's transaction; returns the problems of the table (never raises for them)."""
    if doc.doc_type not in READ_TYPES:
        return []
    table = tables.records_table(rev.body)
    rev.records_problems = len(table.problems)
    session.add(rev)
    now = utcnow()
    current = {
        _key(line.name): line
        for line in session.exec(
            select(RecordType)
            .where(RecordType.document_id == doc.id)
            .where(col(RecordType.retired_at).is_(None))
        ).all()
    }
    forms = _form_codes(session, [code for row in table.rows for code in row.codes])
    added: list[str] = []
    changed: list[str] = []
    seen: set[str] = set()
    for row in table.rows:
        key = _key(row.name)
        if key in seen:
            continue
        seen.add(key)
        values: dict[str, Any] = {
            "line": row.line,
            "name": row.name[:500],
            "form_code": next((c for c in row.codes if c in forms), ""),
            "process": f"{doc.code} {doc.title}"[:300],
            "department_id": doc.department_id,
            "location": row.location[:300],
            "medium": row.medium,
            "retention_years": row.retention.years,
            "permanent": row.retention.permanent,
            "retention_text": row.retention.text[:200],
            "disposal": row.disposal[:300],
        }
        line = current.pop(key, None)
        if line is None:
            session.add(RecordType(document_id=doc.id, created_by=actor, created_at=now, **values))
            added.append(row.name)
            continue
        if any(getattr(line, name) != value for name, value in values.items() if name != "line"):
            changed.append(row.name)
        for name, value in values.items():
            setattr(line, name, value)
        session.add(line)
    for line in current.values():
        line.retired_at = now
        session.add(line)
    retired = [line.name for line in current.values()]
    problems = [
        SourceProblem(doc.code, rev.issue, problem.line, problem.text) for problem in table.problems
    ]
    if added or changed or retired or problems:
        session.flush()
        trail.record(
            session,
            actor=actor,
            action="records.from_issue",
            entity="document",
            entity_id=f"{doc.code}/{rev.issue}",
            payload={
                "added": added,
                "changed": changed,
                "retired": retired,
                "unreadable_lines": [p.line for p in problems],
            },
        )
    return problems


def rebuild(session: Session, *, actor: User) -> list[SourceProblem]:
    """Read the records table of every effective issue again (after an upgrade from a
    version without the list, say); returns the tables' problems. Hand lines stay."""
    _check_keeper(session, actor, Text("change the list of records"))
    effective = session.exec(
        select(Document, Revision)
        .join(Revision, col(Revision.document_id) == Document.id)
        .where(Revision.status == RevisionStatus.EFFECTIVE.value)
        .where(col(Document.doc_type).in_(READ_TYPES))
        .order_by(col(Document.code))
    ).all()
    found: list[SourceProblem] = []
    for doc, rev in effective:
        found += issue_took_effect(session, actor=actor.username, doc=doc, rev=rev)
    session.commit()
    return found


def document_withdrawn(session: Session, *, actor: str, doc: Document) -> None:
    """Retire the lines a withdrawn document gave the list (in the caller's transaction)."""
    lines = session.exec(
        select(RecordType)
        .where(RecordType.document_id == doc.id)
        .where(col(RecordType.retired_at).is_(None))
    ).all()
    if not lines:
        return
    now = utcnow()
    for line in lines:
        line.retired_at = now
        session.add(line)
    session.flush()
    trail.record(
        session,
        actor=actor,
        action="records.withdrawn",
        entity="document",
        entity_id=doc.code,
        payload={"retired": [line.name for line in lines]},
    )


def problems(
    session: Session, *, code: str | None = None, fresh: bool = False
) -> list[SourceProblem]:
    """The records tables of the effective issues that cannot be read, by document code
    and line (``code``: of that document only). Only the tables found unreadable when
    their issue took effect (or never read then) are read again, for the wording of each
    problem; ``fresh`` reads every table again, to be sure."""
    query = (
        select(Document.code, Revision.issue, Revision.body)
        .join(Revision, col(Revision.document_id) == Document.id)
        .where(Revision.status == RevisionStatus.EFFECTIVE.value)
        .where(col(Document.doc_type).in_(READ_TYPES))
        .order_by(col(Document.code))
    )
    if code is not None:
        query = query.where(Document.code == clean(code).upper())
    if not fresh:
        query = query.where(
            or_(col(Revision.records_problems).is_(None), col(Revision.records_problems) > 0)
        )
    found: list[SourceProblem] = []
    for doc_code, issue, body in session.exec(query).all():
        for problem in tables.records_table(body).problems:
            found.append(SourceProblem(doc_code, issue, problem.line, problem.text))
    return found


def _form_codes(session: Session, codes: list[str]) -> set[str]:
    if not codes:
        return set()
    return set(
        session.exec(
            select(Document.code)
            .where(col(Document.code).in_(codes))
            .where(col(Document.doc_type).in_(FORM_TYPES))
        ).all()
    )


# ------------------------------------------------------------------------ lines by hand


def get_line(session: Session, line_id: int) -> RecordType:
    line = session.get(RecordType, line_id)
    if line is None or line.retired_at is not None:
        raise NotFound("no line {id} in the list of records", id=line_id)
    return line


def _check_keeper(session: Session, actor: User, action: Text) -> None:
    users.require_role(session, actor, Role.CONTROLLER, action=action)


def checked_text(value: str, field: Text, limit: int, *, name: str, required: bool = False) -> str:
    """One line of at most ``limit`` characters; a refusal names the input ``name``."""
    try:
        text_ = one_line(value, field=field)
    except ValidationError as exc:
        raise exc.about(name) from None
    if required and not text_:
        raise ValidationError("the {field} is empty", field=field).about(name)
    if len(text_) > limit:
        raise ValidationError(
            "the {field} is longer than {limit} characters", field=field, limit=limit
        ).about(name)
    return text_


def _hand_values(
    session: Session,
    *,
    name: str,
    retention: str,
    department: str | None,
    form_code: str,
    process: str,
    location: str,
    medium: str,
    disposal: str,
) -> dict[str, Any]:
    if medium not in tables.MEDIA:
        raise ValidationError(
            "the medium is {choices}, not {medium!r}", choices=either(tables.MEDIA), medium=medium
        ).about("medium")
    written = checked_text(retention, Text("retention"), 200, name="retention", required=True)
    period = tables.parse_retention(written)
    dept: Department | None = users.get_department(session, department) if department else None
    code = clean(form_code).upper()
    if code and session.exec(select(Document.id).where(Document.code == code)).first() is None:
        raise NotFound("no document with code {code}", code=code).about("form_code")
    return {
        "name": checked_text(name, Text("record"), 500, name="name", required=True),
        "form_code": code,
        "process": checked_text(process, Text("process"), 300, name="process"),
        "department_id": pk(dept) if dept is not None else None,
        "location": checked_text(location, Text("where it is kept"), 300, name="location"),
        "medium": medium,
        "retention_years": period.years,
        "permanent": period.permanent,
        "retention_text": period.text,
        "disposal": checked_text(disposal, Text("disposal method"), 300, name="disposal"),
    }


def add_line(
    session: Session,
    *,
    actor: User,
    name: str,
    retention: str,
    department: str | None = None,
    form_code: str = "",
    process: str = "",
    location: str = "",
    medium: str = tables.PAPER,
    disposal: str = "",
) -> RecordType:
    """Add a line by hand (the coordinator): it stays whatever the procedures become."""
    _check_keeper(session, actor, Text("change the list of records"))
    values = _hand_values(
        session,
        name=name,
        retention=retention,
        department=department,
        form_code=form_code,
        process=process,
        location=location,
        medium=medium,
        disposal=disposal,
    )
    line = RecordType(created_by=actor.username, created_at=utcnow(), **values)
    session.add(line)
    session.flush()
    trail.record(
        session,
        actor=actor.username,
        action="records.add",
        entity="record_type",
        entity_id=pk(line),
        payload={"new": _state(line)},
    )
    session.commit()
    return line


def edit_line(session: Session, *, actor: User, line_id: int, **fields: str | None) -> RecordType:
    """Change a line added by hand; a line read from a procedure changes with it."""
    _check_keeper(session, actor, Text("change the list of records"))
    line = _hand_line(session, line_id)
    old = _state(line)
    current = {
        "name": line.name,
        "retention": line.retention_text,
        "department": _department_code(session, line.department_id),
        "form_code": line.form_code,
        "process": line.process,
        "location": line.location,
        "medium": line.medium,
        "disposal": line.disposal,
    }
    given: dict[str, Any] = {name: value for name, value in fields.items() if value is not None}
    unknown = set(given) - set(current)
    if unknown:
        raise ValidationError("unknown field {field}", field=", ".join(sorted(unknown)))
    for name, value in _hand_values(session, **{**current, **given}).items():
        setattr(line, name, value)
    session.add(line)
    session.flush()
    trail.record(
        session,
        actor=actor.username,
        action="records.edit",
        entity="record_type",
        entity_id=pk(line),
        payload={"old": old, "new": _state(line)},
    )
    session.commit()
    return line


def remove_line(session: Session, *, actor: User, line_id: int, reason: str) -> RecordType:
    """Take a line added by hand off the list; batches kept under it keep their retention."""
    _check_keeper(session, actor, Text("change the list of records"))
    line = _hand_line(session, line_id)
    why = checked_text(reason, Text("reason"), 500, name="reason", required=True)
    line.retired_at = utcnow()
    session.add(line)
    session.flush()
    trail.record(
        session,
        actor=actor.username,
        action="records.remove",
        entity="record_type",
        entity_id=pk(line),
        payload={"old": _state(line), "reason": why},
    )
    session.commit()
    return line


def _hand_line(session: Session, line_id: int) -> RecordType:
    line = get_line(session, line_id)
    if line.document_id is not None:
        doc = session.get(Document, line.document_id)
        raise ValidationError(
            "line {id} comes from the records table of {code}: change that procedure",
            id=line_id,
            code=doc.code if doc else "?",
        )
    return line


def _department_code(session: Session, department_id: int | None) -> str | None:
    if department_id is None:
        return None
    return users.department_by_id(session, department_id).code


def _state(line: RecordType) -> dict[str, Any]:
    return {
        "name": line.name,
        "form_code": line.form_code,
        "process": line.process,
        "department_id": line.department_id,
        "location": line.location,
        "medium": line.medium,
        "retention": line.retention_text,
        "retention_years": line.retention_years,
        "permanent": line.permanent,
        "disposal": line.disposal,
    }
