"""Reports for the authorities through yearctl: ОО-1 on the demo school equals the movement book on 20 September,
class by class; its workbook opens in openpyxl with numbers; a day outside the year is refused with the year's days."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

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


def rolled_over_demo(directory, socket_path) -> None:
    """Starts the demo year, begins its closing and rolls it over: root (the admin) requests, nobody (the
    coordinator) approves."""
    for step in (("year", "start"), ("year", "begin-closing")):
        rc, out, err = ctl(socket_path, *step, "2026/2027", "--reason", "the test's year", "--json")
        assert rc == OK, err
        rc, out, err = ctl(socket_path, "request", "approve", str(json.loads(out)["request"]["id"]), "--yes",
                           user="nobody")
        assert rc == OK, (out, err)
    rc, out, err = ctl(socket_path, "rollover", "request", "--reason", "year end", "--json")
    assert rc == OK, (out, err)
    rc, out, err = ctl(socket_path, "request", "approve", str(json.loads(out)["request"]["id"]), "--yes",
                       user="nobody")
    assert rc == OK and "closed" in out, (out, err)


def test_orders_list_exactly_the_students_the_decisions_name(demo):
    directory, socket_path = demo
    rolled_over_demo(directory, socket_path)
    with sqlite3.connect(f"file:{directory}/yeard.sqlite?mode=ro", uri=True) as db:
        decided = {}
        for student, outcome, name in db.execute(
                "SELECT d.student_id, d.outcome, s.last_name || ' ' || s.first_name || coalesce(' ' || s.middle_name, '') "
                "FROM decision d JOIN academic_year y ON y.id = d.year_id JOIN student s "
                "ON s.school_id = d.school_id AND s.id = d.student_id WHERE y.label = '2026/2027'"):
            decided.setdefault(outcome, {})[student] = name
    rc, out, err = ctl(socket_path, "report", "orders", "--year", "2026/2027", "--json")
    assert rc == OK, err
    report = json.loads(out)["report"]
    assert report["schoolName"] == "Demo School No. 1" and report["year"] == "2026/2027"
    by_kind = {}
    for order in report["orders"]:
        ids = [student["id"] for student in order["students"]]
        assert len(ids) == len(set(ids)), f"order {order['number']} lists a student twice"
        assert order["year"] == "2026/2027" and order["date"] <= order["effectiveFrom"] <= order["effectiveTo"] or \
            order["kind"] not in ("promotion", "graduation"), order
        by_kind.setdefault(order["kind"], []).extend(order["students"])
    outcome_of = {"promotion": "promoted", "conditional_promotion": "conditional", "graduation": "graduated"}
    # The year's own orders (arrivals and departures the demo registry holds) and the rollover's, by outcome.
    assert set(outcome_of) <= set(by_kind) and {"enrollment", "withdrawal"} & set(by_kind), by_kind.keys()
    for kind, outcome in outcome_of.items():
        # Exactly the students decided so, once each, under their names, grouped by the class they leave.
        assert {s["id"]: s["name"] for s in by_kind[kind]} == decided[outcome], kind
    promotion = next(order for order in report["orders"] if order["kind"] == "promotion")
    classes = [student["classFrom"] for student in promotion["students"]]
    assert classes == sorted(classes, key=lambda c: (int(c[:-1]), c[-1])), "grouped by class in grade order"
    assert all(int(s["classTo"][:-1]) == int(s["classFrom"][:-1]) + 1 for s in promotion["students"])

    # The document: heading, basis with the council's minutes, classes with counts, the signature line.
    rc, text, err = ctl(socket_path, "report", "orders", "--year", "2026/2027", "--number", promotion["number"])
    assert rc == OK, err
    assert f"ORDER No. {promotion['number']} of" in text and "Promotion" in text, text[:400]
    assert f"minutes No. {promotion['basisOrderNo']}" in text, text[:400]
    five = [s for s in promotion["students"] if s["classFrom"] == "5А"]
    assert f"5А: {len(five)} students" in text and f"(5А → 6А)" in text
    assert f"In all: {len(promotion['students'])} students." in text and "Director  ____" in text
    rc, text, err = ctl(socket_path, "--lang", "ru", "report", "orders", "--year", "2026/2027", "--number",
                        promotion["number"])
    assert rc == OK and "ПРИКАЗ №" in text and "О переводе в следующий класс" in text and "Директор" in text, text

    # The new year's enrollment order: each first-grader with their own application as the basis.
    rc, out, err = ctl(socket_path, "report", "orders", "--year", "2027/2028", "--kind", "enrollment", "--json")
    enrollment = json.loads(out)["report"]["orders"]
    assert rc == OK and len(enrollment) == 1 and "basis" not in enrollment[0], enrollment
    assert all(s["basis"].startswith("accepted application ") and "classFrom" not in s
               for s in enrollment[0]["students"])
    assert "1А" in {s["classTo"] for s in enrollment[0]["students"]}

    # A spreadsheet: a row per student, dates as dates.
    path = directory / "orders.xlsx"
    rc, out, err = ctl(socket_path, "report", "orders", "--year", "2026/2027", "--format", "xlsx", "--output",
                       str(path))
    assert rc == OK, err
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Order", "Date", "Kind") and len(rows) == 1 + sum(map(len, by_kind.values()))
    assert {row[2] for row in rows[1:]} >= {"promotion", "graduation"}, {row[2] for row in rows[1:]}
    assert isinstance(rows[1][1], datetime.datetime) and isinstance(rows[1][9], datetime.datetime), rows[1]
    rc, out, err = ctl(socket_path, "report", "orders", "--year", "2026/2027", "--format", "csv")
    assert rc == OK and len(list(csv.reader(io.StringIO(out)))) == len(rows)

    # An unknown number is refused with the year named; every report of names is in the audit chain.
    rc, out, err = ctl(socket_path, "report", "orders", "--year", "2026/2027", "--number", "no-such")
    assert rc == USAGE and "has no order no-such in the year 2026/2027" in err, err
    rc, out, err = ctl(socket_path, "audit", "list", "--json")
    reports = [e for e in json.loads(out)["entries"] if e["action"] == "report.generate"]
    assert len(reports) == 6 and all(e["target"] == "report:orders" and e["role"] == "admin" for e in reports)
    first = json.loads(reports[0]["details"])
    everyone = {s["id"] for students in by_kind.values() for s in students}
    assert first["persons"] == len(everyone) and first["orders"] == len(report["orders"]), first
    assert first["year"] == "2026/2027", first
    assert not any(name in out for name in decided["promoted"].values()), "the audit row names nobody"
    rc, out, err = ctl(socket_path, "audit", "verify")
    assert rc == OK, out
    # Printed with headless Chromium (the same rolled-over school: one rollover for both).
    check_printed_orders(directory, socket_path)
    # Across the rollover the book reads both years: the old classes leave by the continuations, the new ones
    # open with them, and each class balances.
    book = check_movement_book(socket_path, "2027-05-01", "2027-09-30")
    assert {part["year"] for part in book["classes"]} == {"2026/2027", "2027/2028"}
    promoted = [entry for part in book["classes"] for entry in part["left"] if entry["kind"] == "promotion"]
    assert len(promoted) == len(decided["promoted"]) and all(e["date"] == "2027-09-01" for e in promoted)


def check_movement_book(socket_path, first: str, last: str) -> dict:
    """The movement book of the period against `yearctl movement`: every class's counts equal, its lists as long
    as its counts, each class balanced; the school's line equal. Returns the book."""
    rc, out, err = ctl(socket_path, "report", "movement-book", "--from", first, "--to", last, "--json")
    assert rc == OK, err
    book = json.loads(out)["book"]
    rc, out, err = ctl(socket_path, "movement", "--from", first, "--to", last, "--json")
    assert rc == OK, err
    movement = json.loads(out)
    counted = {(line["class"], line["year"]): (line["start"], line["arrived"], line["left"], line["end"])
               for line in movement["classes"]}
    listed = {(part["class"], part["year"]): (part["start"], len(part["arrived"]), len(part["left"]), part["end"])
              for part in book["classes"]}
    assert listed == counted
    for part in book["classes"]:
        assert part["start"] + len(part["arrived"]) - len(part["left"]) == part["end"], part["class"]
        for entry in part["arrived"] + part["left"]:
            assert first <= entry["date"] <= last or entry["kind"] in ("promotion", "conditional_promotion"), entry
    total = movement["total"]
    assert book["total"] == {key: total[key] for key in ("start", "arrived", "left", "end")}
    return book


