"""QMS_LANGUAGE=vi: click's own usage errors (the usage line, the hint, "Error: ...") and the
lines ``qms init`` and ``qms pdf`` print read in Vietnamese; English stays click's and as
scripts match it."""

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine

from qms.cli import cli
from tests.cli.conftest import Invoke
from tests.helpers import effective_document, snapshot

VI = {"QMS_LANGUAGE": "vi"}


def _usage_error(*args: str, language: str = "vi") -> tuple[int, str]:
    result = CliRunner().invoke(
        cli, list(args), env={"QMS_LANGUAGE": language}, prog_name="qms", catch_exceptions=False
    )
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("doc", "show"), "Lỗi: Thiếu đối số 'CODE'."),
        (("doc", "revise", "QT-01"), "Lỗi: Thiếu tùy chọn '--as'."),
        (("doc", "bogus"), "Lỗi: Không có lệnh 'bogus'."),
        (
            ("doc", "list", "--status", "lost"),
            "Lỗi: Giá trị không hợp lệ cho '--status': 'lost' không thuộc các giá trị "
            "'effective', 'draft', 'in_review', 'approved', 'obsolete'.",
        ),
        (
            ("capa", "list", "--year", "abc"),
            "Lỗi: Giá trị không hợp lệ cho '--year': 'abc' không phải số nguyên hợp lệ.",
        ),
        (
            ("doc", "list", "--sttaus", "draft"),
            "Lỗi: Không có tùy chọn '--sttaus'. (Có phải ý bạn là một trong: '--as', '--status'?)",
        ),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else "",
)
def test_click_s_usage_errors_read_in_vietnamese(args: tuple[str, ...], error: str) -> None:
    code, stderr = _usage_error(*args)
    english_code, english = _usage_error(*args, language="en")
    assert code == english_code == 2
    usage, hint, blank, message = stderr.splitlines()
    assert usage.startswith(f"Cách dùng: qms {args[0]}")
    assert hint.startswith(f"Gõ '{' '.join(usage.split()[2:4])}")
    assert hint.endswith(" --help' để xem hướng dẫn.")
    assert blank == ""
    assert message == error
    assert english.startswith("Usage: qms ")
    assert "Try 'qms " in english
    assert "\nError: " in english


def test_the_root_s_own_usage_error_and_one_without_usage_line() -> None:
    assert _usage_error("bogus") == (
        2,
        "Cách dùng: qms [OPTIONS] COMMAND [ARGS]...\n"
        "Gõ 'qms --help' để xem hướng dẫn.\n\n"
        "Lỗi: Không có lệnh 'bogus'.\n",
    )
    assert _usage_error("doc", "list", "--format") == (
        2,
        "Lỗi: Tùy chọn '--format' cần một giá trị.\n",
    )
    assert _usage_error("doc", "list", "--format", language="en") == (
        2,
        "Error: Option '--format' requires an argument.\n",
    )


def test_init_speaks_vietnamese(blank_db_url: str, password: str) -> None:
    result = CliRunner().invoke(
        cli,
        ["init", "--admin", "root"],
        input=password,
        env={"QMS_DATABASE_URL": blank_db_url, **VI},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "lược đồ cơ sở dữ liệu đã ở phiên bản mới nhất",
        "đã tạo quản trị viên root",
    ]


def test_pdf_speaks_vietnamese(qms: Invoke, engine: Engine, tmp_path: Path) -> None:
    effective_document(engine)
    out = tmp_path / "a.pdf"
    written = qms("pdf", "document", "QT-01", "-o", str(out), env=VI)
    assert written.exit_code == 0, written.output
    size = f"{out.stat().st_size:,}".replace(",", ".")
    assert written.stdout == f"đã ghi {out} (QT-01 lần ban hành 1, có hiệu lực, {size} byte)\n"
    assert qms("pdf", "verify", env=VI).stdout == "1 tệp đã lưu khớp với mã băm\n"
    before = snapshot(engine)
    missing = qms("pdf", "document", "QT-01", env=VI)
    assert missing.exit_code == 2
    assert missing.stderr.endswith("Lỗi: Thiếu tùy chọn '-o' / '--output'.\n")
    assert snapshot(engine) == before
