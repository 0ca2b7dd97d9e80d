"""Reading the records table that ends a procedure ("HỒ SƠ CẦN LƯU": record, who keeps
it, retention) from the Markdown body of an issue.

Only the first table under a records heading is read, so other tables that mention
retention (a section on retention rules, say) are not taken for the list. A table that
cannot be read is reported by the line of the body it is on; the rows that can be read
are still returned.
"""

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from qms.errors import Text

PAPER, ELECTRONIC, BOTH = "paper", "electronic", "both"
MEDIA = (PAPER, ELECTRONIC, BOTH)
WORDS_FILE = "records-tables.yaml"

_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_NUMBERING = re.compile(r"^(?:[0-9]+(?:\.[0-9]+)*|[IVXLC]+)[.)]?\s+", re.IGNORECASE)
_SEPARATOR_CELL = re.compile(r"^:?-{1,}:?$")
_CODE = re.compile(r"\b[A-Z][A-Z0-9]{0,5}(?:-[A-Z0-9]{1,8}){1,3}\b")


@dataclass(frozen=True)
class Words:
    """The words that recognise a records table (see ``qms/data/records-tables.yaml``)."""

    headings: frozenset[str]
    columns: tuple[tuple[str, tuple[str, ...]], ...]
    exact: frozenset[str]
    permanent: re.Pattern[str]
    years: re.Pattern[str]
    electronic: tuple[str, ...]
    paper: tuple[str, ...]
    # The list's record names of what qms produces on no form (review minutes, the
    # printed trail), by kind: the default of each kind's setting.
    produced: dict[str, str]


def _either(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)


@cache
def words() -> Words:
    import yaml  # only reading a records table needs it, not every command that imports this

    path = resources.files("qms.data") / WORDS_FILE
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    retention = data["retention"]
    prefix = f"(?:(?:{_either(retention['prefixes'])})\\s+)?"
    return Words(
        headings=frozenset(data["headings"]),
        columns=tuple((name, tuple(found)) for name, found in data["columns"].items()),
        exact=frozenset(data["exact"]),
        permanent=re.compile(f"^{prefix}(?:{_either(retention['permanent'])})\\.?$", re.IGNORECASE),
        years=re.compile(
            f"^{prefix}0*([0-9]{{1,3}})\\s*(?:{_either(retention['years'])})\\.?$", re.IGNORECASE
        ),
        electronic=tuple(data["electronic"]),
        paper=tuple(data["paper"]),
        produced=dict(data["produced"]),
    )


@dataclass(frozen=True)
class Retention:
    """A retention period as written, and what it means when it is a plain one."""

    text: str
    years: int | None = None  # "05 năm" -> 5
    permanent: bool = False  # "Lưu vĩnh viễn"


@dataclass(frozen=True)
class TableRow:
    line: int  # of the body, from 1
    name: str
    location: str
    retention: Retention
    medium: str
    disposal: str
    codes: tuple[str, ...]  # document codes it names (the form that produces it)


@dataclass(frozen=True)
class TableProblem:
    line: int
    text: Text


@dataclass
class RecordsTable:
    """What the body's records table holds; ``found`` is False when there is no records
    heading at all (a form, a policy)."""

    found: bool = False
    rows: list[TableRow] = field(default_factory=list)
    problems: list[TableProblem] = field(default_factory=list)


def parse_retention(text: str) -> Retention:
    value = " ".join(text.split())
    if words().permanent.match(value):
        return Retention(value, permanent=True)
    years = words().years.match(value)
    if years and int(years.group(1)) > 0:
        return Retention(value, years=int(years.group(1)))
    return Retention(value)


def infer_medium(location: str, stated: str = "") -> str:
    """Paper, electronic or both: from the medium column when the table has one, else
    from where the record is kept (a system or database is electronic)."""
    known = words()
    if stated:
        said = stated.casefold()
        paper = any(word in said for word in known.paper)
        electronic = any(word in said for word in known.electronic)
        if paper and electronic:
            return BOTH
        if electronic:
            return ELECTRONIC
        if paper:
            return PAPER
    parts = [p.casefold() for p in re.split(r"[;,]", location) if p.strip()] or [""]
    electronic_parts = [p for p in parts if any(w in p for w in known.electronic)]
    if not electronic_parts:
        return PAPER
    return ELECTRONIC if len(electronic_parts) == len(parts) else BOTH


def document_codes(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_CODE.findall(text)))


def records_table(body: str) -> RecordsTable:
    """The records table of ``body`` (see the module's docstring)."""
    lines = body.split("\n")
    start = _records_heading(lines)
    result = RecordsTable(found=start is not None)
    if start is None:
        return result
    table_start = None
    for index in range(start + 1, len(lines)):
        if _HEADING.match(lines[index]):
            break
        if lines[index].strip().startswith("|"):
            table_start = index
            break
    if table_start is None:
        result.problems.append(TableProblem(start + 1, Text("the records section has no table")))
        return result
    _read_table(lines, table_start, result)
    return result


def _records_heading(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        heading = _HEADING.match(line)
        if heading is None:
            continue
        title = _NUMBERING.sub("", heading.group(2)).strip().rstrip(":").casefold()
        if title in words().headings:
            return index
    return None


def _cells(line: str) -> list[str]:
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", text)]


def _columns(header: list[str]) -> dict[str, int]:
    known = words()
    found: dict[str, int] = {}
    for position, cell in enumerate(header):
        label = " ".join(cell.replace("*", "").split()).casefold()
        for column, names in known.columns:
            if column in found:
                continue
            if any(label == w if w in known.exact else w in label for w in names):
                found[column] = position
                break
    return found


def _read_table(lines: list[str], start: int, result: RecordsTable) -> None:
    header = _cells(lines[start])
    columns = _columns(header)
    if "name" not in columns:
        result.problems.append(
            TableProblem(start + 1, Text("the records table has no column naming the record"))
        )
    if "retention" not in columns:
        result.problems.append(
            TableProblem(start + 1, Text("the records table has no retention column"))
        )
    following = lines[start + 1] if start + 1 < len(lines) else ""
    if not following.strip().startswith("|") or not all(
        _SEPARATOR_CELL.match(c) for c in _cells(following)
    ):
        result.problems.append(
            TableProblem(
                start + 2, Text("the records table has no separator line under its header")
            )
        )
        return
    if "name" not in columns or "retention" not in columns:
        return
    index = start + 2
    while index < len(lines) and lines[index].strip().startswith("|"):
        row = _read_row(lines[index], index + 1, header, columns, result)
        if row is not None:
            result.rows.append(row)
        index += 1


def _read_row(
    line: str, number: int, header: list[str], columns: dict[str, int], result: RecordsTable
) -> TableRow | None:
    cells = _cells(line)
    if len(cells) != len(header):
        result.problems.append(
            TableProblem(
                number,
                Text(
                    "the row has {found} cells where the header has {expected}",
                    found=len(cells),
                    expected=len(header),
                ),
            )
        )
        return None

    def cell(column: str) -> str:
        return " ".join(cells[columns[column]].split()) if column in columns else ""

    name, retention = cell("name"), cell("retention")
    if not name:
        result.problems.append(TableProblem(number, Text("the row names no record")))
        return None
    if not retention:
        result.problems.append(TableProblem(number, Text("the row gives no retention period")))
        return None
    location = cell("location")
    return TableRow(
        line=number,
        name=name,
        location=location,
        retention=parse_retention(retention),
        medium=infer_medium(location, cell("medium")),
        disposal=cell("disposal"),
        codes=document_codes(f"{cell('form')} {name}"),
    )
