"""The audit checklist library (shipped as data), the grade scale, clause look-up and the
questions generated from a procedure's text.

Everything here is read when an audit is planned or started; the audit then keeps its own
copy (frozen checklist and grades), so later edits of the library change no past audit.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session

from qms.domain import Role
from qms.errors import Text, ValidationError
from qms.models import User
from qms.services.people import organisation, users
from qms.text import clean, fold

LIBRARY_FILE = "iso9001-2015.yaml"
GRADES_SETTING = "audit.grades"
_CLAUSE = re.compile(r"^\d{1,2}(\.\d{1,2}){0,3}$")
_GRADE_CODE = re.compile(r"^[A-Z][A-Z0-9_]{0,19}$")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_FORM_CODE = re.compile(r"\bBM-[A-Z0-9]+(?:-[A-Z0-9]+)*\b")

# Titles of the ISO 9001:2015 clauses that the library splits into sub-clauses.
PARENT_TITLES: dict[str, tuple[str, str]] = {
    "4": ("Bối cảnh của tổ chức", "Context of the organization"),
    "5": ("Sự lãnh đạo", "Leadership"),
    "5.1": ("Sự lãnh đạo và cam kết", "Leadership and commitment"),
    "5.2": ("Chính sách", "Policy"),
    "6": ("Hoạch định", "Planning"),
    "7": ("Hỗ trợ", "Support"),
    "7.1": ("Nguồn lực", "Resources"),
    "7.5": ("Thông tin dạng văn bản", "Documented information"),
    "8": ("Thực hiện", "Operation"),
    "8.2": ("Yêu cầu đối với sản phẩm và dịch vụ", "Requirements for products and services"),
    "8.4": (
        "Kiểm soát quá trình, sản phẩm và dịch vụ do bên ngoài cung cấp",
        "Control of externally provided processes, products and services",
    ),
    "8.5": ("Sản xuất và cung cấp dịch vụ", "Production and service provision"),
    "9": ("Đánh giá kết quả hoạt động", "Performance evaluation"),
    "9.1": (
        "Theo dõi, đo lường, phân tích và đánh giá",
        "Monitoring, measurement, analysis and evaluation",
    ),
    "10": ("Cải tiến", "Improvement"),
}


@dataclass(frozen=True)
class Grade:
    code: str
    vi: str
    en: str
    nonconformity: bool

    def label(self, language: str) -> str:
        return self.en if language == "en" else self.vi


@dataclass(frozen=True)
class Question:
    key: str
    vi: str
    en: str


@dataclass(frozen=True)
class LibraryClause:
    clause: str
    clause_2008: str
    title_vi: str
    title_en: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Library:
    name: str
    sha256: str
    standard: str
    grades: tuple[Grade, ...]
    clauses: tuple[LibraryClause, ...]

    @property
    def source(self) -> str:
        """``<file name>@<sha256 of its bytes>``, stored on each audit that used it."""
        return f"{self.name}@{self.sha256}"


def default_library_path() -> Path:
    return Path(str(resources.files("qms.data.checklists") / LIBRARY_FILE))


def load_library(path: Path | None = None) -> Library:
    """Read and check a checklist library file (the shipped one by default)."""
    path = path or default_library_path()
    try:
        raw = path.read_bytes()
        data = yaml.safe_load(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValidationError(
            "checklist library {name}: cannot read it: {reason}", name=path.name, reason=str(exc)
        ) from None
    if not isinstance(data, dict):
        raise ValidationError(
            "checklist library {name}: expected a mapping at the top", name=path.name
        )
    try:
        clauses = tuple(_library_clause(entry) for entry in data["clauses"])
        grades = parse_grades(data["grades"])
    except (KeyError, TypeError, ValidationError) as exc:
        raise ValidationError(
            "checklist library {name} is malformed: {reason}",
            name=path.name,
            reason=exc.text if isinstance(exc, ValidationError) else str(exc),
        ) from None
    return Library(
        name=path.name,
        sha256=hashlib.sha256(raw).hexdigest(),
        standard=str(data.get("standard", "ISO 9001:2015")),
        grades=grades,
        clauses=clauses,
    )


def _library_clause(entry: dict[str, Any]) -> LibraryClause:
    return LibraryClause(
        clause=str(entry["clause"]),
        clause_2008=str(entry.get("clause_2008", "")),
        title_vi=str(entry["title"]["vi"]),
        title_en=str(entry["title"]["en"]),
        questions=tuple(
            Question(str(q["id"]), clean(str(q["vi"])), clean(str(q["en"])))
            for q in entry["questions"]
        ),
    )


# ------------------------------------------------------------------------------ grades


def parse_grades(value: Any) -> tuple[Grade, ...]:
    """Check a grade scale: a list of {code, vi, en, nonconformity}; codes unique, the
    first grade the conforming one (the only result that needs no evidence), and at least
    one nonconformity grade."""
    if not isinstance(value, list) or not value:
        raise ValidationError("the grades must be a non-empty list")
    grades = []
    for entry in value:
        if not isinstance(entry, dict):
            raise ValidationError("each grade must be a mapping of code, vi, en, nonconformity")
        code = str(entry.get("code", "")).strip()
        if not _GRADE_CODE.match(code):
            raise ValidationError(
                "grade code {code!r} must be capital letters, digits or '_' (up to 20)", code=code
            )
        vi, en = clean(str(entry.get("vi", ""))), clean(str(entry.get("en", "")))
        if not vi or not en:
            raise ValidationError("grade {code} needs a Vietnamese and an English label", code=code)
        nonconformity = entry.get("nonconformity")
        if not isinstance(nonconformity, bool):
            raise ValidationError("grade {code}: nonconformity must be true or false", code=code)
        grades.append(Grade(code, vi, en, nonconformity))
    codes = [g.code for g in grades]
    if len(set(codes)) != len(codes):
        raise ValidationError("grade codes must be unique")
    if grades[0].nonconformity:
        raise ValidationError(
            "the first grade ({code}) must be the conforming one", code=grades[0].code
        )
    if not any(g.nonconformity for g in grades):
        raise ValidationError("at least one grade must be a nonconformity")
    return tuple(grades)


def current_grades(session: Session, library: Library) -> tuple[Grade, ...]:
    """The organisation's grade scale: the ``audit.grades`` setting, else the library's."""
    value = organisation.get_setting(session, GRADES_SETTING)
    if not value:
        return library.grades
    try:
        return parse_grades(json.loads(value))
    except (json.JSONDecodeError, ValidationError) as exc:
        raise ValidationError(
            "the setting {setting} is invalid: {reason}",
            setting=GRADES_SETTING,
            reason=exc.text if isinstance(exc, ValidationError) else str(exc),
        ) from None


def check_set_grades(session: Session, actor: User) -> None:
    """Admins and controllers change the grade scale."""
    users.require_role(
        session, actor, Role.ADMIN, Role.CONTROLLER, action=Text("change audit grades")
    )


def set_grades(session: Session, *, actor: User, grades_json: str) -> tuple[Grade, ...]:
    """Replace the organisation's grade scale (admin or controller); on the trail."""
    check_set_grades(session, actor)
    try:
        grades = parse_grades(json.loads(grades_json))
    except json.JSONDecodeError as exc:
        raise ValidationError("the grades are not valid JSON: {reason}", reason=exc.msg) from None
    organisation.set_setting(
        session, actor=actor.username, key=GRADES_SETTING, value=dump_grades(grades)
    )
    session.commit()
    return grades


