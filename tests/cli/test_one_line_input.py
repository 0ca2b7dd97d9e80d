"""One-line options (titles, names, reasons) with a line break, tab or other control
character: one line on stderr naming the field, exit code 2, nothing saved."""

import pytest
from sqlalchemy.engine import Engine

from tests.cli.conftest import Invoke
from tests.helpers import new_draft, snapshot

REFUSALS = [
    (
        ("doc", "new", "QT-40", "--title", "Quy trình\nkiểm soát", "--type", "procedure",
         "--dept", "VP", "--as", "thu"),
        "error: the title must be one line: it contains a line break, tab or other control"
        " character (U+000A)",
    ),
    (
        ("doc", "revise", "QT-01", "--reason", "Kết quả\u2028đánh giá", "--as", "thu"),
        "error: the reason for change must be one line: it contains a line break, tab or other"
        " control character (U+2028)",
    ),
    (
        ("user", "add", "tuan", "--name", "Ngô Anh Tuấn", "--role", "staff",
         "--position", "Chuyên viên\tPhòng Kinh tế", "--as", "admin"),
        "error: the position must be one line: it contains a line break, tab or other control"
        " character (U+0009)",
    ),
    (
        ("dept", "add", "KT", "Phòng Kinh tế\r", "--name-en", "Economic\x1bDivision",
         "--as", "admin"),
        "error: the English department name must be one line: it contains a line break, tab or"
        " other control character (U+001B)",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    REFUSALS,
    ids=["doc new --title", "doc revise --reason", "user add --position", "dept add --name-en"],
)
def test_a_one_line_option_with_a_control_character_is_refused(
    qms: Invoke, engine: Engine, args: tuple[str, ...], message: str
) -> None:
    new_draft(engine)
    before = snapshot(engine)
    result = qms(*args, input="a-long-password-2026\n")
    assert (result.exit_code, result.stderr, result.stdout) == (2, message + "\n", "")
    assert snapshot(engine) == before


def test_the_refusal_names_the_field_in_vietnamese(qms: Invoke, engine: Engine) -> None:
    new_draft(engine)
    result = qms(
        "doc", "revise", "QT-01", "--reason", "Kết quả\nđánh giá", "--as", "thu",
        env={"QMS_LANGUAGE": "vi"},
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr == (
        "error: lý do sửa đổi phải nằm trên một dòng: có ký tự xuống dòng, ký tự tab hoặc ký tự"
        " điều khiển khác (U+000A)\n"
    )
