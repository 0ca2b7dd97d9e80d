"""The list of records as a PDF (danh mục hồ sơ), through the record PDF machinery."""

from sqlmodel import Session

from qms.render import RecordsList, RecordsListRow
from qms.services.documents import register as documents
from qms.services.documents import renditions
from qms.services.people import organisation
from qms.services.records import views


def list_data(
    session: Session, *, department: str | None = None, language: str | None = None
) -> RecordsList:
    lang = documents.language_or_default(session, language)
    today = organisation.today(session)
    lines = views.list_view(session, today=today, department=department)
    general = organisation.get_setting(session, "records.disposal")
    return RecordsList(
        organisation=renditions.organisation_name(session, lang),
        language=lang,
        printed_on=today,
        department=(department or "").strip().upper(),
        rows=tuple(
            RecordsListRow(
                number=number,
                name=line.name,
                form_code=line.form_code,
                process=line.process,
                department=line.department,
                location=line.location,
                medium=line.medium,
                retention=line.retention,
                disposal=line.disposal,
            )
            for number, line in enumerate(lines, start=1)
        ),
        general_disposal=general,
        timezone=organisation.get_setting(session, "timezone"),
    )


def list_pdf(
    session: Session, *, department: str | None = None, language: str | None = None
) -> bytes:
    from qms.render import render_record_pdf

    data: bytes = render_record_pdf(list_data(session, department=department, language=language))
    return data
