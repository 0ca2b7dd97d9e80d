"""One place for words: every message the code and the templates use (as the extractor
finds it, context included) is in both catalogs with its Vietnamese, and no table of
words per language is left in the code."""

import ast
import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import qms
from qms.cli.help import extraction_methods
from qms.domain import LANGUAGES
from qms.i18n import EXTRACTION_KEYWORDS, LOCALE_DIR, Message, catalog_path, compile_catalog
from qms.paths import templates_dir

PACKAGE = Path(qms.__file__).parent
Key = tuple[str | None, str | tuple[str, ...]]


def _used_messages() -> set[Key]:
    """(context, message) of every message, extracted the way scripts/update-catalogs does."""
    found: set[Key] = set()
    sources: list[tuple[Path, list[tuple[str, str]], dict[str, dict[str, str]]]] = [
        (PACKAGE, extraction_methods(), {}),
        (
            templates_dir() / "web",
            [("**.html", "jinja2")],
            {"**.html": {"extensions": "jinja2.ext.i18n"}},
        ),
    ]
    for root, method_map, options in sources:
        for _name, _line, message, _comments, context in extract_from_dir(
            root, method_map, options, EXTRACTION_KEYWORDS
        ):
            found.add((context, message))
    return found


USED = _used_messages()


def _catalog(language: str) -> Catalog:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=language)


def _translated(catalog: Catalog, key: Key) -> bool:
    context, message = key
    entry = catalog.get(message, context=context)
    if entry is None:
        return False
    strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
    return all(strings)


def test_every_message_has_its_vietnamese_and_is_in_the_english_catalog() -> None:
    assert len(USED) > 800
    vi, en = _catalog("vi"), _catalog("en")
    assert sorted(map(str, (k for k in USED if not _translated(vi, k)))) == []
    assert sorted(map(str, (k for k in USED if en.get(k[1], context=k[0]) is None))) == []


def _labels() -> dict[str, Message]:
    from qms.render.record_labels import RECORD_LABELS
    from qms.services.audits import records as audit_records
    from qms.services.capa import records as capa_records
    from qms.services.documents import renditions

    tables: dict[str, Message] = {f"record.{k}": m for k, m in RECORD_LABELS.items()}
    for name in ("SOURCE_LABELS", "SEVERITY_LABELS", "CAUSE_LABELS", "SIMILAR_LABELS"):
        tables |= {f"capa.{name}.{k}": m for k, m in getattr(capa_records, name).items()}
    tables |= {f"capa.state.{k}": m for k, m in capa_records._REVISION_STATUS.items()}
    tables |= {f"audit.{k}": m for k, m in audit_records._WORDS.items()}
    tables["manual"] = renditions.MANUAL_TITLE
    return tables


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_compiled_catalog_is_its_po_file_compiled(language: str) -> None:
    """The program reads the .mo files: one left behind by an edit of its .po (run
    scripts/update-catalogs) would print the old words."""
    assert catalog_path(language, ".mo").read_bytes() == compile_catalog(language)


def test_the_printed_labels_and_the_services_words_are_extracted() -> None:
    labels = _labels()
    assert len(labels) > 200
    assert [k for k, m in labels.items() if (m.context, m.id) not in USED] == []


def test_the_same_english_words_keep_their_vietnamese_per_context() -> None:
    from qms.render.record_labels import record_labels_for

    vi = record_labels_for("vi")
    assert (vi["record_status"], vi["action_status"]) == ("Tình trạng", "Trạng thái")
    assert (vi["capa_status_open"], vi["action_open"], vi["total_open"]) == (
        "Mới ghi nhận",
        "Đang thực hiện",
        "Đang mở",
    )
    assert (vi["status_draft"], vi["audit_draft_mark"]) == ("DỰ THẢO", "DỰ THẢO")
    assert record_labels_for("en")["date_format"] == "%Y-%m-%d"
    assert vi["date_format"] == "%d/%m/%Y"


# The words a Vietnamese ISO secretary uses (TCVN ISO 9001:2015), one word per thing: the
# other words a translation could drift to are refused anywhere in the catalog.
STANDARD_TERMS = {
    "dự thảo": "bản nháp",  # a draft
    "nhật ký hệ thống": "nhật ký kiểm tra",  # the trail
    "tập tài liệu hiện hành của phòng": "sổ tay của phòng",  # a department's bundle
    "cải tiến liên tục": "cải tiến thường xuyên",  # clause 10.3, as TCVN ISO 9001:2015 says
    "điểm lưu ý": "khuyến nghị",  # an observation
    "biện pháp khắc phục tức thời": "sự khắc phục (",  # a correction
    "đánh giá hiệu lực": "xác nhận hiệu lực",  # verification of a corrective action
}


def test_vietnamese_uses_one_standard_term_per_thing() -> None:
    drifted = []
    for entry in _catalog("vi"):
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for text in strings:
            for standard, other in STANDARD_TERMS.items():
                if other in text.casefold():
                    drifted.append(f"{entry.id!r}: {other!r} where {standard!r} is meant")
    assert drifted == []
    trail = _catalog("vi").get("Audit trail")
    assert trail is not None
    assert trail.string == "Nhật ký hệ thống"


