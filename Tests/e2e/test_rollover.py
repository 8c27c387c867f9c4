"""The year rollover over the socket, as the real test users run it: the admin maps a class and requests the
rollover, the coordinator reads the same summary and approves it (after the close readiness report, accepting its
errors by name), the daemon backs the database up and applies it at once; a stale plan is refused; the undo is
two-person again and brings the old year back as closing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from conftest import parse_json
from test_checks import load


def approve_accepting(d, request: int, expect_rc: int = 0):
    """Approves as the coordinator; when the readiness report blocks, names its error checks and approves again.
    Returns the reply, or the error's message when the approval is refused."""
    rc, out, err = d.yearctl("yeard-coord", "request", "approve", str(request), "--yes", "--json")
    reply = parse_json(out) if out.strip() else {}
    if rc != 0 and reply.get("error") == "io.yeard.Approval.NotReady":
        args = [arg for b in reply["parameters"]["blocking"] for arg in ("--accept", b["check"])]
        rc, out, err = d.yearctl("yeard-coord", "request", "approve", str(request), "--yes", "--json", *args,
                                 "--reason", "accepted for the test")
        reply = parse_json(out) if out.strip() else {}
    assert rc == expect_rc, (out, err)
    return reply if rc == 0 else reply.get("parameters", {}).get("message", "") + err


def closing_school(d) -> dict:
    year = load(d)
    rc, out, _ = d.yearctl("yeard-admin", "year", "start", str(year["id"]), "--json")
    approve_accepting(d, parse_json(out)["request"]["id"])
    rc, out, err = d.yearctl("yeard-admin", "year", "begin-closing", str(year["id"]), "--json")
    assert rc == 0, err
    approve_accepting(d, parse_json(out)["request"]["id"])
    return year


def years(d) -> dict[str, str]:
    rc, out, _ = d.yearctl("yeard-auditor", "year", "list", "--school", "school-a", "--json")
    return {y["label"]: y["state"] for y in parse_json(out)["years"]}


