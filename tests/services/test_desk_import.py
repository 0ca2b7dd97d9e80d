"""Importing the one-stop-desk dossier statistics from real CSV and XLSX files: on-time
rates per procedure, field and department, late dossiers that open one nonconformity per
procedure and period, idempotent re-imports, results computed for objectives, and files
refused as a whole with the row and column named."""

import io
import json
import zipfile
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import PermissionDenied, ValidationError
from qms.services.capa import views as capa_views
from qms.services.desk import dossiers, mapping, rates, tables
from qms.services.objectives import views
from qms.services.objectives.periods import Frequency
from qms.services.people import organisation
from qms.services.trail import chain as trail
from tests.helpers import act, refused, snapshot
from tests.services import objectives_setup as obj
from tests.services.test_concurrency import race


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_import_gives_on_time_rates_and_opens_one_nonconformity_per_late_row(
    engine: Engine, kind: str
) -> None:
    rows = [
        *obj.quarter("1.001193", late={"2026-08": 9}),
        *obj.quarter("1.011612", field="Xây dựng", dept="MC", on_time=20),
    ]
    data = obj.csv_bytes(rows) if kind == "csv" else obj.xlsx_bytes(rows)
    result = obj.import_stats(engine, data, filename=f"thong-ke.{kind}")
    year = 2026
    assert (result.rows, result.already, result.periods) == (
        6,
        False,
        ["2026-07", "2026-08", "2026-09"],
    )
    assert result.nonconformities == [f"CAR-{year}-001"]
    with read_session(engine) as session:
        record = capa_views.detail(session, viewer=None, ref=result.nonconformities[0])
        by_field = rates.on_time_table(
            session, year=year, by="field", frequency=Frequency.QUARTERLY
        )
        by_procedure = rates.on_time_table(session, year=year, by="procedure")
        by_dept = rates.on_time_table(session, year=year, by="department")
        event = trail.events(session, entity="desk_import", entity_id=str(result.import_id))[0]
    assert (record.source, record.department, record.severity) == ("late_dossier", "TP", "minor")
    assert "1.001193" in record.description
    assert "9 trên 69 hồ sơ đã giải quyết bị trễ hạn" in record.description
    assert "2026-08" in record.description
    assert [(r.period, r.group, r.resolved, r.late, r.rate) for r in by_field] == [
        ("2026-Q3", "Tư pháp - Hộ tịch", 189, 9, 95.24),
        ("2026-Q3", "Xây dựng", 90, 0, 100.0),
    ]
    assert [r.group for r in by_procedure if r.period == "2026-08"] == [
        "1.001193 - Thủ tục 1.001193",
        "1.011612 - Thủ tục 1.011612",
    ]
    assert {(r.period, r.group) for r in by_dept} >= {("2026-08", "TP"), ("2026-08", "MC")}
    payload = json.loads(event.payload)["new"]
    assert (payload["rows"], payload["nonconformities"]) == (6, ["CAR-2026-001"])
    assert len(payload["sha256"]) == 64


def test_the_same_file_imports_once_and_changes_nothing_the_second_time(engine: Engine) -> None:
    data = obj.csv_bytes(obj.quarter(late={"2026-07": 8}))
    first = obj.import_stats(engine, data)
    before = snapshot(engine)
    again = obj.import_stats(engine, data, filename="renamed.csv")
    assert (again.already, again.import_id, again.nonconformities) == (True, first.import_id, [])
    assert snapshot(engine) == before


def test_the_late_threshold_is_a_setting(engine: Engine) -> None:
    with obj_session(engine) as session:
        organisation.set_setting(
            session, actor="thu", key=dossiers.LATE_THRESHOLD_SETTING, value="10"
        )
        session.commit()
    result = obj.import_stats(
        engine, obj.csv_bytes(obj.quarter(late={"2026-07": 9, "2026-08": 11}))
    )
    assert result.nonconformities == ["CAR-2026-001"]
    with read_session(engine) as session:
        assert "2026-08" in capa_views.detail(session, viewer=None, ref="CAR-2026-001").description


