"""Importing the one-stop-desk dossier statistics: one row per procedure (or per field)
and month with the dossiers received, resolved early, on time and late, and pending within
time or overdue.

The file is checked whole before anything is written; the same file (by SHA-256) imports
once. Each row whose late dossiers exceed the threshold (organisation setting
``desk.late_threshold``, default 5) opens one nonconformity (source late dossier) naming
the procedure and its figures; results of approved objectives computed from these figures
are then filled in.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import insert, text, tuple_
from sqlmodel import Session, col, select

from qms.clock import utcnow
from qms.domain import CapaSource, Role
from qms.errors import Text, ValidationError
from qms.i18n import in_language
from qms.models import Department, DeskImport, DossierStat, User, pk
from qms.services.capa import lifecycle as capa
from qms.services.desk import cells, tables
from qms.services.desk.mapping import COUNTS, DOSSIER_OPTIONAL, DossierMapping, key
from qms.services.objectives import computed
from qms.services.people import organisation, users
from qms.services.trail import chain as trail

KIND = "dossiers"
LATE_THRESHOLD_SETTING = "desk.late_threshold"
DEFAULT_LATE_THRESHOLD = 5
_LIMITS = {"field": 200, "procedure_code": 60, "procedure": 500}
_LOOKUP_BATCH = 500
_IMPORT_LOCK_KEY = 0x514D4453


@dataclass
class ImportResult:
    """What an import did: ``already`` when the same file had been imported before."""

    import_id: int
    rows: int
    already: bool
    periods: list[str] = field(default_factory=list)
    nonconformities: list[str] = field(default_factory=list)
    results: list[str] = field(default_factory=list)


def check_import(session: Session, actor: User) -> None:
    users.require_role(session, actor, Role.CONTROLLER, action=Text("import one-stop-desk figures"))


def serialise_imports(session: Session) -> None:
    """One import at a time on PostgreSQL (SQLite writers already hold the database lock),
    so the same file sent twice at once imports once and overlapping files are compared
    with each other's rows, not refused by the database halfway."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _IMPORT_LOCK_KEY})


def late_threshold(session: Session) -> int:
    raw = organisation.get_setting(session, LATE_THRESHOLD_SETTING).strip()
    return int(raw) if raw.isdigit() else DEFAULT_LATE_THRESHOLD


def import_dossiers(
    session: Session,
    *,
    actor: User,
    data: bytes,
    filename: str,
    max_bytes: int,
    mapping: DossierMapping | None = None,
) -> ImportResult:
    """Import one statistics file (CSV or XLSX) as a whole, or refuse it as a whole."""
    check_import(session, actor)
    tables.check_size(data, filename=filename, limit=max_bytes)
    serialise_imports(session)
    digest = _known_file(session, data)
    if digest is not None:
        return digest
    rows = _parse(session, data, filename, mapping or DossierMapping())
    _refuse_stored(session, rows, filename)
    sha = _sha(data)
    now = utcnow()
    record = DeskImport(
        kind=KIND,
        sha256=sha,
        filename=filename[:255],
        rows=len(rows),
        imported_by_id=pk(actor),
        imported_at=now,
    )
    session.add(record)
    session.flush()
    import_id = pk(record)
    for start in range(0, len(rows), 5000):
        session.execute(
            insert(
                DossierStat.metadata.tables["dossier_stat"]
            ),  # the table itself: no ORM bulk layer
            [{**r.values, "import_id": import_id} for r in rows[start : start + 5000]],
        )
    threshold = late_threshold(session)
    opened = _open_nonconformities(
        session, actor, [r for r in rows if r.values["late"] > threshold], threshold
    )
    periods = sorted({r.values["period"] for r in rows})
    trail.record(
        session,
        actor=actor.username,
        action="desk.import",
        entity="desk_import",
        entity_id=import_id,
        payload={
            "new": {
                "kind": KIND,
                "file": filename,
                "sha256": sha,
                "rows": len(rows),
                "periods": periods,
                "late_threshold": threshold,
                "nonconformities": opened,
            }
        },
    )
    filled = computed.refresh(session, actor=actor, years=sorted({int(p[:4]) for p in periods}))
    session.commit()
    return ImportResult(import_id, len(rows), False, periods, opened, filled)


