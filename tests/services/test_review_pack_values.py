"""A review's pack keeps its values raw and writes them the reader's way when shown
(92,5 % in Vietnamese, 92.5% in English; 1.218 and 1,218), and its period runs over the
organisation's days, not UTC's."""

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Engine

from qms import clock
from qms.db import read_session, write_session
from qms.i18n import translate
from qms.services.capa.records import SOURCE_LABELS
from qms.services.integrity import check as integrity
from qms.services.people import users
from qms.services.reviews import core, figures, meeting, pack, views
from qms.services.reviews.words import FIGURES, INPUTS
from qms.services.trail import chain as trail
from tests.helpers import act
from tests.pinned_clock import ORGANISATION_ZONE
from tests.seed import PASSWORD
from tests.services import objectives_setup as obj
from tests.services.capa_setup import open_complaint, pdf_text
from tests.services.review_setup import conclude_all, plan, started, view


def _figures(engine: Engine, ref: str, key: str, language: str) -> dict[str, str]:
    shown = view(engine, ref, language=language)
    (section,) = [i for i in shown.inputs if i.key == key]
    return dict(section.figures)


def _frozen(engine: Engine, ref: str, key: str) -> dict[str, Any]:
    with read_session(engine) as session:
        sections = json.loads(core.get_review(session, ref).pack)["sections"]
    (section,) = [s for s in sections if s["key"] == key]
    return dict(section)


def test_figures_are_frozen_raw_and_shown_in_the_readers_language(engine: Engine) -> None:
    # March: 1,218 received, 1,215 resolved of which 1,210 on time (99.588...%).
    obj.import_stats(engine, obj.csv_bytes([obj.stat("2026-03", late=5, on_time=1200)]))
    ref = started(engine)
    frozen = _frozen(engine, ref, "processes")
    assert [value for _, value in frozen["figures"]] == [1218, 1215, 1210, 5, {"rate": 99.6}]
    assert frozen["rows"] == [["Tư pháp - Hộ tịch", 1218, 1215, 5, {"rate": 99.6}]]
    vi = _figures(engine, ref, "processes", "vi")
    received, rate = translate(FIGURES["received"], "vi"), translate(FIGURES["on_time_rate"], "vi")
    assert (vi[received], vi[rate]) == ("1.218", "99,6 %")
    en = _figures(engine, ref, "processes", "en")
    assert (en[received], en[rate]) == ("1,218", "99.6%")  # the words stay as frozen
    shown = view(engine, ref, language="en")
    (row,) = next(i for i in shown.inputs if i.key == "processes").rows
    assert row == ["Tư pháp - Hộ tịch", "1,218", "1,215", "5", "99.6%"]
    # The minutes, in the organisation's language, write them the same way.
    with read_session(engine) as session:
        thu = users.get_user(session, "thu")
        _, data = views.minutes_pdf(session, viewer=thu, ref=ref)
        assert trail.verify(session).ok
    words = " ".join(pdf_text(data).split())
    assert "1.218" in words
    assert "99,6 %" in words


def _opened_at(engine: Engine, when: datetime, source: str) -> str:
    with clock.pinned(when):
        return open_complaint(engine, source=source)


def test_the_period_runs_over_the_organisations_days(engine: Engine) -> None:
    """Dec 1-3 where the organisation is (UTC+7): a CAR opened at 03:00 on Dec 1 there
    (Nov 30 in UTC) is in; one opened at 06:00 on Dec 4 there (still Dec 3 in UTC) is
    not."""
    _opened_at(engine, datetime(2026, 12, 1, 3, 0, tzinfo=ORGANISATION_ZONE), "complaint")
    _opened_at(engine, datetime(2026, 12, 4, 6, 0, tzinfo=ORGANISATION_ZONE), "other")
    ref = plan(engine, period_from=date(2026, 12, 1), period_to=date(2026, 12, 3))
    act(engine, meeting.start, "thu", ref=ref, texts={})
    frozen = _frozen(engine, ref, "nonconformities")
    complaint = "– " + translate(SOURCE_LABELS["complaint"], "vi")
    assert frozen["figures"][:2] == [[translate(FIGURES["opened"], "vi"), 1], [complaint, 1]]


def test_a_pack_frozen_as_text_is_shown_as_it_was_frozen() -> None:
    """Packs frozen before values were kept raw hold text; their hash is over it."""
    frozen = [["Hài lòng (%)", "96.9"], ["Số phiếu khảo sát", "8830"], ["Đánh giá", "1/2"]]
    assert figures.shown_rows(frozen, "en") == frozen
    assert figures.shown_rows(frozen, "vi") == frozen


def _start_as_the_previous_version(engine: Engine, ref: str, sections: list[Any]) -> None:
    """What starting the meeting wrote before values were kept raw: the pack as text, its
    hash on the review and on the trail."""
    with write_session(engine) as session:
        review = core.get_review(session, ref, lock=True)
        review.pack, review.pack_sha256 = pack.freeze(sections)
        review.status, review.started_at = core.IN_PROGRESS, clock.utcnow()
        session.add(review)
        trail.record(
            session,
            actor="thu",
            action="review.start",
            entity="review",
            entity_id=ref,
            payload={
                "old": {"status": core.PLANNED},
                "new": {"status": core.IN_PROGRESS, "pack_sha256": review.pack_sha256},
            },
        )
        session.commit()


def test_a_review_started_before_still_verifies_and_shows_its_text(engine: Engine) -> None:
    """A pack frozen as text keeps its hash: it verifies, is signed and shown as frozen."""
    old = [["Số phiếu khảo sát", "8830"], ["Hài lòng (%)", "96.9"]]
    sections = [
        {"key": key, "figures": old if key == "satisfaction" else [], "head": [], "rows": []}
        | {"charts": [], "text": ""}
        for key in INPUTS
    ]
    ref = plan(engine)
    _start_as_the_previous_version(engine, ref, sections)
    conclude_all(engine, ref)
    act(engine, meeting.sign, "hai", ref=ref, password=PASSWORD)
    with read_session(engine) as session:
        report = integrity.run(session, viewer=None)
        assert (report.mismatches, report.intact) == ((), True)
        thu = users.get_user(session, "thu")
        _, data = views.minutes_pdf(session, viewer=thu, ref=ref)
    (satisfaction,) = [
        i for i in view(engine, ref, language="en").inputs if i.key == "satisfaction"
    ]
    assert satisfaction.figures == old
    assert "96.9" in " ".join(pdf_text(data).split())
