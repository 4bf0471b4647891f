"""The ``anlan`` command: friendly names for the management commands.

anlan demo [--no-simulator]      migrate, load the demo data and serve it
anlan serve [ADDR:PORT]          serve the site (development server)
anlan migrate                    apply database migrations
anlan createadmin                create a system administrator
anlan import enterprises F.xlsx  import an enterprise ledger (--partial to keep good rows)
anlan export enterprises F.xlsx  export the enterprise ledger
anlan token create USER          issue an API token
anlan reports quarterly [--year Y --quarter Q] [--region CODE] [--generate]
                                 quarterly hazard reports: who has submitted
anlan worker                     run the background worker (deliveries, daily deadline job)
anlan hazards check-deadlines    send due deadline reminders and escalations now
anlan tipoffs list [--overdue]   list tip-offs (never the reporters' identities)
anlan rewards list [--export F]  the reward ledger, or compute one:
anlan rewards compute --fine N [--employee] | --accident-level L --deaths N
anlan keys new                   a new key for ANLAN_IDENTITY_KEYS
anlan standards list [--standard KEY]   determination standards, or the clauses of one
anlan standards applicable ENTERPRISE   clauses that apply (enterprise id or credit code)
anlan standards show CLAUSE_ID   one clause (e.g. gm2023-11-3), with its mappings
anlan standards load             load the standards' data files again (idempotent)
anlan inspections coverage [--month 2026-10] [--region CODE] [--missing self] [--export F]
                                 who had self, mutual and department inspections
anlan inspections tasks          create this period's tasks of the inspection plans
anlan checklists seed            create the shipped checklists that are missing
anlan risks export F.xlsx [--region CODE]   the risk list (风险清单) to Excel
anlan risks grade --lec L E C | --ls L S     a score (D or R) and its colour
anlan risks due [--enterprise ID]            control-measure checks due or overdue
anlan monitor ingest F.csv --gateway CODE   ingest tag,ts,value lines as that gateway
anlan monitor gateway create ENTERPRISE NAME  a new gateway; prints its token once
anlan monitor purge                          delete readings past their retention
anlan monitor rollup | check                 per-minute rollups; alarm deadlines now
anlan monitor quality [--day D] [--xlsx F]   data quality and offline now, by county
anlan monitor import-sensors F.xlsx [--template] [--user NAME]   sensors from Excel
anlan duties generate [--date D]             this period's 包保 checks; report missed ones
anlan supervision strict-list [--date D] [--compute] [--user NAME]   the strict-supervision list
anlan monitor simulate [--url URL] [--via http|mqtt] [--silent-gateway CODE]
                                 feed the demo sensors with live readings
anlan patrols due [--level county] [--region PREFIX] [--missed]   online patrols due / overdue
anlan patrols list [--month YYYY-MM] [--level L]   recorded online patrols
anlan commitments missing [--date YYYY-MM-DD]   enterprises that missed the day's commitment
anlan commitments overview [--date YYYY-MM-DD]  the day's commitments per county
anlan commitments import-permits F.xlsx --enterprise ID   work permits from Excel
anlan monitor mqtt [--host H --port P]       consume gateway batches from the MQTT broker
anlan rescue board | incidents               rescue teams now; incidents
anlan rescue coverage [--planned] [--points "lat,lon,name;…"] [--gaps]   flagged mines' nearest team
anlan rescue recommend INCIDENT              teams ranked by estimated arrival, with reasons
anlan rescue dispatch INCIDENT TEAM [--force REASON]   send a team (off duty: with a reason)
anlan rescue stage DISPATCH turned_out|arrived|returned [--at T] [--rescued N]
anlan rescue report --title T --kind K --place P --enterprise ID | --region CODE --lat --lon
anlan rescue duty TEAM [--day D --commander MEMBER [--unit ID --readiness R --reason T]]
anlan rescue readiness TEAM... --level elevated|high --reason T --until D
anlan rescue members list|structure|check|certificates|assessments|import   members
anlan rescue equipment types|list|due|check|loans|lend|return|stocktake|import   equipment
anlan rescue drills list|stats               drills and their counts per period
anlan warnings import F.xml… | poll | list | board ID | ack TARGET | measures TARGET --text T
                                 CAP warnings: import files, poll feeds, acknowledge, report
anlan warnings issue draft|submit|publish|update|cancel|export   the bureau's own warnings
anlan warnings households list|import F.xlsx|export F.xlsx|show ID   vulnerable households
anlan warnings checks list|record CHECK --outcome O               welfare checks
anlan office units list|show|import F.xlsx|export F.xlsx       committee member units and duties
anlan office tasks list|issue|feedback|review|remind|export      督办 supervision tasks
anlan office trainings|visits|campaigns list|add|import|export   trainings, expert visits, campaigns
anlan office assess schemes|compute|show|submit|sign|rank|export assessments and rankings
anlan bulletins generate|list|show|publish|pdf|docx|subscribe   weekly / monthly bulletins
anlan dashboard [--region CODE] [--user NAME]                     the dashboard's figures
anlan export ledger NAME [--columns a,b,c] [--user NAME] -o F.xlsx   any ledger, chosen columns
anlan backup [F.tar.gz]                       database and attachments in one file
anlan restore F.tar.gz --yes [--check]        put a backup back (checked whole first)
anlan manage ...                 any Django management command
"""