@dataclass(frozen=True)
class _Row:
    number: int
    values: dict[str, Any]

    @property
    def identity(self) -> tuple[str, str, str]:
        return (self.values["period"], self.values["field"], self.values["procedure_code"])


def _sha(data: bytes) -> str:
    from qms.services.blobs import sha256

    return sha256(data)


def _known_file(session: Session, data: bytes) -> ImportResult | None:
    found = session.exec(
        select(DeskImport).where(DeskImport.kind == KIND, DeskImport.sha256 == _sha(data))
    ).first()
    if found is None:
        return None
    return ImportResult(pk(found), found.rows, True)


def _parse(session: Session, data: bytes, filename: str, mapping: DossierMapping) -> list[_Row]:
    table = tables.read(data, filename=filename)
    where, _ = cells.locate(
        table.headers, mapping.columns, filename=filename, optional=DOSSIER_OPTIONAL
    )
    header = mapping.columns
    if "department" not in where and not mapping.departments:
        raise ValidationError(
            "{file}: the column {column} is missing (or name each field's department in a "
            "mapping file)",
            file=filename,
            column=header["department"],
        )
    today = organisation.today(session)
    departments = _departments(session)
    seen: dict[tuple[str, str, str], int] = {}
    rows: list[_Row] = []
    for number, line in table.rows:
        cells.check_width(line, len(table.headers), filename=filename, row=number)
        values = _row(line, number, where, header, filename, today)
        values["department_id"] = _department_of(
            line, number, where, header, mapping, departments, values["field"], filename
        )
        row = _Row(number, values)
        if row.identity in seen:
            raise cells.refuse(
                filename,
                number,
                header["procedure_code" if "procedure_code" in where else "field"],
                Text("repeats row {row} (same period and procedure)", row=str(seen[row.identity])),
            )
        seen[row.identity] = number
        rows.append(row)
    if not rows:
        raise ValidationError("{file} has no rows of figures", file=filename)
    _refuse_gaps(rows, filename, header["period"])
    return rows


def _refuse_gaps(rows: list[_Row], filename: str, column: str) -> None:
    """Every procedure (or field) of the file has a row for every month the file covers:
    a missing month would make its rates silently wrong."""
    months = sorted({r.values["period"] for r in rows})
    seen: dict[tuple[str, str], set[str]] = {}
    first: dict[tuple[str, str], _Row] = {}
    for row in rows:
        identity = (row.values["field"], row.values["procedure_code"])
        seen.setdefault(identity, set()).add(row.values["period"])
        first.setdefault(identity, row)
    for identity, found in seen.items():
        if len(found) != len(months):
            row = first[identity]
            missing = next(m for m in months if m not in found)
            raise cells.refuse(
                filename,
                row.number,
                column,
                Text(
                    "{procedure} has no row for {period}, which the file covers",
                    procedure=row.values["procedure"]
                    or row.values["procedure_code"]
                    or identity[0],
                    period=missing,
                ),
            )


def _row(
    line: list[tables.Cell],
    number: int,
    where: dict[str, int],
    header: dict[str, str],
    filename: str,
    today: date,
) -> dict[str, Any]:
    period = cells.period(
        line,
        where["period"],
        filename=filename,
        row=number,
        column=header["period"],
        today=today,
        months_only=True,
    )
    values: dict[str, Any] = {"period": period.key}
    for name, limit in _LIMITS.items():
        text = cells.text_cell(line, where.get(name))
        if len(text) > limit:
            raise cells.refuse(
                filename, number, header[name], Text("longer than {limit} characters", limit=limit)
            )
        values[name] = text
    if not values["field"]:
        raise cells.refuse(filename, number, header["field"], Text("the field is missing"))
    for name in COUNTS:
        values[name] = cells.count(
            line, where[name], filename=filename, row=number, column=header[name]
        )
    resolved = values["early"] + values["on_time"] + values["late"]
    pending = values["pending_in_time"] + values["pending_overdue"]
    if resolved + pending != values["received"]:
        raise cells.refuse(
            filename,
            number,
            header["received"],
            Text(
                "resolved ({resolved}) plus pending ({pending}) is {total}, not the "
                "{received} received",
                resolved=str(resolved),
                pending=str(pending),
                total=str(resolved + pending),
                received=str(values["received"]),
            ),
        )
    return values


