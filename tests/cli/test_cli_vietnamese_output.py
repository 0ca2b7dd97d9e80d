"""QMS_LANGUAGE=vi: the read commands print their tables, labels and lines in Vietnamese,
and English stays what scripts match.

Which words are the CLI's own: the words of a command's English text output that are
not in the stored data it shows, where the stored data is every string *value* of the
same command's ``--format json`` output (the keys are the JSON's own field names, not
data). A word counts as data when it is part of such a value, so a text cut short in a
table cell ("rec…") is data too. What is left are the headings, labels, codes turned into
words and phrases the command itself prints; none of them may appear in the Vietnamese
output, and each command's list must hold the words named below (so the test fails if
the English side changes or the derivation finds nothing). A few words every language
keeps (UTC, PDF, CAR) are allowed.

One demo database (``qms init --demo``, plus an audit planned and started, since the
demo has none) serves the whole module: every command here only reads it.
"""

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from qms.cli import cli

KEPT_IN_EVERY_LANGUAGE = {"UTC", "PDF", "CAR"}
_WORD = re.compile(r"\w+")
_REFERENCE = re.compile(r"\b[A-Z]+(?:-[A-Z0-9]+)+\b")


def _run(url: str, *args: str, language: str = "en") -> str:
    result = CliRunner().invoke(
        cli,
        list(args),
        env={"QMS_DATABASE_URL": url, "QMS_LANGUAGE": language, "QMS_USER": None},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    path: Path = tmp_path_factory.mktemp("demo") / "qms.db"
    url = f"sqlite:///{path}"
    _run(url, "init", "--demo")
    _run(url, "audit", "plan", "--dept", "TP", "--clauses", "7.5,8.2", "--procedures",
         "QT-01", "--lead", "binhvt", "--team", "ngocbt", "--start", "2026-12-01", "--end",
         "2026-12-02", "--objectives", "Đánh giá Phòng Tư pháp", "--as", "binhvt")  # fmt: skip
    _run(url, "audit", "start", "IA-2026-01", "--as", "binhvt")
    return url


def _values(data: Any) -> Iterator[str]:
    """The values of a JSON output's records (an object, or a list of them) as text: a
    string as it is, anything else (a nested object, a list) as JSON."""
    for record in data if isinstance(data, list) else [data]:
        for value in record.values() if isinstance(record, dict) else [record]:
            yield value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _english_words(text: str) -> set[str]:
    """The English words of a text: runs of ASCII letters, references (IA-2026-01) left
    out."""
    text = _REFERENCE.sub(" ", text)
    return {w for w in _WORD.findall(text) if w.isascii() and w.isalpha() and len(w) > 1}


def cli_words(url: str, args: tuple[str, ...]) -> set[str]:
    """The CLI's own English words in the text output of ``qms ARGS`` (see above)."""
    english = _run(url, *args)
    data = "\n".join(_values(json.loads(_run(url, *args, "--format", "json"))))
    return {w for w in _english_words(english) if w not in data} - KEPT_IN_EVERY_LANGUAGE


COMMANDS: list[tuple[tuple[str, ...], set[str], set[str]]] = [
    # (the command, words it must print of its own, stored codes it shows as words)
    (("dept", "list"), {"CODE", "NAME"}, set()),
    (("user", "list"), {"USERNAME", "ROLES", "ACTIVE", "yes"}, set()),
    (("records", "list", "--dept", "VP"), {"SOURCE", "KEPT", "MEDIUM", "RETENTION"},
     {"paper", "electronic", "both"}),
    (("records", "due"), {"BATCH", "YEAR", "COUNT", "FROM"}, set()),
    (("risk", "list"), {"KIND", "TITLE", "TREATMENT", "AFTER"},
     {"risk", "opportunity", "high", "medium", "low", "reduce", "avoid", "accept", "exploit"}),
    (("risk", "overdue"), {"DUE", "WHAT", "OWNER"}, set()),
    (("data", "on-time"), {"PERIOD", "FIELD", "RECEIVED", "RESOLVED", "LATE", "RATE"}, set()),
    (("data", "on-time", "--by", "procedure"), {"PROCEDURE", "TIME"}, set()),
    (("data", "satisfaction"), {"ANSWERS", "SATISFIED"}, set()),
    (("data", "feedback", "list"), {"SUMMARY", "RECEIVED"}, set()),
    (("trail", "show", "--limit", "20"), {"SEQ", "ACTOR", "DETAIL"}, set()),
    (("verify",), {"intact", "everything", "matches", "stored", "files"}, set()),
    (("audit", "show", "IA-2026-01", "--verify", "--as", "binhvt"),
     {"objectives", "criteria", "team", "planned", "actual", "hash"},
     {"internal", "lead", "member"}),
    (("audit", "checklist", "IA-2026-01", "--as", "binhvt"), {"items"}, set()),
    (("audit", "list", "--as", "binhvt"), {"TYPE", "STATUS", "LEAD"}, {"internal"}),
    (("audit", "coverage", "2026", "--as", "binhvt"), {"CLAUSE", "clauses", "reaches"}, set()),
    (("audit", "grades", "--as", "binhvt"), {"NONCONFORMITY", "yes"}, set()),
    (("capa", "show", "CAR-2026-002", "--as", "thultm"),
     {"source", "department", "clause", "reported", "nonconformity", "close", "Steps"},
     {"open", "minor"}),
    (("doc", "diff", "MT-01", "1", "2", "--as", "thultm"), {"issue", "differences", "body"},
     set()),
    (("doc", "show", "ND-61-2018-ND-CP"), {"issuer", "reference", "checked", "current"}, set()),
]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "named", "codes"),
    COMMANDS,
    ids=lambda v: " ".join(v[:3]) if isinstance(v, tuple) else "",
)
def test_read_commands_print_no_english_word_of_their_own_in_vietnamese(
    demo: str, args: tuple[str, ...], named: set[str], codes: set[str]
) -> None:
    words = cli_words(demo, args)
    assert named <= words, f"not printed in English: {sorted(named - words)}"
    assert codes <= _english_words(_run(demo, *args)), "codes not printed in English"
    vietnamese = _run(demo, *args, language="vi")
    left = {
        f"{word!r} in {line!r}"
        for line in vietnamese.splitlines()
        for word in _english_words(line) & (words | codes)
    }
    assert not left, "English in the Vietnamese output:\n" + "\n".join(sorted(left))


def test_numbers_and_rates_read_the_vietnamese_way(demo: str) -> None:
    english = _run(demo, "data", "on-time").splitlines()
    vietnamese = _run(demo, "data", "on-time", language="vi").splitlines()
    assert english[0].split() == ["PERIOD", "FIELD", "RECEIVED", "RESOLVED", "ON", "TIME",
                                  "LATE", "RATE", "%"]  # fmt: skip
    assert vietnamese[0].split()[:3] == ["KỲ", "LĨNH", "VỰC"]
    assert any(re.search(r"\b\d{1,3}\.\d{2}\b", line) for line in english[1:])
    assert not any(re.search(r"\d,\d{3}\b", line) for line in english)  # English: no grouping
    assert any(re.search(r"\b\d{1,3},\d{2}\b", line) for line in vietnamese[1:])
    assert any(re.search(r"\b\d\.\d{3}\b", line) for line in vietnamese[1:])