def test_request_approve_apply_and_undo(daemon):
    d = daemon()
    year = closing_school(d)
    # An override naming a class the year does not have is refused with the class named; a coordinator may not map.
    rc, out, err = d.yearctl("yeard-admin", "rollover", "map", "7Я", "8Я", "--school", "school-a")
    assert rc == 2 and "no class 7Я" in err, (out, err)
    rc, out, err = d.yearctl("yeard-coord", "rollover", "map", "5А", "6Б", "--school", "school-a")
    assert rc == 3, (out, err)
    rc, out, err = d.yearctl("yeard-admin", "rollover", "map", "5А", "6Б", "--school", "school-a", "--json")
    assert rc == 0 and parse_json(out)["overrides"] == {"5А": "6Б"}, (out, err)
    rc, out, _ = d.yearctl("yeard-admin", "rollover", "plan", "--school", "school-a", "--json")
    plan = parse_json(out)
    # S1 and S2 carry a decision's target class 6А; the override moves the class, the decision the student.
    assert {(c["from"], c["to"]) for c in plan["classes"]} == {("5А", "6Б"), ("11А", None)}, plan["classes"]
    assert plan["errors"] == [] and plan["carry"]["curriculum"] is True
    # The request carries the plan's hash and summary; the coordinator sees the same summary.
    rc, out, err = d.yearctl("yeard-admin", "rollover", "request", "--school", "school-a", "--reason", "year end",
                             "--json")
    assert rc == 0, (out, err)
    request = parse_json(out)["request"]
    assert request["event"] == "close" and request["rollover"]["planHash"] == plan["plan_hash"]
    rc, shown, _ = d.yearctl("yeard-coord", "request", "show", str(request["id"]))
    assert rc == 0 and plan["plan_hash"] in shown and "class 11А closes" in shown, shown
    for line in plan["lines"]:
        assert line in shown, (line, shown)
    # The requester cannot approve; the coordinator can.
    rc, out, err = d.yearctl("yeard-admin", "request", "approve", str(request["id"]), "--yes")
    assert rc == 3, (out, err)
    reply = approve_accepting(d, request["id"])
    assert reply["year"]["state"] == "closed"
    assert years(d) == {"2026/2027": "closed", "2027/2028": "open"}
    rc, out, _ = d.yearctl("yeard-auditor", "rollover", "list", "--school", "school-a", "--json")
    rollovers = parse_json(out)["rollovers"]
    assert [r["state"] for r in rollovers] == ["applied"] and rollovers[0]["plan_hash"] == plan["plan_hash"]
    # The backup was written before the transaction, and it holds the state before the rollover.
    backups = sorted((Path(d.dir) / "backups").glob("before-rollover-*.sqlite"))
    assert len(backups) == 1, list((Path(d.dir)).iterdir())
    assert (Path(d.dir) / "backups").stat().st_mode & 0o777 == 0o700, "the backups hold personal data"
    assert not list((Path(d.dir) / "backups").glob("*.partial"))
    with sqlite3.connect(f"file:{backups[0]}?mode=ro", uri=True) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT state FROM academic_year WHERE label = '2026/2027'").fetchone() == ("closing",)
    with sqlite3.connect(f"file:{d.dir}/yeard.sqlite?mode=ro", uri=True) as db:
        placed = dict(db.execute(
            "SELECT e.student_id, e.class_name FROM enrollment e JOIN academic_year y ON y.id = e.year_id "
            "WHERE y.label = '2027/2028'").fetchall())
        assert placed == {"S1": "6А", "S2": "6А"}, placed
        kinds = dict(db.execute("SELECT student_id, kind FROM school_order WHERE rollover_id IS NOT NULL").fetchall())
        assert kinds == {"S1": "promotion", "S2": "promotion", "S3": "graduation"}, kinds
        # Each order names the pedagogical council's order of the decision as its basis.
        bases = set(db.execute("SELECT basis_order_no, basis_order_date FROM school_order "
                               "WHERE rollover_id IS NOT NULL").fetchall())
        assert bases == {("95-о", "2027-05-28")}, bases
        # Every old-year enrollment was closed by the order that decided it.
        closings = dict(db.execute("SELECT e.student_id, e.closed_by FROM enrollment e JOIN academic_year y "
                                   "ON y.id = e.year_id WHERE y.label = '2026/2027'").fetchall())
        assert closings == {"S1": "promotion", "S2": "promotion", "S3": "graduation"}, closings
    # The new year's book, as yearctl prints it: it opens with the two who stay, and every day of September
    # follows the day before and balances.
    previous = None
    for day in range(1, 31):
        date = f"2027-09-{day:02d}"
        rc, out, err = d.yearctl("yeard-auditor", "movement", "--school", "school-a", "--from", date, "--to", date,
                                 "--json")
        assert rc == 0, (out, err)
        total = parse_json(out)["total"]
        if day == 1:
            assert total["start"] == 2 and total["arrived"] == 0, total
        assert previous is None or total["start"] == previous, (date, total)
        assert total["start"] + total["arrived"] - total["left"] == total["end"], (date, total)
        previous = total["end"]
    # Across the rollover: both years' classes, each named with its year, and the school's line balanced.
    rc, out, err = d.yearctl("yeard-auditor", "movement", "--school", "school-a", "--from", "2027-05-01", "--to",
                             "2027-09-30")
    assert rc == 0 and "2026/2027, 2027/2028" in out and "5А 2026/2027" in out and "6А 2027/2028" in out, out
    # A second approval of the same request is impossible.
    rc, out, err = d.yearctl("yeard-coord", "request", "approve", str(request["id"]), "--yes")
    assert rc != 0 and "not pending" in err, (out, err)
    # The undo: two-person again, the old year closing again and the new one gone.
    rc, out, err = d.yearctl("yeard-coord", "rollover", "undo", "--school", "school-a", "--reason", "wrong class")
    assert rc == 3, (out, err)
    rc, out, err = d.yearctl("yeard-admin", "rollover", "undo", "--school", "school-a", "--reason", "wrong class",
                             "--json")
    assert rc == 0, (out, err)
    undo = parse_json(out)["request"]
    assert undo["event"] == "undo-rollover" and undo["rollover"]["rollover"] == rollovers[0]["id"]
    reply = approve_accepting(d, undo["id"])
    assert reply["year"]["state"] == "closing"
    assert years(d) == {"2026/2027": "closing"}
    rc, out, _ = d.yearctl("yeard-auditor", "rollover", "list", "--school", "school-a", "--json")
    assert [r["state"] for r in parse_json(out)["rollovers"]] == ["undone"]
    rc, out, _ = d.yearctl("yeard-auditor", "audit", "verify")
    assert rc == 0, out
    # The journal's events of both (yeard(8), JOURNAL; stderr shows the same fields when not under systemd).
    log = d.stderr()
    for message_id, action in (("2ee5a0c18f3240dabad4ad107599b029", "rollover.apply"),
                               ("eb4e551594e44cf19ea0ab19307fc425", "rollover.undo")):
        lines = [line for line in log.splitlines() if f"message_id={message_id}" in line]
        assert len(lines) == 1 and f"action={action}" in lines[0] and "school=school-a" in lines[0], lines


