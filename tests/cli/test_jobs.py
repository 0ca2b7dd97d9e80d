"""``qms jobs run``: the day's work done by itself, exactly once however many machines run
it, with mail sent to a real SMTP server on loopback; what cannot be done is named, kept
and tried again."""

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from qms.db import read_session, write_session
from qms.models import Blob, MailMessage, Revision
from qms.services import blobs
from qms.services.documents import revisions
from qms.services.people import contact, users
from qms.services.trail import chain as trail
from tests.cli.conftest import Invoke
from tests.helpers import act, effective_document, new_draft, snapshot, statuses
from tests.pinned_clock import NOW, days_from_today
from tests.seed import PASSWORD
from tests.smtp_server import SECRET, USER, free_port, mail_environment, smtp_server

ROOT = Path(__file__).resolve().parents[2]
TIME_LIMIT = 240
TOO_DEEP = "> " * 30 + "Nội dung\n"  # refused by the renderer before any layout


def environment(db_url: str, at: datetime, extra: dict[str, str]) -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("QMS_", "PYTHON"))}
    return {
        **kept,
        "PYTHONPATH": str(ROOT),
        "QMS_DATABASE_URL": db_url,
        "QMS_LANGUAGE": "en",
        "QMS_NOW": at.isoformat(),
        **extra,
    }


