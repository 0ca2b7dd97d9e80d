"""Importing citizen satisfaction surveys (ISO 9001 9.1.2), on the survey's own scale
(form BM-MC-01 by default): either one row per respondent with one column per question,
or counts aggregated per question, field and period with one column per level of the
scale. Both are stored as counts per question and level; the satisfaction rate is the
share of answers at a satisfied level.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert
from sqlmodel import Session, col, select

from qms.clock import utcnow
from qms.errors import Text, ValidationError
from qms.models import DeskImport, SatisfactionCount, User, pk
from qms.services.desk import cells, tables
from qms.services.desk.dossiers import ImportResult, check_import, serialise_imports
from qms.services.desk.mapping import SurveyMapping, key
from qms.services.objectives import computed
from qms.services.objectives.periods import Period
from qms.services.people import organisation
from qms.services.trail import chain as trail

KIND = "satisfaction"


@dataclass(frozen=True)
class _Count:
    period: Period
    field: str
    question: str
    level: str
    answers: int


def import_survey(
    session: Session,
    *,
    actor: User,
    data: bytes,
    filename: str,
    max_bytes: int,
    mapping: SurveyMapping | None = None,
) -> ImportResult:
    """Import one survey file (CSV or XLSX) as a whole, or refuse it as a whole."""
    check_import(session, actor)
    tables.check_size(data, filename=filename, limit=max_bytes)
    serialise_imports(session)
    from qms.services.blobs import sha256

    sha = sha256(data)
    known = session.exec(
        select(DeskImport).where(DeskImport.kind == KIND, DeskImport.sha256 == sha)
    ).first()
    if known is not None:
        return ImportResult(pk(known), known.rows, True)
    survey = mapping or SurveyMapping()
    table = tables.read(data, filename=filename)
    today = organisation.today(session)
    if key(survey.columns["respondent"]) in {key(h) for h in table.headers}:
        counts, rows = _per_respondent(table, survey, filename, today)
    else:
        counts, rows = _aggregated(table, survey, filename, today)
    _refuse_stored(session, counts, filename)
    record = DeskImport(
        kind=KIND,
        sha256=sha,
        filename=filename[:255],
        rows=rows,
        imported_by_id=pk(actor),
        imported_at=utcnow(),
    )
    session.add(record)
    session.flush()
    satisfied = {key(level) for level in survey.satisfied}
    session.execute(
        insert(
            SatisfactionCount.metadata.tables["satisfaction_count"]
        ),  # the table itself: no ORM bulk layer
        [
            {
                "import_id": pk(record),
                "period": c.period.key,
                "period_end": c.period.end,
                "field": c.field,
                "question": c.question,
                "level": c.level,
                "satisfied": key(c.level) in satisfied,
                "answers": c.answers,
            }
            for c in counts
        ],
    )
    periods = sorted({c.period.key for c in counts})
    trail.record(
        session,
        actor=actor.username,
        action="desk.import",
        entity="desk_import",
        entity_id=pk(record),
        payload={
            "new": {
                "kind": KIND,
                "file": filename,
                "sha256": sha,
                "rows": rows,
                "periods": periods,
                "answers": sum(c.answers for c in counts),
            }
        },
    )
    filled = computed.refresh(session, actor=actor, years=sorted({c.period.year for c in counts}))
    session.commit()
    return ImportResult(pk(record), rows, False, periods, [], filled)


def _per_respondent(
    table: tables.Table, survey: SurveyMapping, filename: str, today: date
) -> tuple[list[_Count], int]:
    columns = {k: survey.columns[k] for k in ("period", "field", "respondent")}
    where, questions = cells.locate(
        table.headers, columns, filename=filename, extra=survey.questions
    )
    if not questions:
        raise ValidationError(
            "{file}: no question columns (expected {first} ...)",
            file=filename,
            first=survey.questions[0],
        )
    levels = _levels(survey)
    seen: dict[tuple[str, str, str], int] = {}
    totals: dict[tuple[Period, str, str, str], int] = defaultdict(int)
    rows = 0
    for number, line in table.rows:
        cells.check_width(line, len(table.headers), filename=filename, row=number)
        period, field = _period_and_field(line, number, where, columns, filename, today)
        respondent = cells.text_cell(line, where["respondent"])
        if not respondent:
            raise cells.refuse(
                filename, number, columns["respondent"], Text("the respondent number is missing")
            )
        identity = (period.key, field, respondent)
        if identity in seen:
            raise cells.refuse(
                filename,
                number,
                columns["respondent"],
                Text(
                    "repeats row {row} (same period, field and respondent)", row=str(seen[identity])
                ),
            )
        seen[identity] = number
        for question, position in questions.items():
            answer = cells.text_cell(line, position)
            if not answer:
                continue  # not answered
            level = levels.get(key(answer))
            if level is None:
                raise cells.refuse(
                    filename,
                    number,
                    question,
                    Text(
                        "{value!r} is not on the scale ({levels})",
                        value=answer,
                        levels=", ".join(f"{i}={lv}" for i, lv in enumerate(survey.levels, 1)),
                    ),
                )
            totals[(period, field, question, level)] += 1
        rows += 1
    if not rows:
        raise ValidationError("{file} has no rows of figures", file=filename)
    return [_Count(p, f, q, lv, n) for (p, f, q, lv), n in totals.items()], rows


def _aggregated(
    table: tables.Table, survey: SurveyMapping, filename: str, today: date
) -> tuple[list[_Count], int]:
    columns = {k: survey.columns[k] for k in ("period", "field", "question")}
    where, level_at = cells.locate(table.headers, columns, filename=filename, extra=survey.levels)
    missing = [level for level in survey.levels if level not in level_at]
    if missing:
        raise ValidationError(
            "{file}: the column {column} is missing", file=filename, column=missing[0]
        )
    seen: dict[tuple[str, str, str], int] = {}
    counts: list[_Count] = []
    rows = 0
    for number, line in table.rows:
        cells.check_width(line, len(table.headers), filename=filename, row=number)
        period, field = _period_and_field(line, number, where, columns, filename, today)
        question = cells.text_cell(line, where["question"])
        if not question:
            raise cells.refuse(
                filename, number, columns["question"], Text("the question is missing")
            )
        if len(question) > 300:
            raise cells.refuse(
                filename,
                number,
                columns["question"],
                Text("longer than {limit} characters", limit=300),
            )
        identity = (period.key, key(field), key(question))
        if identity in seen:
            raise cells.refuse(
                filename,
                number,
                columns["question"],
                Text(
                    "repeats row {row} (same period, field and question)", row=str(seen[identity])
                ),
            )
        seen[identity] = number
        for level in survey.levels:
            answers = cells.count(
                line, level_at[level], filename=filename, row=number, column=level
            )
            if answers:
                counts.append(_Count(period, field, question, level, answers))
        rows += 1
    if not rows:
        raise ValidationError("{file} has no rows of figures", file=filename)
    return counts, rows


def _levels(survey: SurveyMapping) -> dict[str, str]:
    """Each level by its words and by its number on the form (1 = the first column)."""
    found = {key(level): level for level in survey.levels}
    found.update({str(i): level for i, level in enumerate(survey.levels, 1)})
    return found


def _period_and_field(
    line: list[tables.Cell],
    number: int,
    where: dict[str, int],
    columns: dict[str, str],
    filename: str,
    today: date,
) -> tuple[Period, str]:
    period = cells.period(
        line,
        where["period"],
        filename=filename,
        row=number,
        column=columns["period"],
        today=today,
        months_only=False,
    )
    field = cells.text_cell(line, where["field"])
    if not field:
        raise cells.refuse(filename, number, columns["field"], Text("the field is missing"))
    if len(field) > 200:
        raise cells.refuse(
            filename, number, columns["field"], Text("longer than {limit} characters", limit=200)
        )
    return period, field


def _refuse_stored(session: Session, counts: list[_Count], filename: str) -> None:
    """A field's survey of a period comes from one file."""
    wanted = {(c.period.key, c.field) for c in counts}
    for period_key in sorted({p for p, _ in wanted}):
        stored = session.exec(
            select(SatisfactionCount.field, DeskImport.filename)
            .join(DeskImport, col(DeskImport.id) == SatisfactionCount.import_id)
            .where(SatisfactionCount.period == period_key)
        ).all()
        for field, earlier in stored:
            if (period_key, field) in wanted:
                raise ValidationError(
                    "{file}: the survey of {field} for {period} was already imported from {earlier}",
                    file=filename,
                    field=field,
                    period=period_key,
                    earlier=earlier,
                )