def test_movement_book_lists_what_the_movement_counts(demo):
    directory, socket_path = demo
    rc, out, err = ctl(socket_path, "year", "list", "--json")
    year = json.loads(out)["years"][0]
    book = check_movement_book(socket_path, year["startDate"], year["endDate"])
    entries = [entry for part in book["classes"] for entry in part["arrived"] + part["left"]]
    assert book["total"]["arrived"] > 0 and book["total"]["left"] > 0, book["total"]
    # Every movement of the demo's year has its order (the registry's orders file), a class change its other class.
    assert all(entry["orderNo"] and entry["orderDate"] for entry in entries), entries[:3]
    assert all(entry["otherClass"] for entry in entries if entry["kind"] == "class_change")
    departures = [entry for part in book["classes"] for entry in part["left"] if entry["kind"] == "transfer_out"]
    assert all(entry["destination"] for entry in departures), departures[:3]

    rc, text, err = ctl(socket_path, "report", "movement-book", "--from", year["startDate"], "--to",
                        year["endDate"])
    assert rc == OK and text.startswith("Book of student movement: Demo School No. 1"), text[:300]
    some = book["classes"][0]
    assert f"{some['class']}: at the start {some['start']}, arrived {len(some['arrived'])}" in text, text[:600]
    assert (f"School: at the start {book['total']['start']}, arrived {book['total']['arrived']}, "
            f"left {book['total']['left']}, at the end {book['total']['end']}") in text
    rc, text, err = ctl(socket_path, "--lang", "ru", "report", "movement-book", "--from", year["startDate"],
                        "--to", year["endDate"])
    assert rc == OK and "Книга движения обучающихся" in text and "Школа: на начало" in text, text[:300]

    path = directory / "movement.xlsx"
    rc, out, err = ctl(socket_path, "report", "movement-book", "--from", year["startDate"], "--to", year["endDate"],
                       "--format", "xlsx", "--output", str(path))
    assert rc == OK, err
    workbook = openpyxl.load_workbook(path)
    classes, movements = workbook.worksheets
    rows = list(classes.iter_rows(values_only=True))
    assert rows[0][:2] == ("Class", "At the start") and rows[len(book["classes"]) + 1][0] == "Total"
    assert rows[len(book["classes"]) + 1][1:5] == (book["total"]["start"], book["total"]["arrived"],
                                                  book["total"]["left"], book["total"]["end"])
    moves = list(movements.iter_rows(values_only=True))[1:]
    assert len(moves) == len(entries) and all(isinstance(row[2], datetime.datetime) for row in moves)

    rc, out, err = ctl(socket_path, "audit", "list", "--json")
    rows = [e for e in json.loads(out)["entries"] if e["target"] == "report:movement-book"]
    assert len(rows) == 4 and json.loads(rows[0]["details"])["persons"] == len({e["student"] for e in entries})
    # A period that ends before it starts is refused, naming the day.
    rc, out, err = ctl(socket_path, "report", "movement-book", "--from", year["endDate"], "--to", year["startDate"])
    assert rc == USAGE and year["startDate"] in err, err


