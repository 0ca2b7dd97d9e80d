"""The register of risks and opportunities as a PDF: the open entries with their levels,
actions and next review, and the risk matrix. Printed under the rules of the other reports
(:func:`qms.services.objectives.report.report_scope`), each printing on the trail."""

from sqlmodel import Session, select

from qms.models import User
from qms.render.measure_data import RiskActionLine, RiskLine, RiskRegister
from qms.services.documents import register as documents
from qms.services.documents import renditions
from qms.services.objectives.report import record_output, report_scope
from qms.services.people import organisation
from qms.services.risks import views


def register_data(
    session: Session, *, department: str | None = None, language: str | None = None
) -> RiskRegister:
    lang = documents.language_or_default(session, language)
    today = organisation.today(session)
    shown = views.register_view(session, viewer=None, today=today, department=department)
    people = {u.username: u.full_name for u in session.exec(select(User)).all()}
    rows = tuple(
        RiskLine(
            ref=v.ref,
            kind=v.kind,
            department=v.department,
            process=v.process,
            title=v.title,
            cause=v.cause,
            effect=v.effect,
            likelihood=v.likelihood,
            impact=v.impact,
            level=v.level,
            treatment=v.treatment,
            residual_likelihood=v.residual_likelihood,
            residual_impact=v.residual_impact,
            residual_level=v.residual_level,
            next_review=v.next_review,
            review_overdue=v.review_overdue,
            actions=tuple(
                RiskActionLine(
                    number=a.number,
                    what=a.what,
                    owner=people.get(a.owner, a.owner),
                    due=a.due,
                    done=a.done,
                    overdue=a.overdue,
                )
                for a in v.actions
            ),
        )
        for v in shown
    )
    return RiskRegister(
        organisation=renditions.organisation_name(session, lang),
        language=lang,
        department=(department or "").strip().upper(),
        printed_on=today,
        rows=rows,
        matrix_svg=views.matrix_svg(session, views=shown, language=lang),
        timezone=organisation.get_setting(session, "timezone"),
    )


def register_pdf(
    session: Session, *, actor: User, department: str | None = None, language: str | None = None
) -> bytes:
    """The open register as a PDF, printed by ``actor`` (on the trail)."""
    from qms.render import render_record_pdf

    scope = report_scope(session, actor, department)
    data: bytes = render_record_pdf(
        register_data(session, department=scope.department, language=language)
    )
    record_output(session, actor, action="report.risks_print", what="risk-register", scope=scope)
    return data
