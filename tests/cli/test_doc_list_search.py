"""``qms doc list --search`` asks the register's search service, the one behind the web
register: the same documents for the same words, effective texts included."""

import json
from typing import Any

from fastapi import FastAPI

from qms.settings import Settings
from qms.web.app import create_app
from tests.cli.conftest import Invoke
from tests.helpers import effective_document, new_draft
from tests.web.client import signed_in


def _cli_codes(qms: Invoke, *args: str) -> list[str]:
    rows: list[dict[str, Any]] = json.loads(qms("doc", "list", "--format", "json", *args).stdout)
    return [row["code"] for row in rows]


def _web_codes(app: FastAPI, username: str, **params: str) -> list[str]:
    client = signed_in(app, username)
    rows = client.get("/api/documents", params=params).json()
    client.close()
    items = rows["items"] if isinstance(rows, dict) else rows
    return [row["code"] for row in items]


def test_cli_and_web_search_alike(qms: Invoke, db_url: str) -> None:
    app = create_app(Settings(database_url=db_url))
    engine = app.state.engine
    effective_document(engine, "QT-01")  # its text: "tiếp nhận hồ sơ trong 02 ngày"
    new_draft(engine, "QT-02", title="Quy trình tiếp nhận phản ánh")
    new_draft(engine, "BM-01", title="Phiếu kiểm soát", doc_type="form")
    for words in ("tiep nhan", "tiếp nhận hồ sơ", "KIEM SOA", "qt-0", "ngay lam viec"):
        cli = _cli_codes(qms, "--search", words, "--as", "thu")
        assert cli == _web_codes(app, "thu", q=words), words
    # The effective text is searched: the old code-and-title search missed QT-01 here.
    assert _cli_codes(qms, "--search", "ho so trong", "--as", "thu") == ["QT-01"]
    assert _cli_codes(qms, "--search", "tiep nhan", "--as", "lan") == ["QT-01"]
    assert _cli_codes(qms, "--status", "draft", "--as", "thu") == ["BM-01", "QT-02"]
    refused = qms("doc", "list", "--status", "draft", "--as", "lan")
    assert refused.exit_code == 4
    assert refused.stderr.count("\n") == 1
    app.state.engine.dispose()