def dump_grades(grades: tuple[Grade, ...]) -> str:
    return json.dumps(
        [
            {"code": g.code, "vi": g.vi, "en": g.en, "nonconformity": g.nonconformity}
            for g in grades
        ],
        ensure_ascii=False,
    )


def load_grades(text: str) -> tuple[Grade, ...]:
    """Grades frozen on an audit (stored JSON)."""
    return parse_grades(json.loads(text)) if text and text != "[]" else ()


# ----------------------------------------------------------------------------- clauses


def normalise_clause(value: str) -> str:
    clause = clean(value).rstrip(".")
    if not _CLAUSE.match(clause):
        raise ValidationError(
            "{value!r} is not an ISO 9001 clause number (e.g. 7.5 or 8.5.1)", value=value
        )
    return clause


def within(clause: str, prefix: str) -> bool:
    """True when ``clause`` is ``prefix`` or one of its sub-clauses."""
    return clause == prefix or clause.startswith(prefix + ".")


def expand(library: Library, clause: str) -> list[LibraryClause]:
    """The library clauses a criterion reaches: "7.5" -> 7.5.1, 7.5.2, 7.5.3."""
    clause = normalise_clause(clause)
    found = [c for c in library.clauses if within(c.clause, clause)]
    if not found:
        raise ValidationError(
            "unknown ISO 9001 clause {clause} (not in {library})",
            clause=clause,
            library=library.name,
        )
    return found


