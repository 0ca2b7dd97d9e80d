"""The life of an issue, its rules, and that a refused step changes nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from qms.db import read_session
from qms.errors import (
    AuthenticationFailed,
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    QMSError,
    ValidationError,
)
from qms.services.documents import publishing, revisions, search
from qms.services.documents import register as documents
from qms.services.people import organisation, users
from qms.services.trail import chain as trail
from tests.helpers import (
    act,
    body,
    effective_document,
    get,
    last_event,
    new_draft,
    refused,
    revise,
    snapshot,
    statuses,
    to_effective,
    trail_actions,
)
from tests.seed import PASSWORD


def test_full_lifecycle_supersedes_previous_issue(engine: Engine) -> None:
    effective_document(engine)
    revise(engine)
    assert statuses(engine) == {1: "effective", 2: "draft"}
    to_effective(engine)
    assert statuses(engine) == {1: "superseded", 2: "effective"}
    with read_session(engine) as session:
        _doc, old = get(session, "QT-01", 1)
        _, new = get(session, "QT-01", 2)
        assert old.superseded_at is not None
        assert new.effective_at is not None
        assert old.superseded_at == new.effective_at  # one transaction, one instant
        meanings = [
            v.signature.meaning
            for v in revisions.detail(session, viewer=None, code="QT-01").signatures
        ]
        assert meanings == ["drafted", "reviewed", "approved"]
        assert trail.verify(session).ok


def test_drafts_never_touch_the_effective_issue(engine: Engine) -> None:
    effective_document(engine)
    revise(engine)
    with read_session(engine) as session:
        lan = users.get_user(session, "lan")
        _doc, rev = documents.get_revision(session, viewer=lan, code="QT-01")
        assert rev.issue == 1
        assert rev.body == body(1)
        thu = users.get_user(session, "thu")
        rows = search.register_page(session, viewer=thu).rows
        assert rows[0].current is not None
        assert rows[0].current.issue == 1
        assert rows[0].in_progress is not None
        assert rows[0].in_progress.issue == 2


def test_staff_cannot_see_drafts_or_superseded_issues(engine: Engine) -> None:
    effective_document(engine)
    revise(engine)
    new_draft(engine, "QT-02", title="Quy trình kiểm soát hồ sơ")
    with read_session(engine) as session:
        lan = users.get_user(session, "lan")
        with pytest.raises(NotFound, match=r"^QT-01 has no issue 2$"):  # as if missing
            documents.get_revision(session, viewer=lan, code="QT-01", issue=2)
        assert [r.document.code for r in search.register_page(session, viewer=lan).rows] == [
            "QT-01"
        ]
        assert search.register_page(session, viewer=lan).rows[0].in_progress is None
        with pytest.raises(NotFound):
            documents.get_revision(session, viewer=lan, code="QT-02")
        assert (
            documents.get_revision(session, viewer=users.get_user(session, "binh"), code="QT-02")[
                1
            ].issue
            == 1
        )


def test_return_for_changes_keeps_comments(engine: Engine) -> None:
    new_draft(engine)
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)
    act(
        engine,
        revisions.review,
        "hung",
        code="QT-01",
        accept=False,
        comment="Bổ sung thời hạn bước 3",
    )
    assert statuses(engine) == {1: "draft"}
    act(engine, revisions.revise, "thu", code="QT-01", body=body(3))
    to_effective(engine)
    with read_session(engine) as session:
        info = revisions.detail(session, viewer=users.get_user(session, "thu"), code="QT-01")
        assert [(c.body, c.outcome, who) for c, who in info.comments] == [
            ("Bổ sung thời hạn bước 3", "returned", "hung")
        ]
        first_drafted = [v for v in info.signatures if v.signature.meaning == "drafted"]
        assert [v.valid for v in first_drafted] == [False, True]  # the first signed the old text


def test_return_needs_a_comment(engine: Engine) -> None:
    new_draft(engine)
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)
    refused(
        engine, ValidationError, revisions.review, "hung", "say what must change",
        code="QT-01", accept=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("step", "actor", "error", "match"),
    [
        ("review", "drafter2", PermissionDenied, "drafted .* cannot review"),
        ("review", "lan", PermissionDenied, "needs the reviewer role"),
        ("review", "binh", PermissionDenied, "needs the reviewer role"),
        ("approve", "hai", InvalidTransition, "needs a valid review signature"),
    ],
)
def test_review_rules(
    engine: Engine, step: str, actor: str, error: type[QMSError], match: str
) -> None:
    new_draft(engine, drafter="drafter2")
    act(engine, revisions.submit, "drafter2", code="QT-01", password=PASSWORD)
    func = revisions.review if step == "review" else revisions.approve
    kwargs = {"accept": True} if step == "review" else {}
    refused(engine, error, func, actor, match, code="QT-01", password=PASSWORD, **kwargs)


@pytest.mark.parametrize(
    ("actor", "error", "match"),
    [
        ("drafter2", PermissionDenied, "drafted .* cannot approve"),
        ("quang", PermissionDenied, "reviewed .* approval needs a second person"),
        ("hung", PermissionDenied, "needs the approver role"),
        ("lan", PermissionDenied, "needs the approver role"),
    ],
)
def test_segregation_of_duties_on_approval(
    engine: Engine, actor: str, error: type[QMSError], match: str
) -> None:
    new_draft(engine, drafter="drafter2")
    act(engine, revisions.submit, "drafter2", code="QT-01", password=PASSWORD)
    act(engine, revisions.review, "quang", code="QT-01", accept=True, password=PASSWORD)
    refused(engine, error, revisions.approve, actor, match, code="QT-01", password=PASSWORD)


def test_wrong_password_refuses_every_signature(engine: Engine) -> None:
    """Nothing of the step is kept; only the refused attempt goes on the trail."""
    new_draft(engine)
    attempts = [
        (revisions.submit, "thu", {}),
        (revisions.review, "hung", {"accept": True}),
        (revisions.approve, "hai", {}),
    ]
    for step, actor, extra in attempts:
        before, seq = snapshot(engine, skip=("trail_event",)), last_event(engine)
        with pytest.raises(AuthenticationFailed, match="wrong password"):
            act(engine, step, actor, code="QT-01", password="nope", **extra)
        assert snapshot(engine, skip=("trail_event",)) == before
        assert trail_actions(engine, after=seq) == ["signing.refused"]
        act(engine, step, actor, code="QT-01", password=PASSWORD, **extra)


def test_only_the_drafter_submits_and_edits(engine: Engine) -> None:
    new_draft(engine)
    refused(
        engine,
        PermissionDenied,
        revisions.submit,
        "nam",
        "only the drafter",
        code="QT-01",
        password=PASSWORD,
    )
    refused(
        engine,
        PermissionDenied,
        revisions.revise,
        "nam",
        "drafted by someone else",
        code="QT-01",
        body="x",
    )


def test_assigned_reviewer_and_approver(engine: Engine) -> None:
    new_draft(engine)
    act(
        engine,
        revisions.submit,
        "thu",
        code="QT-01",
        password=PASSWORD,
        reviewer="mai",
        approver="quang",
    )
    refused(
        engine,
        PermissionDenied,
        revisions.review,
        "hung",
        "another reviewer",
        code="QT-01",
        accept=True,
        password=PASSWORD,
    )
    act(engine, revisions.review, "mai", code="QT-01", accept=True, password=PASSWORD)
    refused(
        engine,
        PermissionDenied,
        revisions.approve,
        "hai",
        "another approver",
        code="QT-01",
        password=PASSWORD,
    )
    act(engine, revisions.approve, "quang", code="QT-01", password=PASSWORD)


def test_assignment_must_fit_roles(engine: Engine) -> None:
    new_draft(engine)
    refused(
        engine, ValidationError, revisions.submit, "thu", "does not have the reviewer role",
        code="QT-01", password=PASSWORD, reviewer="lan",
    )  # fmt: skip
    refused(
        engine, ValidationError, revisions.submit, "thu", "must be different people",
        code="QT-01", password=PASSWORD, reviewer="quang", approver="quang",
    )  # fmt: skip


def test_reason_and_description_required_from_issue_two(engine: Engine) -> None:
    effective_document(engine)
    act(engine, revisions.revise, "thu", code="QT-01", body=body(2))
    refused(
        engine,
        ValidationError,
        revisions.submit,
        "thu",
        "reason for change",
        code="QT-01",
        password=PASSWORD,
    )
    act(engine, revisions.revise, "thu", code="QT-01", reason="Lý do", description="Nội dung")
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)


@pytest.mark.parametrize(
    ("step", "actor", "kwargs", "match"),
    [
        ("publish", "thu", {}, "no issue approved: issue 1 is draft"),
        ("approve", "hai", {"password": PASSWORD}, "no issue in review: issue 1 is draft"),
        ("review", "hung", {"accept": True, "password": PASSWORD}, "no issue in review"),
    ],
)
def test_wrong_transitions_are_refused(
    engine: Engine, step: str, actor: str, kwargs: dict, match: str
) -> None:
    new_draft(engine)
    refused(
        engine, InvalidTransition, getattr(revisions, step), actor, match, code="QT-01", **kwargs
    )


def test_second_issue_in_progress_is_refused(engine: Engine) -> None:
    effective_document(engine)
    revise(engine)
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)
    refused(
        engine,
        InvalidTransition,
        revisions.revise,
        "thu",
        "edited only after it is returned",
        code="QT-01",
        body="x",
    )


def test_planned_effective_date(engine: Engine) -> None:
    effective_document(engine)
    revise(engine)
    with read_session(engine) as session:
        today = organisation.today(session)
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)
    act(engine, revisions.review, "hung", code="QT-01", accept=True, password=PASSWORD)
    refused(
        engine, ValidationError, revisions.approve, "hai", "in the past",
        code="QT-01", password=PASSWORD, effective_date=today - timedelta(days=1),
    )  # fmt: skip
    act(
        engine,
        revisions.approve,
        "hai",
        code="QT-01",
        password=PASSWORD,
        effective_date=today + timedelta(days=10),
    )
    refused(engine, InvalidTransition, revisions.publish, "thu", "takes effect on", code="QT-01")
    assert act(engine, publishing.publish_due, "thu") == publishing.DueRun()
    assert statuses(engine) == {1: "effective", 2: "approved"}
    # Ten days pass.
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE revision SET planned_effective_date = :d WHERE issue = 2"), {"d": today}
        )
    published = act(engine, publishing.publish_due, "thu")
    assert published == publishing.DueRun(published=[publishing.DueIssue("QT-01", 2)])
    assert statuses(engine) == {1: "superseded", 2: "effective"}


def test_database_allows_one_effective_issue_per_document(engine: Engine) -> None:
    effective_document(engine)
    revise(engine)
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("UPDATE revision SET status = 'effective' WHERE issue = 2"))
    assert statuses(engine) == {1: "effective", 2: "draft"}


def test_database_allows_one_issue_in_progress_per_document(engine: Engine) -> None:
    effective_document(engine)
    revise(engine)
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("UPDATE revision SET status = 'approved' WHERE issue = 1"))


def test_obsolete_withdraws_effective_and_draft(engine: Engine) -> None:
    effective_document(engine)
    revise(engine)
    refused(engine, ValidationError, revisions.obsolete, "thu", "reason", code="QT-01", reason="  ")
    refused(
        engine,
        PermissionDenied,
        revisions.obsolete,
        "hung",
        "controller role",
        code="QT-01",
        reason="x",
    )
    act(engine, revisions.obsolete, "thu", code="QT-01", reason="Thay bằng QT-09")
    assert statuses(engine) == {1: "obsolete", 2: "obsolete"}
    refused(engine, InvalidTransition, revisions.revise, "thu", "withdrawn", code="QT-01", body="x")
    with read_session(engine) as session:
        assert search.register_page(session, viewer=users.get_user(session, "lan")).rows == []
        row = search.register_page(session, viewer=users.get_user(session, "thu")).rows[0]
        assert row.withdrawn
        assert row.current is None


def test_acknowledgements(engine: Engine) -> None:
    effective_document(engine)
    _, created = act(engine, revisions.acknowledge, "lan", code="QT-01")
    _, again = act(engine, revisions.acknowledge, "lan", code="QT-01")
    assert (created, again) == (True, False)
    with read_session(engine) as session:
        assert revisions.detail(session, viewer=None, code="QT-01").acknowledged_by == ["lan"]
        assert len(trail.events(session, entity_id="QT-01/1", actor="lan")) == 1
    revise(engine)
    to_effective(engine)
    with read_session(engine) as session:
        assert revisions.detail(session, viewer=None, code="QT-01").acknowledged_by == []


def test_signature_on_altered_content_is_invalid(engine: Engine) -> None:
    effective_document(engine)
    with read_session(engine) as session:
        views = revisions.detail(session, viewer=None, code="QT-01").signatures
        assert views
        assert all(v.valid for v in views)
    with engine.begin() as connection:
        connection.execute(text("UPDATE revision SET body = body || ' (sửa lén)' WHERE issue = 1"))
    with read_session(engine) as session:
        views = revisions.detail(session, viewer=None, code="QT-01").signatures
        assert [v.valid for v in views] == [False, False, False]


def test_register_requires_controller_and_unique_valid_code(engine: Engine) -> None:
    new_draft(engine)
    refused(
        engine, Conflict, revisions.create_document, "thu", "already registered",
        code="qt-01", title="Khác", doc_type="procedure", department="VP",
    )  # fmt: skip
    refused(
        engine, PermissionDenied, revisions.create_document, "hung", "controller role",
        code="QT-02", title="Khác", doc_type="procedure", department="VP",
    )  # fmt: skip
    for code in ["1QT", "QT 01", "QT_01", "", "Q" * 41]:
        refused(
            engine, ValidationError, revisions.create_document, "thu", "document code",
            code=code, title="T", doc_type="procedure", department="VP",
        )  # fmt: skip
    refused(
        engine, ValidationError, revisions.create_document, "thu", "unknown document type",
        code="QT-03", title="T", doc_type="novel", department="VP",
    )  # fmt: skip
    refused(
        engine, NotFound, revisions.create_document, "thu", "no department",
        code="QT-03", title="T", doc_type="procedure", department="ZZ",
    )  # fmt: skip
    refused(
        engine, ValidationError, revisions.create_document, "thu", "issuer",
        code="QT-03", title="T", doc_type="procedure", department="VP", external={"issuer": "Bộ"},
    )  # fmt: skip
