"""The paper particulars of a Word procedure in the usual Vietnamese layout, read from its
tables: the header table ("Mã số: QT-01", "Lần ban hành: 02", "Ngày ban hành:
15/03/2025"), the signature table (Soạn thảo / Xem xét / Phê duyệt with names, positions
and dates) and the revision-history table (lần ban hành, ngày, nội dung sửa đổi).

Each reader takes the rows of one table as plain text cells and says whether the table is
of its kind; the tables it recognises are not part of the body.
"""

import re
import unicodedata
from datetime import date
from typing import Any

from qms.services.documents.paper import PaperLine, PaperSigner

_LABELS: dict[str, tuple[str, ...]] = {
    "code": ("mã số", "mã hiệu", "mã tài liệu", "ký hiệu", "code", "document code"),
    "issue": ("lần ban hành", "lần sửa đổi", "phiên bản", "issue", "issue no", "revision"),
    "effective_date": ("ngày hiệu lực", "ngày có hiệu lực", "hiệu lực từ", "effective date"),
    "issued_on": ("ngày ban hành", "ngày phát hành", "issue date", "date of issue"),
    "department": ("đơn vị", "bộ phận", "phòng", "đơn vị soạn thảo", "department"),
    "title": ("tên tài liệu", "tên quy trình", "tên", "title"),
    "page": ("trang", "số trang", "page", "pages"),
}
_LABEL_OF = {label: key for key, labels in _LABELS.items() for label in labels}
_LABELLED = re.compile(r"^\s*([^:：]{2,30}?)\s*[:：]\s*(.*)$")
_TYPE_WORDS = {
    "quy trình": "procedure",
    "hướng dẫn": "work_instruction",
    "biểu mẫu": "form",
    "sổ tay": "manual",
    "chính sách": "policy",
    "mục tiêu": "policy",
    "kế hoạch": "plan",
    "quyết định": "decision",
    "procedure": "procedure",
    "work instruction": "work_instruction",
    "manual": "manual",
    "policy": "policy",
    "plan": "plan",
    "decision": "decision",
}
MEANING_WORDS = {
    "drafted": ("soạn thảo", "người soạn thảo", "biên soạn", "prepared", "drafted", "written"),
    "reviewed": ("xem xét", "kiểm tra", "người kiểm tra", "người xem xét", "reviewed", "checked"),
    "approved": ("phê duyệt", "người phê duyệt", "duyệt", "approved"),
}
_NAME_ROWS = ("họ và tên", "họ tên", "tên", "name", "full name")
_POSITION_ROWS = ("chức vụ", "chức danh", "position", "title")
_DATE_ROWS = ("ngày", "ngày ký", "date")
_HISTORY_ISSUE = ("lần ban hành", "lần sửa đổi", "lần", "issue", "phiên bản")
_HISTORY_DATE = ("ngày", "ngày ban hành", "ngày hiệu lực", "date")
_HISTORY_CHANGE = (
    "nội dung sửa đổi",
    "nội dung thay đổi",
    "tóm tắt",
    "nội dung",
    "change",
    "description",
)
_VI_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_DMY = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_NUMBER = re.compile(r"\d+")
# The title printed above a revision-history table, left out with the table.
HISTORY_TITLE = re.compile(
    r"^(?:#+ )?(?:theo dõi sửa đổi|lịch sử sửa đổi|revision history)", re.IGNORECASE
)

Rows = list[list[str]]


def folded(text: str) -> str:
    """Lower case, single spaces, NFC: for comparing labels."""
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def parse_date(text: str) -> date | None:
    """A date as written on Vietnamese paper (15/03/2025, ngày 15 tháng 3 năm 2025) or ISO."""
    for pattern, order in ((_ISO, (0, 1, 2)), (_VI_DATE, (2, 1, 0)), (_DMY, (2, 1, 0))):
        if match := pattern.search(text):
            parts = [int(match[i + 1]) for i in order]
            try:
                return date(parts[0], parts[1], parts[2])
            except ValueError:
                return None
    return None


def parse_issue(text: str) -> int | None:
    match = _NUMBER.search(text)
    return int(match[0]) if match else None