def validate_clauses(library: Library, clauses: list[str]) -> list[str]:
    """Normalised, de-duplicated clause numbers, each known to the library."""
    out: list[str] = []
    for raw in clauses:
        clause = normalise_clause(raw)
        expand(library, clause)
        if clause not in out:
            out.append(clause)
    return out


def clause_title(library: Library, clause: str, language: str) -> str:
    for entry in library.clauses:
        if entry.clause == clause:
            return entry.title_en if language == "en" else entry.title_vi
    titles = PARENT_TITLES.get(clause)
    if titles:
        return titles[1] if language == "en" else titles[0]
    return ""


def top_level(clause: str) -> str:
    return clause.split(".")[0]


# ------------------------------------------------------------------ procedure questions


@dataclass(frozen=True)
class ProcedureQuestion:
    key: str
    clause: str
    vi: str
    en: str


def procedure_questions(code: str, issue: int, body: str) -> list[ProcedureQuestion]:
    """Questions generated from a procedure's effective text: one per step of its
    responsibility table (what is done, by whom, in what time, with which output), or per
    step heading when it has no such table; one on working from the current issue; one per
    record its records table keeps (where, how long); one per other form (BM-...) it names.
    """
    label_vi, label_en = f"{code} lần ban hành {issue}", f"{code} issue {issue}"
    lines = _prose_lines(body)
    steps = _table_rows(lines, STEP_COLUMNS, required=("step", "task"))
    if steps:
        out = [
            ProcedureQuestion(
                _key(code, issue, f"step-{n:02d}"),
                "8.5.1",
                f"Bước {row['step']} của {label_vi}: {row['task']}"
                + _details(row, who="trách nhiệm", time="thời hạn")
                + ". Bước này có được thực hiện đúng như quy định không? Đề nghị xuất trình: "
                + (f"{row['output']}." if row.get("output") else "hồ sơ."),
                f"Step {row['step']} of {label_en}: {row['task']}"
                + _details(row, who="responsible", time="time limit")
                + ". Is it carried out as written? Ask for: "
                + (f"{row['output']}." if row.get("output") else "the records."),
            )
            for n, row in enumerate(steps, start=1)
        ]
    else:
        out = [
            ProcedureQuestion(
                _key(code, issue, f"step-{n:02d}"),
                "8.5.1",
                f"Bước '{heading}' của {label_vi} có được thực hiện đúng như quy định không? "
                "Đề nghị xuất trình hồ sơ.",
                f"Is step '{heading}' of {label_en} carried out as written? Ask for the records.",
            )
            for n, heading in enumerate(step_headings(body), start=1)
        ]
    out.append(
        ProcedureQuestion(
            _key(code, issue, "current"),
            "7.5.3",
            f"Cán bộ có làm việc theo {label_vi} (lần ban hành hiện hành) không? Kiểm tra bản "
            "đang dùng tại nơi làm việc, không còn bản lỗi thời.",
            f"Do staff work from {label_en}, the current issue? Check the copies at the point "
            "of use; no obsolete copy should remain.",
        )
    )
    records = _table_rows(lines, RECORD_COLUMNS, required=("record", "where"))
    for n, row in enumerate(records, start=1):
        kept = f"; thời gian lưu: {row['time']}" if row.get("time") else ""
        kept_en = f"; retention: {row['time']}" if row.get("time") else ""
        out.append(
            ProcedureQuestion(
                _key(code, issue, f"record-{n:02d}"),
                "7.5.3",
                f"Hồ sơ '{row['record']}' (nơi lưu: {row['where']}{kept}) có được lập đầy đủ "
                f"và lưu đúng như {label_vi} quy định không? Chọn mẫu kiểm tra.",
                f"Is the record '{row['record']}' (kept by: {row['where']}{kept_en}) made and "
                f"kept as {label_en} requires? Sample some and check they are complete.",
            )
        )
    in_records = set(_FORM_CODE.findall(" ".join(row["record"] for row in records)))
    for form in dict.fromkeys(_FORM_CODE.findall("\n".join(lines))):
        if form in in_records:
            continue
        out.append(
            ProcedureQuestion(
                _key(code, issue, f"form-{form}"),
                "7.5.3",
                f"Hồ sơ theo biểu mẫu {form} có được lập và lưu như {label_vi} quy định không? "
                "Chọn mẫu kiểm tra tính đầy đủ.",
                f"Are records kept on form {form} as {label_en} requires? Sample some and "
                "check they are complete.",
            )
        )
    return out


