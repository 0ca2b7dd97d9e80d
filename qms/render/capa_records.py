"""Corrective-action PDFs: one record (phiếu CAR) and the register of all of them.

A record is not watermarked while open: its status stands in the header of every
page and, boxed, under the title, and overdue actions are flagged in the plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qms.render.data import CapaRecord, CapaRegister
from qms.render.labels import format_date
from qms.render.record_labels import coded
from qms.render.records import RecordLayout, header, local_time, metadata
from qms.text import shorten

CAPA_TEMPLATE = "capa_record.html"
REGISTER_TEMPLATE = "capa_register.html"
CLOSED = "closed"
DESCRIPTION_CHARS = 140  # register column; the record itself prints the whole text


# ------------------------------------------------------------------------ one record


def _record_cells(record: CapaRecord) -> int:
    return 3 * len(record.whys) + 8 * len(record.actions) + 5 * len(record.verifications)


def capa_record_context(record: CapaRecord, words: Mapping[str, str]) -> dict[str, Any]:
    title = words["capa_record_title"]
    status = coded(words, "capa_status_", record.status)
    zone = record.timezone
    facts = [
        (words["ref"], record.ref),
        (words["record_status"], status),
        (words["printed_on"], format_date(record.printed_on, words)),
    ]
    actions = [
        {
            "number": a.number,
            "description": a.description,
            "owner": a.owner,
            "due": format_date(a.due_date, words),
            "status": coded(words, "action_", a.status),
            "done_on": format_date(a.done_on, words) if a.done_on else "",
            "note": a.done_note,
            "document_change": a.document_change,
            "overdue": a.overdue,
        }
        for a in sorted(record.actions, key=lambda a: a.number)
    ]
    verifications = [
        {
            "verifier": v.verifier,
            "position": v.position,
            "at": local_time(v.performed_at, zone, words),
            "effective": v.effective,
            "evidence": v.evidence,
            "valid": v.valid,
        }
        for v in sorted(record.verifications, key=lambda v: v.performed_at)
    ]
    return {
        "record": record,
        "retention": record.retention,
        "labels": words,
        "language": record.language,
        "header": header(record.organisation, title, facts, words),
        "title": title,
        "status": status,
        "closed": record.status == CLOSED,
        "source": coded(words, "source_", record.source),
        "severity": coded(words, "severity_", record.severity),
        "reported_at": local_time(record.reported_at, zone, words),
        "contained_at": local_time(record.contained_at, zone, words),
        "closed_at": local_time(record.closed_at, zone, words),
        "whys": sorted(record.whys, key=lambda w: w.position),
        "cause_category": coded(words, "cause_", record.cause_category),
        "similar_exist": coded(words, "similar_", record.similar_exist),
        "actions": actions,
        "overdue_count": sum(1 for a in record.actions if a.overdue),
        "verifications": verifications,
        "meta": metadata(
            title,
            record.ref,
            record.organisation,
            (record.ref, title, record.department, record.clause),
            record.printed_on,
        ),
    }


# -------------------------------------------------------------------------- register


def _register_cells(register: CapaRegister) -> int:
    return 10 * len(register.rows)


def capa_register_context(register: CapaRegister, words: Mapping[str, str]) -> dict[str, Any]:
    title = words["capa_register_title"]
    printed = format_date(register.printed_on, words)
    facts = [(words["printed_on"], printed), (words["capa_count"], str(len(register.rows)))]
    rows = [
        {
            "ref": row.ref,
            "reported_on": format_date(row.reported_on, words),
            "department": row.department,
            "source": coded(words, "source_", row.source),
            "severity": coded(words, "severity_", row.severity),
            "status": coded(words, "capa_status_", row.status),
            "age_days": row.age_days,
            "open_actions": row.open_actions,
            "overdue_actions": row.overdue_actions,
            "description": shorten(row.description, DESCRIPTION_CHARS),
        }
        for row in register.rows
    ]
    closed = sum(1 for row in register.rows if row.status == CLOSED)
    return {
        "register": register,
        "labels": words,
        "language": register.language,
        "header": header(register.organisation, title, facts, words),
        "title": title,
        "printed_on": printed,
        "rows": rows,
        "totals": {
            "open": len(register.rows) - closed,
            "overdue": sum(1 for row in register.rows if row.overdue_actions > 0),
            "closed": closed,
        },
        "meta": metadata(
            title, printed, register.organisation, (title, register.organisation), None
        )
        | {"subject": f"{title} ({printed})", "date": register.printed_on.isoformat()},
    }


CAPA_RECORD = RecordLayout(
    template=CAPA_TEMPLATE,
    cells=_record_cells,
    context=lambda record, words, _limits: capa_record_context(record, words),
)
CAPA_REGISTER = RecordLayout(
    template=REGISTER_TEMPLATE,
    cells=_register_cells,
    context=lambda register, words, _limits: capa_register_context(register, words),
)