def test_summary_sheet_lists_every_student_and_subject(demo):
    directory, socket_path = demo
    rc, out, err = ctl(socket_path, "report", "summary-sheet", "--json")
    assert rc == OK, err
    sheet = json.loads(out)["sheet"]
    rc, out, err = ctl(socket_path, "year", "list", "--json")
    last = json.loads(out)["years"][0]["endDate"]
    rc, out, err = ctl(socket_path, "movement", "--from", last, "--to", last, "--json")
    ends = {line["class"]: line["end"] for line in json.loads(out)["classes"] if line["end"]}
    # Every student in a class now (no order after today in the demo) is on their class's sheet, once.
    assert {part["class"]: len(part["students"]) for part in sheet["classes"]} == ends
    ids = [student["id"] for part in sheet["classes"] for student in part["students"]]
    assert len(ids) == len(set(ids))
    with sqlite3.connect(f"file:{directory}/yeard.sqlite?mode=ro", uri=True) as db:
        for part in sheet["classes"]:
            planned = {subject for (subject,) in db.execute(
                "SELECT DISTINCT cu.subject_id FROM curriculum cu JOIN school_class c ON c.year_id = cu.year_id "
                "AND c.grade = cu.grade AND cu.profile IN ('', coalesce(c.profile, '')) WHERE c.name = ?",
                (part["class"],))}
            assert planned <= {subject["id"] for subject in part["subjects"]}, part["class"]
        marks = dict(((student, subject), grade) for student, subject, grade in db.execute(
            "SELECT student_id, subject_id, grade FROM final_grade WHERE period = 'year'"))
    for part in sheet["classes"]:
        for student in part["students"]:
            assert student["grades"] == {subject: grade for (who, subject), grade in marks.items()
                                         if who == student["id"]}, student["id"]

    five = next(part for part in sheet["classes"] if part["class"] == "5А")
    rc, text, err = ctl(socket_path, "report", "summary-sheet", "--class", "5А")
    assert rc == OK and "Summary sheet of grades and promotion: Demo School No. 1" in text, text[:300]
    assert all(subject["name"] in text for subject in five["subjects"]) and five["students"][0]["name"] in text
    rc, text, err = ctl(socket_path, "--lang", "ru", "report", "summary-sheet", "--class", "5А")
    assert rc == OK and "Сводная ведомость" in text and "Решение" in text, text[:300]

    path = directory / "summary.xlsx"
    rc, out, err = ctl(socket_path, "report", "summary-sheet", "--format", "xlsx", "--output", str(path))
    assert rc == OK, err
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == [part["class"] for part in sheet["classes"]]
    rows = list(workbook["5А"].iter_rows(values_only=True))
    assert rows[0][:2] == ("№", "Student") and list(rows[0][2:2 + len(five["subjects"])]) == [
        subject["name"] for subject in five["subjects"]]
    first = five["students"][0]
    assert rows[1][1] == first["name"] and rows[1][2] == int(first["grades"][five["subjects"][0]["id"]])
    assert workbook["5А"].freeze_panes == "A2"

    # An unknown class is refused naming it; each sheet produced is audited with the number of persons.
    rc, out, err = ctl(socket_path, "report", "summary-sheet", "--class", "5Я")
    assert rc == USAGE and "no class 5Я with students" in err, err
    rc, out, err = ctl(socket_path, "audit", "list", "--json")
    rows = [e for e in json.loads(out)["entries"] if e["target"] == "report:summary-sheet"]
    assert len(rows) == 4 and json.loads(rows[0]["details"])["persons"] == len(ids), rows[0]


