"""The audit trail in the reader's words: each recorded action and kind of record named
as a Vietnamese or English reader says it, and an event's details as a line of
"field: value" (a change as "old → new") instead of the stored JSON.

The stored event is never changed: the chain's hashes cover its codes and canonical
JSON, which stay available (CSV export, ``qms trail show --format json``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qms.domain import AuditStatus, CapaStatus, DocType, RevisionStatus
from qms.domain_words import WORDS
from qms.i18n import Message, msg, pmsg, translate

ENTITIES: Mapping[str, Message] = {
    "audit": pmsg("Trail entity", "audit"),
    "audit_programme": pmsg("Trail entity", "audit programme"),
    "capa": pmsg("Trail entity", "corrective action"),
    "conformity_decision": pmsg("Trail entity", "conformity decision"),
    "department": pmsg("Trail entity", "department"),
    "desk_import": pmsg("Trail entity", "one-stop desk figures"),
    "document": pmsg("Trail entity", "document"),
    "feedback": pmsg("Trail entity", "complaint or feedback"),
    "objective": pmsg("Trail entity", "quality objective"),
    "record_batch": pmsg("Trail entity", "batch of records"),
    "record_type": pmsg("Trail entity", "record in the list of records"),
    "report": pmsg("Trail entity", "report"),
    "review": pmsg("Trail entity", "management review"),
    "revision": pmsg("Trail entity", "issue"),
    "risk": pmsg("Trail entity", "risk or opportunity"),
    "setting": pmsg("Trail entity", "setting"),
    "user": pmsg("Trail entity", "user"),
    "yearly_report": pmsg("Trail entity", "yearly report"),
}

ACTIONS: Mapping[str, Message] = {
    # documents and their issues
    "document.register": msg("document registered"),
    "document.periodic_review": msg("periodic review recorded"),
    "distribution.add": msg("added to the distribution"),
    "distribution.remove": msg("removed from the distribution"),
    "copy.register": msg("paper copy registered"),
    "copy.recall": msg("paper copy recalled"),
    "revision.draft": msg("draft started"),
    "revision.edit": msg("draft edited"),
    "revision.import": msg("issue imported"),
    "revision.render": msg("controlled PDF made"),
    "revision.submit": msg("submitted for review"),
    "revision.review_accepted": msg("review accepted"),
    "revision.review_returned": msg("returned for changes"),
    "revision.accepted": msg("review accepted"),
    "revision.returned": msg("returned for changes"),
    "revision.comment": msg("comment on a passage"),
    "revision.reply": msg("answer to a comment"),
    "revision.approve": msg("approved"),
    "revision.publish": msg("published (took effect)"),
    "revision.supersede": msg("superseded by the next issue"),
    "revision.obsolete": msg("withdrawn (obsolete)"),
    "revision.acknowledge": msg("reading acknowledged"),
    "revision.remind_readers": msg("readers reminded"),
    "signature.drafted": msg("signed as drafter"),
    "signature.reviewed": msg("signed as reviewer"),
    "signature.approved": msg("signed as approver"),
    "signing.refused": msg("signing refused: wrong password"),
    "signing.locked": msg("signing refused: locked"),
    # internal audits
    "programme.set": msg("audit programme saved"),
    "programme.entry": msg("programme line saved"),
    "audit.plan": msg("audit planned"),
    "audit.assign": msg("audit team assigned"),
    "audit.start": msg("audit started"),
    "audit.record": msg("checklist item recorded"),
    "audit.conclude": msg("findings concluded"),
    "audit.report": msg("audit reported"),
    "audit.sign": msg("audit report signed"),
    "audit.reopen": msg("audit reopened"),
    "audit.close": msg("audit closed"),
    # corrective action
    "capa.open": msg("nonconformity opened"),
    "capa.contain": msg("correction recorded"),
    "capa.analyse": msg("cause analysed"),
    "capa.plan": msg("actions planned"),
    "capa.action_add": msg("action added"),
    "capa.action_done": msg("action done"),
    "capa.actions_done": msg("all actions done"),
    "capa.verify": msg("effectiveness verified"),
    "capa.close": msg("closed"),
    "capa.render": msg("corrective action record made"),
    # objectives, one-stop desk, risks
    "objective.draft": msg("objective drafted"),
    "objective.edit": msg("objective edited"),
    "objective.revise": msg("objective revised"),
    "objective.approve": msg("objective approved"),
    "objective.result": msg("result recorded"),
    "objective.nonconformity": msg("nonconformity raised from a result"),
    "desk.import": msg("figures imported"),
    "feedback.record": msg("complaint or feedback recorded"),
    "feedback.nonconformity": msg("nonconformity raised from a complaint"),
    "risk.add": msg("risk or opportunity added"),
    "risk.review": msg("risk reviewed"),
    "risk.close": msg("risk closed"),
    "risk.action.add": msg("action added"),
    "risk.action.done": msg("action done"),
    # management review, records, reports
    "review.plan": msg("review planned"),
    "review.start": msg("review started (inputs frozen)"),
    "review.conclude": msg("conclusion recorded"),
    "review.decide": msg("decision recorded"),
    "review.act": msg("follow-up recorded"),
    "review.done": msg("action done"),
    "review.sign": msg("minutes signed"),
    "records.from_issue": msg("records listed from an issue"),
    "records.withdrawn": msg("records retired with their procedure"),
    "records.add": msg("record added to the list"),
    "records.edit": msg("record edited in the list"),
    "records.remove": msg("record removed from the list"),
    "records.keep": msg("batch of records kept"),
    "records.dispose": msg("batch of records disposed of"),
    "report.export": msg("table exported"),
    "report.objectives_print": msg("objectives printed"),
    "report.quarterly_print": msg("quarterly report printed"),
    "report.risks_print": msg("risk register printed"),
    "yearly.draft": msg("yearly report drafted"),
    "yearly.report": msg("yearly report issued"),
    "yearly.decision": msg("conformity decision issued"),
    # people and settings
    "department.create": msg("department added"),
    "department.rename": msg("department renamed"),
    "user.create": msg("user added"),
    "user.roles": msg("roles changed"),
    "user.department": msg("department changed"),
    "user.activate": msg("activated or deactivated"),
    "user.password": msg("password set"),
    "user.contact": msg("contact details changed"),
    "user.login": msg("signed in"),
    "user.logout": msg("signed out"),
    "user.end_sessions": msg("sessions ended"),
    "user.unlock_sign_in": msg("sign-in unlocked"),
    "user.unlock_signing": msg("signing unlocked"),
    "setting.change": msg("setting changed"),
}

# The fields of the recorded details, as a reader names them.
FIELDS: Mapping[str, Message] = {
    "status": pmsg("Trail field", "status"),
    "reason": pmsg("Trail field", "reason"),
    "title": pmsg("Trail field", "title"),
    "code": pmsg("Trail field", "code"),
    "issue": pmsg("Trail field", "issue"),
    "department": pmsg("Trail field", "department"),
    "roles": pmsg("Trail field", "roles"),
    "client": pmsg("Trail field", "from"),
    "count": pmsg("Trail field", "count"),
    "year": pmsg("Trail field", "year"),
    "record": pmsg("Trail field", "record"),
    "description": pmsg("Trail field", "description"),
    "effective_date": pmsg("Trail field", "effective date"),
    "content_hash": pmsg("Trail field", "content hash"),
    "sha256": pmsg("Trail field", "file hash"),
    "holder": pmsg("Trail field", "holder"),
    "severity": pmsg("Trail field", "severity"),
    "source": pmsg("Trail field", "source"),
    "chair": pmsg("Trail field", "chair"),
    "period": pmsg("Trail field", "period"),
    "value": pmsg("Trail field", "value"),
    "comment": pmsg("Trail field", "comment"),
    "name": pmsg("Trail field", "name"),
    "full_name": pmsg("Trail field", "full name"),
    "active": pmsg("Trail field", "active"),
    "owner": pmsg("Trail field", "owner"),
    "effective_at": pmsg("Trail field", "took effect at"),
    "pdf_sha256": pmsg("Trail field", "PDF hash"),
    "size": pmsg("Trail field", "size (bytes)"),
    "language": pmsg("Trail field", "language"),
    "review_interval_months": pmsg("Trail field", "review interval (months)"),
    "type": pmsg("Trail field", "type"),
    "paper_history": pmsg("Trail field", "history on paper"),
    "paper_signatures": pmsg("Trail field", "signatures on paper"),
    "source_sha256": pmsg("Trail field", "source file hash"),
    "direction": pmsg("Trail field", "direction"),
    "target": pmsg("Trail field", "target"),
    "version": pmsg("Trail field", "version"),
    "last_reviewed": pmsg("Trail field", "last reviewed"),
    "evidence_sha256": pmsg("Trail field", "evidence file hash"),
    "met": pmsg("Trail field", "met"),
    "origin": pmsg("Trail field", "origin"),
    "position": pmsg("Trail field", "position"),
    "username": pmsg("Trail field", "user name"),
    "added": pmsg("Trail field", "added"),
    "changed": pmsg("Trail field", "changed"),
    "retired": pmsg("Trail field", "retired"),
    "unreadable_lines": pmsg("Trail field", "unreadable lines"),
    "kind": pmsg("Trail field", "kind"),
    "cause": pmsg("Trail field", "cause"),
    "effect": pmsg("Trail field", "effect"),
    "impact": pmsg("Trail field", "impact"),
    "level": pmsg("Trail field", "level"),
    "likelihood": pmsg("Trail field", "likelihood"),
    "next_review": pmsg("Trail field", "next review"),
    "process": pmsg("Trail field", "process"),
    "treatment": pmsg("Trail field", "treatment"),
    "residual_level": pmsg("Trail field", "level after treatment"),
    "residual_impact": pmsg("Trail field", "impact after treatment"),
    "residual_likelihood": pmsg("Trail field", "likelihood after treatment"),
    "name_en": pmsg("Trail field", "name in English"),
    "document": pmsg("Trail field", "document"),
    "indicator": pmsg("Trail field", "indicator"),
    "unit": pmsg("Trail field", "unit"),
    "frequency": pmsg("Trail field", "frequency"),
    "measure": pmsg("Trail field", "measure"),
    "due": pmsg("Trail field", "due"),
    "what": pmsg("Trail field", "what"),
    "number": pmsg("Trail field", "number"),
    "meaning": pmsg("Trail field", "signing role"),
    "clause": pmsg("Trail field", "clause"),
    "finding": pmsg("Trail field", "finding"),
    "external_ref": pmsg("Trail field", "external reference"),
    "external_version": pmsg("Trail field", "external version"),
    "issuer": pmsg("Trail field", "issuer"),
    "superseded": pmsg("Trail field", "superseded"),
    "disposal_from": pmsg("Trail field", "disposal from"),
    "record_type": pmsg("Trail field", "record line"),
    "checked_current_on": pmsg("Trail field", "checked current on"),
    "plan_what": pmsg("Trail field", "plan"),
    "plan_who": pmsg("Trail field", "who carries out the plan"),
    "plan_when": pmsg("Trail field", "when"),
    "plan_resources": pmsg("Trail field", "resources"),
    "evaluation": pmsg("Trail field", "evaluation method"),
    "scope_kind": pmsg("Trail field", "scope"),
    "scope_value": pmsg("Trail field", "scope value"),
}

_YES = msg("yes")
_NO = msg("no")
MAX_DETAIL_CHARS = 600


# The words for the states recorded on each kind of record.
_STATUSES: Mapping[str, Mapping[str, Message]] = {
    "revision": WORDS[RevisionStatus],
    "audit": WORDS[AuditStatus],
    "capa": WORDS[CapaStatus],
}


@dataclass(frozen=True)
class ReadableEvent:
    """What a trail row shows: the action and the record in words, and the details."""

    action: str
    entity: str
    details: str


def action_word(action: str, language: str) -> str:
    """The action in words; an action this list does not know is shown as recorded."""
    message = ACTIONS.get(action)
    return translate(message, language) if message is not None else action


def entity_word(entity: str, language: str) -> str:
    message = ENTITIES.get(entity)
    return translate(message, language) if message is not None else entity


def details(payload: str, language: str, entity: str = "", limit: int = MAX_DETAIL_CHARS) -> str:
    """The recorded details as "field: value; ..." (a change as "field: old → new"), a
    record's states in words."""
    words = _Words(language, _STATUSES.get(entity, {}))
    try:
        data = json.loads(payload) if payload else {}
    except ValueError:
        return _cut(payload, limit)
    if not isinstance(data, dict):
        return _cut(words.value("", data), limit)
    parts: list[str] = []
    old, new = data.get("old"), data.get("new")
    if isinstance(old, dict) or isinstance(new, dict):
        before = old if isinstance(old, dict) else {}
        after = new if isinstance(new, dict) else {}
        for key in [*after, *(k for k in before if k not in after)]:
            name = words.field(key)
            if key in before and key in after and before[key] != after[key]:
                was, now = words.value(key, before[key]), words.value(key, after[key])
                parts.append(f"{name}: {was} → {now}")
            elif key in after:
                parts.append(f"{name}: {words.value(key, after[key])}")
            else:
                parts.append(f"{name}: {words.value(key, before[key])} → —")
        rest = {k: v for k, v in data.items() if k not in ("old", "new")}
    elif "old" in data and "new" in data:  # a setting: the value itself changed
        parts.append(f"{words.value('', old)} → {words.value('', new)}")
        rest = {k: v for k, v in data.items() if k not in ("old", "new")}
    else:
        rest = data
    parts += [f"{words.field(k)}: {words.value(k, v)}" for k, v in rest.items()]
    return _cut("; ".join(parts), limit)


def readable(action: str, entity: str, payload: str, language: str) -> ReadableEvent:
    return ReadableEvent(
        action_word(action, language),
        entity_word(entity, language),
        details(payload, language, entity),
    )


@dataclass(frozen=True)
class _Words:
    language: str
    statuses: Mapping[str, Message]

    def field(self, key: str) -> str:
        message = FIELDS.get(key)
        return translate(message, self.language) if message else key.replace("_", " ")

    def value(self, key: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return translate(_YES if value else _NO, self.language)
        if key == "status" and isinstance(value, str) and value in self.statuses:
            return translate(self.statuses[value], self.language)
        if key == "type" and isinstance(value, str) and value in WORDS[DocType]:
            return translate(WORDS[DocType][value], self.language)
        if isinstance(value, list):
            return ", ".join(self.value(key, v) for v in value) or "—"
        if isinstance(value, dict):
            inner = "; ".join(f"{self.field(k)}: {self.value(k, v)}" for k, v in value.items())
            return f"({inner})"
        return str(value)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
