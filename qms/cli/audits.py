"""``qms audit``: the audit programme, audits, checklists, findings and reports."""

from datetime import date
from pathlib import Path
from typing import Any

import click

from qms.cli.audit_programme import coverage, grades, programme, programme_entry
from qms.cli.common import (
    acting_user,
    code_word,
    comma_list,
    echo_json,
    echo_phrase,
    echo_table,
    fmt_time,
    format_option,
    phrase,
    read_file_input,
    read_password,
    read_text_input,
    reading,
    said,
    signing_limits,
    steps_line,
    text_limit,
    writing,
)
from qms.cli.help import TranslatedGroup
from qms.domain import AuditStatus, AuditType
from qms.domain_words import WORDS
from qms.errors import Param
from qms.i18n import msg
from qms.services.audits import planning as audits
from qms.services.audits import reports as audit_reports
from qms.services.audits import views as audit_views
from qms.services.audits import work as audit_work
from qms.services.documents.revisions import MAX_BODY_CHARS
from qms.services.people import organisation, users
from qms.views import as_json

STATUSES = [s.value for s in audits.AuditStatus]


def _text_or_file(value: str, option: str, chars: int) -> str:
    """TEXT, or @FILE to read it from a file ('@-' for stdin); a file of more than the
    ``chars`` characters the service accepts is refused by its size."""
    if not value.startswith("@"):
        return value
    return read_text_input(value[1:], option=option, limit=text_limit(chars))


@click.group(cls=TranslatedGroup)
def audit() -> None:
    """Internal audits (Đánh giá nội bộ): programme, plan, checklist, findings, report.

    An audit goes planned -> in_progress -> reported -> closed. A reported audit is
    locked; the lead auditor can reopen it (with a reason, on the trail).
    """


audit.add_command(programme)
audit.add_command(programme_entry)
audit.add_command(coverage)
audit.add_command(grades)


# --------------------------------------------------------------------------------- plan


@audit.command("plan")
@click.option("--dept", "departments", required=True, help="Audited departments: TP or TP,MC.")
@click.option("--clauses", default="", help="ISO 9001 clauses: 7.5,8.2,9.1.")
@click.option("--procedures", default="", help="Procedures (their effective issue): QT-01.")
@click.option("--lead", required=True, help="Lead auditor (username).")
@click.option("--team", default="", help="Other auditors, comma-separated.")
@click.option("--auditee", help="Auditee representative (username, in an audited department).")
@click.option("--start", "start_date", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--end", "end_date", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--objectives", required=True, help="Objectives (TEXT or @FILE).")
@click.option(
    "--type",
    "audit_type",
    type=click.Choice(["internal", "follow_up"]),
    default="internal",
    show_default=True,
)
@click.option("--follows", help="Follow-up audits: the audit followed up (IA-2026-01).")
@acting_user()
def plan(
    departments: str,
    clauses: str,
    procedures: str,
    lead: str,
    team: str,
    auditee: str | None,
    start_date: Any,
    end_date: Any,
    objectives: str,
    audit_type: str,
    follows: str | None,
    as_user: str,
) -> None:
    """Plan an audit: scope, criteria, dates, team. Auditors may not audit their own
    department or procedures they drafted or approved.

    \b
    Example:
      qms audit plan --dept TP --clauses 7.5,8.2,9.1 --procedures QT-01,QT-02 \\
          --lead binhvt --team ngocbt --auditee maidtt --start 2026-12-01 \\
          --end 2026-12-02 --objectives "Đánh giá Phòng Tư pháp" --as binhvt
    """
    objectives_text = _text_or_file(objectives, "--objectives", audits.MAX_OBJECTIVES_CHARS)
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        created = audits.plan(
            session,
            actor=actor,
            departments=comma_list(departments),
            clauses=comma_list(clauses),
            procedures=comma_list(procedures),
            lead=lead,
            team=comma_list(team),
            auditee_rep=auditee,
            planned_start=start_date.date(),
            planned_end=end_date.date(),
            objectives=objectives_text,
            audit_type=audit_type,
            follows=follows,
        )
    echo_phrase("planned {ref}", ref=created.ref)