# Column headings (folded: no diacritics, lower case) of a procedure's responsibility
# table and of its table of records to keep, in Vietnamese and English.
STEP_COLUMNS: dict[str, tuple[str, ...]] = {
    "step": ("buoc", "step"),
    "task": ("noi dung cong viec", "cong viec", "noi dung", "activity", "task"),
    "who": ("trach nhiem", "nguoi thuc hien", "responsib", "who"),
    "time": ("thoi gian", "thoi han", "time"),
    "output": ("bieu mau", "ket qua", "output", "form"),
}
RECORD_COLUMNS: dict[str, tuple[str, ...]] = {
    "record": ("ten ho so", "ho so", "record"),
    "where": ("noi luu", "bo phan luu", "don vi luu", "kept by", "where kept", "location"),
    "time": ("thoi gian luu", "thoi han luu", "retention", "kept for"),
}


def _details(row: dict[str, str], *, who: str, time: str) -> str:
    parts = [
        f"{label}: {row[key]}" for key, label in (("who", who), ("time", time)) if row.get(key)
    ]
    return f" ({'; '.join(parts)})" if parts else ""


def _table_rows(
    lines: list[str], columns: dict[str, tuple[str, ...]], *, required: tuple[str, ...]
) -> list[dict[str, str]]:
    """The rows of the first Markdown table whose header names the ``required`` columns,
    as {column: cell}; a header cell belongs to the first column whose words it starts
    with."""
    for header, rows in _tables(lines):
        names: dict[int, str] = {}
        for index, cell in enumerate(header):
            folded = fold(cell).strip()
            for name, words in columns.items():
                if name not in names.values() and folded.startswith(words):
                    names[index] = name
                    break
        if all(name in names.values() for name in required):
            found = []
            for cells in rows:
                row = {name: cells[i] for i, name in names.items() if i < len(cells) and cells[i]}
                if all(row.get(name) for name in required):
                    found.append(row)
            return found
    return []


def _tables(lines: list[str]) -> list[tuple[list[str], list[list[str]]]]:
    """Markdown pipe tables: (header cells, body rows' cells)."""
    tables: list[tuple[list[str], list[list[str]]]] = []
    block: list[list[str]] = []
    for line in [*lines, ""]:
        if line.strip().startswith("|"):
            block.append([clean(cell) for cell in line.strip().strip("|").split("|")])
            continue
        if len(block) >= 2 and all(set(cell) <= set(":- ") for cell in block[1]):
            tables.append((block[0], block[2:]))
        block = []
    return tables


def _key(code: str, issue: int, what: str) -> str:
    return f"{code}/{issue}:{what}"[:60]


def step_headings(body: str) -> list[str]:
    """The steps of a procedure: the sub-headings of its procedure section ("Nội dung quy
    trình", "Procedure") when it has them, else its top-level headings."""
    headings: list[tuple[int, str]] = []
    for line in _prose_lines(body):
        match = _HEADING.match(line)
        if match:
            headings.append((len(match.group(1)), clean(match.group(2))))
    if not headings:
        return []
    top = min(level for level, _ in headings)
    for index, (level, text) in enumerate(headings):
        folded = fold(text)
        if level == top and ("noi dung" in folded or "procedure" in folded):
            subs = []
            for sub_level, sub_text in headings[index + 1 :]:
                if sub_level == top:
                    break
                if sub_level == top + 1:
                    subs.append(sub_text)
            if subs:
                return subs
    return [text for level, text in headings if level == top]


def _prose_lines(body: str) -> list[str]:
    """The lines of a Markdown body outside fenced code blocks."""
    lines, fenced = [], False
    for line in body.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines
