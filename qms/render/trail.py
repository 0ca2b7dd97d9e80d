"""The printed audit trail: the events a filter chose, newest last, with the state of
the whole chain and its anchor at printing, so a paper copy witnesses the trail too."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from qms.render.data import TrailPrint, nfc
from qms.render.labels import format_date
from qms.render.limits import DEFAULT_LIMITS, InputLimits
from qms.render.records import (
    checked_labels,
    header,
    identity_of,
    local_time,
    metadata,
    render_record,
)

TRAIL_TEMPLATE = "trail.html"
CELLS_PER_ROW = 5
HASH_CHARS = 16  # the printed prefix; the CSV export and the anchor carry whole hashes


def prepare_trail_print(
    trail: TrailPrint,
    *,
    labels: Mapping[str, str] | None = None,
    limits: InputLimits = DEFAULT_LIMITS,
) -> TrailPrint:
    """Cheap checks of everything the caller controls; returns the NFC form of ``trail``."""
    trail = nfc(trail)
    _checks(trail, labels, limits)
    return trail


def _checks(
    trail: TrailPrint, labels: Mapping[str, str] | None, limits: InputLimits
) -> dict[str, str]:
    return checked_labels(trail, CELLS_PER_ROW * len(trail.rows), labels, limits)


def render_trail_print(
    trail: TrailPrint,
    *,
    labels: Mapping[str, str] | None = None,
    pdfa: bool = False,
    assets_dir: Path | None = None,
    limits: InputLimits = DEFAULT_LIMITS,
) -> bytes:
    """Render ``trail`` (A4 landscape) to PDF bytes in this process."""
    trail = nfc(trail)
    words = _checks(trail, labels, limits)
    return render_record(
        TRAIL_TEMPLATE,
        trail_context(trail, words),
        identity=identity_of(trail, words),
        mark=None,
        pdfa=pdfa,
        assets_dir=assets_dir,
    )


def trail_context(trail: TrailPrint, words: Mapping[str, str]) -> dict[str, Any]:
    title = words["trail_title"]
    printed = format_date(trail.printed_on, words)
    facts = [(words["printed_on"], printed), (words["trail_events"], str(len(trail.rows)))]
    if trail.chain_problem:
        chain = words["trail_chain_broken"].replace("{problem}", trail.chain_problem)
    else:
        chain = words["trail_chain_intact"].replace("{count}", str(trail.chain_events))
    return {
        "labels": words,
        "language": trail.language,
        "header": header(trail.organisation, title, facts, words),
        "title": title,
        "filters": [
            (words[f"trail_filter_{key}"], _filter_value(key, value, words))
            for key, value in trail.filters
        ],
        "chain": chain,
        "chain_ok": not trail.chain_problem,
        "anchor": trail.anchor,
        "rows": [
            {
                "seq": row.seq,
                "at": local_time(row.at, trail.timezone, words),
                "actor": row.actor,
                "action": row.action,
                "entity": f"{row.entity} {row.entity_id}".strip(),
                "details": row.details,
                "hash": row.hash[:HASH_CHARS],
            }
            for row in trail.rows
        ],
        "meta": metadata(title, printed, trail.organisation, (title, trail.organisation), None)
        | {"subject": f"{title} ({printed})", "date": trail.printed_on.isoformat()},
    }


def _filter_value(key: str, value: str, words: Mapping[str, str]) -> str:
    if key in ("since", "until"):
        return format_date(date.fromisoformat(value), words)
    return value
