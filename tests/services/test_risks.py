"""The register of risks and opportunities (6.1): levels on the organisation's scale,
treatments that fit the kind, who keeps which department's risks, actions, re-assessment
after treatment, and the reviews and actions that are overdue."""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import Conflict, NotFound, PermissionDenied, ValidationError
from qms.services.people import users
from qms.services.risks import actions, register, views
from qms.services.risks import scale as scales
from qms.services.trail import chain as trail
from tests.helpers import act, refused, statements_sent
from tests.pinned_clock import TODAY, days_from_today

LATE_DOSSIERS = {
    "kind": "risk",
    "department": "MC",
    "process": "Tiếp nhận và trả kết quả hồ sơ TTHC",
    "title": "Hồ sơ trễ hẹn do thiếu người tiếp nhận",
    "cause": "Cán bộ nghỉ phép không có người thay",
    "effect": "Người dân phải đi lại nhiều lần",
    "likelihood": 4,
    "impact": 4,
    "treatment": "reduce",
    "next_review": days_from_today(90),
}


def add(engine: Engine, actor: str = "thu", **changes: object) -> str:
    risk = act(engine, register.add_risk, actor, **{**LATE_DOSSIERS, **changes})
    return str(risk.ref)


def view(engine: Engine, viewer: str = "thu", today: date = TODAY) -> list[views.RiskView]:
    with read_session(engine) as session:
        return views.register_view(session, viewer=users.get_user(session, viewer), today=today)


def test_a_risk_is_levelled_on_the_default_five_by_five_scale(engine: Engine) -> None:
    first = add(engine)
    second = add(engine, likelihood=1, impact=3, title="Mất dữ liệu do sự cố điện")
    third = add(engine, likelihood=2, impact=3, title="Phần mềm một cửa ngừng hoạt động")
    assert (first, second, third) == ("RR-001", "RR-002", "RR-003")
    levels = {v.ref: v.level for v in view(engine)}
    assert levels == {"RR-001": "high", "RR-002": "low", "RR-003": "medium"}


def test_the_scale_and_its_thresholds_are_the_organisations_choice(engine: Engine) -> None:
    refused(engine, PermissionDenied, register.set_scale, "hung", "controller", value="3x3:3,6")
    refused(engine, ValidationError, register.set_scale, "thu", "LxI:M,H", value="five")
    refused(engine, ValidationError, register.set_scale, "thu", "thresholds", value="3x3:6,3")
    act(engine, register.set_scale, "thu", value="3x3:3,6")
    refused(
        engine, ValidationError, register.add_risk, "thu", "from 1 to 3",
        **{**LATE_DOSSIERS, "likelihood": 4},
    )  # fmt: skip
    add(engine, likelihood=2, impact=3)
    assert [v.level for v in view(engine)] == ["high"]
    with read_session(engine) as session:
        assert scales.current(session) == scales.Scale(3, 3, 3, 6)


def test_department_heads_keep_their_own_departments_risks_only(engine: Engine) -> None:
    # mai reviews for TP; hung reviews for VP; lan is staff in MC; thu coordinates.
    add(engine, actor="mai", department="TP")
    refused(
        engine, PermissionDenied, register.add_risk, "mai", "reviewer or approver of that",
        **LATE_DOSSIERS,
    )  # fmt: skip
    refused(engine, PermissionDenied, register.add_risk, "lan", "cannot change", **LATE_DOSSIERS)
    ref = add(engine, actor="thu")
    refused(
        engine, PermissionDenied, register.reassess, "mai", "cannot change",
        ref=ref, next_review=days_from_today(30),
    )  # fmt: skip
    assert [v.steps for v in view(engine, "mai")] == [["review", "action"], []]
    assert [v.steps for v in view(engine, "thu")] == [["review", "action"]] * 2


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"kind": "threat"}, "risk or opportunity"),
        ({"treatment": "exploit"}, "treatment of a risk"),
        ({"kind": "opportunity", "treatment": "avoid"}, "treatment of an opportunity"),
        ({"likelihood": 0}, "from 1 to 5"),
        ({"impact": 6}, "from 1 to 5"),
        ({"next_review": TODAY}, "after today"),
        ({"title": "  "}, "is empty"),
        ({"title": "hai\ndòng"}, "one line"),
        ({"department": "XX"}, "no department"),
    ],
)
def test_bad_entries_are_refused_and_change_nothing(
    engine: Engine, changes: dict[str, object], match: str
) -> None:
    error = NotFound if "department" in changes else ValidationError
    refused(engine, error, register.add_risk, "thu", match, **{**LATE_DOSSIERS, **changes})


