"""Management review (9.3): planning refusals, the input pack frozen at the start, the
minutes (conclusions, decisions and their follow-up linked both ways), the chair's
signature that stores the minutes PDF/A and locks them, and the next review's first
input, on both databases."""

import json
import re
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import select

from qms.db import read_session
from qms.errors import (
    AuthenticationFailed,
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from qms.i18n import translate
from qms.models import CorrectiveActionRequest, Revision
from qms.services import blobs
from qms.services.capa import records as capa_records
from qms.services.people import users
from qms.services.reviews import core, meeting, pack, planning, views
from qms.services.reviews.words import FIGURES, INPUTS
from qms.services.trail import chain as trail
from tests.helpers import (
    act,
    effective_document,
    last_event,
    refused,
    snapshot,
    trail_actions,
)
from tests.pinned_clock import TODAY, days_from_today
from tests.seed import PASSWORD
from tests.services.capa_setup import open_complaint, pdf_text
from tests.services.review_setup import PLAN, conclude_all, plan, started, view


def test_a_review_is_planned_by_the_coordinator_with_a_leader_in_the_chair(
    engine: Engine,
) -> None:
    assert plan(engine) == f"MR-{PLAN['planned_on'].year}-01"
    assert plan(engine) == f"MR-{PLAN['planned_on'].year}-02"
    shown = view(engine, f"MR-{PLAN['planned_on'].year}-01", viewer="hung")
    assert shown.status == "planned"
    assert shown.chair == "Trần Thanh Hải"
    assert shown.attendees == ["Nguyễn Đức Quang", "Phạm Văn Hùng"]
    assert shown.guests == ["Đại diện Sở Khoa học và Công nghệ"]
    assert shown.steps == []  # an attendee reads
    assert view(engine, shown.ref).steps == ["start"]
    assert trail_actions(engine)[-1] == "review.plan"


def test_planning_refusals_change_nothing(engine: Engine) -> None:
    def no(error: type, actor: str, match: str, **changes: object) -> None:
        refused(engine, error, planning.plan, actor, match, **{**PLAN, **changes})

    no(ValidationError, "thu", "name the chair", chair="")
    no(ValidationError, "thu", "needs at least one attendee", attendees=[], guests="")
    no(ValidationError, "thu", "attendee", attendees=["hai"], guests="")  # the chair only
    no(
        ValidationError,
        "thu",
        "before it starts",
        period_to=PLAN["period_from"].replace(day=1, month=1, year=2025),
    )
    no(PermissionDenied, "thu", "approver role", chair="hung")
    no(PermissionDenied, "hung", "controller role")
    no(NotFound, "thu", "no user named", attendees=["nobody"])


def test_the_pack_is_built_from_the_database_and_frozen_at_the_start(engine: Engine) -> None:
    car = open_complaint(engine)
    ref = started(engine, providers="Nhà cung cấp phần mềm một cửa đáp ứng yêu cầu")
    before = view(engine, ref)
    by_key = {i.key: i for i in before.inputs}
    assert [i.key for i in before.inputs] == list(INPUTS)
    assert by_key["nonconformities"].figures[0] == [translate(FIGURES["opened"], "vi"), "1"]
    assert any(car in row[0] for row in by_key["nonconformities"].rows)
    assert by_key["providers"].text == "Nhà cung cấp phần mềm một cửa đáp ứng yêu cầu"
    with read_session(engine) as session:
        stored = core.get_review(session, ref)
        frozen, digest = stored.pack, stored.pack_sha256
    assert digest == pack.freeze(pack.thaw(frozen))[1]
    # Data that changes after the start changes nothing in the pack.
    open_complaint(engine, description="Phản ánh thứ hai sau khi họp bắt đầu")
    after = view(engine, ref)
    assert after.inputs == before.inputs
    with read_session(engine) as session:
        assert core.get_review(session, ref).pack == frozen
    # A second start is refused.
    refused(engine, InvalidTransition, meeting.start, "thu", "already started", ref=ref)


def test_starting_is_for_the_coordinator_and_knows_the_inputs(engine: Engine) -> None:
    ref = plan(engine)
    refused(engine, PermissionDenied, meeting.start, "hai", "controller role", ref=ref)
    refused(
        engine,
        ValidationError,
        meeting.start,
        "thu",
        "unknown review input",
        ref=ref,
        texts={"weather": "x"},
    )
    refused(
        engine,
        InvalidTransition,
        meeting.conclude,
        "thu",
        "not started",
        ref=ref,
        key="audits",
        text="x",
    )


def test_decisions_become_an_action_a_car_and_a_revision_linked_both_ways(engine: Engine) -> None:
    effective_document(engine, "QT-01")
    ref = started(engine)
    act(
        engine,
        meeting.decide,
        "thu",
        ref=ref,
        kind="resources",
        text="Bổ sung 01 máy quét cho Bộ phận Một cửa",
    )
    act(
        engine,
        meeting.decide,
        "thu",
        ref=ref,
        kind="improvement",
        text="Xử lý tình trạng hồ sơ đất đai trễ hẹn",
    )
    act(
        engine,
        meeting.decide,
        "thu",
        ref=ref,
        kind="qms_change",
        text="Sửa QT-01 để quy định người theo dõi thời hạn",
    )
    refused(
        engine,
        ValidationError,
        meeting.decide,
        "thu",
        "a decision is",
        ref=ref,
        kind="wish",
        text="x",
    )
    refused(
        engine, ValidationError, meeting.act, "thu", "owner", ref=ref, number=1, outcome="action"
    )
    refused(
        engine,
        ValidationError,
        meeting.act,
        "thu",
        "in the past",
        ref=ref,
        number=1,
        outcome="action",
        owner="lan",
        due=days_from_today(-1),
    )
    refused(
        engine,
        NotFound,
        meeting.act,
        "thu",
        "QT-99",
        ref=ref,
        number=3,
        outcome="revision",
        document="QT-99",
    )
    act(
        engine,
        meeting.act,
        "thu",
        ref=ref,
        number=1,
        outcome="action",
        owner="lan",
        due=days_from_today(30),
    )
    act(
        engine,
        meeting.act,
        "thu",
        ref=ref,
        number=2,
        outcome="capa",
        department="MC",
        severity="minor",
    )
    act(engine, meeting.act, "thu", ref=ref, number=3, outcome="revision", document="QT-01")
    refused(
        engine,
        Conflict,
        meeting.act,
        "thu",
        "already has its follow-up",
        ref=ref,
        number=1,
        outcome="action",
        owner="lan",
        due=days_from_today(30),
    )
    shown = view(engine, ref)
    car_ref, revision = shown.decisions[1].link, shown.decisions[2].link
    assert car_ref.startswith("CAR-")
    assert revision == "QT-01/2"
    with read_session(engine) as session:
        car = session.exec(
            select(CorrectiveActionRequest).where(CorrectiveActionRequest.ref == car_ref)
        ).one()
        assert car.source == "management_review"
        assert f"{ref}/2" == capa_records.finding_label(session, car)
        assert ref in car.description
        rev = session.exec(select(Revision).where(Revision.issue == 2)).one()
        assert f"{ref}/3" in rev.reason
    assert trail_actions(engine)[-5:] == [
        "review.act",
        "capa.open",
        "review.act",
        "revision.draft",
        "review.act",
    ]


def test_the_chair_signs_complete_minutes_which_are_stored_as_pdfa_and_locked(
    engine: Engine,
) -> None:
    ref = started(engine)
    act(engine, meeting.decide, "thu", ref=ref, kind="resources", text="Bổ sung 01 máy quét")
    refused(
        engine,
        ValidationError,
        meeting.sign,
        "hai",
        "have no conclusion",
        ref=ref,
        password=PASSWORD,
    )
    conclude_all(engine, ref)
    refused(
        engine,
        PermissionDenied,
        meeting.sign,
        "quang",
        "only its chair",
        ref=ref,
        password=PASSWORD,
    )
    before, seq = snapshot(engine, skip=("trail_event",)), last_event(engine)
    with pytest.raises(AuthenticationFailed, match="wrong password"):
        act(engine, meeting.sign, "hai", ref=ref, password="nope")
    assert snapshot(engine, skip=("trail_event",)) == before
    assert trail_actions(engine, after=seq) == ["signing.refused"]  # counts towards the lock
    act(engine, meeting.sign, "hai", ref=ref, password=PASSWORD)
    with read_session(engine) as session:
        review = core.get_review(session, ref)
        data = blobs.data_of(session, str(review.minutes_sha256))
        assert blobs.sha256(data) == review.minutes_sha256
        served = views.minutes_pdf(session, viewer=users.get_user(session, "quang"), ref=ref)[1]
        assert served == data
        events = trail.events(session, entity="review", entity_id=ref)
        assert json.loads(events[-1].payload)["new"]["pdf_sha256"] == review.minutes_sha256
    words = " ".join(pdf_text(data).split())
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BIÊN BẢN HỌP XEM XÉT CỦA LÃNH ĐẠO",
        ref,
        "Trần Thanh Hải",
        "Bổ sung 01 máy quét",
        "Đạt yêu cầu (audits)",
    ):
        assert expected in words, expected
    xmp = PdfReader(BytesIO(data)).xmp_metadata
    raw = xmp.stream.get_data() if xmp is not None else b""
    assert b"<pdfaid:part>3</pdfaid:part>" in raw or b'pdfaid:part="3"' in raw
    assert b"B" in re.findall(rb"pdfaid:conformance(?:>|=\")(\w)", raw)
    # Locked: nothing of the minutes changes once signed.
    refused(
        engine,
        InvalidTransition,
        meeting.conclude,
        "thu",
        "signed and locked",
        ref=ref,
        key="audits",
        text="x",
    )
    refused(
        engine,
        InvalidTransition,
        meeting.decide,
        "thu",
        "signed and locked",
        ref=ref,
        kind="resources",
        text="x",
    )
    refused(
        engine,
        InvalidTransition,
        meeting.sign,
        "hai",
        "signed and locked",
        ref=ref,
        password=PASSWORD,
    )
    assert view(engine, ref).steps == []


