"""Refusals of the corrective-action services that the walk-through tests do not reach:
who may analyse and add actions, who may read a record, a faulty verification-period
setting. Each refused change leaves every table as it was."""

import pytest
from sqlalchemy.engine import Engine

from qms.db import read_session, write_session
from qms.errors import PermissionDenied, ValidationError
from qms.services.capa import actions as capa_actions
from qms.services.capa import records as capa_records
from qms.services.capa import views as capa_views
from qms.services.people import organisation, users
from tests.helpers import refused, snapshot
from tests.services import capa_setup as cs

LEADERSHIP = "it needs a controller, or a reviewer or approver of department MC"


@pytest.mark.parametrize("actor", ["mai", "lan", "binh"])
def test_only_leadership_analyses_the_cause(engine: Engine, actor: str) -> None:
    ref = cs.open_complaint(engine)
    cs.contain(engine, ref)
    before = snapshot(engine)
    with pytest.raises(
        PermissionDenied, match=f"{actor} cannot analyse the cause of {ref}: {LEADERSHIP}"
    ):
        cs.analyse(engine, ref, actor=actor)
    assert snapshot(engine) == before


@pytest.mark.parametrize("actor", ["mai", "lan", "binh"])
def test_only_leadership_adds_actions(engine: Engine, actor: str) -> None:
    ref = cs.analysed(engine)
    refused(engine, PermissionDenied, capa_actions.add_action, actor, f"{actor} cannot add actions to {ref}: {LEADERSHIP}", ref=ref, description="Phân công theo dõi",
             owner="lan", due_date=cs.due(engine))  # fmt: skip


def test_a_faulty_verification_period_refuses_the_last_completion(engine: Engine) -> None:
    with write_session(engine) as session:
        organisation.set_setting(
            session, actor="admin", key=capa_actions.VERIFICATION_DAYS_SETTING, value="ba mươi"
        )
        session.commit()
    ref = cs.planned(engine, owners=("lan",))
    refused(engine, ValidationError,
             capa_actions.complete_action, "lan", "the setting capa.verification_days must be a number of days, not 'ba mươi'", ref=ref, number=1)  # fmt: skip
    with read_session(engine) as session:
        car = capa_records.get_capa(session, ref)
        assert car.status == "actions_planned"
        assert [a.status for a in capa_records.actions_of(session, car)] == ["open"]


def test_staff_read_only_the_records_they_reported_or_act_on(engine: Engine) -> None:
    own = cs.open_complaint(engine, actor="lan")
    other = cs.analysed(engine, actor="mai")
    with read_session(engine) as session:
        lan = users.get_active_user(session, "lan")
        capa_views.require_reader(session, lan, capa_records.get_capa(session, own))
        with pytest.raises(PermissionDenied, match="lan cannot see corrective actions"):
            capa_views.require_reader(session, lan, capa_records.get_capa(session, other))
        with pytest.raises(PermissionDenied, match="lan cannot see corrective actions"):
            capa_views.require_reader(session, lan)  # the register
        for reader in ("thu", "binh", "hai", "mai", "admin"):
            capa_views.require_reader(session, users.get_active_user(session, reader))
    cs.add_action(engine, other, "lan")
    with read_session(engine) as session:
        lan = users.get_active_user(session, "lan")
        capa_views.require_reader(session, lan, capa_records.get_capa(session, other))
        with pytest.raises(PermissionDenied, match="lan cannot see corrective actions"):
            capa_views.require_reader(session, lan)


def test_a_record_pdf_in_an_unknown_language_is_refused(engine: Engine) -> None:
    ref = cs.open_complaint(engine)
    with read_session(engine) as session:
        with pytest.raises(ValidationError, match=r"^language must be one of vi, en, not 'fr'$"):
            capa_records.record_pdf(session, viewer=None, ref=ref, language="fr")
        car, pdf = capa_records.record_pdf(session, viewer=None, ref=ref, language="en")
    assert car.ref == ref
    assert pdf.startswith(b"%PDF")


def test_every_read_of_corrective_actions_checks_its_viewer(engine: Engine) -> None:
    """The rule lives in the services: each read refuses staff who are neither the reporter
    nor an action owner, whichever adapter asks."""
    own = cs.open_complaint(engine, actor="lan")
    other = cs.analysed(engine, actor="mai")
    denied = "lan cannot see corrective actions"
    with read_session(engine) as session:
        lan = users.get_active_user(session, "lan")
        assert capa_views.detail(session, viewer=lan, ref=own).ref == own
        with pytest.raises(PermissionDenied, match=denied):
            capa_views.detail(session, viewer=lan, ref=other)
        with pytest.raises(PermissionDenied, match=denied):
            capa_records.record_pdf(session, viewer=lan, ref=other)
        with pytest.raises(PermissionDenied, match=denied):
            capa_views.list_capas(session, viewer=lan)
        with pytest.raises(PermissionDenied, match=denied):
            capa_actions.overdue(session, viewer=lan)
        with pytest.raises(PermissionDenied, match=denied):
            capa_records.register_pdf(session, viewer=lan)
        thu = users.get_active_user(session, "thu")
        assert {s.ref for s in capa_views.list_capas(session, viewer=thu)} == {own, other}
        assert capa_actions.overdue(session, viewer=thu).actions == []