def test_imported_figures_compute_the_results_of_approved_objectives(engine: Engine) -> None:
    ref = obj.approved(engine, measure="on_time_rate", scope_kind="field", scope_value="Xây dựng")
    first = obj.import_stats(
        engine, obj.csv_bytes(obj.quarter("1.011612", field="Xây dựng", dept="MC", months=(1, 2)))
    )
    assert first.results == []  # March is missing: the quarter is not complete
    second = obj.import_stats(
        engine,
        obj.csv_bytes(
            [
                obj.stat("2026-03", "1.011612", 12, field="Xây dựng", dept="MC", on_time=28),
                *obj.quarter("1.011612", field="Xây dựng", dept="MC", months=(4, 5, 6)),
            ]
        ),
    )
    assert second.results == [f"{ref} 2026-Q1", f"{ref} 2026-Q2"]
    with read_session(engine) as session:
        shown = views.objective_view(session, ref).results
    # Q1: 60 + 60 + 38 on time of 60 + 60 + 50 resolved.
    assert [(r.period, r.value, r.met, r.origin, r.trend) for r in shown] == [
        ("2026-Q1", 92.94, False, "computed", ""),
        ("2026-Q2", 100.0, True, "computed", "better"),
    ]


def test_a_mapping_file_names_other_headers_and_each_fields_department(engine: Engine) -> None:
    text = """
dossiers:
  columns: {received: "Số hồ sơ nhận", late: "Trễ hẹn", period: "Tháng"}
  departments: {"tư pháp - hộ tịch": TP}
"""
    columns = mapping.parse(text, filename="cot.yaml").dossiers
    headers = [columns.columns[k] for k in mapping.DOSSIER_FIGURES if k != "department"]
    rows = [[*r[:4], *r[5:]] for r in obj.quarter()]
    rows[0][0] = "07/2026"
    result = obj.import_stats(
        engine, obj.xlsx_bytes(rows, headers), filename="x.xlsx", mapping=columns
    )
    assert result.periods == ["2026-07", "2026-08", "2026-09"]


def _rows() -> list[list[Any]]:
    return obj.quarter() + obj.quarter("2.000815", field="Tư pháp - Chứng thực")


def _with(row: int, column: int, value: Any) -> list[list[Any]]:
    rows = _rows()
    rows[row - 2][column] = value
    return rows


