"""The yearly report on building, applying, maintaining and improving the QMS that a state
body sends to its supervising authority: the year's figures from the database, the scope
of the conformity decision in force, the management reviews held, and the coordinator's
texts. Printing it puts it on the trail with the figures it showed."""

from __future__ import annotations

import dataclasses

from sqlmodel import Session

from qms.errors import Text, ValidationError
from qms.models import ConformityDecision, User
from qms.render.yearly import ReviewHeld, Signing, YearlyReport
from qms.services.documents import register as documents
from qms.services.documents import renditions
from qms.services.people import organisation
from qms.services.reviews import views as reviews
from qms.services.trail import chain as trail
from qms.services.yearly import conformity, drafts, figures


def management_reviews_of(session: Session, year: int) -> list[ReviewHeld]:
    """The management reviews held in ``year`` (date, reference, chair), oldest first."""
    return [
        ReviewHeld(held_on=day, ref=ref, chair=chair)
        for day, ref, chair in reviews.held_in(session, year)
    ]


def _decision_in_force(session: Session, year: int) -> ConformityDecision | None:
    found = conformity.latest(session)
    return found if found is not None and found.year <= year else None


def report_data(session: Session, *, year: int, language: str | None = None) -> YearlyReport:
    """Everything the report shows; refused for a year still to come or one without data."""
    drafts.check_year(session, year)
    lang = documents.language_or_default(session, language)
    counted = figures.year_figures(session, year)
    if not figures.has_data(counted):
        raise ValidationError("qms holds no data for {year}: nothing to report", year=year).about(
            "year"
        )
    draft = drafts.draft_of(session, year)
    decision = _decision_in_force(session, year)
    if decision is not None:
        scope = conformity.view_of(session, decision)
        procedures, departments = scope.procedures, scope.departments
        in_force = f"{scope.ref} ({decision.issued_on.strftime('%d/%m/%Y')})"
    else:
        now = conformity.current_scope(session)
        procedures, departments, in_force = now.procedures, now.departments, ""
    return YearlyReport(
        language=lang,
        year=year,
        dated=organisation.today(session),
        signing=Signing(
            organisation=renditions.organisation_name(session, lang),
            place=draft.place,
            signer=draft.signer,
            recipients=draft.lines("recipients"),
        ),
        decision=in_force,
        procedures=procedures,
        departments=departments,
        figures=counted,
        management_reviews=tuple(management_reviews_of(session, year)),
        difficulties=draft.difficulties,
        proposals=draft.proposals,
        timezone=organisation.get_setting(session, "timezone"),
    )


def issue_report(session: Session, *, actor: User, year: int, language: str | None = None) -> bytes:
    """The report's PDF, printed by the coordinator and recorded on the trail with the
    figures it showed."""
    from qms.render import render_record_pdf

    drafts.require_coordinator(session, actor, Text("print the yearly report"))
    report = report_data(session, year=year, language=language)
    pdf = render_record_pdf(report)
    trail.record(
        session,
        actor=actor.username,
        action="yearly.report",
        entity="yearly_report",
        entity_id=year,
        payload={"new": dataclasses.asdict(report.figures) | {"language": report.language}},
    )
    session.commit()
    return pdf
