"""``qms capa``: nonconformities and corrective actions (ISO 9001 clause 10.2)."""

from datetime import datetime

import click

from qms.cli.common import (
    acting_user,
    code_word,
    echo_json,
    echo_phrase,
    echo_table,
    fmt_time,
    format_option,
    message_text,
    phrase,
    read_password,
    reading,
    said,
    signing_limits,
    steps_line,
    writing,
)
from qms.cli.help import TranslatedGroup
from qms.domain import SEVERITIES, SIMILAR_ANSWERS, CapaSource, CapaStatus, CauseCategory
from qms.domain_words import WORDS
from qms.errors import Text
from qms.i18n import pmsg
from qms.phrases import day
from qms.services.capa import actions as capa_actions
from qms.services.capa import lifecycle as capa_service
from qms.services.capa import records as capa_records
from qms.services.capa import views as capa_views
from qms.services.people import organisation, users
from qms.settings import message_language
from qms.views import as_json

DATE = click.DateTime(["%Y-%m-%d"])


@click.group(cls=TranslatedGroup)
def capa() -> None:
    """Nonconformities and corrective actions: contain, analyse, act, verify, close.

    The states: open -> contained -> cause_analysed -> actions_planned ->
    actions_done -> verified_effective -> closed. A closed record is locked.
    """


@capa.command("open")
@click.option(
    "--source", type=click.Choice([s.value for s in CapaSource]), help="Where it came from."
)
@click.option("--finding", help="Audit finding, e.g. IA-2026-01/2 (source audit_finding).")
@click.option("--description", help="What is wrong (copied from the finding if not given).")
@click.option("--dept", "department", help="Department of the nonconformity.")
@click.option("--clause", help="ISO 9001 clause, e.g. 7.5.3.")
@click.option("--severity", type=click.Choice(SEVERITIES), help="major or minor.")
@acting_user()
def open_(
    source: str | None,
    finding: str | None,
    description: str | None,
    department: str | None,
    clause: str | None,
    severity: str | None,
    as_user: str,
) -> None:
    """Record a nonconformity (phiếu yêu cầu hành động khắc phục).

    From an audit finding (auditors and controllers) the department, clause,
    description and severity are copied unless given; one record per finding.

    \b
    Example:
      qms capa open --finding IA-2026-01/2 --as binhvt
      qms capa open --source late_dossier --dept MC --severity minor \\
          --description "12 hồ sơ trả trễ hẹn trong tháng 10" --as huongnt
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        car = capa_service.open_nonconformity(
            session,
            actor=actor,
            source=source,
            description=description,
            department=department,
            clause=clause,
            severity=severity,
            finding=finding,
        )
    echo_phrase(
        "opened {ref} ({severity}, {source})",
        ref=car.ref,
        severity=code_word(capa_records.SEVERITY_LABELS, car.severity),
        source=code_word(capa_records.SOURCE_LABELS, car.source),
    )


@capa.command("contain")
@click.argument("ref")
@click.option("--containment", required=True, help="The correction taken now (sự khắc phục).")
@acting_user()
def contain(ref: str, containment: str, as_user: str) -> None:
    """Record the correction that contains the effect now (open -> contained).

    \b
    Example:
      qms capa contain CAR-2026-001 --containment "Thu hồi bản cũ tại Bộ phận Một cửa" \\
          --as thultm
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        car = capa_service.contain(session, actor=actor, ref=ref, containment=containment)
    echo_phrase("{ref} contained", ref=car.ref)