BAD_FILES = [
    # (rows, headers, message)
    (_rows(), [*obj.HEADERS[:-1], "Ghi chú"], r"row 1: unknown column Ghi chú"),
    (_rows(), obj.HEADERS[:-1], r"the column Quá hạn is missing"),
    (_with(3, 0, ""), obj.HEADERS, r"row 3, column Kỳ báo cáo: the period is missing"),
    (_with(4, 0, "tháng 7"), obj.HEADERS, r"row 4, column Kỳ báo cáo: 'tháng 7' is not a month"),
    (_with(5, 8, -2), obj.HEADERS, r"row 5, column Trễ hạn: the count -2 is negative"),
    (_with(6, 7, "năm mươi"), obj.HEADERS, r"row 6, column Đúng hạn: 'năm mươi' is not a whole"),
    (
        _with(2, 9, 2.5),
        obj.HEADERS,
        r"row 2, column Đang giải quyết trong hạn: '2.5' is not a whole",
    ),
    (_with(2, 10, ""), obj.HEADERS, r"row 2, column Quá hạn: the count is missing"),
    (_with(7, 5, 999), obj.HEADERS, r"row 7, column Tiếp nhận: resolved \(60\) plus pending \(3\)"),
    (
        _with(3, 0, "2027-01"),
        obj.HEADERS,
        r"row 3, column Kỳ báo cáo: the period 2027-01 is in the future",
    ),
    (_with(3, 0, "2026-07"), obj.HEADERS, r"row 3, column Mã thủ tục: repeats row 2"),
    (_with(4, 4, "XX"), obj.HEADERS, r"row 4, column Đơn vị: no department 'XX'"),
    (
        [*_rows()[:2], [*_rows()[2], "", 7]],
        obj.HEADERS,
        r"row 4: a value in column 13, which has no header",
    ),
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize(("rows", "headers", "message"), BAD_FILES)
def test_a_bad_file_is_refused_whole_naming_the_row_and_column(
    engine: Engine, kind: str, rows: list[list[Any]], headers: list[str], message: str
) -> None:
    data = obj.csv_bytes(rows, headers) if kind == "csv" else obj.xlsx_bytes(rows, headers)
    refused(
        engine, ValidationError, dossiers.import_dossiers, "thu", f"thong-ke.{kind}, {message}"
        if "row" in message else message,
        data=data, filename=f"thong-ke.{kind}", max_bytes=obj.MAX_BYTES,
    )  # fmt: skip


def test_a_row_imported_from_another_file_is_refused(engine: Engine) -> None:
    obj.import_stats(engine, obj.csv_bytes(obj.quarter()), filename="thang-7-9.csv")
    overlapping = obj.csv_bytes([obj.stat("2026-06"), obj.stat("2026-07", on_time=51)])
    refused(
        engine, ValidationError, dossiers.import_dossiers, "thu",
        "quy-3.csv, row 3: Thủ tục 1.001193 of 2026-07 was already imported from thang-7-9.csv",
        data=overlapping, filename="quy-3.csv", max_bytes=obj.MAX_BYTES,
    )  # fmt: skip


def test_an_oversized_file_is_refused_before_it_is_parsed(engine: Engine) -> None:
    not_even_a_table = b"\xff" * 2048
    refused(
        engine, ValidationError, dossiers.import_dossiers, "thu", "larger than 1,024 bytes",
        data=not_even_a_table, filename="lon.csv", max_bytes=1024,
    )  # fmt: skip


def test_a_damaged_workbook_is_one_refusal(engine: Engine) -> None:
    refused(
        engine, ValidationError, dossiers.import_dossiers, "thu", "cannot be read as an XLSX",
        data=b"PK\x03\x04" + b"\x00" * 100, filename="hong.xlsx", max_bytes=obj.MAX_BYTES,
    )  # fmt: skip


@pytest.mark.parametrize("actor", ["lan", "hung", "hai"])
def test_only_coordinators_import(engine: Engine, actor: str) -> None:
    refused(
        engine, PermissionDenied, dossiers.import_dossiers, actor, "controller role",
        data=obj.csv_bytes(obj.quarter()), filename="x.csv", max_bytes=obj.MAX_BYTES,
    )  # fmt: skip


def obj_session(engine: Engine):  # type: ignore[no-untyped-def]
    from qms.db import write_session

    return write_session(engine)


def test_the_import_is_on_the_trail_with_the_files_hash(engine: Engine) -> None:
    data = obj.csv_bytes(obj.quarter(), delimiter=";")
    result = act(
        engine,
        dossiers.import_dossiers,
        "thu",
        data=data,
        filename="a.csv",
        max_bytes=obj.MAX_BYTES,
    )
    from qms.services.blobs import sha256

    with read_session(engine) as session:
        events = trail.events(session, entity="desk_import", entity_id=str(result.import_id))
    assert [json.loads(e.payload)["new"]["sha256"] for e in events] == [sha256(data)]


def test_the_same_file_sent_twice_at_once_imports_once(engine: Engine, db_url: str) -> None:
    data = obj.csv_bytes(obj.quarter(late={"2026-08": 6}))
    outcomes = race(db_url, [lambda e: obj.import_stats(e, data)] * 2)
    assert sorted(o.already for o in outcomes) == [False, True]
    with read_session(engine) as session:
        assert len(rates.on_time_table(session, year=2026, by="procedure")) == 3
        assert len(capa_views.list_capas(session, viewer=None)) == 1


def test_a_workbook_that_unpacks_beyond_the_cap_is_refused_before_it_is_parsed(
    engine: Engine,
) -> None:
    """A small XLSX whose parts unpack to gigabytes (a zip bomb) is refused on the
    unpacked size, not only on the size of the file as sent."""
    out = io.BytesIO()
    workbook = io.BytesIO(obj.xlsx_bytes(obj.quarter()))
    with zipfile.ZipFile(workbook) as book, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in book.infolist():
            bomb.writestr(info, book.read(info))
        bomb.writestr("xl/media/padding.bin", b"\0" * (30 * 1024 * 1024))
    data = out.getvalue()
    assert len(data) < obj.MAX_BYTES
    refused(
        engine, ValidationError, dossiers.import_dossiers, "thu",
        f"bom.xlsx unpacks to more than {obj.MAX_BYTES * tables.EXPANSION_FACTOR:,} bytes",
        data=data, filename="bom.xlsx", max_bytes=obj.MAX_BYTES,
    )  # fmt: skip


def test_a_workbook_with_a_damaged_part_is_one_refusal(engine: Engine) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/workbook.xml", b"<workbook/>" * 1000)
    data = bytearray(out.getvalue())
    start = data.index(b"xl/workbook.xml") + len(b"xl/workbook.xml")
    data[start + 10 : start + 20] = b"\xff" * 10  # the compressed stream, broken
    refused(
        engine, ValidationError, dossiers.import_dossiers, "thu",
        r"hong\.xlsx cannot be read as an XLSX workbook \(BadZipFile\)",
        data=bytes(data), filename="hong.xlsx", max_bytes=obj.MAX_BYTES,
    )  # fmt: skip
