"""The sample district's batches of records kept (the procedures folder's ``data``),
registered against the list of records built from the sample procedures."""

from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session, col, select

from qms.errors import ValidationError
from qms.models import RecordType
from qms.services.people import organisation, users
from qms.services.records import batches

RECORDS_FILE = "ho-so-luu-tru.yaml"
DISPOSAL_SETTING = "records.disposal"


def install(session: Session, *, folder: Path) -> int:
    """Register every batch of the sample; returns how many."""
    path = folder / "data" / RECORDS_FILE
    if not path.exists():
        return 0
    plan: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    keeper = users.get_active_user(session, plan["kept_by"])
    organisation.set_setting(
        session, actor=keeper.username, key=DISPOSAL_SETTING, value=plan["disposal"]
    )
    session.commit()
    for entry in plan["batches"]:
        line = session.exec(
            select(RecordType)
            .where(RecordType.name == entry["record"])
            .where(col(RecordType.retired_at).is_(None))
        ).first()
        if line is None or line.id is None:
            raise ValidationError(
                "{file}: the list of records has no {record}", file=RECORDS_FILE,
                record=entry["record"],
            )  # fmt: skip
        batches.keep_batch(
            session,
            actor=keeper,
            line_id=line.id,
            year=int(entry["year"]),
            count=int(entry["count"]) if entry.get("count") else None,
            description=entry.get("description", ""),
        )
    return len(plan["batches"])