def start(db_url: str, at: datetime, extra: dict[str, str], *args: str) -> subprocess.Popen[str]:
    """``qms jobs run ARGS --as thu`` as its own process, its clock pinned at ``at``."""
    return subprocess.Popen(
        [sys.executable, "-m", "qms", "jobs", "run", *args, "--as", "thu"],
        env=environment(db_url, at, extra),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    stdout, stderr = process.communicate(timeout=TIME_LIMIT)
    return process.returncode, stdout, stderr


def jobs_run(db_url: str, at: datetime, extra: dict[str, str], *args: str) -> tuple[int, str, str]:
    return finish(start(db_url, at, extra, *args))


def set_mail(engine: Engine, username: str, email: str, **kwargs: str) -> None:
    act(engine, contact.set_contact, username, username=username, email=email, **kwargs)


def approve(engine: Engine, code: str, effective_in_days: int = 0) -> None:
    new_draft(engine, code, title=f"Quy trình {code}")
    act(engine, revisions.submit, "thu", code=code, password=PASSWORD)
    act(engine, revisions.review, "hung", code=code, accept=True, password=PASSWORD)
    act(
        engine,
        revisions.approve,
        "hai",
        code=code,
        password=PASSWORD,
        effective_date=days_from_today(effective_in_days),
    )


def lines_of(message: EmailMessage) -> str:
    """The text of a mail as received, with its line ends as written."""
    content: str = message.get_content()
    return content.replace("\r\n", "\n")


def mails(engine: Engine) -> list[MailMessage]:
    with read_session(engine) as session:
        return list(session.exec(select(MailMessage).order_by(col(MailMessage.id))).all())


def test_runs_twice_and_at_once_publish_mail_and_anchor_exactly_once(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    approve(engine, "QT-01", effective_in_days=3)
    set_mail(engine, "hung", "hung@example.vn")
    set_mail(engine, "quang", "quang@example.vn")
    act(engine, users.set_language, "hung", language="en")
    act(engine, users.set_language, "quang", language="vi")
    anchors = tmp_path / "anchors.jsonl"
    that_day = NOW + timedelta(days=3)

    with smtp_server() as (port, server):
        extra = mail_environment(port, QMS_ANCHOR_FILE=str(anchors))
        both = [start(db_url, that_day, extra) for _ in range(2)]
        results = [finish(process) for process in both]
        results.append(jobs_run(db_url, that_day, extra))

    assert [code for code, _, _ in results] == [0, 0, 0], results
    assert statuses(engine, "QT-01") == {1: "effective"}
    with read_session(engine) as session:
        published = [e for e in trail.iter_all(session) if e.action == "revision.publish"]
        assert [e.entity_id for e in published] == ["QT-01/1"]
        assert trail.verify(session).ok
    said = "".join(out for _, out, _ in results)
    assert said.count("QT-01 issue 1 is now effective") == 1
    assert said.count("anchor 2026-12-07: anchor of event") == 1
    assert said.count("anchor 2026-12-07: taken by another run") == 2

    # Each reader of the VP department with an address got one mail, in their language.
    received = sorted(server.received, key=lambda r: r.recipients)
    assert [r.recipients for r in received] == [["hung@example.vn"], ["quang@example.vn"]]
    english, vietnamese = (r.message for r in received)
    assert english["Subject"] == "New issue to read: QT-01 issue 1 (Quy trình QT-01)"
    assert english["Content-Language"] == "en"
    assert english["From"] == "qms@ubnd-hongha.example.vn"
    assert "\nhttps://qms.example.vn/documents/QT-01\n" in lines_of(english)
    assert vietnamese["Subject"] == "Ban hành mới cần đọc: QT-01 lần ban hành 1 (Quy trình QT-01)"
    assert vietnamese["Content-Language"] == "vi"
    assert lines_of(vietnamese).startswith("Kính gửi đồng chí Nguyễn Đức Quang,\n")
    assert all(m.sent_at is not None and m.attempts == 1 for m in mails(engine))

    lines = anchors.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    with read_session(engine) as session:
        newest = list(trail.iter_all(session))[-1]
    assert json.loads(lines[0])["seq"] <= newest.seq


def test_one_document_that_fails_is_named_and_the_other_jobs_still_run(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    approve(engine, "QT-31")
    approve(engine, "QT-32")
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE revision SET body = :body"
                " WHERE document_id = (SELECT id FROM document WHERE code = 'QT-32')"
            ),
            {"body": TOO_DEEP},
        )
    anchors = tmp_path / "anchors.jsonl"
    extra = {"QMS_ANCHOR_FILE": str(anchors)}

    code, out, err = jobs_run(db_url, NOW, extra)

    assert code == 1
    assert err == (
        "error: publish failed: QT-32 issue 1 was not published: lists or block quotes are"
        " nested 30 levels deep; the limit is 20\n"
    )
    assert "QT-31 issue 1 is now effective" in out
    assert "mail " in out
    assert "anchor " in out
    assert "reminders " in out
    assert statuses(engine, "QT-31") == {1: "effective"}
    assert statuses(engine, "QT-32") == {1: "approved"}
    assert len(anchors.read_text(encoding="utf-8").splitlines()) == 1

    # Publishing is tried again by the next run; the day's other jobs are done.
    code, out, err = jobs_run(db_url, NOW, extra)
    assert code == 1
    assert err.startswith("error: publish failed: QT-32 issue 1 was not published")
    assert "anchor " in out
    assert "taken by another run" in out
    assert len(anchors.read_text(encoding="utf-8").splitlines()) == 1


def test_mail_that_cannot_be_sent_is_kept_retried_and_shown_to_admins(
    engine: Engine, db_url: str, qms: Invoke
) -> None:
    set_mail(engine, "mai", "mai@example.vn")
    new_draft(engine, "QT-02")
    act(engine, revisions.submit, "thu", code="QT-02", password=PASSWORD, reviewer="mai")
    # The step succeeded whatever becomes of the mail.
    assert statuses(engine, "QT-02") == {1: "in_review"}

    nobody = free_port()
    soon = NOW + timedelta(minutes=1)  # the runs' clocks, after the steps above
    code, _out, err = jobs_run(db_url, soon, mail_environment(nobody), "--only", "mail")
    assert code == 1
    assert err.startswith(
        "error: mail failed: 1 mails could not be sent and will be tried again; the last "
        f"error: cannot reach 127.0.0.1:{nobody}: "
    )
    assert err.count("\n") == 1
    [failed] = mails(engine)
    assert (failed.attempts, failed.sent_at, failed.given_up) == (1, None, False)
    shown = qms("jobs", "outbox", "--as", "admin")
    assert shown.exit_code == 0
    assert "cannot reach 127.0.0.1" in shown.stdout
    assert "mai" in shown.stdout
    refused = qms("jobs", "outbox", "--as", "lan")
    assert refused.exit_code == 4

    with smtp_server(auth=True) as (port, server):
        wrong = mail_environment(port, QMS_SMTP_USER=USER, QMS_SMTP_PASSWORD="wrong")
        right = mail_environment(port, QMS_SMTP_USER=USER, QMS_SMTP_PASSWORD=SECRET)
        # Not yet due again (five minutes of back-off): nothing is tried.
        assert jobs_run(db_url, soon + timedelta(minutes=2), right, "--only", "mail")[0] == 0
        assert server.received == []
        code, _out, err = jobs_run(db_url, soon + timedelta(minutes=6), wrong, "--only", "mail")
        assert code == 1
        assert f"127.0.0.1:{port} refused the sign-in of {USER}: 535" in err
        assert mails(engine)[0].attempts == 2
        # Ten minutes after the second failure it goes.
        code, _out, err = jobs_run(db_url, soon + timedelta(minutes=17), right, "--only", "mail")
        assert (code, err) == (0, "")
        assert [r.recipients for r in server.received] == [["mai@example.vn"]]
    [sent] = mails(engine)
    assert sent.sent_at is not None
    assert sent.last_error == ""
    assert sent.attempts == 3


def test_a_refused_recipient_is_kept_with_the_servers_answer(engine: Engine, db_url: str) -> None:
    set_mail(engine, "mai", "mai@example.vn")
    new_draft(engine, "QT-03")
    act(engine, revisions.submit, "thu", code="QT-03", password=PASSWORD, reviewer="mai")
    with smtp_server(refuse={"mai@example.vn"}) as (port, _server):
        soon = NOW + timedelta(minutes=1)
        code, _out, err = jobs_run(db_url, soon, mail_environment(port), "--only", "mail")
    assert code == 1
    assert (
        f"127.0.0.1:{port} refused the recipient mai@example.vn: 550 5.1.1 no such mailbox" in err
    )
    [kept] = mails(engine)
    assert kept.sent_at is None
    assert kept.attempts == 1
    assert "550" in kept.last_error


def test_a_daily_digest_carries_the_days_notices_in_one_mail(engine: Engine, db_url: str) -> None:
    set_mail(engine, "mai", "mai@example.vn", mail_choice="digest")
    for code in ("QT-04", "QT-05"):
        new_draft(engine, code)
        act(engine, revisions.submit, "thu", code=code, password=PASSWORD, reviewer="mai")
    assert mails(engine) == []  # nothing goes at once
    with smtp_server() as (port, server):
        assert jobs_run(db_url, NOW + timedelta(minutes=1), mail_environment(port))[0] == 0
        assert jobs_run(db_url, NOW + timedelta(hours=1), mail_environment(port))[0] == 0
    [digest] = server.received
    assert digest.recipients == ["mai@example.vn"]
    assert digest.message["Subject"] == "qms: 2 thông báo ngày 04/12/2026"
    body = lines_of(digest.message)
    assert "\nhttps://qms.example.vn/documents/QT-04\n" in body
    assert "\nhttps://qms.example.vn/documents/QT-05\n" in body


def test_bad_settings_and_names_are_refused_with_one_line(qms: Invoke, engine: Engine) -> None:
    result = qms("jobs", "run", "--as", "thu", env={"QMS_SMTP_HOST": "x", "QMS_MAIL_FROM": "x"})
    assert (result.exit_code, result.stderr) == (
        2,
        "error: QMS_MAIL_FROM must be the address mail is sent from, like qms@example.vn,"
        " not 'x'\n",
    )
    result = qms(
        "jobs",
        "run",
        "--as",
        "thu",
        env={"QMS_SMTP_HOST": "x", "QMS_MAIL_FROM": "a@b.vn", "QMS_SMTP_PORT": "99999"},
    )
    assert result.exit_code == 2
    assert (
        result.stderr
        == "error: QMS_SMTP_PORT must be a whole number from 1 to 65535, not '99999'\n"
    )
    result = qms("jobs", "run", "--only", "coffee", "--as", "thu")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: there is no job 'coffee'; the jobs are publish, reminders, digest, mail, anchor,"
        " storage\n"
    )
    with read_session(engine) as session:
        assert session.exec(select(Revision)).all() == []
        assert list(session.exec(text("SELECT * FROM job_run"))) == []  # type: ignore[call-overload]