def test_an_opportunity_is_exploited(engine: Engine) -> None:
    ref = add(
        engine, kind="opportunity", treatment="exploit", likelihood=3, impact=4,
        title="Dịch vụ công trực tuyến toàn trình",
    )  # fmt: skip
    assert [(v.ref, v.kind, v.treatment, v.level) for v in view(engine)] == [
        (ref, "opportunity", "exploit", "high")
    ]


def test_treatment_actions_and_the_reassessment_after_them(engine: Engine) -> None:
    ref = add(engine)
    start = trail_seq(engine)
    act(engine, actions.add_action, "thu", ref=ref, what="Phân công người thay", owner="lan",
        due=days_from_today(10))  # fmt: skip
    refused(
        engine, ValidationError, actions.add_action, "thu", "in the past",
        ref=ref, what="Việc muộn", owner="lan", due=days_from_today(-1),
    )  # fmt: skip
    refused(
        engine, PermissionDenied, actions.complete_action, "hung", "only its owner",
        ref=ref, number=1,
    )  # fmt: skip
    act(engine, actions.complete_action, "lan", ref=ref, number=1, note="Đã phân công")
    refused(engine, Conflict, actions.complete_action, "lan", "done already", ref=ref, number=1)
    refused(
        engine, ValidationError, register.reassess, "thu", "both",
        ref=ref, residual_likelihood=2, next_review=days_from_today(60),
    )  # fmt: skip
    act(engine, register.reassess, "thu", ref=ref, residual_likelihood=2, residual_impact=3,
        next_review=days_from_today(180))  # fmt: skip
    (risk,) = view(engine)
    assert (risk.level, risk.residual_level, risk.residual_likelihood) == ("high", "medium", 2)
    assert risk.next_review == days_from_today(180)
    assert [(a.number, a.owner, a.done) for a in risk.actions] == [(1, "lan", True)]
    with read_session(engine) as session:
        events = trail.events(session, entity="risk", entity_id=ref)
        assert [e.action for e in events if e.seq > start] == [
            "risk.action.add",
            "risk.action.done",
            "risk.review",
        ]
        review = json.loads(events[-1].payload)
        assert review["old"]["residual_level"] == ""
        assert review["new"]["residual_level"] == "medium"
        assert trail.verify(session).ok
    act(engine, register.reassess, "thu", ref=ref, close=True)
    assert view(engine) == []
    refused(
        engine, Conflict, register.reassess, "thu", "closed",
        ref=ref, next_review=days_from_today(30),
    )  # fmt: skip


def test_overdue_reviews_and_actions_are_listed_earliest_first(engine: Engine) -> None:
    ref = add(engine, next_review=days_from_today(5))
    other = add(engine, next_review=days_from_today(40), title="Sai sót khi nhập liệu")
    act(engine, actions.add_action, "thu", ref=other, what="Kiểm tra chéo", owner="lan",
        due=days_from_today(2))  # fmt: skip
    act(engine, actions.add_action, "thu", ref=other, what="Tập huấn", owner="hung",
        due=days_from_today(20))  # fmt: skip
    later = TODAY + timedelta(days=10)
    with read_session(engine) as session:
        assert views.overdue(session, today=TODAY) == []
        found = views.overdue(session, today=later)
    assert [(o.what, o.ref, o.owner, o.due) for o in found] == [
        ("action", other, "lan", days_from_today(2)),
        ("review", ref, "", days_from_today(5)),
    ]
    act(engine, actions.complete_action, "lan", ref=other, number=1)
    with read_session(engine) as session:
        assert [o.what for o in views.overdue(session, today=later)] == ["review"]
    assert [v.review_overdue for v in view(engine, today=later)] == [True, False]


def trail_seq(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(text("SELECT COALESCE(MAX(seq), 0) FROM trail_event")).scalar_one()
        )


def _statements_to_view(engine: Engine, viewer: str) -> int:
    with read_session(engine) as session:
        user = users.get_user(session, viewer)
        with statements_sent(engine) as statements:
            shown = views.register_view(session, viewer=user, today=TODAY)
    assert all(entry.actions for entry in shown)
    return len(statements)


@pytest.mark.parametrize("viewer", ["thu", "hung"])
def test_the_register_is_read_in_the_same_few_queries_however_long_it_is(
    engine: Engine, viewer: str
) -> None:
    """Not one query per risk for its actions and the viewer's right to change it."""
    for n in range(6):
        ref = add(engine, title=f"Rủi ro {n}")
        act(engine, actions.add_action, "thu", ref=ref, what="Việc cần làm", owner="lan",
            due=days_from_today(30))  # fmt: skip
        if n == 1:
            two = _statements_to_view(engine, viewer)
    assert _statements_to_view(engine, viewer) == two