def print_to_pdf(html: Path, pdf: Path) -> list[str]:
    """Prints the page with headless Chromium as a school would (A4, the page's own margins), and returns the text
    of each printed page (pdftotext -layout)."""
    browser = shutil.which("chromium")
    assert browser and shutil.which("pdftotext"), "chromium and poppler-utils are installed by scripts/install-test-deps"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", html.as_uri()], check=True, capture_output=True, timeout=300)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert re.search(r"^Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)", info, re.M) or "landscape" in html.name, info
    return [subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout for page in range(1, count + 1)]


def check_printed_orders(directory, socket_path) -> None:
    """The orders of the rolled-over demo's year printed: a page per order and more, each page naming the school,
    the day and its number, no row cut, the table header repeated."""
    rc, out, err = ctl(socket_path, "report", "orders", "--year", "2026/2027", "--json")
    orders = json.loads(out)["report"]["orders"]
    html = directory / "orders.html"
    rc, out, err = ctl(socket_path, "report", "orders", "--year", "2026/2027", "--format", "html", "--output",
                       str(html))
    assert rc == OK, err
    pages = print_to_pdf(html, directory / "orders.pdf")
    assert len(pages) >= len(orders), (len(pages), len(orders))
    for number, text in enumerate(pages, 1):
        # Every page carries the school and the day at its top and its number at its foot.
        assert "Demo School No. 1" in text and re.search(r"printed \d{4}-\d\d-\d\d", text), text[:200]
        assert f"page {number} of {len(pages)}" in text, text[-200:]
    # Each order starts a page of its own: its heading is the first line under the school's name on some page.
    starts = [re.search(r"ORDER No\. (\S+) of", text) for text in pages]
    assert [match.group(1) for match in starts if match] == [order["number"] for order in orders]
    # No row is cut: each student's row (number, name, move) stands whole on one line of one page, and every page
    # with rows repeats the table's header.
    promotion = next(order for order in orders if order["kind"] == "promotion")
    first = pages.index(next(text for text in pages if f"ORDER No. {promotion['number']} of" in text))
    block = pages[first:first + len(pages)]
    for group_start in range(0, len(promotion["students"])):
        student = promotion["students"][group_start]
        row = re.compile(rf"^\s*\d+\s+{re.escape(student['name'])}\s+{re.escape(student['classFrom'])} → "
                         rf"{re.escape(student['classTo'])}\s*$", re.M)
        holding = [text for text in block if row.search(text)]
        assert len(holding) == 1, student
    for text in block:
        if re.search(r"^\s*\d+\s+\S+ \S+.*→", text, re.M):
            assert re.search(r"№\s+Student\s+Note", text), text[:400]
    # The first page as an image: it has ink on it.
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(directory / "orders.pdf"),
                    str(directory / "page")], check=True, timeout=60)
    image = next(directory.glob("page*.png")).read_bytes()
    assert image[:8] == b"\x89PNG\r\n\x1a\n" and len(image) > 3000, len(image)