def test_a_users_address_is_checked_when_saved(qms: Invoke, engine: Engine) -> None:
    before = snapshot(engine)
    bad = qms("user", "mail", "lan", "--email", "lan@", "--as", "lan")
    assert (bad.exit_code, bad.stderr) == (
        2,
        "error: 'lan@' is not a mail address (like name@example.vn)\n",
    )
    other = qms("user", "mail", "mai", "--email", "mai@example.vn", "--as", "lan")
    assert other.exit_code == 4
    assert snapshot(engine) == before
    good = qms(
        "user", "mail", "lan", "--email", "lan@example.vn", "--choice", "digest", "--as", "lan"
    )
    assert (good.exit_code, good.stdout) == (0, "lan: mail lan@example.vn (digest)\n")
    in_vietnamese = qms("user", "mail", "lan", "--choice", "digest", "--as", "lan",
                        env={"QMS_LANGUAGE": "vi"})  # fmt: skip
    assert in_vietnamese.stdout == (
        "lan: thư điện tử lan@example.vn (một thư mỗi ngày tổng hợp các thông báo trong ngày)\n"
    )
    with read_session(engine) as session:
        lan = users.get_user(session, "lan")
        assert (lan.email, lan.mail_choice) == ("lan@example.vn", "digest")


def test_the_outbox_speaks_the_readers_language(engine: Engine, qms: Invoke) -> None:
    vi = {"QMS_LANGUAGE": "vi"}
    assert qms("jobs", "outbox", "--as", "admin", env=vi).stdout == (
        "không có thư nào đang chờ gửi\n"
    )
    set_mail(engine, "mai", "mai@example.vn")
    new_draft(engine, "QT-02")
    act(engine, revisions.submit, "thu", code="QT-02", password=PASSWORD, reviewer="mai")
    header, row = qms("jobs", "outbox", "--as", "admin", env=vi).stdout.splitlines()
    assert header.split()[:4] == ["SỐ", "TÀI", "KHOẢN", "LOẠI"]
    assert row.split()[1:3] == ["mai", "thông"]
    assert "đang chờ gửi" in row


def test_the_storage_job_deletes_the_pdfs_nothing_uses_once_a_day(
    engine: Engine, qms: Invoke
) -> None:
    """What a manual's earlier compilations leave behind goes; a controlled copy stays."""
    effective_document(engine, "QT-01")
    with write_session(engine) as session:
        copy = session.exec(select(Revision.pdf_sha256)).one()
        data = b"%PDF-1.7 " + b"x" * 2_500_000
        loose = blobs.put(session, data=data, media_type="application/pdf").sha256
        session.commit()
    first = qms("jobs", "run", "--only", "storage", "--as", "thu")
    assert first.exit_code == 0, first.output
    (line,) = first.stdout.splitlines()
    assert line.startswith("storage ")
    assert line.endswith(": stored PDFs nothing uses any more: 1 deleted (2.5 MB)")
    again = qms("jobs", "run", "--only", "storage", "--as", "thu")
    assert again.stdout.endswith(": taken by another run\n")
    with read_session(engine) as session:
        assert session.get(Blob, loose) is None
        assert session.get(Blob, copy) is not None