def _departments(session: Session) -> dict[str, int]:
    """Departments by code and by name, as the files write them."""
    found: dict[str, int] = {}
    for dept in users.list_departments(session):
        for name in (dept.code, dept.name, dept.name_en):
            if name:
                found[key(name)] = pk(dept)
    return found


def _department_of(
    line: list[tables.Cell],
    number: int,
    where: dict[str, int],
    header: dict[str, str],
    mapping: DossierMapping,
    departments: dict[str, int],
    field_name: str,
    filename: str,
) -> int:
    written = cells.text_cell(line, where.get("department"))
    column = header["department"] if "department" in where else header["field"]
    if not written:
        written = mapping.departments.get(key(field_name), "")
    if not written:
        raise cells.refuse(filename, number, column, Text("the department is missing"))
    found = departments.get(key(written))
    if found is None:
        raise cells.refuse(filename, number, column, Text("no department {value!r}", value=written))
    return found


def _refuse_stored(session: Session, rows: list[_Row], filename: str) -> None:
    """A row already imported from another file is refused (with the earlier file)."""
    identities = [r.identity for r in rows]
    by_identity = {r.identity: r for r in rows}
    for start in range(0, len(identities), _LOOKUP_BATCH):
        batch = identities[start : start + _LOOKUP_BATCH]
        clash = session.exec(
            select(
                DossierStat.period,
                DossierStat.field,
                DossierStat.procedure_code,
                DeskImport.filename,
            )
            .join(DeskImport, col(DeskImport.id) == DossierStat.import_id)
            .where(
                tuple_(
                    col(DossierStat.period), col(DossierStat.field), col(DossierStat.procedure_code)
                ).in_(batch)
            )
            .limit(1)
        ).first()
        if clash is not None:
            row = by_identity[(clash[0], clash[1], clash[2])]
            raise ValidationError(
                "{file}, row {row}: {procedure} of {period} was already imported from {earlier}",
                file=filename,
                row=str(row.number),
                procedure=row.values["procedure"]
                or row.values["procedure_code"]
                or row.values["field"],
                period=clash[0],
                earlier=clash[3],
            )


def _open_nonconformities(
    session: Session, actor: User, late_rows: list[_Row], threshold: int
) -> list[str]:
    if not late_rows:
        return []
    language = organisation.get_setting(session, "organisation.language") or "vi"
    opened = []
    for row in late_rows:
        v = row.values
        stat = session.exec(
            select(DossierStat).where(
                DossierStat.period == v["period"],
                DossierStat.field == v["field"],
                DossierStat.procedure_code == v["procedure_code"],
            )
        ).one()
        dept = session.get(Department, v["department_id"])
        assert dept is not None
        description = Text(
            "Late dossiers at the one-stop desk: {procedure} (field {field}), {period}: "
            "{late} of {resolved} resolved dossiers were late and {overdue} pending dossiers "
            "are overdue ({received} received; threshold {threshold} late dossiers).",
            procedure=" - ".join(p for p in (v["procedure_code"], v["procedure"]) if p)
            or v["field"],
            field=v["field"],
            period=v["period"],
            late=str(v["late"]),
            resolved=str(v["early"] + v["on_time"] + v["late"]),
            overdue=str(v["pending_overdue"]),
            received=str(v["received"]),
            threshold=str(threshold),
        )
        car = capa.add_nonconformity(
            session,
            actor=actor,
            source=CapaSource.LATE_DOSSIER.value,
            description=in_language(description, language),
            department=dept.code,
            clause="8.5.1",
            severity="minor",
        )
        stat.capa_id = pk(car)
        session.add(stat)
        opened.append(car.ref)
    session.flush()
    return opened
