"""Reports for the authorities through yearctl: ОО-1 on the demo school equals the movement book on 20 September,
class by class; its workbook opens in openpyxl with numbers; a day outside the year is refused with the year's days."""

from __future__ import annotations

import csv
import io
import json

import openpyxl

from conftest import YEARCTL, run_as
from test_demo import demo  # noqa: F401  (the demo school's fixture: a full generated registry)

OK, REFUSED, USAGE = 0, 1, 2


def ctl(socket_path, *args: str, user: str = "root", env: dict | None = None):
    result = run_as(user, [str(YEARCTL), "--socket", str(socket_path), *args], env=env)
    return result.returncode, result.stdout, result.stderr


def test_oo1_equals_the_movement_book_on_20_september(demo):
    directory, socket_path = demo
    rc, out, err = ctl(socket_path, "report", "oo1", "--json")
    assert rc == OK, err
    reply = json.loads(out)
    assert reply["skipped"] == [] and len(reply["reports"]) == 1, reply
    report = reply["reports"][0]
    assert report["date"].endswith("-09-20") and report["ageOn"].endswith("-01-01"), report
    rc, out, err = ctl(socket_path, "movement", "--from", report["date"], "--to", report["date"], "--json")
    assert rc == OK, err
    book = json.loads(out)
    ends = {line["class"]: line["end"] for line in book["classes"] if line["end"] > 0}
    assert {line["class"]: line["students"] for line in report["classes"]} == ends
    assert report["total"]["students"] == book["total"]["end"] > 0
    # Every total is the sum of its lines.
    for grade in report["grades"]:
        mine = [line for line in report["classes"] if line["grade"] == grade["grade"]]
        assert grade["classes"] == len(mine) and grade["students"] == sum(line["students"] for line in mine)
    assert sum(age["students"] for age in report["ages"]) == report["total"]["students"]
    assert sum(age["girls"] for age in report["ages"]) == report["total"]["girls"]

    rc, text, err = ctl(socket_path, "report", "oo1")
    assert rc == OK and "OO-1, students:" in text and "Repeating the grade" in text, (text, err)
    assert f"Total            {report['total']['classes']}" in text, text

    rc, out, err = ctl(socket_path, "report", "oo1", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rc == OK and ["Total", "", str(report["total"]["classes"]), str(report["total"]["students"]),
                         str(report["total"]["girls"]), "0", "0"] in rows, rows[:5]

    path = directory / "oo1.xlsx"
    rc, out, err = ctl(socket_path, "report", "oo1", "--format", "xlsx", "--output", str(path))
    assert rc == OK and f"wrote {path}" in err, err
    sheet = openpyxl.load_workbook(path).active
    assert sheet.freeze_panes == "A2" and sheet.cell(row=1, column=4).value == "Students"
    totals = [row for row in sheet.iter_rows(values_only=True) if row[0] == "Total" and row[2] is not None]
    assert totals[0][2:5] == (report["total"]["classes"], report["total"]["students"], report["total"]["girls"])

    rc, out, err = ctl(socket_path, "--lang", "ru", "report", "oo1")
    assert rc == OK and "ОО-1, обучающиеся:" in out and "Второгодники" in out, out


def test_oo1_on_a_day_outside_the_year_names_the_years_days(demo):
    _, socket_path = demo
    rc, out, err = ctl(socket_path, "report", "oo1", "--date", "2030-09-20")
    assert rc == USAGE, (out, err)
    assert "2030-09-20 is not a day of the year 2026/2027: its days are 2026-09-01 to" in err, err
    rc, out, err = ctl(socket_path, "--lang", "ru", "report", "oo1", "--date", "2030-09-20")
    assert rc == USAGE and "20.09.2030 — не день учебного года 2026/2027" in err, err
    rc, out, err = ctl(socket_path, "report", "oo1", "--date", "31.02.2026")
    assert rc == USAGE and "expected a date" in err, err