def test_the_next_review_opens_with_the_status_of_the_previous_decisions(engine: Engine) -> None:
    ref = started(engine)
    act(engine, meeting.decide, "thu", ref=ref, kind="resources", text="Bổ sung 01 máy quét")
    act(engine, meeting.decide, "thu", ref=ref, kind="improvement", text="Tập huấn cán bộ một cửa")
    act(
        engine,
        meeting.act,
        "thu",
        ref=ref,
        number=1,
        outcome="action",
        owner="lan",
        due=days_from_today(30),
    )
    act(
        engine,
        meeting.act,
        "thu",
        ref=ref,
        number=2,
        outcome="action",
        owner="hung",
        due=days_from_today(10),
    )
    conclude_all(engine, ref)
    with engine.begin() as connection:  # a signed review without rendering its PDF
        connection.execute(
            text("UPDATE management_review SET status = 'signed' WHERE ref = :r"), {"r": ref}
        )
    refused(engine, PermissionDenied, meeting.done, "hung", "controller role", ref=ref, number=1)
    act(engine, meeting.done, "lan", ref=ref, number=1, note="Đã lắp máy quét")
    nxt = plan(
        engine, planned_on=days_from_today(20), period_from=TODAY, period_to=days_from_today(19)
    )
    act(engine, meeting.start, "thu", ref=nxt)
    first = view(engine, nxt).inputs[0]
    assert first.key == "previous_actions"
    assert [ref] == [b for _, b in first.figures]
    assert [row[3] for row in first.rows] == ["đã thực hiện", "đang thực hiện"]


def test_reviews_of_one_day_are_listed_by_their_number_not_as_text(engine: Engine) -> None:
    """``MR-…-100`` is a later review than ``MR-…-99``, which text order puts the other way
    round; the list shows the later first, the yearly report the earlier first."""
    day = days_from_today(7)
    first, second = plan(engine), plan(engine)
    year = first.split("-")[1]
    with engine.begin() as connection:  # as if the year had already held 98 reviews
        for old, new in ((first, f"MR-{year}-99"), (second, f"MR-{year}-100")):
            connection.execute(
                text("UPDATE management_review SET ref = :new WHERE ref = :old"),
                {"new": new, "old": old},
            )
    with read_session(engine) as session:
        listed = views.list_reviews(session, viewer=users.get_user(session, "thu"), language="vi")
        assert [r.ref for r in listed if r.planned_on == day] == [
            f"MR-{year}-100",
            f"MR-{year}-99",
        ]
    for ref in (f"MR-{year}-99", f"MR-{year}-100"):
        act(engine, meeting.start, "thu", ref=ref, texts={})
    with read_session(engine) as session:
        held = [ref for held_on, ref, _ in views.held_in(session, int(year)) if held_on == day]
    assert held == [f"MR-{year}-99", f"MR-{year}-100"]
