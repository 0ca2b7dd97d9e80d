"""The list of records (danh mục hồ sơ) as a landscape PDF: one row per kind of record,
with its form, process, keeper, medium, retention and disposal method."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qms.render.data import RecordsList
from qms.render.labels import format_date
from qms.render.record_labels import coded
from qms.render.records import RecordLayout, header, metadata

RECORDS_LIST_TEMPLATE = "records_list.html"
CELLS_PER_ROW = 9


def records_list_context(listing: RecordsList, words: Mapping[str, str]) -> dict[str, Any]:
    title = words["records_list_title"]
    printed = format_date(listing.printed_on, words)
    facts = [(words["printed_on"], printed), (words["records_count"], str(len(listing.rows)))]
    if listing.department:
        facts.append((words["department"], listing.department))
    return {
        "labels": words,
        "language": listing.language,
        "header": header(listing.organisation, title, facts, words),
        "title": title,
        "general_disposal": listing.general_disposal,
        "rows": [
            {
                "number": row.number,
                "name": row.name,
                "form_code": row.form_code,
                "process": row.process,
                "department": row.department,
                "location": row.location,
                "medium": coded(words, "medium_", row.medium),
                "retention": row.retention,
                "disposal": row.disposal,
            }
            for row in listing.rows
        ],
        "meta": metadata(title, printed, listing.organisation, (title, listing.organisation), None)
        | {"subject": f"{title} ({printed})", "date": listing.printed_on.isoformat()},
    }


RECORDS_LIST = RecordLayout(
    template=RECORDS_LIST_TEMPLATE,
    cells=lambda listing: CELLS_PER_ROW * len(listing.rows),
    context=lambda listing, words, _limits: records_list_context(listing, words),
)