@capa.command("analyse")
@click.argument("ref")
@click.option(
    "--why",
    "whys",
    nargs=2,
    multiple=True,
    metavar="QUESTION ANSWER",
    help="One step of the 5-whys chain (1 to 5 times, in order).",
)
@click.option(
    "--category",
    required=True,
    type=click.Choice([c.value for c in CauseCategory]),
    help="Cause category.",
)
@click.option("--root-cause", required=True, help="The root cause (nguyên nhân gốc rễ).")
@click.option(
    "--similar",
    required=True,
    type=click.Choice(SIMILAR_ANSWERS),
    help="Do similar nonconformities exist or could they occur elsewhere?",
)
@click.option("--similar-answer", required=True, help="Where you looked and what you found.")
@acting_user()
def analyse(
    ref: str,
    whys: tuple[tuple[str, str], ...],
    category: str,
    root_cause: str,
    similar: str,
    similar_answer: str,
    as_user: str,
) -> None:
    """Record the root cause analysis (contained -> cause_analysed).

    \b
    Example:
      qms capa analyse CAR-2026-001 \\
          --why "Vì sao còn bản cũ?" "Không ai thu hồi khi ban hành bản mới" \\
          --why "Vì sao không thu hồi?" "QT-01 không quy định bước thu hồi" \\
          --category documentation --root-cause "QT-01 thiếu bước thu hồi bản lỗi thời" \\
          --similar possible --similar-answer "Rà soát cả 3 phòng: chưa thấy" --as thultm
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        car = capa_service.analyse(
            session,
            actor=actor,
            ref=ref,
            whys=list(whys),
            cause_category=category,
            root_cause=root_cause,
            similar_exist=similar,
            similar_answer=similar_answer,
        )
    echo_phrase(
        "{ref} cause analysed ({count} whys, {category})",
        ref=car.ref,
        count=len(whys),
        category=str(car.cause_category),
    )


@capa.command("action")
@click.argument("ref")
@click.option("--description", required=True, help="What will be done.")
@click.option("--owner", help="Who does it (username).")
@click.option("--due", type=DATE, help="Due date, YYYY-MM-DD (not in the past).")
@click.option("--doc", "document", help="Document this action changes: drafts its next issue.")
@acting_user()
def action(
    ref: str,
    description: str,
    owner: str | None,
    due: datetime | None,
    document: str | None,
    as_user: str,
) -> None:
    """Add a corrective action with its owner and due date.

    With --doc the action raises the next issue of that document as a draft at once
    (controllers only); its reason for change cites the action, and the action can be
    marked done only after that issue has taken effect.

    \b
    Example:
      qms capa action CAR-2026-001 --description "Bổ sung bước thu hồi vào QT-01" \\
          --owner thultm --due 2026-12-15 --doc QT-01 --as thultm
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        added = capa_actions.add_action(
            session,
            actor=actor,
            ref=ref,
            description=description,
            owner=owner,
            due_date=due.date() if due else None,
            document=document,
        )
        change = capa_records.revision_label(session, added)
    click.echo(
        f"added action {added.number} to {capa_records.normalise_ref(ref)} "
        f"(due {added.due_date:%Y-%m-%d})" + (f"; drafted {change}" if change else "")
    )


@capa.command("plan")
@click.argument("ref")
@acting_user()
def plan(ref: str, as_user: str) -> None:
    """Confirm the action plan (cause_analysed -> actions_planned; at least one action).

    \b
    Example:
      qms capa plan CAR-2026-001 --as thultm
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        car = capa_service.plan(session, actor=actor, ref=ref)
    echo_phrase("{ref} actions planned", ref=car.ref)


@capa.command("done")
@click.argument("ref")
@click.argument("number", type=int)
@click.option("--note", default="", help="What was done, where the evidence is.")
@acting_user()
def done(ref: str, number: int, note: str, as_user: str) -> None:
    """Mark an action done (its owner or a controller). When the last action is done
    the effectiveness verification is scheduled.

    \b
    Example:
      qms capa done CAR-2026-001 2 --note "Đã tập huấn ngày 20/11" --as lannt
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        capa_actions.complete_action(session, actor=actor, ref=ref, number=number, note=note)
        car = capa_records.get_capa(session, ref)
    message = f"action {number} of {car.ref} done"
    if car.status == CapaStatus.ACTIONS_DONE and car.verification_due:
        message += f"; all actions done, verification due by {car.verification_due:%Y-%m-%d}"
    click.echo(message)


