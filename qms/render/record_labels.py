"""Printed labels of record PDFs (audit report, corrective action, audit trail): keys to
message ids of the catalogs.

They extend the controlled-document labels (page format, dates, signature words), so
one mapping serves a whole record and ``labels=`` overrides may name keys of either.
"""

from __future__ import annotations

from collections.abc import Mapping

from qms.domain import LANGUAGES
from qms.i18n import Message, pmsg, translate_all
from qms.render.errors import RenderError
from qms.render.labels import LABELS, with_overrides

RECORD_LABELS: dict[str, Message] = {
    **LABELS,
    "ref": pmsg("PDF", "Reference"),
    "record_status": pmsg("PDF", "Status"),
    "printed_on": pmsg("PDF", "Printed on"),
    "none": pmsg("PDF", "None"),
    "number": pmsg("PDF", "No."),
    "content_hash": pmsg("PDF", "Content hash (SHA-256)"),
    # audit report
    "audit_report_title": pmsg("PDF", "Internal audit report"),
    "follow_up_report_title": pmsg("PDF", "Follow-up audit report"),
    "report_date": pmsg("PDF", "Report date"),
    "audit_draft_mark": pmsg("PDF", "DRAFT"),
    "audit_status_planned": pmsg("PDF audit status", "Planned"),
    "audit_status_in_progress": pmsg("PDF audit status", "In progress"),
    "audit_status_reported": pmsg("PDF audit status", "Reported"),
    "audit_status_closed": pmsg("PDF audit status", "Closed"),
    "objectives": pmsg("PDF", "Audit objectives"),
    "scope": pmsg("PDF", "Audit scope"),
    "scope_departments": pmsg("PDF", "Departments audited"),
    "scope_processes": pmsg("PDF", "Processes and procedures"),
    "criteria": pmsg("PDF", "Audit criteria"),
    "team": pmsg("PDF", "Audit team"),
    "lead_auditor": pmsg("PDF", "Lead auditor"),
    "team_members": pmsg("PDF", "Members"),
    "auditee_rep": pmsg("PDF", "Auditee representative"),
    "dates": pmsg("PDF", "Audit dates"),
    "planned_dates": pmsg("PDF", "Planned"),
    "actual_dates": pmsg("PDF", "Actual"),
    "summary": pmsg("PDF", "Summary of results"),
    "grade": pmsg("PDF", "Grade"),
    "count": pmsg("PDF", "Count"),
    "nonconformity_total": pmsg("PDF", "Total nonconformities"),
    "findings": pmsg("PDF", "Nonconformities"),
    "clause": pmsg("PDF", "Clause"),
    "department": pmsg("PDF", "Department"),
    "statement": pmsg("PDF", "Statement of nonconformity"),
    "evidence": pmsg("PDF", "Objective evidence"),
    "capa_ref": pmsg("PDF", "CAR"),
    "other_results": pmsg("PDF", "Observations and opportunities for improvement"),
    "question": pmsg("PDF", "Checklist question"),
    "conclusions": pmsg("PDF", "Conclusions"),
    "distribution": pmsg("PDF", "Distribution"),
    "signatures": pmsg("PDF", "Signatures"),
    "sig_lead_auditor": pmsg("PDF signed as", "Lead auditor"),
    "sig_auditee": pmsg("PDF signed as", "Auditee representative"),
    "sig_verifier": pmsg("PDF signed as", "Verifier"),
    "annex_checklist": pmsg("PDF", "Annex: audit checklist"),
    "result": pmsg("PDF", "Result"),
    "attachments": pmsg("PDF", "Attachments"),
    "not_answered": pmsg("PDF", "Not answered"),
    # corrective action record
    "capa_record_title": pmsg("PDF", "Corrective action request"),
    "capa_status_open": pmsg("PDF CAR status", "Open"),
    "capa_status_contained": pmsg("PDF CAR status", "Contained"),
    "capa_status_cause_analysed": pmsg("PDF CAR status", "Cause analysed"),
    "capa_status_actions_planned": pmsg("PDF CAR status", "Actions planned"),
    "capa_status_actions_done": pmsg("PDF CAR status", "Actions done"),
    "capa_status_verified_effective": pmsg("PDF CAR status", "Verified effective"),
    "capa_status_closed": pmsg("PDF CAR status", "Closed"),
    "nonconformity": pmsg("PDF", "Nonconformity"),
    "source": pmsg("PDF", "Source"),
    "source_audit_finding": pmsg("PDF", "Internal audit"),
    "source_complaint": pmsg("PDF", "Complaint"),
    "source_late_dossier": pmsg("PDF", "Late dossier"),
    "source_measurement": pmsg("PDF", "Process measurement"),
    "source_objective_not_met": pmsg("PDF", "Quality objective not met"),
    "source_management_review": pmsg("PDF", "Management review"),
    "source_other": pmsg("PDF", "Other"),
    "finding": pmsg("PDF", "Audit finding"),
    "description": pmsg("PDF", "Description of the nonconformity"),
    "severity": pmsg("PDF", "Severity"),
    "severity_major": pmsg("PDF", "Major"),
    "severity_minor": pmsg("PDF", "Minor"),
    "reported_by": pmsg("PDF", "Reported by"),
    "reported_at": pmsg("PDF", "Reported at"),
    "containment_title": pmsg("PDF", "Correction (containment)"),
    "containment": pmsg("PDF", "Correction taken"),
    "contained_by": pmsg("PDF", "By"),
    "contained_at": pmsg("PDF", "At"),
    "root_cause_title": pmsg("PDF", "Root cause analysis"),
    "whys": pmsg("PDF", "Five whys"),
    "why_question": pmsg("PDF", "Why?"),
    "why_answer": pmsg("PDF", "Because"),
    "cause_category": pmsg("PDF", "Cause category"),
    "cause_people": pmsg("PDF", "People"),
    "cause_method": pmsg("PDF", "Method"),
    "cause_documentation": pmsg("PDF", "Documentation"),
    "cause_equipment": pmsg("PDF", "Equipment, software"),
    "cause_environment": pmsg("PDF", "Work environment"),
    "cause_management": pmsg("PDF", "Management"),
    "cause_other": pmsg("PDF", "Other"),
    "root_cause": pmsg("PDF", "Root cause"),
    "similar_exist": pmsg("PDF", "Do similar nonconformities exist or could they occur elsewhere?"),
    "similar_yes": pmsg("PDF", "Yes"),
    "similar_no": pmsg("PDF", "No"),
    "similar_possible": pmsg("PDF", "Possibly"),
    "similar_answer": pmsg("PDF", "Review"),
    "action_plan": pmsg("PDF", "Corrective action plan"),
    "action": pmsg("PDF", "Action"),
    "owner": pmsg("PDF", "Owner"),
    "due_date": pmsg("PDF", "Due"),
    "action_status": pmsg("PDF action status", "Status"),
    "action_open": pmsg("PDF action status", "Open"),
    "action_done": pmsg("PDF action status", "Done"),
    "done_on": pmsg("PDF", "Done on"),
    "note": pmsg("PDF", "Note"),
    "document_change": pmsg("PDF", "Document change"),
    "overdue": pmsg("PDF", "OVERDUE"),
    "overdue_actions_count": pmsg("PDF", "Overdue actions"),
    "verification_title": pmsg("PDF", "Effectiveness verification"),
    "verifier": pmsg("PDF", "Verifier"),
    "verified_at": pmsg("PDF", "At"),
    "verdict": pmsg("PDF", "Result"),
    "effective": pmsg("PDF", "Effective"),
    "not_effective": pmsg("PDF", "Not effective"),
    "signature": pmsg("PDF", "Signature"),
    "closure_title": pmsg("PDF", "Closure"),
    "closed_by": pmsg("PDF", "Closed by"),
    "closed_at": pmsg("PDF", "Closed at"),
    "not_closed": pmsg("PDF", "Not closed"),
    # corrective action register
    "capa_register_title": pmsg("PDF", "Corrective action register"),
    "reported_on": pmsg("PDF register", "Reported on"),
    "age_days": pmsg("PDF register", "Age (days)"),
    "open_actions": pmsg("PDF register", "Open actions"),
    "overdue_actions": pmsg("PDF register", "Overdue actions"),
    "capa_count": pmsg("PDF register", "Records"),
    "totals": pmsg("PDF register", "Totals"),
    "total_open": pmsg("PDF register", "Open"),
    "total_overdue": pmsg("PDF register", "With overdue actions"),
    "total_closed": pmsg("PDF register", "Closed"),
    # printed audit trail
    "trail_title": pmsg("PDF trail", "Audit trail"),
    "trail_events": pmsg("PDF trail", "Events"),
    "trail_filters": pmsg("PDF trail", "Filters"),
    "trail_no_filter": pmsg("PDF trail", "the whole trail"),
    "trail_filter_entity": pmsg("PDF trail", "Entity"),
    "trail_filter_entity_id": pmsg("PDF trail", "Identifier"),
    "trail_filter_actor": pmsg("PDF trail", "User"),
    "trail_filter_since": pmsg("PDF trail", "From"),
    "trail_filter_until": pmsg("PDF trail", "To"),
    "trail_seq": pmsg("PDF trail", "#"),
    "trail_time": pmsg("PDF trail", "Time"),
    "trail_actor": pmsg("PDF trail", "User"),
    "trail_action": pmsg("PDF trail", "Action"),
    "trail_details": pmsg("PDF trail", "Details (old and new values, reason)"),
    "trail_hash": pmsg("PDF trail", "Hash"),
    "trail_chain_intact": pmsg(
        "PDF trail", "The chain was intact when printed: {count} events verified."
    ),
    "trail_chain_broken": pmsg(
        "PDF trail", "The chain was broken when printed. First problem: {problem}"
    ),
    "trail_anchor": pmsg(
        "PDF trail", "Anchor at printing (keep it to check the trail against later)"
    ),
    "trail_shortened": pmsg(
        "PDF trail", "Long details are shortened; the trail's CSV export holds them whole."
    ),
    # yearly report and conformity decision of a public body
    "yearly_motto_country": pmsg("PDF yearly", "SOCIALIST REPUBLIC OF VIETNAM"),
    "yearly_motto_words": pmsg("PDF yearly", "Independence - Freedom - Happiness"),
    "yearly_number": pmsg("PDF yearly", "No."),
    "yearly_decision_symbol": pmsg("PDF yearly", "QD-UBND"),
    "yearly_report_symbol": pmsg("PDF yearly", "BC-UBND"),
    "yearly_date_line": pmsg("PDF yearly", "{place}, {day}/{month}/{year}"),
    "yearly_report_title": pmsg("PDF yearly", "REPORT"),
    "yearly_report_subject": pmsg(
        "PDF yearly",
        "On building, applying, maintaining and improving the quality management system "
        "under the national standard TCVN ISO 9001:2015 in {year}",
    ),
    "yearly_to": pmsg("PDF yearly", "To:"),
    "yearly_part_1": pmsg(
        "PDF yearly", "I. BUILDING, APPLYING, MAINTAINING AND IMPROVING THE SYSTEM"
    ),
    "yearly_scope": pmsg("PDF yearly", "1. Scope"),
    "yearly_scope_decision": pmsg(
        "PDF yearly", "The system's conformity is announced by Decision No. {decision}."
    ),
    "yearly_scope_none": pmsg("PDF yearly", "The system's conformity has not been announced yet."),
    "yearly_processes": pmsg("PDF yearly", "2. Administrative procedures and activities covered"),
    "yearly_departments": pmsg("PDF yearly", "Departments applying the system"),
    "yearly_updates": pmsg("PDF yearly", "3. Updates to the documents of the system"),
    "yearly_documents_line": pmsg(
        "PDF yearly",
        "Documents issued: {issued}; revised: {revised}; withdrawn: {withdrawn}.",
    ),
    "yearly_audits": pmsg("PDF yearly", "4. Internal audits and corrective actions"),
    "yearly_audits_line": pmsg(
        "PDF yearly",
        "Internal audits done: {done} of {planned} in the programme; findings: {findings}.",
    ),
    "yearly_ncs_line": pmsg(
        "PDF yearly",
        "Nonconformities opened: {opened}; closed: {closed}; overdue at year end: {overdue}.",
    ),
    "yearly_reviews": pmsg("PDF yearly", "5. Management reviews"),
    "yearly_reviews_none": pmsg("PDF yearly", "No management review was held in the year."),
    "yearly_review_line": pmsg(
        "PDF yearly", "{date}: management review {ref}, chaired by {chair}."
    ),
    "yearly_results": pmsg("PDF yearly", "6. Results"),
    "yearly_objectives_line": pmsg("PDF yearly", "Quality objectives met: {met} of {total}."),
    "yearly_desk_line": pmsg(
        "PDF yearly",
        "Dossiers resolved: {resolved}, on time: {rate}; late dossiers: {late}.",
    ),
    "yearly_satisfaction_line": pmsg("PDF yearly", "Citizens and organisations satisfied: {rate}."),
    "yearly_risks_line": pmsg(
        "PDF yearly", "Risks and opportunities open: {open}, of which high: {high}."
    ),
    "yearly_part_2": pmsg("PDF yearly", "II. DIFFICULTIES AND OBSTACLES"),
    "yearly_part_3": pmsg("PDF yearly", "III. PROPOSALS"),
    "yearly_nothing": pmsg("PDF yearly", "None."),
    "yearly_recipients": pmsg("PDF yearly", "Recipients:"),
    "yearly_filed": pmsg("PDF yearly", "Filed: VT."),
    "yearly_for_head": pmsg("PDF yearly", "ON BEHALF OF THE PEOPLE'S COMMITTEE"),
    "yearly_head": pmsg("PDF yearly", "CHAIRMAN"),
    "yearly_decision_title": pmsg("PDF yearly", "DECISION"),
    "yearly_decision_subject": pmsg(
        "PDF yearly",
        "Announcing that the quality management system conforms to the national standard "
        "TCVN ISO 9001:2015",
    ),
    "yearly_decides": pmsg("PDF yearly", "DECIDES:"),
    "yearly_article": pmsg("PDF yearly", "Article {n}."),
    "yearly_article_1": pmsg(
        "PDF yearly",
        "To announce that the quality management system of {organisation} conforms to the "
        "national standard TCVN ISO 9001:2015 for the administrative procedures and "
        "activities listed in the annex to this Decision.",
    ),
    "yearly_article_2": pmsg("PDF yearly", "This Decision takes effect on the date of signing."),
    "yearly_article_2_replaces": pmsg(
        "PDF yearly",
        "This Decision takes effect on the date of signing and replaces Decision No. {decision}.",
    ),
    "yearly_article_3": pmsg(
        "PDF yearly",
        "The Chief of the Office, the heads of the departments and units of {organisation} "
        "and the organisations and individuals concerned are responsible for implementing "
        "this Decision.",
    ),
    "yearly_annex": pmsg("PDF yearly", "ANNEX"),
    "yearly_annex_title": pmsg(
        "PDF yearly",
        "ADMINISTRATIVE PROCEDURES AND ACTIVITIES COVERED BY THE QUALITY MANAGEMENT SYSTEM",
    ),
    "yearly_annex_note": pmsg(
        "PDF yearly", "(Attached to Decision No. {decision} of {date} of {organisation})"
    ),
    "yearly_procedure": pmsg("PDF yearly", "Administrative procedure or activity"),
    "yearly_seq": pmsg("PDF yearly", "No."),
    # management review minutes
    "mr_title": pmsg("PDF review", "Minutes of the management review meeting"),
    "mr_country": pmsg("PDF review", "SOCIALIST REPUBLIC OF VIETNAM"),
    "mr_motto": pmsg("PDF review", "Independence - Freedom - Happiness"),
    "mr_number": pmsg("PDF review", "No."),
    "mr_time_place": pmsg("PDF review", "Time and place"),
    "mr_time": pmsg("PDF review", "Time"),
    "mr_place": pmsg("PDF review", "Place"),
    "mr_period": pmsg("PDF review", "Period reviewed"),
    "mr_people": pmsg("PDF review", "Attendance"),
    "mr_chair": pmsg("PDF review", "Chair"),
    "mr_attendees": pmsg("PDF review", "Attendees"),
    "mr_guests": pmsg("PDF review", "Invited guests"),
    "mr_inputs": pmsg("PDF review", "Review inputs and conclusions"),
    "mr_note": pmsg("PDF review", "Notes"),
    "mr_conclusion": pmsg("PDF review", "Conclusion"),
    "mr_decisions": pmsg("PDF review", "Decisions"),
    "mr_kind": pmsg("PDF review", "Kind"),
    "mr_content": pmsg("PDF review", "Content"),
    "mr_owner": pmsg("PDF review", "Owner"),
    "mr_due": pmsg("PDF review", "Due"),
    "mr_link": pmsg("PDF review", "Follow-up"),
    "mr_pack_hash": pmsg("PDF review", "Input pack frozen at the start (SHA-256)"),
    "sig_chair": pmsg("PDF signed as", "Chair"),
    # list of records
    "records_list_title": pmsg("PDF records", "List of records"),
    "records_count": pmsg("PDF records", "Kinds of record"),
    "record_name": pmsg("PDF records", "Record"),
    "record_form": pmsg("PDF records", "Form"),
    "record_process": pmsg("PDF records", "Process"),
    "record_keeper": pmsg("PDF records", "Kept by, where"),
    "record_medium": pmsg("PDF records", "Medium"),
    "record_retention": pmsg("PDF records", "Retention"),
    "record_disposal": pmsg("PDF records", "Disposal"),
    "record_disposal_general": pmsg("PDF records", "General method"),
    "general_disposal": pmsg("PDF records", "General disposal method"),
    "medium_paper": pmsg("PDF records", "Paper"),
    "medium_electronic": pmsg("PDF records", "Electronic"),
    "medium_both": pmsg("PDF records", "Paper and electronic"),
    # quality objectives of a year, the quarterly report, the risk register
    "objectives_plan_title": pmsg("PDF objectives", "Quality objectives for {year}"),
    "quarterly_report_title": pmsg(
        "PDF objectives", "Report on the quality objectives, quarter {quarter}/{year}"
    ),
    "risk_register_title": pmsg("PDF risks", "Register of risks and opportunities"),
    "report_scope": pmsg("PDF objectives", "Scope"),
    "scope_all": pmsg("PDF objectives", "Whole organisation"),
    "objective_count": pmsg("PDF objectives", "Objectives"),
    "objective": pmsg("PDF objectives", "Objective"),
    "indicator": pmsg("PDF objectives", "Indicator"),
    "target": pmsg("PDF objectives", "Target"),
    "frequency": pmsg("PDF objectives", "Frequency"),
    "frequency_monthly": pmsg("PDF objectives", "Monthly"),
    "frequency_quarterly": pmsg("PDF objectives", "Quarterly"),
    "frequency_half_yearly": pmsg("PDF objectives", "Half-yearly"),
    "plan": pmsg("PDF objectives", "Plan to reach it"),
    "plan_what": pmsg("PDF objectives", "What"),
    "plan_resources": pmsg("PDF objectives", "Resources"),
    "plan_who": pmsg("PDF objectives", "Who"),
    "plan_when": pmsg("PDF objectives", "When"),
    "evaluation": pmsg("PDF objectives", "Evaluation method"),
    "approval": pmsg("PDF objectives", "Approval"),
    "version": pmsg("PDF objectives", "Version"),
    "not_approved": pmsg("PDF objectives", "Not approved"),
    "results_section": pmsg("PDF objectives", "I. Results of the quality objectives"),
    "charts_section": pmsg("PDF objectives", "II. Charts"),
    "nonconformities_section": pmsg(
        "PDF objectives", "III. Nonconformities opened from results not met"
    ),
    "in_quarter": pmsg("PDF objectives", "Results in the quarter"),
    "year_so_far": pmsg("PDF objectives", "Year to date"),
    "assessment": pmsg("PDF objectives", "Assessment"),
    "met": pmsg("PDF objectives", "Met"),
    "not_met": pmsg("PDF objectives", "Not met"),
    "not_measured": pmsg("PDF objectives", "No result yet"),
    "trend": pmsg("PDF objectives", "Trend"),
    "trend_better": pmsg("PDF objectives", "Better"),
    "trend_worse": pmsg("PDF objectives", "Worse"),
    "trend_same": pmsg("PDF objectives", "Unchanged"),
    "period": pmsg("PDF objectives", "Period"),
    "summary_met": pmsg("PDF objectives", "Objectives met in the quarter: {met} of {total}"),
    "prepared_by": pmsg("PDF objectives", "Prepared by"),
    "report_approved_by": pmsg("PDF objectives", "Approved by the leadership"),
    "sign_here": pmsg("PDF objectives", "(signature and full name)"),
    "risk_kind": pmsg("PDF risks", "Type"),
    "kind_risk": pmsg("PDF risks", "Risk"),
    "kind_opportunity": pmsg("PDF risks", "Opportunity"),
    "process": pmsg("PDF risks", "Process"),
    "risk_title": pmsg("PDF risks", "Risk or opportunity"),
    "cause": pmsg("PDF risks", "Cause"),
    "effect": pmsg("PDF risks", "Effect"),
    "assessed": pmsg("PDF risks", "Likelihood x impact"),
    "level": pmsg("PDF risks", "Level"),
    "level_low": pmsg("PDF risks", "Low"),
    "level_medium": pmsg("PDF risks", "Medium"),
    "level_high": pmsg("PDF risks", "High"),
    "treatment": pmsg("PDF risks", "Treatment"),
    "treatment_accept": pmsg("PDF risks", "Accept"),
    "treatment_reduce": pmsg("PDF risks", "Reduce"),
    "treatment_avoid": pmsg("PDF risks", "Avoid"),
    "treatment_exploit": pmsg("PDF risks", "Exploit"),
    "after_treatment": pmsg("PDF risks", "After treatment"),
    "risk_actions": pmsg("PDF risks", "Actions (owner, due date)"),
    "next_review": pmsg("PDF risks", "Next review"),
    "review_overdue": pmsg("PDF risks", "review overdue"),
    "risk_count": pmsg("PDF risks", "Open entries"),
}


def record_labels_for(language: str, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Labels of a record in ``language`` with ``overrides`` applied; unknown keys refused."""
    if language not in LANGUAGES:
        raise RenderError(
            "unsupported record language {language!r}; use 'vi' or 'en'", language=language
        )
    return with_overrides(translate_all(RECORD_LABELS, language), overrides)


def coded(labels: Mapping[str, str], prefix: str, value: str) -> str:
    """The label of a code (``severity_major``), or ``value`` itself when it is already text."""
    return labels.get(f"{prefix}{value}", value)
