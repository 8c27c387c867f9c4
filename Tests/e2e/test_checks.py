"""The data-quality checks and the readiness report through yearctl, as the coordinator uses them: run, last, diff,
the report, and the start of a year refused while its readiness has errors, then accepted by name with a reason."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import parse_json

# A small school whose only teacher login is yeard-teacher (T1 teaches every lesson, so grades load as a teacher).
FILES = [
    ("yeard-secretary", "staff",
     "staff_id,last_name,first_name,middle_name,position,login\n"
     "T1,Петрова,Анна,Ивановна,учитель,yeard-teacher\nT2,Сидоров,Олег,Петрович,учитель,\n"),
    ("yeard-admin", "subjects", "subject_id,name\nrus,Русский язык\nmath,Математика\n"),
    ("yeard-admin", "classes",
     "class,grade,letter,profile,class_type,class_teacher_id,capacity\n"
     "5А,5,А,,общеобразовательный,T1,25\n11А,11,А,,общеобразовательный,T2,25\n"),
    ("yeard-admin", "periods",
     "grade,period,starts_on,ends_on\n5,q1,2026-09-01,2026-10-25\n5,q2,2026-11-05,2026-12-28\n"
     "5,q3,2027-01-09,2027-03-20\n5,q4,2027-03-30,2027-05-31\n11,h1,2026-09-01,2026-12-28\n"
     "11,h2,2027-01-09,2027-05-31\n"),
    ("yeard-secretary", "students",
     "student_id,last_name,first_name,middle_name,birth_date,gender,class,personal_file_no,snils,enrolled_on\n"
     "S1,Иванов,Пётр,Сергеевич,10.03.2015,М,5А,1,112-233-445 95,\n"
     "S2,Кузнецова,Мария,Олеговна,2015-07-21,Ж,5А,2,123-456-789 64,\n"
     "S3,Смирнов,Илья,Андреевич,2009-05-05,М,11А,3,111-111-111 45,\n"),
    ("yeard-secretary", "guardians",
     "guardian_id,student_id,relation,last_name,first_name,middle_name,phone,email\n"
     "G1,S1,мать,Иванова,Ольга,Петровна,+7 912 345-67-89,\n"
     "G2,S2,отец,Кузнецов,Олег,Иванович,,\n"
     "G3,S3,мать,Смирнова,Елена,,,elena@example.ru\n"),
    # S2 has no consent: consent.missing, an error.
    ("yeard-secretary", "consents",
     "person_id,person_kind,signed_by,signed_on,form_version,withdrawn_on\n"
     "S1,student,G1,2026-08-25,2025-09,\nS3,student,G3,2026-08-25,2025-09,\n"),
    ("yeard-admin", "curriculum",
     "grade,profile,subject_id,hours_per_week,assessment\n5,,rus,2,graded\n5,,math,2,graded\n"
     "11,,rus,1,graded\n11,,math,1,graded\n"),
    ("yeard-admin", "assignments", "class,subject_id,group,teacher_id\n5А,rus,,T1\n5А,math,,T1\n11А,rus,,T1\n11А,math,,T1\n"),
    ("yeard-admin", "schedule",
     "class,weekday,period,subject_id,group,teacher_id,room\n"
     "5А,1,1,rus,,T1,101\n5А,1,2,math,,T1,102\n5А,2,1,rus,,T1,101\n5А,2,2,math,,T1,102\n"
     "11А,1,3,rus,,T1,201\n11А,3,1,math,,T1,202\n"),
    ("yeard-teacher", "grades",
     "student_id,subject_id,period,grade\nS1,rus,year,5\nS1,math,year,4\nS2,rus,year,4\nS2,math,year,4\n"
     "S3,rus,year,3\nS3,math,year,5\n"),
    ("yeard-secretary", "decisions",
     "student_id,outcome,debts,deadline,target_class,order_no,order_date\n"
     "S1,promoted,,,6А,95-о,2027-05-28\nS2,promoted,,,6А,95-о,2027-05-28\nS3,graduated,,,,95-о,2027-05-28\n"),
    ("yeard-secretary", "certificates",
     "student_id,kind,number,issued_on,honours\nS3,secondary,11-001,2027-06-25,\n"),
]

EXPECTED = {
    ("consent.missing", "student", "S2"),
    ("guardian.no-contact", "guardian", "G2"),
}


def load(d) -> dict:
    rc, out, err = d.yearctl("yeard-admin", "year", "create", "2026/2027", "--school", "school-a", "--json")
    assert rc == 0, err
    year = parse_json(out)["year"]
    for user, kind, text in FILES:
        path = Path(d.dir) / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        path.chmod(0o644)
        rc, out, err = d.yearctl(user, "import", kind, str(path), "--school", "school-a", "--json")
        assert rc == 0 and parse_json(out)["problemCount"] == 0, (kind, out, err)
    return year


def findings(run: dict) -> set[tuple[str, str, str]]:
    return {(f["check"], f["entity_kind"], f["entity_id"]) for f in run["findings"]}


def test_checks_run_last_and_diff(daemon):
    d = daemon()
    load(d)
    rc, out, err = d.yearctl("yeard-coord", "checks", "list", "--json")
    assert rc == 0, err
    catalogue = parse_json(out)["checks"]
    assert len(catalogue) >= 29 and {"student.no-class", "grade.final-missing"} <= {c["id"] for c in catalogue}

    rc, out, err = d.yearctl("yeard-coord", "checks", "run", "--school", "school-a", "--json")
    assert rc == 1, (out, err)  # errors were found
    run = parse_json(out)["run"]
    assert findings(run) == EXPECTED, run["findings"]
    for finding in run["findings"]:
        assert set(finding) >= {"check", "severity", "entity_kind", "entity_id", "message"}, finding
        assert finding["message"], finding
    assert run["errors"] == 1 and run["warnings"] == 1, run

    rc, out, err = d.yearctl("yeard-coord", "checks", "run", "--school", "school-a")
    assert rc == 1 and "consent.missing" in out and "Кузнецова Мария Олеговна (5А) has no consent" in out, out

    # The auditor reads the last run; a teacher may not (findings name students).
    rc, out, err = d.yearctl("yeard-auditor", "checks", "last", "--school", "school-a", "--json")
    assert rc == 0 and findings(parse_json(out)["run"]) == EXPECTED, (out, err)
    rc, out, err = d.yearctl("yeard-teacher", "checks", "last", "--school", "school-a")
    assert rc == 3, (out, err)

    # The consent is recorded: the next run resolves that finding and finds nothing new.
    rc, out, err = d.yearctl("yeard-secretary", "record", "consents", "person_id=S2", "person_kind=student",
                             "signed_by=G2", "signed_on=2026-09-02", "--school", "school-a")
    assert rc == 0, (out, err)
    rc, out, err = d.yearctl("yeard-coord", "checks", "run", "--school", "school-a", "--check", "consent.missing",
                             "--check", "guardian.no-contact", "--json")
    assert rc == 0, (out, err)  # only a warning is left
    rc, out, err = d.yearctl("yeard-coord", "checks", "diff", "--school", "school-a", "--json")
    assert rc == 0, err
    diff = parse_json(out)
    assert diff["new"] == [] and findings({"findings": diff["resolved"]}) == {("consent.missing", "student", "S2")}

    # Unknown checks are refused with the way to the catalogue.
    rc, out, err = d.yearctl("yeard-coord", "checks", "run", "--school", "school-a", "--check", "student.nonsense")
    assert rc == 2 and "checks list" in err, (out, err)


def test_readiness_gates_the_start_and_accepting_is_audited(daemon):
    d = daemon()
    year = load(d)
    rc, out, err = d.yearctl("yeard-coord", "report", "readiness", "--for", "start", "--school", "school-a", "--json")
    assert rc == 1, (out, err)
    report = parse_json(out)
    assert not report["ready"] and report["blocking"] == ["consent.missing"], report
    assert {c["class"] for c in report["byClass"]} == {"5А"}, report
    rc, out, err = d.yearctl("yeard-coord", "report", "readiness", "--for", "start", "--school", "school-a")
    assert rc == 1 and "NOT READY" in out and "--accept" in out, out

    rc, out, err = d.yearctl("yeard-admin", "year", "start", str(year["id"]), "--json")
    assert rc == 0, (out, err)
    request = parse_json(out)["request"]["id"]
    rc, out, err = d.yearctl("yeard-coord", "request", "approve", str(request), "--yes", "--reason", "go")
    assert rc == 1 and "not ready to start" in err and "consent.missing (1)" in err, (out, err)
    rc, out, _ = d.yearctl("yeard-auditor", "year", "list", "--school", "school-a", "--json")
    assert parse_json(out)["years"][0]["state"] == "open"

    # Accepting needs a reason, and names a real check.
    rc, out, err = d.yearctl("yeard-coord", "request", "approve", str(request), "--yes", "--accept", "consent.missing")
    assert rc == 2 and "reason" in err, (out, err)
    rc, out, err = d.yearctl("yeard-coord", "request", "approve", str(request), "--yes", "--accept", "no.such-check",
                             "--reason", "x")
    assert rc == 2 and "no check" in err, (out, err)

    rc, out, err = d.yearctl("yeard-coord", "request", "approve", str(request), "--yes", "--accept", "consent.missing",
                             "--reason", "the consent of S2 is signed on paper, entered tomorrow")
    assert rc == 0 and "in_progress" in out, (out, err)
    rc, out, err = d.yearctl("yeard-auditor", "audit", "list", "--school", "school-a", "--json")
    entries = [e for e in parse_json(out)["entries"] if e["action"] == "request.approve"]
    assert entries and '"acceptedChecks":[{"check":"consent.missing","count":1}]' in entries[-1]["details"], entries


def test_scheduled_run_writes_reports_and_metrics_that_real_tools_read(daemon):
    import shutil
    import subprocess
    import time

    from prometheus_client.parser import text_string_to_metric_families

    from conftest import make_temp_dir

    out = make_temp_dir("yeard-reports-")
    reports, metrics = out / "reports", out / "yeard.prom"
    # Every morning at 06:00 in Moscow: a fire within the last day always exists, so the start-up after the
    # registry is loaded catches up once.
    extra = f"""