def test_stale_plan_is_refused_and_changes_nothing(daemon):
    d = daemon()
    closing_school(d)
    rc, out, err = d.yearctl("yeard-admin", "rollover", "request", "--school", "school-a", "--json")
    assert rc == 0, (out, err)
    request = parse_json(out)["request"]
    # The secretary corrects a decision after the request: the plan the admin filed is no longer the plan.
    path = Path(d.dir) / "decisions-fix.csv"
    path.write_text("student_id,outcome,debts,deadline,target_class,order_no,order_date\n"
                    "S2,retained,,,,96-о,2027-05-29\n", encoding="utf-8")
    path.chmod(0o644)
    rc, out, err = d.yearctl("yeard-secretary", "import", "decisions", str(path), "--school", "school-a")
    assert rc == 0, (out, err)
    err = approve_accepting(d, request["id"], expect_rc=1)
    assert "data changed since rollover request" in err, err
    assert years(d) == {"2026/2027": "closing"}


def test_request_refused_before_closing_and_with_plan_errors(daemon):
    d = daemon()
    year = load(d)
    rc, out, err = d.yearctl("yeard-admin", "rollover", "request", "--school", "school-a")
    assert rc != 0 and "no year in progress or closing" in err, (out, err)
    rc, out, _ = d.yearctl("yeard-admin", "year", "start", str(year["id"]), "--json")
    approve_accepting(d, parse_json(out)["request"]["id"])
    rc, out, err = d.yearctl("yeard-admin", "rollover", "request", "--school", "school-a")
    assert rc != 0 and "a rollover is requested when the year is closing" in err, (out, err)


def test_all_schools_plan_request_and_summary(daemon):
    d = daemon()
    closing_school(d)
    # school-b has no year: its line says so, school-a's line has the plan; one refusal makes the exit code 1.
    rc, out, err = d.yearctl("yeard-admin", "rollover", "plan", "--all-schools", "--json")
    assert rc == 1, (out, err)
    outcomes = {o["school"]: o for o in parse_json(out)}
    assert set(outcomes) == {"school-a", "school-b"}
    assert outcomes["school-a"]["result"]["problems"] == 0 and outcomes["school-b"]["result"] is None
    assert "no year in progress or closing" in outcomes["school-b"]["message"]
    rc, out, err = d.yearctl("yeard-admin", "rollover", "request", "--all-schools")
    assert rc == 1 and "school-a" in out and "filed: plan" in out and "no year in progress" in out, (out, err)
    rc, out, err = d.yearctl("yeard-admin", "rollover", "request", "--all-schools", "--school", "school-a")
    assert rc == 2 and "not both" in err, (out, err)
    rc, out, _ = d.yearctl("yeard-coord", "request", "list", "--school", "school-a", "--json")
    pending = [r for r in parse_json(out)["requests"] if r["status"] == "pending"]
    assert len(pending) == 1 and pending[0]["event"] == "close"
    reply = approve_accepting(d, pending[0]["id"])
    assert reply["year"]["state"] == "closed"
    rc, out, err = d.yearctl("yeard-auditor", "rollover", "list", "--all-schools")
    assert rc == 0 and "2027/2028 open" in out and "into 2027/2028, applied" in out and "no years" in out, (out, err)

