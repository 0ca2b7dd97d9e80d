"""One shape for the same data: the command line's ``--format json`` and the API give the
same fields with the same values for the same audit."""

from collections.abc import Callable

from click.testing import CliRunner
from sqlalchemy.engine import Engine

from qms.cli import cli
from qms.services.audits import planning as audits
from qms.services.audits import work as audit_work
from tests.helpers import act, cli_json
from tests.services.audit_helpers import effective_procedures, plan_tp
from tests.web.client import WebClient

Login = Callable[[str], WebClient]


def test_the_command_line_and_the_api_give_one_shape(
    web_engine: Engine, db_url: str, as_user: Login
) -> None:
    effective_procedures(web_engine)
    ref = plan_tp(web_engine)
    act(web_engine, audits.start, "an", ref=ref)
    act(web_engine, audit_work.record, "an", ref=ref, item=1, result="NC_MAJOR",
        evidence="Sổ không cập nhật", finding="Không cập nhật danh mục",
        attachments=[("so.jpg", b"\xff\xd8 so")])  # fmt: skip
    act(web_engine, audit_work.record, "an", ref=ref, item=2, result="C", evidence="Đủ")
    act(web_engine, audits.conclude, "an", ref=ref, conclusions="Cần khắc phục F1",
        distribution=["Phòng Tư pháp"])  # fmt: skip
    an = as_user("an")
    pairs = [
        (["audit", "list"], "/api/audits"),
        (["audit", "show", ref], f"/api/audits/{ref}"),
        (["audit", "checklist", ref], f"/api/audits/{ref}/checklist"),
        (["audit", "findings", ref], f"/api/audits/{ref}/findings"),
    ]
    for args, path in pairs:
        from_api = an.get(path)
        assert from_api.status_code == 200, from_api.text
        assert cli_json(db_url, *args, "--as", "an") == from_api.json(), path
    shown = an.get(f"/api/audits/{ref}").json()
    assert shown["audit_type"] == "internal"
    assert shown["team"] == [{"username": "an", "full_name": "Trịnh Văn An", "role": "lead"}]
    assert shown["procedures"] == [{"code": "QT-01", "issue": 1}]
    assert shown["steps"] == ["assign", "record", "conclude", "report"]
    assert shown["findings"][0]["label"] == f"{ref} / F1"
    assert shown["distribution"] == ["Phòng Tư pháp"]


def test_the_text_view_names_the_steps_in_the_users_language(
    web_engine: Engine, db_url: str
) -> None:
    effective_procedures(web_engine)
    ref = plan_tp(web_engine)
    for language, line in (
        ("en", "Steps you may take: assign, start, conclude"),
        ("vi", "Bước có thể thực hiện: assign, start, conclude"),
    ):
        shown = CliRunner().invoke(
            cli,
            ["audit", "show", ref, "--as", "an"],
            env={"QMS_DATABASE_URL": db_url, "QMS_USER": None, "QMS_LANGUAGE": language},
            catch_exceptions=False,
        )
        assert shown.stdout.splitlines()[-1] == line
