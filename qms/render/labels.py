"""Printed labels of controlled PDFs in Vietnamese and English, and date formats."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from qms.errors import Joined
from qms.render.errors import RenderError

VI: dict[str, str] = {
    "code": "Mã hiệu",
    "issue": "Lần ban hành",
    "effective_date": "Ngày hiệu lực",
    "page_format": "Trang {page}/{pages}",
    "drafted": "Soạn thảo",
    "reviewed": "Xem xét",
    "approved": "Phê duyệt",
    "signed_on": "Ngày ký",
    "signed_electronically": "Đã ký điện tử",
    "invalid_signature": "CHỮ KÝ KHÔNG HỢP LỆ",
    "not_signed": "Chưa ký",
    "status": "Tình trạng tài liệu",
    "history_title": "Theo dõi sửa đổi tài liệu",
    "history_issue": "Lần ban hành",
    "history_date": "Ngày hiệu lực",
    "history_reason": "Lý do sửa đổi",
    "history_description": "Nội dung sửa đổi",
    "uncontrolled": "Bản in ra không được kiểm soát",
    "status_draft": "BẢN NHÁP",
    "status_in_review": "ĐANG XEM XÉT",
    "status_approved": "ĐÃ PHÊ DUYỆT - CHƯA HIỆU LỰC",
    "status_superseded": "BỊ THAY THẾ",
    "status_obsolete": "HẾT HIỆU LỰC",
    "type_policy": "Chính sách",
    "type_manual": "Sổ tay",
    "type_procedure": "Quy trình",
    "type_work_instruction": "Hướng dẫn công việc",
    "type_form": "Biểu mẫu",
    "type_record_template": "Mẫu hồ sơ",
    "type_external": "Tài liệu bên ngoài",
    "compiled_on": "Ngày tổng hợp",
    "document_count": "Số tài liệu",
    "toc_title": "Mục lục",
    "toc_document": "Tên tài liệu",
    "toc_issue": "Lần ban hành",
    "toc_page": "Trang",
    "date_format": "%d/%m/%Y",
    "datetime_format": "%d/%m/%Y %H:%M",
}

EN: dict[str, str] = {
    "code": "Code",
    "issue": "Issue",
    "effective_date": "Effective date",
    "page_format": "Page {page} of {pages}",
    "drafted": "Drafted",
    "reviewed": "Reviewed",
    "approved": "Approved",
    "signed_on": "Signed on",
    "signed_electronically": "Signed electronically",
    "invalid_signature": "INVALID SIGNATURE",
    "not_signed": "Not signed",
    "status": "Document status",
    "history_title": "Revision history",
    "history_issue": "Issue",
    "history_date": "Effective date",
    "history_reason": "Reason for change",
    "history_description": "Description of change",
    "uncontrolled": "Uncontrolled when printed",
    "status_draft": "DRAFT",
    "status_in_review": "IN REVIEW",
    "status_approved": "APPROVED - NOT YET EFFECTIVE",
    "status_superseded": "SUPERSEDED",
    "status_obsolete": "OBSOLETE",
    "type_policy": "Policy",
    "type_manual": "Manual",
    "type_procedure": "Procedure",
    "type_work_instruction": "Work instruction",
    "type_form": "Form",
    "type_record_template": "Record template",
    "type_external": "External document",
    "compiled_on": "Compiled on",
    "document_count": "Number of documents",
    "toc_title": "Contents",
    "toc_document": "Document",
    "toc_issue": "Issue",
    "toc_page": "Page",
    "date_format": "%Y-%m-%d",
    "datetime_format": "%Y-%m-%d %H:%M",
}

LABELS: dict[str, dict[str, str]] = {"vi": VI, "en": EN}
STATUSES = ("draft", "in_review", "approved", "effective", "superseded", "obsolete")


def labels_for(language: str, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Labels for ``language`` with ``overrides`` applied; unknown keys are refused."""
    if language not in LABELS:
        raise RenderError(
            "unsupported document language {language!r}; use 'vi' or 'en'", language=language
        )
    return with_overrides(LABELS[language], overrides)


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