@audit.command("assign")
@click.argument("ref")
@click.argument("username")
@acting_user()
def assign(ref: str, username: str, as_user: str) -> None:
    """Add an auditor to an audit's team.

    \b
    Example:
      qms audit assign IA-2026-01 ngocbt --as binhvt
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        changed = audits.assign(session, actor=actor, ref=ref, username=username)
    echo_phrase("{user} joined the team of {ref}", user=username, ref=changed.ref)


@audit.command("start")
@click.argument("ref")
@acting_user()
def start(ref: str, as_user: str) -> None:
    """Start an audit (lead auditor): its checklist and grades are frozen now.

    \b
    Example:
      qms audit start IA-2026-01 --as binhvt
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        started = audits.start(session, actor=actor, ref=ref)
        count = len(audits.items_of(session, started))
    echo_phrase("{ref} started with {count} checklist items", ref=started.ref, count=count)


# ---------------------------------------------------------------------------- the work


@audit.command("checklist")
@click.argument("ref")
@click.option("--lang", "language", type=click.Choice(["vi", "en"]), default="vi")
@click.option("--open", "only_open", is_flag=True, help="Only items without a result.")
@acting_user()
@format_option
def checklist(ref: str, language: str, only_open: bool, as_user: str, fmt: str) -> None:
    """Show an audit's checklist with the results recorded so far.

    \b
    Example:
      qms audit checklist IA-2026-01 --open --as binhvt
      qms audit checklist IA-2026-01 --format json --as binhvt
    """
    with reading() as session:
        viewer = users.get_active_user(session, as_user)
        found, items = audit_views.checklist(session, viewer=viewer, ref=ref)
    if only_open:
        items = [i for i in items if i.result is None]
    if fmt == "json":
        echo_json(as_json(items))
        return
    for item in items:
        question = item.question_en if language == "en" else item.question_vi
        where = f" [{item.department}]" if item.department else ""
        click.echo(f"{item.number:>3}. {item.clause}{where} {question}")
        if item.result:
            click.echo(f"     {item.result}: {item.evidence}")
    echo_phrase("{ref}: {count} items", ref=found.ref, count=len(items))


@audit.command("record")
@click.argument("ref")
@click.argument("items", metavar="ITEM...", nargs=-1, required=True, type=int)
@click.option("--result", required=True, help="Grade: C, NC_MAJOR, NC_MINOR, OBS, OFI.")
@click.option("--evidence", default="", help="Objective evidence (TEXT or @FILE).")
@click.option("--finding", help="Finding statement, for a nonconformity (TEXT or @FILE).")
@click.option("--dept", "department", help="Department the result concerns.")
@click.option(
    "--attach",
    "attachments",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Evidence file (photo, scan); repeatable.",
)
@acting_user()
def record(
    ref: str,
    items: tuple[int, ...],
    result: str,
    evidence: str,
    finding: str | None,
    department: str | None,
    attachments: tuple[Path, ...],
    as_user: str,
) -> None:
    """Record the result of checklist items (audit team): several items given at once get
    the same result and evidence, all or none.

    \b
    Example:
      qms audit record IA-2026-01 4 --result NC_MINOR --evidence "Sổ BM-01-01 chưa cập nhật" \\
          --finding "Danh mục tài liệu không được cập nhật" --attach so-theo-doi.jpg --as ngocbt
      qms audit record IA-2026-01 2 3 5 --result C --evidence "Phù hợp" --as ngocbt
    """
    files = [
        (path.name, read_file_input(path, option="--attach", limit=audit_work.MAX_ATTACHMENT_BYTES))
        for path in attachments
    ]
    evidence_text = _text_or_file(evidence, "--evidence", audit_work.MAX_EVIDENCE_CHARS)
    # No length is set for a finding statement; a file is bounded like a document's body.
    finding_text = _text_or_file(finding, "--finding", MAX_BODY_CHARS) if finding else None
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        rows = audit_work.record_items(
            session,
            actor=actor,
            ref=ref,
            items=items,
            result=result,
            evidence=evidence_text,
            finding=finding_text,
            department=department,
            attachments=files,
        )
        made = [audit_work.finding_of(session, row) for row in rows]
    for row, finding_made in zip(rows, made, strict=True):
        shown: dict[str, Param] = {
            "ref": audits.normalise_ref(ref),
            "number": row.number,
            "result": str(row.result),
        }
        if finding_made:
            echo_phrase("{ref} item {number}: {result}; finding F{finding}", **shown,
                        finding=finding_made.number)  # fmt: skip
        else:
            echo_phrase("{ref} item {number}: {result}", **shown)


