"""QMS_LANGUAGE: the command line's refusals in English by default, in Vietnamese on
request, with the same exit codes; an unknown language is refused in one line."""

from pathlib import Path

from sqlalchemy.engine import Engine

from tests.cli.conftest import Invoke
from tests.cli.test_cli import register
from tests.helpers import snapshot

VI = {"QMS_LANGUAGE": "vi"}


def test_a_refusal_in_vietnamese_keeps_its_exit_code(
    qms: Invoke, engine: Engine, password: str, tmp_path: Path
) -> None:
    register(qms, tmp_path)
    qms("doc", "submit", "QT-20", "--as", "thu", input=password)
    qms("doc", "review", "QT-20", "--accept", "--as", "quang", input=password)
    before = snapshot(engine)
    english = qms("doc", "approve", "QT-20", "--as", "quang", input=password)
    vietnamese = qms("doc", "approve", "QT-20", "--as", "quang", input=password, env=VI)
    assert (english.exit_code, english.stderr) == (
        4,
        "error: quang reviewed QT-20 issue 1; approval needs a second person\n",
    )
    assert (vietnamese.exit_code, vietnamese.stdout) == (4, "")
    assert vietnamese.stderr == (
        "error: quang đã xem xét QT-20 lần ban hành 1; "
        "việc phê duyệt phải do người khác thực hiện\n"
    )
    assert snapshot(engine) == before


def test_phrases_inside_a_refusal_are_translated_too(qms: Invoke, tmp_path: Path) -> None:
    register(qms, tmp_path)
    result = qms("doc", "submit", "QT-20", "--as", "lan", input="x\n", env={"QMS_LANGUAGE": "VI"})
    assert result.exit_code == 4
    assert result.stderr == "error: chỉ người soạn thảo QT-20 lần ban hành 1 mới được trình\n"
    missing = qms("doc", "show", "QT-99", "--as", "lan", env=VI)
    assert (missing.exit_code, missing.stderr) == (
        3,
        "error: không có tài liệu mã hiệu QT-99\n",
    )


def test_english_is_the_default_and_can_be_asked_for(qms: Invoke) -> None:
    default = qms("doc", "show", "QT-99", "--as", "lan")
    chosen = qms("doc", "show", "QT-99", "--as", "lan", env={"QMS_LANGUAGE": "en"})
    assert default.stderr == chosen.stderr == "error: no document with code QT-99\n"
    assert default.exit_code == chosen.exit_code == 3


def test_an_unknown_language_is_refused_in_one_line(qms: Invoke, engine: Engine) -> None:
    before = snapshot(engine)
    result = qms("doc", "show", "QT-99", "--as", "lan", env={"QMS_LANGUAGE": "fr"})
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "error: QMS_LANGUAGE must be one of vi, en, not 'fr'\n"
    assert snapshot(engine) == before


def test_the_help_names_the_setting(qms: Invoke) -> None:
    assert "QMS_LANGUAGE=vi" in qms("--help").stdout


def test_numbers_in_a_refusal_are_grouped_the_languages_way(
    qms: Invoke, engine: Engine, tmp_path: Path
) -> None:
    big = tmp_path / "big.md"
    big.write_text("# 1. Mục đích\n\n" + "x" * 2_000_000, encoding="utf-8")
    before = snapshot(engine)
    args = ("doc", "new", "QT-21", "--title", "Quy trình", "--type", "procedure", "--dept", "VP")
    english = qms(*args, "--body", str(big), "--as", "thu")
    vietnamese = qms(*args, "--body", str(big), "--as", "thu", env=VI)
    assert english.stderr == "error: the body is longer than 2,000,000 characters\n"
    assert vietnamese.stderr == "error: nội dung dài quá 2.000.000 ký tự\n"
    assert (english.exit_code, vietnamese.exit_code) == (2, 2)
    assert snapshot(engine) == before
