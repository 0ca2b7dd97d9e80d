"""Build tests/data/previous_version.json: a database made by the previous version.

Run by hand, against the previous version's own code (the commit before the trail and
corrective-action tables were renamed, schema revision 0003), never by the test suite::

    prev=$(mktemp -d) && git worktree add "$prev" c76f6f0
    PYTHONPATH="$prev" .venv/bin/python tests/data/make_previous_version.py
    git worktree remove "$prev"

It makes a SQLite database with that version's services (its test people; QT-01 at
issue 2 with issue 1 superseded, QT-02 at issue 1, their signatures and stored PDFs; an
internal audit reported with a finding and signed; a corrective action opened from the
finding; read acknowledgements) and writes every table's rows, in an order that keeps
foreign keys satisfied, as JSON. A value that JSON cannot hold is tagged:
``{"bytes": base64}``, ``{"datetime": iso}``, ``{"date": iso}``.
tests/test_upgrade_from_previous.py loads it into a schema at 0003 and upgrades it.
"""

import base64
import json
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, select

OUT = Path(__file__).resolve().parent / "previous_version.json"


def encode(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return value


def build(url: str) -> None:
    """Real records through the previous version's services (imported from its tree)."""
    from qms.db import make_engine, upgrade
    from qms.services import audit_reports, audit_work, audits, capa, revisions
    from tests.helpers import act, revise, to_effective
    from tests.seed import PASSWORD, seed_people
    from tests.services.audit_helpers import answer_all, effective_procedures, plan_tp

    engine = make_engine(url)
    upgrade(engine)
    seed_people(engine)
    effective_procedures(engine)  # QT-01 and QT-02 at issue 1
    revise(engine, "QT-01")
    to_effective(engine, "QT-01")  # issue 2 effective, issue 1 superseded
    for user in ("lan", "mai"):
        act(engine, revisions.acknowledge, user, code="QT-01")
    ref = plan_tp(engine)
    act(engine, audits.start, "an", ref=ref)
    answer_all(engine, ref, skip=(1,))
    act(engine, audit_work.record, "an", ref=ref, item=1, result="NC_MINOR",
        evidence="Bản QT-01 lần 1 còn tại quầy", finding="Tài liệu lỗi thời chưa thu hồi")  # fmt: skip
    act(engine, audits.conclude, "an", ref=ref, conclusions="Cơ bản phù hợp", distribution=["Lãnh đạo"])  # fmt: skip
    act(engine, audit_reports.report, "an", ref=ref, password=PASSWORD)
    act(engine, audit_reports.sign, "mai", ref=ref, password=PASSWORD)
    act(engine, capa.open_nonconformity, "an", source="audit_finding", finding=f"{ref}/1")
    engine.dispose()


def export(url: str) -> dict[str, Any]:
    from qms.db import current_revision, make_engine

    engine = make_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    tables: dict[str, Any] = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            rows = connection.execute(select(table).order_by(*order)).all()
            tables[table.name] = {
                "columns": [c.name for c in table.columns],
                "rows": [[encode(v) for v in row] for row in rows],
            }
    revision = current_revision(engine)
    engine.dispose()
    return {"schema_revision": revision, "tables": tables}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'previous.db'}"
        build(url)
        data = export(url)
    if data["schema_revision"] != "0003":
        sys.exit(f"expected the previous version (schema 0003), found {data['schema_revision']}")
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    counts = {name: len(t["rows"]) for name, t in data["tables"].items() if t["rows"]}
    print(f"{OUT.name}: {OUT.stat().st_size:,} bytes, rows {counts}")


if __name__ == "__main__":
    main()
