"""The printed audit trail: the events a filter chose, newest last, with the state of
the whole chain and its anchor at printing, so a paper copy witnesses the trail too."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from qms.render.data import TrailPrint
from qms.render.labels import format_date
from qms.render.records import RecordLayout, header, local_time, metadata

TRAIL_TEMPLATE = "trail.html"
CELLS_PER_ROW = 5
HASH_CHARS = 16  # the printed prefix; the CSV export and the anchor carry whole hashes


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
        "retention": trail.retention,
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


TRAIL_PRINT = RecordLayout(
    template=TRAIL_TEMPLATE,
    cells=lambda trail: CELLS_PER_ROW * len(trail.rows),
    context=lambda trail, words, _limits: trail_context(trail, words),
)
