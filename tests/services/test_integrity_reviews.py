"""``qms verify`` on management reviews: the input pack frozen at the start, the minutes
the chair signed and the minutes PDF, each against what the trail recorded, after
tampering that leaves every row agreeing with itself."""

import json

from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.services.integrity import check as integrity
from qms.services.integrity.report import IntegrityReport
from qms.services.reviews import meeting
from qms.services.reviews.core import get_review
from qms.services.reviews.pack import freeze
from qms.services.reviews.records import record_hash
from tests.helpers import act
from tests.seed import PASSWORD
from tests.services.review_setup import conclude_all, started
from tests.tamper import rewrite_review, store_forged_pdf


def run(engine: Engine) -> IntegrityReport:
    with read_session(engine) as session:
        return integrity.run(session, viewer=None)


def found(report: IntegrityReport) -> list[tuple[str, str, str, str, str]]:
    return [(m.record, m.ref, m.what, m.expected, m.found) for m in report.mismatches]


def signed_review(engine: Engine) -> str:
    ref = started(engine)
    conclude_all(engine, ref)
    act(engine, meeting.sign, "hai", ref=ref, password=PASSWORD)
    return ref


def test_a_changed_pack_is_named_even_with_its_hash_rewritten(engine: Engine) -> None:
    ref = started(engine)
    with read_session(engine) as session:
        review = get_review(session, ref)
        frozen, frozen_text = review.pack_sha256, review.pack
    assert run(engine).intact

    sections = json.loads(frozen_text)["sections"]
    sections[0]["text"] = "Mọi hành động của kỳ trước đã hoàn thành."
    edited, digest = freeze(sections)
    rewrite_review(engine, ref, pack=edited, pack_sha256=digest)
    report = run(engine)
    assert found(report) == [("review", ref, "pack", frozen, digest)]
    assert report.mismatches[0].message.startswith(f"{ref}: its input pack (hash {digest[:12]}")

    rewrite_review(engine, ref, pack=frozen_text, pack_sha256="0" * 64)  # the hash alone
    assert found(run(engine)) == [("review", ref, "pack", frozen, "0" * 64)]


def test_signed_minutes_changed_after_signing_are_named(engine: Engine) -> None:
    ref = signed_review(engine)
    with read_session(engine) as session:
        review = get_review(session, ref)
        signed, minutes = review.content_hash, str(review.minutes_sha256)
    report = run(engine)
    assert report.intact, report.mismatches
    assert report.reviews == 1

    with engine.begin() as connection:  # a conclusion changed, the chair's hash made to match
        connection.execute(
            text("UPDATE review_conclusion SET text = 'Không đạt' WHERE input_key = 'audits'")
        )
    with read_session(engine) as session:
        edited = record_hash(session, get_review(session, ref))
    rewrite_review(engine, ref, content_hash=edited)
    forged = store_forged_pdf(engine)
    rewrite_review(engine, ref, minutes_sha256=forged)

    assert found(run(engine)) == [
        ("review", ref, "signature", signed, edited),
        ("review", ref, "content", signed, edited),
        ("review", ref, "pdf", minutes, forged),
    ]