@capa.command("verify")
@click.argument("ref")
@click.option("--effective/--not-effective", default=None, help="The verdict.")
@click.option("--evidence", required=True, help="What you checked and found.")
@acting_user()
def verify(ref: str, effective: bool | None, evidence: str, as_user: str) -> None:
    """Verify the effectiveness of the actions and sign it (password): an auditor or
    controller who owns none of the actions. --not-effective reopens the plan.

    \b
    Example:
      echo "$PASSWORD" | qms capa verify CAR-2026-001 --effective \\
          --evidence "Kiểm tra 3 phòng ngày 10/12: không còn bản lỗi thời" --as anvt
    """
    if effective is None:
        raise click.UsageError("choose --effective or --not-effective")
    password = read_password()
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        capa_actions.verify(
            session,
            actor=actor,
            ref=ref,
            effective=effective,
            evidence=evidence,
            password=password,
            limits=signing_limits(),
        )
    shown = capa_records.normalise_ref(ref)
    if effective:
        echo_phrase("{ref} verified effective", ref=shown)
    else:
        echo_phrase("{ref} not effective: the plan is reopened, add new actions", ref=shown)


@capa.command("close")
@click.argument("ref")
@acting_user()
def close(ref: str, as_user: str) -> None:
    """Close a record verified effective. Its PDF is stored with its hash; the record
    is locked from then on.

    \b
    Example:
      qms capa close CAR-2026-001 --as thultm
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        car = capa_service.close(session, actor=actor, ref=ref)
    echo_phrase("{ref} closed (record PDF {hash})", ref=car.ref, hash=str(car.record_sha256)[:12])


@capa.command("list")
@click.option("--status", type=click.Choice([s.value for s in CapaStatus]))
@click.option("--dept", "department", help="Department code.")
@click.option("--year", type=int)
@format_option
def list_(status: str | None, department: str | None, year: int | None, fmt: str) -> None:
    """List corrective actions with status, age and open / overdue actions.

    \b
    Example:
      qms capa list --status actions_planned --dept MC
      qms capa list --format json
    """
    with reading() as session:
        rows = capa_views.list_capas(
            session, viewer=None, status=status, department=department, year=year
        )
    if fmt == "json":
        echo_json(as_json(rows))
        return
    echo_table(
        [
            phrase("REF"),
            phrase("DEPT"),
            phrase("SEVERITY"),
            phrase("STATUS"),
            phrase("AGE"),
            phrase("OPEN"),
            phrase("OVERDUE"),
            phrase("DESCRIPTION"),
        ],
        [
            [
                r.ref,
                r.department,
                code_word(capa_records.SEVERITY_LABELS, r.severity),
                code_word(WORDS[CapaStatus], r.status),
                message_text(Text("{days}d", days=r.age_days)),
                str(r.open_actions),
                str(r.overdue_actions) if r.overdue_actions else "",
                _first_line(r.description),
            ]
            for r in rows
        ],
    )


def _first_line(value: str, limit: int = 60) -> str:
    line = value.strip().splitlines()[0] if value.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


@capa.command("show")
@click.argument("ref")
@acting_user(required=False)
@format_option
def show(ref: str, as_user: str | None, fmt: str) -> None:
    """Show a record: the nonconformity, correction, 5 whys, actions, verifications, and
    with --as the steps that user may take.

    \b
    Example:
      qms capa show CAR-2026-001 --as thultm
      qms capa show car-2026-001 --format json
    """
    with reading() as session:
        viewer = users.get_active_user(session, as_user) if as_user else None
        language = "en" if fmt == "json" else message_language()
        info = capa_views.detail(session, viewer=viewer, ref=ref, language=language)
        closing = capa_views.closure_phrases(session, ref=ref) if info.closure_problems else []
        tz = organisation.get_setting(session, "timezone")
    if fmt == "json":
        echo_json(as_json(info))
        return
    click.echo(f"{info.ref}  {code_word(WORDS[CapaStatus], info.status)}")
    echo_phrase(
        "source {source}{finding}, department {department}, clause {clause}, {severity}",
        source=code_word(capa_records.SOURCE_LABELS, info.source),
        finding=f" ({info.finding})" if info.finding else "",
        department=info.department,
        clause=info.clause or "-",
        severity=code_word(capa_records.SEVERITY_LABELS, info.severity),
    )
    echo_phrase(
        "reported by {user} {moment}", user=info.reported_by, moment=fmt_time(info.reported_at, tz)
    )
    echo_phrase("nonconformity: {text}", text=_indented(info.description))
    if info.containment:
        echo_phrase(
            "correction: {text} ({user} {moment})",
            text=info.containment,
            user=str(info.contained_by),
            moment=fmt_time(info.contained_at, tz),
        )
    for why in info.whys:
        click.echo("  " + said("why {number}: {question} -> {answer}", number=why.position,
                               question=why.question, answer=why.answer))  # fmt: skip
    if info.root_cause:
        echo_phrase(
            "root cause ({category}): {cause}",
            category=code_word(capa_records.CAUSE_LABELS, str(info.cause_category)),
            cause=info.root_cause,
        )
        echo_phrase(
            "similar elsewhere: {answer}: {detail}",
            answer=code_word(capa_records.SIMILAR_LABELS, str(info.similar_exist)),
            detail=str(info.similar_answer),
        )
    for a in info.actions:
        late = " " + phrase("OVERDUE") if a.overdue else ""
        line = "  " + said(
            "action {number} [{status}] {description} ({owner}, due {due})",
            number=a.number,
            status=code_word(_ACTION_STATUSES, a.status) + late,
            description=a.description,
            owner=a.owner,
            due=f"{a.due_date:%Y-%m-%d}",
        )
        if a.document_change:
            line += f" -> {a.document_change}"
        click.echo(line)
        if a.done_note:
            click.echo("    " + said("done: {note}", note=a.done_note))
    if info.verification_due and info.status == CapaStatus.ACTIONS_DONE:
        echo_phrase("verification due by {day}", day=f"{info.verification_due:%Y-%m-%d}")
    for v in info.verifications:
        shown = {
            "name": v.printed_name,
            "user": v.verifier,
            "moment": fmt_time(v.performed_at, tz),
            "evidence": v.evidence,
            "mark": phrase("valid")
            if v.valid
            else phrase("INVALID (record changed after signing)"),
        }
        if v.effective:
            click.echo("  " + said("verified effective by {name} ({user}) {moment}: {evidence}  {mark}", **shown))  # fmt: skip
        else:
            click.echo("  " + said("verified NOT effective by {name} ({user}) {moment}: {evidence}  {mark}", **shown))  # fmt: skip
    if info.closed_at:
        echo_phrase(
            "closed by {user} {moment}",
            user=str(info.closed_by),
            moment=fmt_time(info.closed_at, tz),
        )
    elif closing:
        echo_phrase("to close: {problems}", problems="; ".join(message_text(p) for p in closing))
    if viewer is not None:
        steps = [*info.steps, *(f"{s} {a.number}" for a in info.actions for s in a.steps)]
        click.echo(steps_line(steps))


# An action's state in the reader's words (English keeps the code).
_ACTION_STATUSES = {
    "open": pmsg("corrective action", "open"),
    "done": pmsg("corrective action", "done"),
}


def _indented(value: str) -> str:
    """Continuation lines of a multi-line text, indented under their label."""
    return "\n  ".join(line for line in value.splitlines() if line.strip())


@capa.command("overdue")
@click.option("--owner", help="Only this owner's actions.")
@click.option("--dept", "department", help="Only this department's records.")
@format_option
def overdue(owner: str | None, department: str | None, fmt: str) -> None:
    """Open actions past their due date, per department and owner, and effectiveness
    verifications past their scheduled date. Exit code 0 either way.

    \b
    Example:
      qms capa overdue
      qms capa overdue --dept MC --owner lannt --format json
    """
    with reading() as session:
        report = capa_actions.overdue(session, viewer=None, owner=owner, department=department)
    if fmt == "json":
        echo_json(as_json(report))
        return
    if not report.actions and not report.verifications:
        echo_phrase("nothing overdue on {day}", day=day(report.today))
        return
    group = None
    for a in report.actions:
        if (a.department, a.owner) != group:
            group = (a.department, a.owner)
            click.echo(f"{a.department} / {a.owner_name} ({a.owner}):")
        click.echo(
            "  "
            + said(
                "{ref} action {number}: {description} (due {due}, {days} days late)",
                ref=a.ref,
                number=a.number,
                description=_first_line(a.description),
                due=f"{a.due_date:%Y-%m-%d}",
                days=a.days_overdue,
            )
        )
    if report.verifications:
        click.echo(phrase("verifications:"))
        for v in report.verifications:
            click.echo(
                "  "
                + said(
                    "{ref} ({department}): due {due}, {days} days late",
                    ref=v.ref,
                    department=v.department,
                    due=f"{v.verification_due:%Y-%m-%d}",
                    days=v.days_overdue,
                )
            )
