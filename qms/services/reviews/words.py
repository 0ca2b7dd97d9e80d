"""The words of a review's pack and minutes, as message ids: the inputs of 9.3.2, the
figures each input shows, the kinds of decision and the states of their follow-up."""

from qms.i18n import Message, pmsg

# The inputs of clause 9.3.2, in the order the pack and the minutes show them.
INPUTS: dict[str, Message] = {
    "previous_actions": pmsg("Review input", "Status of actions from previous reviews"),
    "context": pmsg(
        "Review input", "Changes in external and internal issues and in legal documents"
    ),
    "satisfaction": pmsg("Review input", "Customer satisfaction and feedback"),
    "objectives": pmsg("Review input", "Extent to which quality objectives are met"),
    "processes": pmsg("Review input", "Process performance and one-stop-desk results"),
    "nonconformities": pmsg("Review input", "Nonconformities and corrective actions"),
    "monitoring": pmsg("Review input", "Monitoring and measurement results"),
    "audits": pmsg("Review input", "Internal and external audit results"),
    "providers": pmsg("Review input", "Performance of external providers"),
    "resources": pmsg("Review input", "Adequacy of resources"),
    "risks": pmsg("Review input", "Effectiveness of actions on risks and opportunities"),
    "improvement": pmsg("Review input", "Opportunities for improvement"),
}

# Inputs the database holds no figures for: the pack carries the coordinator's text.
TEXT_ONLY = ("providers", "resources")

KINDS: dict[str, Message] = {
    "improvement": pmsg("Review decision", "Improvement opportunity"),
    "qms_change": pmsg("Review decision", "Change to the QMS"),
    "resources": pmsg("Review decision", "Resource need"),
}

OUTCOMES: dict[str, Message] = {
    "action": pmsg("Review decision", "Action"),
    "capa": pmsg("Review decision", "Nonconformity (CAR)"),
    "revision": pmsg("Review decision", "Document revision"),
}

STATUSES: dict[str, Message] = {
    "planned": pmsg("Review status", "Planned"),
    "in_progress": pmsg("Review status", "In progress"),
    "signed": pmsg("Review status", "Signed"),
}

# The state of a decision's follow-up, shown in the next review's first input.
FOLLOW_UP: dict[str, Message] = {
    "none": pmsg("Review follow-up", "no follow-up recorded"),
    "open": pmsg("Review follow-up", "open"),
    "overdue": pmsg("Review follow-up", "overdue"),
    "done": pmsg("Review follow-up", "done"),
}

# Labels of the figures and table columns the pack holds (keys in the frozen JSON).
FIGURES: dict[str, Message] = {
    "previous_review": pmsg("Review figure", "Previous review"),
    "no_previous": pmsg("Review figure", "No earlier review"),
    "decision": pmsg("Review figure", "Decision"),
    "kind": pmsg("Review figure", "Kind"),
    "follow_up": pmsg("Review figure", "Follow-up"),
    "status": pmsg("Review figure", "Status"),
    "external_changed": pmsg("Review figure", "External documents changed or checked"),
    "issued": pmsg("Review figure", "Documents issued or revised"),
    "document": pmsg("Review figure", "Document"),
    "issue": pmsg("Review figure", "Issue"),
    "date": pmsg("Review figure", "Date"),
    "answers": pmsg("Review figure", "Survey answers"),
    "satisfied_rate": pmsg("Review figure", "Satisfied (%)"),
    "complaints": pmsg("Review figure", "Complaints"),
    "feedback": pmsg("Review figure", "Other feedback"),
    "period": pmsg("Review figure", "Period"),
    "objective": pmsg("Review figure", "Objective"),
    "results": pmsg("Review figure", "Results"),
    "met": pmsg("Review figure", "Met"),
    "not_met": pmsg("Review figure", "Not met"),
    "met_share": pmsg("Review figure", "Results that met the target (%)"),
    "target": pmsg("Review figure", "Target"),
    "latest": pmsg("Review figure", "Latest result"),
    "received": pmsg("Review figure", "Dossiers received"),
    "resolved": pmsg("Review figure", "Dossiers resolved"),
    "on_time": pmsg("Review figure", "Resolved on time"),
    "late": pmsg("Review figure", "Resolved late"),
    "on_time_rate": pmsg("Review figure", "On-time rate (%)"),
    "field": pmsg("Review figure", "Field"),
    "opened": pmsg("Review figure", "Opened in the period"),
    "open_now": pmsg("Review figure", "Open now"),
    "overdue_now": pmsg("Review figure", "With overdue actions"),
    "closed": pmsg("Review figure", "Closed in the period"),
    "effective": pmsg("Review figure", "Verified effective"),
    "ineffective": pmsg("Review figure", "Verified not effective"),
    "source": pmsg("Review figure", "Source"),
    "count": pmsg("Review figure", "Count"),
    "measured": pmsg("Review figure", "Results recorded"),
    "months_imported": pmsg("Review figure", "Months of one-stop-desk figures"),
    "audit": pmsg("Review figure", "Audit"),
    "audits_held": pmsg("Review figure", "Audits held"),
    "findings": pmsg("Review figure", "Nonconformities found"),
    "open_risks": pmsg("Review figure", "Open risks and opportunities"),
    "level_high": pmsg("Review figure", "High level"),
    "reviewed": pmsg("Review figure", "Reviewed in the period"),
    "actions_done": pmsg("Review figure", "Actions done in the period"),
    "actions_overdue": pmsg("Review figure", "Actions overdue"),
    "opportunities": pmsg("Review figure", "Open opportunities"),
    "title": pmsg("Review figure", "Title"),
    "department": pmsg("Review figure", "Department"),
}