[checks]
reports_dir = "{reports}"

[checks.severity]
"guardian.no-contact" = "error"
"""
    d = daemon(daemon_keys={"metrics_file": str(metrics)}, schools=(), extra=extra + """
[[school]]
id = "school-a"
time_zone = "Europe/Moscow"
checks_schedule = "0 6 * * *"

[[school]]
id = "school-b"
""")
    load(d)
    d.restart()
    deadline = time.monotonic() + 20
    html = reports / "school-a" / "readiness-start.html"
    last = reports / "school-a" / "readiness-close.html"  # the last file a run writes
    while not last.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert last.exists(), d.stderr()
    assert "finished (schedule)" in d.stderr() and "message_id=b5dffb115bbc4e098d48450f4fbe83ff" in d.stderr()
    names = sorted(path.name for path in (reports / "school-a").iterdir())
    assert names == sorted(f"{report}.{ext}" for report in ("checks-last", "readiness-start", "readiness-close")
                           for ext in ("txt", "csv", "json", "html")), names
    csv_lines = (reports / "school-a" / "checks-last.csv").read_text().splitlines()
    assert csv_lines[0] == "check,severity,entity_kind,entity_id,class,message"
    assert any(line.startswith("guardian.no-contact,error,guardian,G2,5А,") for line in csv_lines), csv_lines
    report = json.loads((reports / "school-a" / "readiness-start.json").read_text())
    assert report["ready"] is False and report["blocking"] == ["guardian.no-contact", "consent.missing"], report
    page = html.read_text()
    assert "<svg" in page and "NOT READY to start" in page and "http" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""), "the page must carry no external asset"

    # The metrics file parses as Prometheus text and says what the run found (it is rewritten after the run; the
    # one written at start-up has no run yet).
    deadline = time.monotonic() + 10
    while (not metrics.exists() or "yeard_check_findings" not in metrics.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    samples = {}
    for family in text_string_to_metric_families(metrics.read_text()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    assert samples[("yeard_check_findings", (("check", "consent.missing"), ("school", "school-a"),
                                             ("severity", "error")))] == 1
    assert samples[("yeard_check_findings", (("check", "student.no-class"), ("school", "school-a"),
                                             ("severity", "error")))] == 0
    assert samples[("yeard_year_state", (("school", "school-a"), ("state", "open"), ("year", "2026/2027")))] == 1
    assert samples[("yeard_checks_last_run_errors", (("school", "school-a"),))] == 2

    # The page opens in a real browser and renders something.
    browser = shutil.which("chromium")
    assert browser, "chromium is installed by scripts/install-test-deps"
    shot = out / "readiness.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--screenshot={shot}", "--window-size=1000,1400", html.as_uri()],
                   check=True, capture_output=True, timeout=120)
    image = shot.read_bytes()
    assert image[:8] == b"\x89PNG\r\n\x1a\n" and len(image) > 20000, len(image)

    # yearctl renders the same report to a file on demand.
    target = out / "now.html"
    rc, _, err = d.yearctl("root", "report", "readiness", "--for", "close", "--school", "school-a", "--format",
                           "html", "--output", str(target))
    assert rc == 1 and target.exists() and "Readiness to close" in target.read_text(), err


def test_rollover_plan_preview(daemon):
    d = daemon()
    year = load(d)
    # A plan is previewed from in_progress on.
    rc, out, err = d.yearctl("yeard-coord", "rollover", "plan", "--school", "school-a")
    assert rc == 2 and "no year in progress or closing" in err, (out, err)
    rc, out, _ = d.yearctl("yeard-admin", "year", "start", str(year["id"]), "--json")
    request = parse_json(out)["request"]["id"]
    rc, out, err = d.yearctl("yeard-coord", "request", "approve", str(request), "--yes", "--accept", "consent.missing",
                             "--accept", "guardian.no-contact", "--reason", "planned for the test")
    assert rc == 0, (out, err)
    rc, out, err = d.yearctl("yeard-coord", "rollover", "plan", "--school", "school-a", "--json")
    assert rc == 0, (out, err)
    plan = parse_json(out)
    assert len(plan["plan_hash"]) == 64 and plan["from_year"] == "2026/2027" and plan["to_year"] == "2027/2028"
    assert plan["to_start"] == "2027-09-01" and plan["summary"] == {"promoted": 2, "graduated": 1}, plan
    assert {(c["from"], c["to"], c["students"]) for c in plan["classes"]} == {("5А", "6А", 2), ("11А", None, 0)}
    lines = {s["student_id"]: s for s in plan["students"]}
    assert lines["S1"]["to_class"] == "6А" and lines["S3"]["to_class"] is None and plan["problems"] == 0
    for line in plan["students"]:
        assert set(line) >= {"student_id", "outcome", "from_class", "to_class", "reason"}, line
    assert all("to" in c for c in plan["classes"]), plan["classes"]
    # The same data, the same hash; a teacher may not see it (it names students).
    rc, again, _ = d.yearctl("yeard-auditor", "rollover", "plan", "--school", "school-a", "--json")
    assert parse_json(again)["plan_hash"] == plan["plan_hash"]
    rc, out, err = d.yearctl("yeard-teacher", "rollover", "plan", "--school", "school-a")
    assert rc == 3, (out, err)
    rc, out, err = d.yearctl("yeard-coord", "rollover", "plan", "--school", "school-a", "--students")
    assert rc == 0 and "6А" in out and "(leaves)" in out and "(closes)" in out, out
