"""Printed labels of controlled PDFs, and their date formats: keys to message ids of the
catalogs, looked up in the document's language."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from qms.domain import LANGUAGES
from qms.errors import Joined
from qms.i18n import Message, pmsg, translate_all
from qms.render.errors import RenderError

# Every label is a message id of the catalogs (qms/locale), in the context of a printed
# record: the translator words a form's labels apart from the web pages'.
LABELS: dict[str, Message] = {
    "code": pmsg("PDF", "Code"),
    "issue": pmsg("PDF", "Issue"),
    "effective_date": pmsg("PDF", "Effective date"),
    "page_format": pmsg("PDF", "Page {page} of {pages}"),
    "drafted": pmsg("PDF", "Drafted"),
    "reviewed": pmsg("PDF", "Reviewed"),
    "approved": pmsg("PDF", "Approved"),
    "signing_role": pmsg("PDF", "Signing role"),
    "signature_and_name": pmsg("PDF", "Signature and full name"),
    "signed_on": pmsg("PDF", "Signed on"),
    "signed_electronically": pmsg("PDF", "Signed electronically"),
    "signed_on_paper": pmsg("PDF", "Signed on paper"),
    "invalid_signature": pmsg("PDF", "INVALID SIGNATURE"),
    "not_signed": pmsg("PDF", "Not signed"),
    "status": pmsg("PDF", "Document status"),
    "history_title": pmsg("PDF", "Revision history"),
    "history_issue": pmsg("PDF", "Issue"),
    "history_date": pmsg("PDF", "Effective date"),
    "history_reason": pmsg("PDF", "Reason for change"),
    "history_description": pmsg("PDF", "Description of change"),
    "uncontrolled": pmsg("PDF", "Uncontrolled when printed"),
    "status_draft": pmsg("PDF watermark", "DRAFT"),
    "status_in_review": pmsg("PDF watermark", "IN REVIEW"),
    "status_approved": pmsg("PDF watermark", "APPROVED - NOT YET EFFECTIVE"),
    "status_superseded": pmsg("PDF watermark", "SUPERSEDED"),
    "status_obsolete": pmsg("PDF watermark", "OBSOLETE"),
    "type_policy": pmsg("PDF", "Policy"),
    "type_manual": pmsg("PDF", "Manual"),
    "type_plan": pmsg("PDF", "Plan"),
    "type_decision": pmsg("PDF", "Decision"),
    "type_procedure": pmsg("PDF", "Procedure"),
    "type_work_instruction": pmsg("PDF", "Work instruction"),
    "type_form": pmsg("PDF", "Form"),
    "type_record_template": pmsg("PDF", "Record template"),
    "type_external": pmsg("PDF", "External document"),
    "compiled_on": pmsg("PDF", "Compiled on"),
    "document_count": pmsg("PDF", "Number of documents"),
    "toc_title": pmsg("PDF", "Contents"),
    "toc_document": pmsg("PDF", "Document"),
    "toc_issue": pmsg("PDF", "Issue"),
    "toc_page": pmsg("PDF", "Page"),
    "annex_objectives_title": pmsg("PDF", "Annex: Approved quality objectives"),
    "annex_objective": pmsg("PDF objectives", "Objective"),
    "annex_indicator": pmsg("PDF objectives", "Indicator"),
    "annex_target": pmsg("PDF objectives", "Target"),
    "annex_frequency": pmsg("PDF objectives", "Frequency"),
    "annex_owner": pmsg("PDF", "Owner"),
    "annex_department": pmsg("PDF", "Department"),
    "annex_whole_organisation": pmsg("PDF objectives", "Whole organisation"),
    "annex_frequency_monthly": pmsg("PDF objectives", "Monthly"),
    "annex_frequency_quarterly": pmsg("PDF objectives", "Quarterly"),
    "annex_frequency_half_yearly": pmsg("PDF objectives", "Half-yearly"),
    "annex_version": pmsg("PDF objectives", "Version"),
    "date_format": pmsg("PDF date format", "%Y-%m-%d"),
    "datetime_format": pmsg("PDF date and time format", "%Y-%m-%d %H:%M"),
}
STATUSES = ("draft", "in_review", "approved", "effective", "superseded", "obsolete")


def labels_for(language: str, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Labels for ``language`` with ``overrides`` applied; unknown keys are refused."""
    if language not in LANGUAGES:
        raise RenderError(
            "unsupported document language {language!r}; use 'vi' or 'en'", language=language
        )
    return with_overrides(translate_all(LABELS, language), overrides)


def with_overrides(
    labels: Mapping[str, str], overrides: Mapping[str, str] | None
) -> dict[str, str]:
    """A copy of ``labels`` with ``overrides`` (in NFC) applied; unknown keys are refused."""
    merged = dict(labels)
    if overrides:
        unknown = sorted(set(overrides) - set(merged))
        if unknown:
            raise RenderError("unknown label key(s): {keys}", keys=Joined(unknown))
        merged.update({k: unicodedata.normalize("NFC", v) for k, v in overrides.items()})
    return merged


def watermark_text(status: str, labels: Mapping[str, str]) -> str | None:
    """The state watermark for ``status``, or None for an effective revision."""
    if status not in STATUSES:
        raise RenderError("unknown revision status {status!r}", status=status)
    if status == "effective":
        return None
    return labels[f"status_{status}"]


def format_date(value: date | None, labels: Mapping[str, str]) -> str:
    return value.strftime(labels["date_format"]) if value else "—"


def format_signed_at(value: datetime | None, timezone: str, labels: Mapping[str, str]) -> str:
    """Naive UTC time shown in ``timezone`` with its offset, e.g. ``01/03/2025 09:30 (UTC+07:00)``."""
    if value is None:
        return ""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise RenderError("unknown time zone {timezone!r}", timezone=timezone) from exc
    local = value.replace(tzinfo=UTC).astimezone(zone)
    offset = local.strftime("%z")
    return f"{local.strftime(labels['datetime_format'])} (UTC{offset[:3]}:{offset[3:]})"


def page_format_parts(labels: Mapping[str, str]) -> list[tuple[str, str]]:
    """Split ``page_format`` into ("text", s) / ("counter", "page"|"pages") parts."""
    text = labels["page_format"]
    parts: list[tuple[str, str]] = []
    while text:
        positions = [(text.find(f"{{{n}}}"), n) for n in ("pages", "page") if f"{{{n}}}" in text]
        if not positions:
            parts.append(("text", text))
            break
        index, name = min(positions)
        if index:
            parts.append(("text", text[:index]))
        parts.append(("counter", name))
        text = text[index + len(name) + 2 :]
    return parts