from __future__ import annotations

import os
import sys

ALIASES = {
    ("demo",): ["demo"],
    ("serve",): ["runserver"],
    ("migrate",): ["migrate"],
    ("createadmin",): ["createadmin"],
    ("import", "enterprises"): ["import_enterprises"],
    ("export", "enterprises"): ["export_enterprises"],
    ("token", "create"): ["token_create"],
    ("reports", "quarterly"): ["quarterly_report"],
    ("user", "create"): ["user_create"],
    ("worker",): ["run_huey"],
    ("hazards", "check-deadlines"): ["check_deadlines"],
    ("tipoffs", "list"): ["tipoffs_list"],
    ("rewards", "list"): ["rewards", "list"],
    ("rewards", "compute"): ["rewards", "compute"],
    ("keys", "new"): ["keys_new"],
    ("standards", "list"): ["standards", "list"],
    ("standards", "applicable"): ["standards", "applicable"],
    ("standards", "show"): ["standards", "show"],
    ("standards", "load"): ["standards", "load"],
    ("inspections", "coverage"): ["inspections_coverage"],
    ("inspections", "tasks"): ["inspections_tasks"],
    ("checklists", "seed"): ["checklists_seed"],
    ("risks", "export"): ["risks", "export"],
    ("risks", "grade"): ["risks", "grade"],
    ("risks", "due"): ["risks", "due"],
    ("monitor", "import-sensors"): ["monitor_sensors"],
    ("monitor", "mqtt"): ["monitor_mqtt"],
    ("monitor",): ["monitor"],
    ("duties", "generate"): ["duties", "generate"],
    ("supervision", "strict-list"): ["strict_list"],
    ("patrols", "due"): ["patrols", "due"],
    ("patrols", "list"): ["patrols", "list"],
    ("commitments",): ["commitments"],
    ("rescue", "members"): ["rescue_members"],
    ("rescue", "equipment"): ["rescue_equipment"],
    ("rescue", "drills"): ["rescue_drills"],
    ("rescue",): ["rescue"],
    ("warnings", "households"): ["warnings_households"],
    ("warnings", "checks"): ["warnings_households", "checks"],
    ("warnings", "issue"): ["warnings_issue"],
    ("warnings",): ["warnings"],
    ("office", "units"): ["office_units"],
    ("office", "tasks"): ["office_tasks"],
    ("office", "trainings"): ["office_activities", "trainings"],
    ("office", "visits"): ["office_activities", "visits"],
    ("office", "campaigns"): ["office_activities", "campaigns"],
    ("office", "assess"): ["office_assess"],
    ("bulletins",): ["bulletins"],
    ("dashboard",): ["dashboard"],
    ("export", "ledger"): ["export_ledger"],
    ("backup",): ["backup"],
    ("restore",): ["restore"],
    ("manage",): [],
}


def translate(args: list[str]) -> list[str] | None:
    """Turn ``anlan`` arguments into management-command arguments, or None if unknown."""
    for words, command in sorted(ALIASES.items(), key=lambda kv: -len(kv[0])):
        if tuple(args[: len(words)]) == words:
            return command + args[len(words) :]
    return None


def run_manage(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anlan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(__doc__)  # noqa: T201
        return
    command = translate(args)
    if command is None:
        print(f"anlan: unknown command {' '.join(args[:2])!r}\n{__doc__}", file=sys.stderr)  # noqa: T201
        sys.exit(2)
    if command[:1] in (["demo"], ["runserver"]):
        # The demo and the development server are local: allow the built-in key and debug pages
        # unless the operator configured otherwise.
        os.environ.setdefault("ANLAN_DEBUG", "1")
    run_manage(["anlan", *command])