def test_signature_tables_name_the_signing_roles_in_the_standard_terms() -> None:
    catalog = _catalog("vi")
    heading = catalog.get("Signing role")
    assert heading is not None
    assert heading.string == "Vai trò ký"
    for context in ("Signing role", "PDF"):
        roles = [catalog.get(role, context) for role in ("Drafted", "Reviewed", "Approved")]
        assert [r.string if r else None for r in roles] == ["Soạn thảo", "Xem xét", "Phê duyệt"]


def test_data_files_use_the_standard_terms() -> None:
    """The clause titles of the audit checklists and the demo's documents say what the
    catalogs say."""
    files = [*(PACKAGE / "data").rglob("*.yaml"), *(PACKAGE.parent / "procedures").glob("*.md")]
    drifted = [
        f"{path.name}: {other!r} where {standard!r} is meant"
        for path in files
        for standard, other in STANDARD_TERMS.items()
        if other in path.read_text(encoding="utf-8").casefold()
    ]
    assert drifted == []


# ------------------------------------------------------------- no words left in the code


def _calls_named(tree: ast.AST, names: set[str]) -> Iterable[ast.Call]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in names:
                yield node


def _unmarked(path: str, tree: ast.AST) -> list[str]:
    """msg()/pmsg() calls the extractor cannot read: anything but literal strings."""
    return [
        f"{path}:{call.lineno}"
        for call in _calls_named(tree, {"msg", "pmsg"})
        if not call.args
        or call.keywords
        or not all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in call.args)
    ]


VIETNAMESE = re.compile(
    "[ăâđêôơưạảãàáậầấẩẫắằặẳẵèéẹẻẽềếểễệìíịỉĩòóọỏõồốổỗộờớợởỡùúụủũừứửữựỳýỵỷỹ]", re.IGNORECASE
)
# Vietnamese that is data or a gloss, not a label of the interface.
NOT_LABELS = {
    "qms/services/audits/checklists.py": "the checklist library's clause titles and the "
    "questions it writes for a procedure, stored on each item in both languages",
    "qms/render/_preload.py": "a sample document that warms the renderer up",
    "qms/text.py": "the Vietnamese alphabet, for sorting and search",
    "qms/services/documents/word/particulars.py": "the words of the header, signature and "
    "history tables of Word files, in both languages, which the reader recognises",
    "qms/cli/": "the command line's help is English, with Vietnamese terms as glosses",
    "qms/migrations/": "the schema's history",
}


def _docstrings(tree: ast.AST) -> set[int]:
    kinds = ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, kinds)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def _words_per_language(path: str, tree: ast.AST) -> list[str]:
    """Tables keyed by language, names that say a language (``X_VI``), and Vietnamese
    written in code: words a translator could not find in the catalogs."""
    found = []
    languages = set(LANGUAGES)
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            if len(keys) >= 2 and keys <= languages:
                found.append(f"{path}:{node.lineno}: a table per language")
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Name) and re.fullmatch(r"_?([A-Z]+_)*(VI|EN)", target.id):
                found.append(f"{path}:{node.lineno}: {target.id}")
    if not any(path.startswith(allowed) for allowed in NOT_LABELS):
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and VIETNAMESE.search(node.value)
            ):
                found.append(f"{path}:{node.lineno}: {node.value[:40]!r}")
    return found


def _package_trees() -> dict[str, ast.Module]:
    return {
        path.relative_to(PACKAGE.parent).as_posix(): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(PACKAGE.rglob("*.py"))
    }


TREES = _package_trees()


def test_every_label_in_code_is_a_literal_the_extractor_reads() -> None:
    assert [bad for path, tree in TREES.items() for bad in _unmarked(path, tree)] == []


def test_no_words_per_language_are_left_in_the_code() -> None:
    assert [bad for path, tree in TREES.items() for bad in _words_per_language(path, tree)] == []


@pytest.mark.parametrize(
    "source",
    [
        'TITLES = {"vi": "Muc luc", "en": "Contents"}',
        'LABELS = {"en": {"code": "Code"}, "vi": {"code": "Ma hieu"}}',
        '_IMPORTANCE_VI = {"high": "cao"}',
        'def f(n):\n    return f"{n} lần/năm"',
    ],
)
def test_the_check_finds_words_per_language(source: str) -> None:
    assert len(_words_per_language("qms/example.py", ast.parse(source))) == 1


@pytest.mark.parametrize(
    "source", ['LABEL = msg(f"{code}")', 'LABEL = pmsg(CONTEXT, "Code")', "LABEL = msg(words)"]
)
def test_the_check_finds_a_label_the_extractor_would_miss(source: str) -> None:
    assert len(_unmarked("qms/example.py", ast.parse(source))) == 1


def test_data_in_two_languages_is_not_a_table_of_words() -> None:
    source = 'GRADE = {"code": "NC_MAJOR", "vi": "Không phù hợp nặng", "en": "Major"}'
    assert _words_per_language("qms/services/audits/checklists.py", ast.parse(source)) == []
