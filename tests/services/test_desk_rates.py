"""The one-stop-desk rate tables are summed by the database: over a generated year of
figures and survey answers, every table (per procedure, field and department; monthly,
quarterly and half-yearly) equals the sum of the stored rows taken one by one, and no
stored row is loaded as an object to get it."""

import random
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.models import DossierStat, SatisfactionCount
from qms.services.desk import rates
from qms.services.objectives import periods
from qms.services.objectives.periods import Frequency
from tests.services import objectives_setup as obj

YEAR = 2025
FIELDS = [("Tư pháp - Hộ tịch", "TP"), ("Đất đai", "MC"), ("Xây dựng", "MC"), ("Kinh doanh", "VP")]


def figures(rnd: random.Random) -> list[list[Any]]:
    """A year of statistics: procedures in every field, one procedure code in two fields
    (one name, two rows a month), and a field reported as a whole (no procedure code)."""
    out: list[list[Any]] = []
    for month in range(1, 13):
        period = f"{YEAR}-{month:02d}"
        lines = [(field, dept, f"1.{n:06d}") for n in range(8) for field, dept in [FIELDS[n % 4]]]
        lines += [("Xây dựng", "MC", "1.000001"), ("Kinh doanh", "VP", "")]
        for field, dept, code in lines:
            early, on_time, late = rnd.randint(0, 40), rnd.randint(0, 60), rnd.randint(0, 2)
            pending, overdue = rnd.randint(0, 5), rnd.randint(0, 3)
            received = early + on_time + late + pending + overdue
            name = f"Thủ tục {code}" if code else ""
            out.append(
                [period, field, code, name, dept, received, early, on_time, late, pending, overdue]
            )
    return out


def answers(rnd: random.Random) -> list[list[Any]]:
    """Survey counts per month for some fields and per quarter for the others."""
    keys = [f"{YEAR}-{m:02d}" for m in range(1, 13)] + [f"{YEAR}-Q{q}" for q in range(1, 5)]
    return [
        [key, field, question, *(rnd.randint(0, 30) for _ in range(4))]
        for key in keys
        for field, _ in FIELDS[: 2 if "Q" in key else 4]
        for question in ("Câu 1", "Đánh giá chung")
    ]


def summed_one_by_one(engine: Engine, by: str, frequency: Frequency) -> list[tuple[Any, ...]]:
    of_month = {m: p.key for p in periods.of_year(YEAR, frequency) for m in p.month_keys()}
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    with engine.connect() as connection:
        codes = dict(connection.execute(text("SELECT id, code FROM department")).all())
        for row in connection.execute(text("SELECT * FROM dossier_stat")).mappings():
            if row["period"] not in of_month:
                continue
            group = {
                "procedure": " - ".join(p for p in (row["procedure_code"], row["procedure"]) if p)
                or row["field"],
                "field": row["field"],
                "department": codes[row["department_id"]],
            }[by]
            resolved_in_time = row["early"] + row["on_time"]
            t = totals[(of_month[row["period"]], group)]
            for i, value in enumerate(
                (
                    row["received"],
                    resolved_in_time + row["late"],
                    resolved_in_time,
                    row["late"],
                    row["pending_overdue"],
                )
            ):
                t[i] += value
    return [(p, g, *t) for (p, g), t in sorted(totals.items())]


def satisfaction_one_by_one(engine: Engine, frequency: Frequency) -> list[tuple[Any, ...]]:
    owner: dict[str, str] = {}
    for period in periods.of_year(YEAR, frequency):
        inside = {period.key, *period.month_keys()}
        if period.months >= 3:  # the quarters inside it
            inside |= {
                periods.Period(YEAR, first, 3).key
                for first in range(period.first_month, period.first_month + period.months, 3)
            }
        owner |= dict.fromkeys(inside, period.key)
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    with engine.connect() as connection:
        for row in connection.execute(text("SELECT * FROM satisfaction_count")).mappings():
            if row["period"] in owner:
                t = totals[(owner[row["period"]], row["field"])]
                t[0] += row["answers"]
                t[1] += row["answers"] if row["satisfied"] else 0
    return [(p, f, *t) for (p, f), t in sorted(totals.items())]


@contextmanager
def objects_loaded() -> Iterator[list[object]]:
    """The stored figures and answers loaded as objects while the block runs."""
    loaded: list[object] = []

    def count(target: object, _context: object) -> None:
        loaded.append(target)

    for model in (DossierStat, SatisfactionCount):
        event.listen(model, "load", count)
    try:
        yield loaded
    finally:
        for model in (DossierStat, SatisfactionCount):
            event.remove(model, "load", count)


@pytest.fixture
def year_of_figures(engine: Engine) -> Engine:
    rnd = random.Random(13)
    obj.import_stats(engine, obj.csv_bytes(figures(rnd)))
    obj.import_survey(engine, obj.csv_bytes(answers(rnd), obj.SURVEY_HEADERS))
    return engine


@pytest.mark.parametrize("frequency", list(Frequency))
def test_the_rate_tables_equal_the_stored_rows_summed_one_by_one(
    year_of_figures: Engine, frequency: Frequency
) -> None:
    engine = year_of_figures
    with read_session(engine) as session, objects_loaded() as loaded:
        tables = {
            by: rates.on_time_table(session, year=YEAR, by=by, frequency=frequency)
            for by in rates.GROUPS
        }
        satisfaction = rates.satisfaction_table(session, year=YEAR, frequency=frequency)
    assert loaded == []
    for by, table in tables.items():
        shown = [
            (r.period, r.group, r.received, r.resolved, r.on_time, r.late, r.pending_overdue)
            for r in table
        ]
        assert shown == summed_one_by_one(engine, by, frequency), by
        assert all(isinstance(value, int) for row in shown for value in row[2:])
    assert len(tables["procedure"]) == len(periods.of_year(YEAR, frequency)) * 9
    assert [(r.period, r.field, r.answers, r.satisfied) for r in satisfaction] == (
        satisfaction_one_by_one(engine, frequency)
    )
    assert {r.period for r in satisfaction} == {p.key for p in periods.of_year(YEAR, frequency)}