@audit.command("findings")
@click.argument("ref")
@acting_user()
@format_option
def findings(ref: str, as_user: str, fmt: str) -> None:
    """List an audit's findings (nonconformities) and their corrective actions.

    \b
    Example:
      qms audit findings IA-2026-01 --as binhvt
    """
    with reading() as session:
        viewer = users.get_active_user(session, as_user)
        rows = audit_views.findings(session, viewer=viewer, ref=ref)
    if fmt == "json":
        echo_json(as_json(rows))
        return
    echo_table(
        [
            phrase("FINDING"),
            phrase("GRADE"),
            phrase("CLAUSE"),
            phrase("DEPT"),
            phrase("CAPA"),
            phrase("STATEMENT"),
        ],
        [[f.label, f.grade, f.clause, f.department, f.capa or "", f.statement] for f in rows],
    )


@audit.command("conclude")
@click.argument("ref")
@click.option("--conclusions", required=True, help="Conclusions (TEXT or @FILE, Markdown).")
@click.option("--distribution", multiple=True, help="Who receives the report; repeatable.")
@acting_user()
def conclude(ref: str, conclusions: str, distribution: tuple[str, ...], as_user: str) -> None:
    """Write the conclusions of the report (lead auditor).

    \b
    Example:
      qms audit conclude IA-2026-01 --conclusions @ket-luan.md \\
          --distribution "Chủ tịch UBND quận" --distribution "Phòng Tư pháp" --as binhvt
    """
    conclusions_text = _text_or_file(conclusions, "--conclusions", audits.MAX_OBJECTIVES_CHARS)
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        done = audits.conclude(
            session,
            actor=actor,
            ref=ref,
            conclusions=conclusions_text,
            distribution=list(distribution) or None,
        )
    echo_phrase("conclusions of {ref} saved", ref=done.ref)


# --------------------------------------------------------------------- report and after


@audit.command("report")
@click.argument("ref")
@acting_user()
def report(ref: str, as_user: str) -> None:
    """Issue the report (lead auditor, asks for the password): signs the record, stores
    the report PDF and locks the audit.

    \b
    Example:
      echo "$PASSWORD" | qms audit report IA-2026-01 --as binhvt
    """
    password = read_password()
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        done = audit_reports.report(
            session, actor=actor, ref=ref, password=password, limits=signing_limits()
        )
    echo_phrase("{ref} reported; report PDF {hash}", ref=done.ref, hash=str(done.report_sha256))


@audit.command("sign")
@click.argument("ref")
@acting_user()
def sign(ref: str, as_user: str) -> None:
    """Sign a reported audit as the auditee representative (asks for the password).

    \b
    Example:
      echo "$PASSWORD" | qms audit sign IA-2026-01 --as maidtt
    """
    password = read_password()
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        done = audit_reports.sign(
            session, actor=actor, ref=ref, password=password, limits=signing_limits()
        )
    echo_phrase(
        "{ref} signed by {user}; report PDF {hash}",
        ref=done.ref,
        user=actor.username,
        hash=str(done.report_sha256),
    )


@audit.command("reopen")
@click.argument("ref")
@click.option("--reason", required=True, help="Why the reported audit must change.")
@acting_user()
def reopen(ref: str, reason: str, as_user: str) -> None:
    """Reopen a reported audit for changes (lead auditor; on the trail).

    \b
    Example:
      qms audit reopen IA-2026-01 --reason "Bổ sung bằng chứng mục 4" --as binhvt
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        done = audit_reports.reopen(session, actor=actor, ref=ref, reason=reason)
    echo_phrase("{ref} reopened", ref=done.ref)


@audit.command("close")
@click.argument("ref")
@acting_user()
def close(ref: str, as_user: str) -> None:
    """Close a reported audit (lead auditor): the auditee has signed and every finding
    has a corrective action.

    \b
    Example:
      qms audit close IA-2026-01 --as binhvt
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        done = audit_reports.close(session, actor=actor, ref=ref)
    echo_phrase("{ref} closed", ref=done.ref)


