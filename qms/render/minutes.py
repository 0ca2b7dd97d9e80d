"""The minutes of a management review (biên bản họp xem xét của lãnh đạo): plain data
and its layout, laid out as a Vietnamese public body files them: the organisation and
the national motto side by side, the title, time and place, who attended, each input of
the frozen pack with its figures, charts and conclusion, the decisions, and the chair's
signature."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup

from qms.render.data import RecordSignature
from qms.render.errors import RenderError
from qms.render.labels import format_date
from qms.render.limits import InputLimits
from qms.render.records import RecordLayout, metadata, signature_columns

MINUTES_TEMPLATE = "review_minutes.html"
STATUSES = ("planned", "in_progress", "signed")
_SVG_PREFIX = "<svg"
_CHART_ID = "qms-chart"


@dataclass(frozen=True)
class MinutesSection:
    key: str
    title: str  # in the minutes' language
    figures: tuple[tuple[str, str], ...]
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    charts: tuple[str, ...]  # inert SVG drawn when the pack was frozen
    text: str  # the coordinator's text for what the data does not say
    conclusion: str


@dataclass(frozen=True)
class MinutesDecision:
    number: int
    kind: str  # in the minutes' language
    text: str
    owner: str
    due: date | None
    link: str


@dataclass(frozen=True)
class ReviewMinutes:
    organisation: str
    language: str  # "vi" | "en"
    ref: str
    status: str  # planned | in_progress | signed; a watermark until signed
    planned_on: date
    place: str
    period_from: date
    period_to: date
    chair: str
    attendees: tuple[str, ...]
    guests: tuple[str, ...]
    sections: tuple[MinutesSection, ...]
    decisions: tuple[MinutesDecision, ...]
    signature: RecordSignature
    pack_sha256: str
    content_hash: str
    timezone: str
    retention: str = ""  # "Thời gian lưu: 5 năm", from the list of records


def _check(minutes: ReviewMinutes, limits: InputLimits) -> None:
    if minutes.status not in STATUSES:
        raise RenderError("unknown review status {status!r}", status=minutes.status)
    for section in minutes.sections:
        for svg in section.charts:
            if not svg.startswith(_SVG_PREFIX):
                raise RenderError("a chart of {ref} is not an SVG drawing", ref=minutes.ref)


def _cells(minutes: ReviewMinutes) -> int:
    return 6 * len(minutes.decisions) + sum(
        2 * len(s.figures) + len(s.head) * len(s.rows) for s in minutes.sections
    )


def _mark(minutes: ReviewMinutes, words: Mapping[str, str]) -> str | None:
    return None if minutes.status == "signed" else words["audit_draft_mark"]


def _context(
    minutes: ReviewMinutes, words: Mapping[str, str], _limits: InputLimits
) -> dict[str, Any]:
    title = words["mr_title"]
    dated = format_date(minutes.planned_on, words)
    expected = {"chair": minutes.chair}
    return {
        "m": minutes,
        "retention": minutes.retention,
        "labels": words,
        "language": minutes.language,
        "title": title,
        "dated": dated,
        "period": f"{format_date(minutes.period_from, words)} – {format_date(minutes.period_to, words)}",
        "sections": [
            {
                "number": number,
                "section": s,
                "charts": [
                    _inline(svg, f"{number}-{index}") for index, svg in enumerate(s.charts, 1)
                ],
            }
            for number, s in enumerate(minutes.sections, start=1)
        ],
        "decisions": [
            {**d.__dict__, "due": format_date(d.due, words) if d.due else ""}
            for d in minutes.decisions
        ],
        "columns": signature_columns((minutes.signature,), expected, minutes.timezone, words),
        "meta": metadata(
            title,
            minutes.ref,
            minutes.chair,
            (minutes.ref, title, minutes.organisation),
            minutes.planned_on,
        ),
    }


def _inline(svg: str, suffix: str) -> Markup:
    """A chart drawn inline: our own inert SVG (see :mod:`qms.render.charts`), its ids
    made unique in the page (several charts share pygal's fixed ids)."""
    unique = svg.replace(_CHART_ID, f"{_CHART_ID}-{suffix}").replace(
        'id="activate-serie-', f'id="activate-serie-{suffix}-'
    )
    return Markup(unique)  # noqa: S704


REVIEW_MINUTES = RecordLayout(
    template=MINUTES_TEMPLATE,
    cells=_cells,
    context=_context,
    mark=_mark,
    check=_check,
)
