"""The word a reader sees for each state, document type and signature meaning: message
ids of the catalogs, keyed by the enums of ``qms.domain``. Pages (and any adapter) look a
value up here instead of comparing it with strings of their own."""

from collections.abc import Mapping
from enum import StrEnum

from qms.domain import (
    AuditStatus,
    CapaStatus,
    CommentOutcome,
    DocType,
    Meaning,
    RevisionStatus,
)
from qms.i18n import Message, msg, pmsg, translate

WORDS: Mapping[type[StrEnum], Mapping[str, Message]] = {
    RevisionStatus: {
        RevisionStatus.DRAFT: msg("Draft"),
        RevisionStatus.IN_REVIEW: msg("In review"),
        RevisionStatus.APPROVED: msg("Approved"),
        RevisionStatus.EFFECTIVE: msg("Effective"),
        RevisionStatus.SUPERSEDED: msg("Superseded"),
        RevisionStatus.OBSOLETE: msg("Obsolete"),
    },
    DocType: {
        DocType.POLICY: msg("Policy"),
        DocType.MANUAL: msg("Manual"),
        DocType.PLAN: msg("Plan"),
        DocType.DECISION: msg("Decision"),
        DocType.PROCEDURE: msg("Procedure"),
        DocType.WORK_INSTRUCTION: msg("Work instruction"),
        DocType.FORM: msg("Form"),
        DocType.RECORD_TEMPLATE: msg("Record template"),
        DocType.EXTERNAL: msg("External document"),
    },
    Meaning: {
        Meaning.DRAFTED: pmsg("Signing role", "Drafted"),
        Meaning.REVIEWED: pmsg("Signing role", "Reviewed"),
        Meaning.APPROVED: pmsg("Signing role", "Approved"),
    },
    CommentOutcome: {
        CommentOutcome.ACCEPTED: msg("accepted"),
        CommentOutcome.RETURNED: msg("returned for changes"),
        CommentOutcome.COMMENT: msg("comment on a passage"),
        CommentOutcome.REPLY: msg("answer"),
    },
    AuditStatus: {
        AuditStatus.PLANNED: msg("Planned"),
        AuditStatus.IN_PROGRESS: msg("Audit under way"),
        AuditStatus.REPORTED: msg("Reported"),
        AuditStatus.CLOSED: msg("Closed"),
    },
    CapaStatus: {
        CapaStatus.OPEN: msg("Open"),
        CapaStatus.CONTAINED: msg("Contained"),
        CapaStatus.CAUSE_ANALYSED: msg("Cause analysed"),
        CapaStatus.ACTIONS_PLANNED: msg("Actions planned"),
        CapaStatus.ACTIONS_DONE: msg("Actions done"),
        CapaStatus.VERIFIED_EFFECTIVE: msg("Verified effective"),
        CapaStatus.CLOSED: msg("Closed"),
    },
}


def word_for(kind: type[StrEnum], value: str, language: str) -> str:
    """The word for ``value`` of ``kind`` in ``language``; an unknown value as it is."""
    message = WORDS[kind].get(value)
    return translate(message, language) if message is not None else value