@audit.command("list")
@click.option("--year", type=int)
@click.option("--status", type=click.Choice(STATUSES))
@acting_user()
@format_option
def list_(year: int | None, status: str | None, as_user: str, fmt: str) -> None:
    """List audits.

    \b
    Example:
      qms audit list --year 2026 --as thultm
      qms audit list --status reported --format json --as binhvt
    """
    with reading() as session:
        viewer = users.get_active_user(session, as_user)
        rows = audit_views.list_audits(session, viewer=viewer, year=year, status=status)
    if fmt == "json":
        echo_json(as_json(rows))
        return
    echo_table(
        [
            phrase("REF"),
            phrase("TYPE"),
            phrase("STATUS"),
            phrase("DEPTS"),
            phrase("LEAD"),
            phrase("PLANNED"),
            phrase("ANSWERED"),
            phrase("FINDINGS"),
        ],
        [
            [
                r.ref,
                code_word(_TYPES, r.audit_type),
                code_word(WORDS[AuditStatus], r.status),
                ",".join(r.departments),
                r.lead,
                f"{r.planned_start:%Y-%m-%d}..{r.planned_end:%Y-%m-%d}",
                f"{r.answered}/{r.items}",
                str(r.findings),
            ]
            for r in rows
        ],
    )


@audit.command("show")
@click.argument("ref")
@click.option(
    "--verify",
    is_flag=True,
    help="Hash the record now and judge the signatures against it, not against the hash "
    "signed when it was reported.",
)
@acting_user()
@format_option
def show(ref: str, verify: bool, as_user: str, fmt: str) -> None:
    """Show an audit: scope, criteria, team, progress, findings and signatures.

    \b
    Example:
      qms audit show IA-2026-01 --as binhvt
    """
    with reading() as session:
        viewer = users.get_active_user(session, as_user)
        info = audit_views.detail(session, viewer=viewer, ref=ref, verify=verify)
        tz = organisation.get_setting(session, "timezone")
    if fmt == "json":
        echo_json(as_json(info))
        return
    click.echo(
        f"{info.ref}  {code_word(_TYPES, info.audit_type)}  "
        f"{code_word(WORDS[AuditStatus], info.status)}"
    )
    echo_phrase("objectives: {text}", text=info.objectives)
    echo_phrase("departments: {departments}", departments=", ".join(info.departments))
    procedures = [said("{code} issue {issue}", code=p.code, issue=p.issue) for p in info.procedures]
    echo_phrase("criteria: {criteria}", criteria=", ".join(info.clauses + procedures))
    team = [f"{m.username} ({code_word(_TEAM_ROLES, m.role)})" for m in info.team]
    echo_phrase("team: {team}", team=", ".join(team))
    echo_phrase(
        "auditee representative: {user}",
        user=info.auditee_rep.username if info.auditee_rep else "-",
    )
    echo_phrase(
        "planned {planned}; actual {actual}",
        planned=_dates(info.planned_start, info.planned_end),
        actual=_dates(info.actual_start, info.actual_end),
    )
    echo_phrase(
        "checklist: {answered}/{items} answered; {counts}",
        answered=info.answered,
        items=info.items,
        counts=", ".join(f"{code} {n}" for code, n in info.counts.items()),
    )
    for f in info.findings:
        click.echo(f"  {f.label} {f.grade} {f.clause} {f.department}: {f.statement}")
    if info.report_sha256:
        echo_phrase("report PDF: {hash}", hash=info.report_sha256)
    if info.content_hash:
        echo_phrase("content hash: {hash}", hash=info.content_hash)
    for s in info.signatures:
        mark = phrase("valid") if s.valid else phrase("INVALID (record changed after signing)")
        click.echo("  " + said("signed {meaning}: {name} {moment}  {mark}",
                               meaning=code_word(_MEANINGS, s.meaning), name=s.printed_name,
                               moment=fmt_time(s.signed_at, tz), mark=mark))  # fmt: skip
    click.echo(steps_line(info.steps))


# Stored codes in the reader's words (English keeps the codes scripts match).
_TYPES = {
    AuditType.INTERNAL.value: msg("Internal audit"),
    AuditType.FOLLOW_UP.value: msg("Follow-up audit"),
}
_TEAM_ROLES = {"lead": msg("Lead auditor"), "member": msg("Member")}
_MEANINGS = {"lead_auditor": msg("Lead auditor"), "auditee": msg("Auditee representative")}


def _dates(first: date | None, last: date | None) -> str:
    return f"{first or '?'}..{last or '?'}" if first else "-"
