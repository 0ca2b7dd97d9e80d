"""Quality objectives and one-stop-desk files for the tests: objectives drafted and
approved through the services, and real CSV and XLSX files written here."""

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from sqlalchemy.engine import Engine

from qms.services.desk import dossiers, satisfaction
from qms.services.desk.mapping import default_dossier_columns
from qms.services.objectives import lifecycle
from tests.helpers import act
from tests.seed import PASSWORD

MAX_BYTES = 1024 * 1024
HEADERS = list(default_dossier_columns().values())
SURVEY_HEADERS = [
    "Kỳ báo cáo",
    "Lĩnh vực",
    "Câu hỏi",
    "Rất hài lòng",
    "Hài lòng",
    "Bình thường",
    "Không hài lòng",
]

ON_TIME = {
    "indicator": "Hồ sơ TTHC được giải quyết đúng hạn",
    "unit": "%",
    "target": 98,
    "direction": "at_least",
    "frequency": "quarterly",
    "owner": "hung",
    "plan_what": "Theo dõi hồ sơ sắp đến hạn hằng ngày",
    "plan_who": "Bộ phận Một cửa",
    "plan_when": "Hằng tháng",
    "evaluation": "Số hồ sơ đúng hạn / số hồ sơ đã giải quyết",
}


def draft(
    engine: Engine,
    actor: str = "thu",
    year: int = 2026,
    department: str | None = "MC",
    **changes: Any,
) -> str:
    version = act(
        engine,
        lifecycle.draft_objective,
        actor,
        year=year,
        department=department,
        **{**ON_TIME, **changes},
    )
    from qms.db import read_session

    with read_session(engine) as session:
        return lifecycle.get_objective_by_id(session, version.objective_id).ref


def approve(engine: Engine, *refs: str, actor: str = "hai") -> None:
    act(engine, lifecycle.approve_objectives, actor, refs=list(refs), password=PASSWORD)


def approved(engine: Engine, **changes: Any) -> str:
    ref = draft(engine, **changes)
    approve(engine, ref)
    return ref


# One row per procedure and month: period, field, code, name, department, then
# received, early, on time, late, pending in time, pending overdue.
def stat(
    period: str,
    code: str = "1.001193",
    late: int = 0,
    *,
    field: str = "Tư pháp - Hộ tịch",
    dept: str = "TP",
    on_time: int = 50,
) -> list[Any]:
    received = 10 + on_time + late + 3
    return [period, field, code, f"Thủ tục {code}", dept, received, 10, on_time, late, 2, 1]


def quarter(
    code: str = "1.001193",
    late: dict[str, int] | None = None,
    months: Sequence[int] = (7, 8, 9),
    **kw: Any,
) -> list[list[Any]]:
    late = late or {}
    return [stat(f"2026-{m:02d}", code, late.get(f"2026-{m:02d}", 0), **kw) for m in months]


def csv_bytes(
    rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS, delimiter: str = ","
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_stats(
    engine: Engine, data: bytes, filename: str = "thong-ke.csv", actor: str = "thu", **kw: Any
) -> dossiers.ImportResult:
    return act(
        engine,
        dossiers.import_dossiers,
        actor,
        data=data,
        filename=filename,
        max_bytes=kw.pop("max_bytes", MAX_BYTES),
        **kw,
    )


def import_survey(
    engine: Engine, data: bytes, filename: str = "khao-sat.csv", actor: str = "thu", **kw: Any
) -> dossiers.ImportResult:
    return act(
        engine,
        satisfaction.import_survey,
        actor,
        data=data,
        filename=filename,
        max_bytes=kw.pop("max_bytes", MAX_BYTES),
        **kw,
    )
