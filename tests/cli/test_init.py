"""``qms init``: a new database, the first admin, and the sample QMS."""

import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from qms.cli import cli
from qms.db import make_engine, read_session
from qms.domain import DocType
from qms.errors import AuthenticationFailed
from qms.models import Department, PaperSignature, User
from qms.paths import procedures_dir
from qms.services.audits import checklists
from qms.services.documents import register as documents
from qms.services.documents import renditions, search
from qms.services.people import users
from qms.services.trail import chain as trail
from tests.helpers import snapshot


def run(url: str, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(
        cli, list(args), input=input, env={"QMS_DATABASE_URL": url}, catch_exceptions=False
    )


def test_init_demo_loads_the_sample_qms(blank_db_url: str) -> None:
    result = run(blank_db_url, "init", "--demo")
    files = sorted(procedures_dir().glob("*.md"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "database schema is up to date",
        f"sample QMS loaded: 8 departments, 12 users, {len(files)} documents",
    ]
    rows = json.loads(run(blank_db_url, "doc", "list", "--format", "json").stdout)
    assert len(rows) == len(files) >= 20
    assert {r["type"] for r in rows} >= {
        "policy",
        "manual",
        "procedure",
        "work_instruction",
        "form",
        "external",
        "plan",
        "decision",
    }
    assert {r["language"] for r in rows} == {"vi", "en"}
    engine: Engine = make_engine(blank_db_url)
    with read_session(engine) as session:
        assert trail.verify(session).ok
        assert all(
            r.current is not None and r.current.pdf_sha256
            for r in search.register_rows(session, viewer=None, filters=search.RegisterFilter())
        )
        looks_real(session)
        # MT-01 was issued again once the objectives it lists were approved: the copy in
        # force lists them in its annex.
        _doc, mt01, pdf = renditions.document_pdf(session, viewer=None, code="MT-01")
        # Its first issue's copy was stored before the second issue was begun, though
        # the other copies were still rendering then.
        mt01_events = [
            (e.action, e.entity_id)
            for e in trail.iter_all(session)
            if e.entity_id.startswith("MT-01/")
        ]
        assert mt01_events.index(("revision.render", "MT-01/1")) < min(
            i for i, (_, of) in enumerate(mt01_events) if of == "MT-01/2"
        )
    engine.dispose()
    annex = " ".join(PdfReader(io.BytesIO(pdf)).pages[-2].extract_text().split())
    assert mt01.issue == 2
    assert annex.startswith("Phụ lục: Mục tiêu chất lượng đã phê duyệt")
    assert "MT-2026-01 Phiên bản 1 Hồ sơ TTHC được giải quyết đúng hạn ≥ 98 %" in annex
    # English documents are kept out of the Vietnamese departments' documents.
    english = {r["department"] for r in rows if r["language"] == "en"}
    assert english
    assert not english & {r["department"] for r in rows if r["language"] == "vi"}
    objectives = json.loads(
        run(blank_db_url, "objective", "list", "--year", "2026", "--format", "json").stdout
    )
    assert len(objectives) == 6
    assert all(o["status"] == "approved" and o["signature_valid"] for o in objectives)
    quarterly = [o for o in objectives if o["frequency"] == "quarterly"]
    assert all(
        [r["period"] for r in o["results"]] == ["2026-Q1", "2026-Q2", "2026-Q3"] for o in quarterly
    )
    below = [
        (o["scope_value"], r["period"]) for o in objectives for r in o["results"] if not r["met"]
    ]
    assert ("1.011612", "2026-Q3") in below
    cars = run(blank_db_url, "capa", "list").stdout
    assert "QLDT" in cars
    assert "1.011612" in cars
    satisfaction = run(blank_db_url, "data", "satisfaction", "--year", "2026").stdout
    assert "2026-Q3" in satisfaction
    verified = run(blank_db_url, "verify")
    assert verified.exit_code == 0, verified.output
    assert f"issues {len(files) + 1}, " in verified.stdout  # and MT-01 issued again
    again = run(blank_db_url, "init", "--demo")
    assert again.exit_code == 4
    assert "already has users" in again.stderr


def test_a_demo_that_fails_late_leaves_the_database_as_it_was(
    blank_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sample is loaded in one transaction: a fault in its last file, found after
    the documents, their copies, the objectives and the risks were entered (each by a
    service that commits), leaves nothing of it behind."""
    folder = tmp_path / "procedures"
    shutil.copytree(procedures_dir(), folder)
    records = folder / "data" / "ho-so-luu-tru.yaml"
    records.write_text(
        records.read_text("utf-8") + '  - record: "Sổ không có trong danh mục"\n    year: 2024\n',
        "utf-8",
    )
    monkeypatch.setattr("qms.paths.procedures_dir", lambda: folder)
    engine = make_engine(blank_db_url)
    before = snapshot(engine)
    result = run(blank_db_url, "init", "--demo")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: ho-so-luu-tru.yaml: the list of records has no Sổ không có trong danh mục"
    ]
    assert snapshot(engine) == before
    engine.dispose()


def test_init_creates_the_first_admin(blank_db_url: str) -> None:
    result = run(
        blank_db_url, "init", "--admin", "root", "--admin-name", "Quản trị", input="long-password\n"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "created admin root"
    users_json = json.loads(run(blank_db_url, "user", "list", "--format", "json").stdout)
    assert [(u["username"], u["roles"]) for u in users_json] == [("root", ["admin"])]
    added = run(blank_db_url, "dept", "add", "VP", "Văn phòng", "--as", "root")
    assert added.stdout == "added department VP\n"
    in_vietnamese = CliRunner().invoke(
        cli,
        ["dept", "add", "TP", "Phòng Tư pháp", "--as", "root"],
        env={"QMS_DATABASE_URL": blank_db_url, "QMS_LANGUAGE": "vi"},
        catch_exceptions=False,
    )
    assert in_vietnamese.stdout == "đã thêm phòng ban TP\n"


def test_init_demo_loads_a_register_of_risks(blank_db_url: str) -> None:
    assert run(blank_db_url, "init", "--demo").exit_code == 0
    entries = json.loads(run(blank_db_url, "risk", "list", "--format", "json").stdout)
    assert len(entries) == 7
    assert {e["kind"] for e in entries} == {"risk", "opportunity"}
    assert {e["level"] for e in entries} == {"low", "medium", "high"}
    first = entries[0]
    assert (first["level"], first["residual_level"]) == ("high", "medium")
    assert [a["done"] for a in first["actions"]] == [True, False]
    assert run(blank_db_url, "risk", "overdue").stdout.splitlines()[1:] == []


def test_init_demo_builds_the_list_of_records(blank_db_url: str) -> None:
    assert run(blank_db_url, "init", "--demo").exit_code == 0
    listed = json.loads(run(blank_db_url, "records", "list", "--format", "json").stdout)
    sources = {line["source"] for line in listed}
    assert {"QT-01", "QT-02", "QT-03", "QT-04", "QT-05", "QT-06", "QT-TP-02"} <= sources
    report = next(line for line in listed if line["form_code"] == "BM-03-02")
    assert (report["retention"], report["department"]) == ("05 năm", "VP")
    due = json.loads(run(blank_db_url, "records", "due", "--format", "json").stdout)
    assert [(b["record"], b["year"]) for b in due] == [
        ("Báo cáo đánh giá nội bộ (BM-03-02)", 2019),
        ("Giấy tiếp nhận hồ sơ và hẹn trả kết quả (liên lưu)", 2023),
    ]
    assert run(blank_db_url, "records", "check").exit_code == 0


def looks_real(session: Session) -> None:
    """The sample as a district would have it at the pinned date (2026-12-04): periodic
    reviews done, a few falling due soon and none overdue; every issue it brings in
    approved on paper (MT-01's issue in force approved since, in the system); checklist questions on each procedure's steps and records."""
    due = documents.review_due(session, within_days=3650)
    assert not [item.document.code for item in due if item.overdue]
    soon = [item.document.code for item in documents.review_due(session, within_days=30)]
    assert 1 <= len(soon) <= 5, soon
    for entry in search.register_rows(session, viewer=None, filters=search.RegisterFilter()):
        doc, rev = entry.document, entry.current
        assert rev is not None
        signed = session.exec(
            select(PaperSignature.meaning).where(PaperSignature.revision_id == rev.id)
        ).all()
        # MT-01 is issued again in the system, signed electronically, once the objectives it
        # lists are approved (test_init_demo_loads_the_sample_qms).
        on_paper_none = doc.doc_type == DocType.EXTERNAL or doc.code == "MT-01"
        expected = [] if on_paper_none else ["approved", "drafted", "reviewed"]
        assert sorted(signed) == expected, doc.code
        if doc.doc_type != DocType.PROCEDURE:
            continue
        questions = checklists.procedure_questions(doc.code, rev.issue, rev.body)
        steps = [q for q in questions if ":step-" in q.key]
        assert steps, doc.code
        assert all(q.vi.startswith("Bước ") for q in steps), doc.code
        assert any(":record-" in q.key for q in questions), doc.code
        for q in questions:
            assert not any(word in q.vi for word in ("Lưu đồ", "Bảng trách nhiệm")), q.vi
            assert not any(word in q.en for word in ("Flow", "Responsibility table")), q.en


def _organisation_file(tmp_path: Path, password_hash: str) -> Path:
    path = tmp_path / "organisation.yaml"
    path.write_text(
        'organisation:\n  name: "UBND phường"\ndepartments:\n  - {code: VP, name: "Văn phòng"}\n'
        "users:\n  - {username: lan, full_name: Trần Thị Lan, department: VP, roles: [controller],"
        f" password_hash: '{password_hash}'}}\n",
        encoding="utf-8",
    )
    return path


def test_an_organisation_file_holds_a_hash_from_hash_password(
    blank_db_url: str, tmp_path: Path
) -> None:
    made = run(blank_db_url, "user", "hash-password", input="mat-khau-cua-lan\n")
    assert made.exit_code == 0, made.output
    path = _organisation_file(tmp_path, made.stdout.strip())
    assert "mat-khau-cua-lan" not in path.read_text(encoding="utf-8")
    loaded = run(blank_db_url, "init", "--organisation", str(path))
    assert loaded.exit_code == 0, loaded.output
    with read_session(make_engine(blank_db_url)) as session:
        assert users.authenticate(session, username="lan", password="mat-khau-cua-lan")
        with pytest.raises(AuthenticationFailed):
            users.authenticate(session, username="lan", password="mat-khau-khac-2026")


def test_hash_password_refuses_a_short_password_in_one_line(blank_db_url: str) -> None:
    result = run(blank_db_url, "user", "hash-password", input="ngan\n")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["error: password must have at least 8 characters"]


def test_an_organisation_file_with_a_weak_hash_is_refused_and_nothing_is_loaded(
    blank_db_url: str, tmp_path: Path
) -> None:
    weak = run(blank_db_url, "user", "hash-password", input="mat-khau-cua-lan\n").stdout.strip()
    path = _organisation_file(tmp_path, weak.replace("m=65536,t=3,", "m=8,t=1,"))
    result = run(blank_db_url, "init", "--organisation", str(path))
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(
        "error: organisation.yaml: lan: the password hash must be an argon2id hash"
    )
    with read_session(make_engine(blank_db_url)) as session:
        assert session.exec(select(User)).all() == []
        assert session.exec(select(Department)).all() == []