def header_fields(rows: Rows) -> dict[str, Any] | None:
    """The fields of a header table, or None when the table is not one (it names no code
    and no issue). Dates and numbers that cannot be read are left out, so the file is
    then refused for a missing field, or the command line or sidecar fills it."""
    found: dict[str, str] = {}
    unlabelled: list[str] = []
    for row in rows:
        for index, cell in enumerate(row):
            for line in cell.split("\n"):
                match = _LABELLED.match(line)
                key = _LABEL_OF.get(folded(match[1])) if match else None
                if match and key:
                    value = match[2].strip()
                    if not value and index + 1 < len(row):  # the value in the next cell
                        value = row[index + 1].strip()
                    found.setdefault(key, value)
                elif line.strip() and key is None and not _LABELLED.match(line):
                    unlabelled.append(line.strip())
    if "code" not in found and "issue" not in found:
        return None
    fields: dict[str, Any] = {}
    if found.get("code"):
        fields["code"] = found["code"].split()[0]
    if (issue := parse_issue(found.get("issue", ""))) is not None:
        fields["issue"] = issue
    when = parse_date(found.get("effective_date", "")) or parse_date(found.get("issued_on", ""))
    if when is not None:
        fields["effective_date"] = when
    if found.get("department"):
        fields["department"] = found["department"]
    title = found.get("title") or _title_among(unlabelled)
    if title:
        fields["title"] = title
        if doc_type := _type_of(title):
            fields["type"] = doc_type
    return fields


def _title_among(lines: list[str]) -> str:
    """The document's title among the header table's unlabelled lines: the one naming a
    document type ("QUY TRÌNH ..."), else the longest."""
    typed = [line for line in lines if _type_of(line)]
    chosen = typed[0] if typed else max(lines, key=len, default="")
    return sentence_case(chosen)


def _type_of(title: str) -> str | None:
    words = folded(title)
    return next((t for word, t in _TYPE_WORDS.items() if words.startswith(word)), None)


def sentence_case(text: str) -> str:
    """A title typed in capitals as the register writes titles ("Quy trình ...")."""
    text = " ".join(text.split())
    if text.upper() != text or not any(c.isalpha() for c in text):
        return text
    lower = text.lower()
    return lower[:1].upper() + lower[1:]


def signers(rows: Rows) -> list[PaperSigner] | None:
    """The signers of a signature table, or None when the table is not one: a row names
    at least two of drafted / reviewed / approved, one column each."""
    for at, row in enumerate(rows):
        columns = {
            index: meaning
            for index, cell in enumerate(row)
            if (meaning := _meaning_of(cell)) is not None
        }
        named = any(later and folded(later[0]) in _NAME_ROWS for later in rows[at + 1 :])
        if len(set(columns.values())) < (1 if named else 2):
            continue
        fields: dict[int, dict[str, str]] = {index: {} for index in columns}
        for later in rows[at + 1 :]:
            label = folded(later[0]) if later else ""
            kind = (
                "name"
                if label in _NAME_ROWS
                else "position"
                if label in _POSITION_ROWS
                else "date"
                if label in _DATE_ROWS
                else None
            )
            for index in columns:
                if index >= len(later):
                    continue
                cell = later[index].strip()
                if kind:
                    fields[index].setdefault(kind, cell)
                elif cell:
                    _cell_fields(cell, fields[index])
        return [
            PaperSigner(
                meaning,
                fields[index].get("name", ""),
                fields[index].get("position", ""),
                parse_date(fields[index].get("date", "")),
            )
            for index, meaning in columns.items()
            if fields[index].get("name")
        ]
    return None


def _cell_fields(cell: str, into: dict[str, str]) -> None:
    """Lines of one cell: "Họ tên: ...", "Ngày: ..." or a bare name under the signature."""
    for line in cell.split("\n"):
        match = _LABELLED.match(line)
        if match:
            label = folded(match[1])
            for kind, labels in (
                ("name", _NAME_ROWS),
                ("position", _POSITION_ROWS),
                ("date", _DATE_ROWS),
            ):
                if label in labels:
                    into.setdefault(kind, match[2].strip())
        elif line.strip() and parse_date(line):
            into.setdefault("date", line.strip())
        elif line.strip() and not line.strip().startswith("("):
            into.setdefault("name", line.strip())


def _meaning_of(cell: str) -> str | None:
    words = folded(cell).rstrip(":")
    for meaning, labels in MEANING_WORDS.items():
        if words in labels:
            return meaning
    return None


def history(rows: Rows) -> list[PaperLine] | None:
    """The lines of a revision-history table, or None when the table is not one (its
    first row names the issue, the date and what changed)."""
    if not rows:
        return None
    head = [folded(cell) for cell in rows[0]]
    issue_col = next((i for i, c in enumerate(head) if c in _HISTORY_ISSUE), None)
    date_col = next((i for i, c in enumerate(head) if c in _HISTORY_DATE), None)
    change_col = next((i for i, c in enumerate(head) if c in _HISTORY_CHANGE), None)
    if issue_col is None or change_col is None:
        return None
    lines = []
    for row in rows[1:]:
        if len(row) <= max(issue_col, change_col):
            continue
        issue = parse_issue(row[issue_col])
        if issue is None:
            continue
        when = parse_date(row[date_col]) if date_col is not None and date_col < len(row) else None
        lines.append(PaperLine(issue, when, " ".join(row[change_col].split())))
    return lines