def test_printed_summary_sheet_and_movement_book(demo):
    directory, socket_path = demo
    rc, out, err = ctl(socket_path, "report", "summary-sheet", "--class", "5А", "--json")
    sheet = json.loads(out)["sheet"]["classes"][0]
    html = directory / "summary-landscape.html"
    rc, out, err = ctl(socket_path, "--lang", "ru", "report", "summary-sheet", "--class", "5А", "--format", "html",
                       "--output", str(html))
    assert rc == OK, err
    pages = print_to_pdf(html, directory / "summary.pdf")
    text = "\n".join(pages)
    assert "Сводная ведомость учёта успеваемости" in text and "Demo School No. 1" in text
    for student in sheet["students"]:
        assert sum(student["name"] in page for page in pages) == 1, student["name"]
    rc, out, err = ctl(socket_path, "year", "list", "--json")
    year = json.loads(out)["years"][0]
    html = directory / "book.html"
    rc, out, err = ctl(socket_path, "report", "movement-book", "--from", year["startDate"], "--to", year["endDate"],
                       "--format", "html", "--output", str(html))
    assert rc == OK, err
    pages = print_to_pdf(html, directory / "book.pdf")
    assert "Book of student movement" in pages[0] and len(pages) > 1
    assert all(f"of {len(pages)}" in page for page in pages)


def test_consents_missing_and_the_forms_to_sign(daemon):
    from conftest import parse_json
    from test_checks import load

    d = daemon()
    load(d)
    rc, out, err = d.yearctl("yeard-secretary", "report", "consents-missing", "--school", "school-a", "--json")
    assert rc == OK, err
    report = parse_json(out)["report"]
    # Exactly whom the check consent.missing names, with the guardian who signs and how to reach them.
    rc, out, err = d.yearctl("yeard-coord", "checks", "run", "--school", "school-a", "--json")
    flagged = {f["entity_id"] for f in parse_json(out)["run"]["findings"] if f["check"] == "consent.missing"}
    assert [s["id"] for s in report["students"]] == sorted(flagged) == ["S2"], report
    student = report["students"][0]
    assert student["name"] == "Кузнецова Мария Олеговна" and student["class"] == "5А" and "signedOn" not in student
    assert student["guardians"] == [{"id": "G2", "name": "Кузнецов Олег Иванович", "relation": "отец"}], student
    rc, text, err = d.yearctl("yeard-secretary", "--lang", "ru", "report", "consents-missing", "--school",
                              "school-a")
    assert rc == OK and "Кузнецова Мария Олеговна" in text and "У 1 обучающегося нет действующего согласия." in text
    # Everyone, with the consent in force.
    rc, out, err = d.yearctl("yeard-secretary", "report", "consents-missing", "--school", "school-a", "--format",
                             "csv")
    assert rc == OK and len(list(csv.reader(io.StringIO(out)))) == 2, out

    # The forms of those who must sign: one page per guardian and child, in Russian, prefilled (written where the
    # secretary may write).
    papers = Path(d.dir) / "papers"
    papers.mkdir()
    papers.chmod(0o777)
    html = papers / "forms.html"
    rc, out, err = d.yearctl("yeard-secretary", "--lang", "ru", "report", "consent-form", "--school", "school-a",
                             "--missing", "--output", str(html))
    assert rc == OK, err
    pages = print_to_pdf(html, papers / "forms.pdf")
    assert len(pages) == 1, len(pages)
    text = re.sub(r"\s+", " ", pages[0])
    assert "Согласие на обработку персональных данных" in text and "Я, Кузнецов Олег Иванович" in text, text
    assert "Кузнецовой" not in text and "Кузнецова Мария Олеговна, 21.07.2015 года рождения" in text, text
    assert "обучающегося 5А класса" in text and "отозвано мной в любое время" in text, text
    # Every student's forms: S1 and S3 with their guardians as well.
    rc, out, err = d.yearctl("yeard-secretary", "report", "consent-form", "--school", "school-a", "--output",
                             str(html))
    assert rc == OK and html.read_text().count('class="document form"') == 3

    # A school's own form replaces the shipped one by name; its values are escaped all the same.
    mine = papers / "templates"
    mine.mkdir()
    mine.chmod(0o755)
    (mine / "consent-form.mustache").write_text("{{#forms}}<p>{{guardianSigned}}: {{statement}}</p>{{/forms}}")
    rc, out, err = d.yearctl("yeard-secretary", "report", "consent-form", "--school", "school-a", "--student", "S1",
                             "--templates", str(mine))
    assert rc == OK and out.startswith("<p>Иванова Ольга Петровна: I, Иванова Ольга Петровна,"), out
    (mine / "consent-form.mustache").write_text("{{#forms}} never closed")
    rc, out, err = d.yearctl("yeard-secretary", "report", "consent-form", "--school", "school-a", "--templates",
                             str(mine))
    assert rc == USAGE and f"{mine}/consent-form.mustache is not valid Mustache" in err, err

    # A student in no class of the year is refused, naming them; each report of names is audited.
    rc, out, err = d.yearctl("yeard-secretary", "report", "consent-form", "--school", "school-a", "--student", "S9")
    assert rc == USAGE and "student S9 is in no class of the year 2026/2027" in err, err
    rc, out, err = d.yearctl("yeard-auditor", "audit", "list", "--school", "school-a", "--json")
    rows = [json.loads(e["details"]) for e in parse_json(out)["entries"] if e["target"] == "report:consents"]
    # (json, Russian text and CSV of the missing, their forms, everyone's forms, S1's; a broken template fetched
    # nothing.)
    assert [row["persons"] for row in rows] == [2, 2, 2, 2, 6, 2], rows
    assert rows[0]["missingOnly"] is True and rows[4]["missingOnly"] is False and rows[5]["student"] == "S1"

    # The class teacher of 5А (yeard-teacher is T1's login) prints the forms of their own class, and only theirs.
    rc, out, err = d.yearctl("yeard-teacher", "report", "consents-missing", "--school", "school-a", "--class", "5а",
                             "--json")
    assert rc == OK and [s["id"] for s in parse_json(out)["report"]["students"]] == ["S2"], (out, err)
    for args in ((), ("--class", "11А"), ("--student", "S1")):
        rc, out, err = d.yearctl("yeard-teacher", "report", "consent-form", "--school", "school-a", *args)
        assert rc == 3 and "permission denied" in err, (args, out, err)
    rc, out, err = d.yearctl("yeard-auditor", "audit", "list", "--school", "school-a", "--json")
    rows = [e for e in parse_json(out)["entries"] if e["target"] == "report:consents"]
    assert rows[-1]["role"] == "teacher" and rows[-1]["user"] == "yeard-teacher", rows[-1]
