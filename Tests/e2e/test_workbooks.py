"""Excel workbooks (.xlsx) in: written by an independent writer (openpyxl), they import exactly as the equal CSV does,
for every kind; a problem names its cell (students.xlsx:Ученики!E3); formulas' values are read and said aside; and
hostile workbooks (a ZIP bomb, XXE, billion laughs, a cut archive, 16,384 columns, an .xls) are refused with a sentence,
nothing imported and the daemon alive."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import YEARCTL, run_as, varlink_call
from test_demo import demo  # noqa: F401  (the demo school's fixture: a full generated registry)

OK, REFUSED = 0, 1
ISO_DATE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)$")
# Digits a spreadsheet keeps as a number without changing their text (no leading zero, within a double's integers).
PLAIN_NUMBER = re.compile(r"^(0|[1-9]\d{0,14})$")
KINDS = ["staff", "subjects", "classes", "students", "guardians", "consents", "applications", "curriculum",
         "assignments", "schedule", "periods", "decisions", "orders", "certificates", "retakes"]


def ctl(socket_path, *args: str, user: str = "root"):
    result = run_as(user, [str(YEARCTL), "--socket", str(socket_path), *args])
    return result.returncode, result.stdout, result.stderr


def typed(field: str, row: int):
    """A CSV field as a person's spreadsheet holds it: dates as dates (every other row as the text 01.09.2026, as
    exports also have them), plain numbers as numbers, the rest as text."""
    found = ISO_DATE.match(field)
    if found:
        if row % 2:
            return f"{found[3]}.{found[2]}.{found[1]}"
        return datetime.date(int(found[1]), int(found[2]), int(found[3]))
    if PLAIN_NUMBER.match(field):
        return int(field)
    return field if field != "" else None


def write_workbook(path: Path, sheets: list[tuple[str, list[list]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for values in rows:
            sheet.append(values)
        for line in sheet.iter_rows():
            for cell in line:
                # Excel gives a date format to a date typed in, and to a cell whose formula makes a date.
                if isinstance(cell.value, datetime.date) or str(cell.value).startswith("=DATE("):
                    cell.number_format = "DD.MM.YYYY"
    book.save(path)
    path.chmod(0o644)
    return path


def patch(path: Path, part: str, change, encoding: str = "utf-8") -> Path:
    """Rewrites one part of a workbook's archive with `change(text)`, as a hand-edited (or hostile) file would be."""
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            if info.filename == part:
                data = change(data.decode()).encode(encoding)
            target.writestr(info.filename, data)
    return path


def test_every_kind_imports_from_a_workbook_as_from_its_csv(demo):
    """Each kind exported as CSV, put in a workbook below a title row and a blank one, with the Russian header, dates
    as dates or as text, numbers as numbers, a second sheet beside it: the import finds every row unchanged."""
    directory, socket_path = demo
    for kind in KINDS:
        rc, english, err = ctl(socket_path, "export", kind)
        assert rc == OK, err
        rc, russian, err = ctl(socket_path, "export", kind, "--headers", "ru")
        assert rc == OK, err
        rows = list(csv.reader(io.StringIO(russian)))
        data = [[typed(field, number) for field in row] for number, row in enumerate(rows[1:])]
        path = write_workbook(directory / f"{kind}.xlsx", [
            ("Выгрузка", [[f"Выгрузка: {kind}"], [], rows[0], *data, [" "]]),
            ("Справка", [["Сформировано", datetime.date(2026, 9, 1)]]),
        ])
        rc, out, err = ctl(socket_path, "import", kind, str(path), "--json")
        assert rc == OK, (kind, out, err)
        report = json.loads(out)
        assert report["problemCount"] == 0 and report["extraColumns"] == [], (kind, report)
        assert report["rows"] == len(rows) - 1 and report["unchanged"] == report["rows"], (kind, report)
        assert report["added"] == 0 and report["changed"] == 0, (kind, report)
        assert report["sheet"] == "Выгрузка" and "encoding" not in report and "warnings" not in report, report
        assert ctl(socket_path, "export", kind)[1] == english, kind


STUDENT_HEADER = ["student_id", "last_name", "first_name", "middle_name", "birth_date", "gender", "class"]


def test_a_workbooks_problems_name_their_cells_and_formulas_are_said(demo):
    directory, socket_path = demo
    before = ctl(socket_path, "export", "students")[1]
    path = write_workbook(directory / "students.xlsx", [
        ("Ученики", [
            ["Новые ученики 2026/2027"],
            STUDENT_HEADER,
            ["N1", "Новиков", "Иван", None, "30.02.2015", "М", "5А"],
            ["N2", "Орлова", "Анна", None, "=DATE(2015,3,1)", "Ж", "5А"],
            ["N3", "Петров", "Пётр", None, "=1/0", "М", "5А"],
            ["N4", "Сидоров", "Илья", None, datetime.date(2015, 4, 1), "М", "5А", None, "заметка"],
        ]),
    ])

    # Excel's own values of the formulas, as a spreadsheet saves them beside each formula (openpyxl writes none).
    def computed(xml: str) -> str:
        xml = re.sub(r'<c r="E4"([^>]*)><f>([^<]*)</f><v\s*/?>(</v>)?', r'<c r="E4"\1><f>\2</f><v>42064</v>', xml)
        return re.sub(r'<c r="E5"([^>]*)><f>([^<]*)</f><v\s*/?>(</v>)?', r'<c r="E5" t="e"><f>\2</f><v>#DIV/0!</v>',
                      xml)

    patch(path, "xl/worksheets/sheet1.xml", computed)
    rc, out, err = ctl(socket_path, "import", "students", str(path), "--as-of", "2026-09-01")
    assert rc == REFUSED, (out, err)
    assert "students.xlsx:Ученики!E3 (birth_date): expected a date" in err, err
    assert "students.xlsx:Ученики!E5 (birth_date): the cell holds the formula error #DIV/0!" in err, err
    assert "students.xlsx:Ученики!I6: the row has a value in 1 cell to the right of the header's last column" in err
    assert "Ученики!E4" not in err, err  # the formula's value is a date, read
    rc, out, err = ctl(socket_path, "--lang", "ru", "import", "students", str(path), "--as-of", "2026-09-01")
    assert rc == REFUSED and "students.xlsx:Ученики!E5 (birth_date): в ячейке ошибка формулы #DIV/0!" in err, err
    assert ctl(socket_path, "export", "students")[1] == before

    # The good rows alone: the formula's value is imported and said aside, with its cell.
    good = write_workbook(directory / "good.xlsx", [
        ("Ученики", [STUDENT_HEADER, ["N2", "Орлова", "Анна", None, "=DATE(2015,3,1)", "Ж", "5А"]])])
    patch(good, "xl/worksheets/sheet1.xml",
          lambda xml: re.sub(r'<c r="E2"([^>]*)><f>([^<]*)</f><v\s*/?>(</v>)?', r'<c r="E2"\1><f>\2</f><v>42064</v>',
                             xml))
    rc, out, err = ctl(socket_path, "import", "students", str(good), "--dry-run", "--json")
    report = json.loads(out)
    assert rc == OK and report["problemCount"] == 0 and report["added"] == 1, (report, err)
    assert report["warningCount"] == 1 and report["warnings"][0]["sheet"] == "Ученики", report
    assert report["warnings"][0]["params"] == {"code": "formula", "got": "2015-03-01"}, report
    rc, out, err = ctl(socket_path, "import", "students", str(good), "--dry-run")
    assert rc == OK and "good.xlsx:Ученики!E2 (birth_date): the cell holds a formula" in out, (out, err)

    # A formula never computed (the writer does not compute them) is not an empty value.
    raw = write_workbook(directory / "raw.xlsx", [
        ("Ученики", [STUDENT_HEADER, ["N2", "Орлова", "Анна", None, "=DATE(2015,3,1)", "Ж", "5А"]])])
    rc, out, err = ctl(socket_path, "import", "students", str(raw), "--dry-run")
    assert rc == REFUSED and "raw.xlsx:Ученики!E2 (birth_date): the cell holds a formula that was never computed" \
        in out, (out, err)


def test_what_the_import_does_not_read_refuses_nothing(demo):
    """A hidden first sheet (lookup tables) is passed over; an error or a formula in a column the kind does not know,
    and a space right of the header, are not the import's business."""
    directory, socket_path = demo
    book = openpyxl.Workbook()
    lookup = book.active
    lookup.title = "Справочник"
    lookup.append(["Коды"])
    lookup.sheet_state = "hidden"
    students = book.create_sheet("Ученики")
    students.append(STUDENT_HEADER + ["Примечание"])
    students.append(["N7", "Орлова", "Анна", None, datetime.date(2015, 3, 1), "Ж", "5А", "=1/0", None, " "])
    students["E2"].number_format = "DD.MM.YYYY"
    path = directory / "hidden.xlsx"
    book.save(path)
    path.chmod(0o644)
    patch(path, "xl/worksheets/sheet2.xml", lambda xml: re.sub(
        r'<c r="H2"([^>]*)><f>([^<]*)</f><v\s*/?>(</v>)?', r'<c r="H2" t="e"><f>\2</f><v>#DIV/0!</v>', xml))
    rc, out, err = ctl(socket_path, "import", "students", str(path), "--dry-run", "--json")
    report = json.loads(out)
    assert rc == OK and report["sheet"] == "Ученики" and report["added"] == 1, (report, err)
    assert report["extraColumns"] == ["Примечание"] and "warnings" not in report, report


def test_the_sheet_is_chosen_by_name(demo):
    directory, socket_path = demo
    rc, english, _ = ctl(socket_path, "export", "subjects")
    rows = list(csv.reader(io.StringIO(english)))
    path = write_workbook(directory / "book.xlsx", [("Обложка", [["Предметы школы"]]), ("Предметы", rows)])
    rc, out, err = ctl(socket_path, "import", "subjects", str(path))
    assert rc == REFUSED, (out, err)
    assert "the first sheet, 'Обложка', was read; the workbook also has 'Предметы'" in err, err
    rc, out, err = ctl(socket_path, "import", "subjects", str(path), "--sheet", "Нет такого")
    assert rc == REFUSED and "the workbook has no sheet 'Нет такого'; its sheets are: 'Обложка', 'Предметы'" in err
    rc, out, err = ctl(socket_path, "import", "subjects", str(path), "--sheet", "предметы", "--json")
    report = json.loads(out)
    assert rc == OK and report["sheet"] == "Предметы" and report["unchanged"] == len(rows) - 1, (report, err)


def with_doctype(xml: str, doctype: str) -> str:
    """`xml` with `doctype` after its XML declaration (openpyxl writes parts without one)."""
    found = re.match(r"<\?xml[^>]*\?>", xml)
    return xml[: found.end()] + doctype + xml[found.end():] if found else doctype + xml


def hostile_files(directory: Path) -> list[tuple[str, Path, str]]:
    """(what, file, what the refusal says) for each hostile or broken workbook."""
    base = write_workbook(directory / "base.xlsx", [("Лист1", [STUDENT_HEADER, ["N9", "Ким", "Ли", None,
                                                                                 "2015-01-01", "М", "5А"]])])
    data = base.read_bytes()
    files = []

    def copy(name: str) -> Path:
        path = directory / name
        path.write_bytes(data)
        path.chmod(0o644)
        return path

    xls = directory / "old.xlsx"
    xls.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(4088))
    files.append(("an Excel 97-2003 file", xls, "Excel 97-2003 workbook (.xls) or a password-protected one"))
    bomb = copy("bomb.xlsx")
    patch(bomb, "xl/worksheets/sheet1.xml", lambda xml: xml.replace("</sheetData>", "</sheetData>" + " " * 60_000_000))
    files.append(("a ZIP bomb", bomb, "unpacks to more than 100 times its packed size"))
    xxe = copy("xxe.xlsx")
    patch(xxe, "xl/worksheets/sheet1.xml", lambda xml: with_doctype(
        xml, '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>').replace(">Ким<", ">&xxe;<"))
    files.append(("an external entity", xxe, "declares a document type or entities"))
    laughs = copy("laughs.xlsx")
    entities = '<!DOCTYPE l [<!ENTITY l "lol">' + "".join(
        f'<!ENTITY l{i} "{("&l" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)) + "]>"
    patch(laughs, "xl/workbook.xml", lambda xml: with_doctype(xml, entities).replace('name="Лист1"', 'name="&l9;"'))
    files.append(("billion laughs", laughs, "declares a document type or entities"))
    utf16 = copy("utf16.xlsx")
    patch(utf16, "xl/worksheets/sheet1.xml", lambda xml: '<?xml version="1.0" encoding="UTF-16"?>' + with_doctype(
        xml, entities).replace(">Ким<", ">&l9;<"), encoding="utf-16")
    files.append(("billion laughs in UTF-16", utf16, "is not well-formed XML"))
    long = write_workbook(directory / "long.xlsx", [("Лист1", [STUDENT_HEADER, ["N9", "\U0001F600" * 20_000, "Ли", None,
                                                                              "2015-01-01", "М", "5А"]])])
    files.append(("a cell of 80,000 bytes", long, "holds more than 65536 bytes of text"))
    cut = directory / "cut.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    files.append(("a cut archive", cut, "the workbook is damaged"))
    broken = copy("broken.xlsx")
    patch(broken, "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2])
    files.append(("broken XML", broken, "is not well-formed XML"))
    wide = write_workbook(directory / "wide.xlsx", [("Лист1", [STUDENT_HEADER, ["N9", "Ким", "Ли", None, "2015-01-01",
                                                                              "М", "5А"] + [None] * 16_376 + ["x"]])])
    files.append(("a value in column XFD", wide, "to the right of the header's last column"))
    every = write_workbook(directory / "every.xlsx", [("Лист1", [[f"c{i}" for i in range(16_384)]])])
    files.append(("a header of 16,384 columns", every, "the row has values in more than 1024 columns"))
    other = directory / "other.xlsx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    other.chmod(0o644)
    files.append(("a ZIP that is no workbook", other, "is a ZIP archive but not an Excel workbook"))
    return files


def test_hostile_workbooks_are_refused_and_nothing_is_imported(demo):
    directory, socket_path = demo
    before = ctl(socket_path, "export", "students")[1]
    for what, path, sentence in hostile_files(directory):
        rc, out, err = ctl(socket_path, "import", "students", str(path))
        assert rc == REFUSED, (what, out, err)
        assert sentence in err, (what, err)
        assert "error" not in varlink_call(socket_path, "org.varlink.service.GetInfo"), what
    assert ctl(socket_path, "export", "students")[1] == before
    # The refusals in Russian say what to do.
    rc, out, err = ctl(socket_path, "--lang", "ru", "import", "students", str(directory / "old.xlsx"))
    assert rc == REFUSED and "old.xlsx: это книга Excel 97-2003" in err, err


FIXTURES = Path(__file__).parent / "fixtures" / "workbooks"


def test_workbooks_saved_by_libreoffice_import_as_their_csv(daemon):
    """LibreOffice's workbooks (shared strings, dates typed as dates) go in first; their CSV files then change nothing."""
    d = daemon()
    rc, out, err = d.yearctl("yeard-admin", "year", "create", "2026/2027", "--school", "school-a")
    assert rc == OK, err
    writers = {"staff": "yeard-secretary", "classes": "yeard-admin", "students": "yeard-secretary"}
    for kind, user in writers.items():
        workbook = d.dir / f"{kind}.xlsx"
        workbook.write_bytes((FIXTURES / f"{kind}.xlsx").read_bytes())
        workbook.chmod(0o644)
        rc, out, err = d.yearctl(user, "import", kind, str(workbook), "--school", "school-a", "--json")
        assert rc == OK, (kind, out, err)
        report = json.loads(out)
        rows = len((FIXTURES / f"{kind}.csv").read_text(encoding="utf-8").splitlines()) - 1
        assert report["added"] == report["rows"] == rows and report["sheet"] == kind, report
    for kind, user in writers.items():
        text = d.dir / f"{kind}.csv"
        text.write_bytes((FIXTURES / f"{kind}.csv").read_bytes())
        text.chmod(0o644)
        rc, out, err = d.yearctl(user, "import", kind, str(text), "--school", "school-a", "--json")
        report = json.loads(out)
        assert rc == OK and report["unchanged"] == report["rows"] > 0, (kind, report, err)
    rc, out, _ = d.yearctl("yeard-auditor", "export", "students", "--school", "school-a")
    assert "S1,Ёлкин,Пётр,Ильич,2015-03-01,M,5А,П-1,12345678901,2022-09-01," in out, out
    old = d.dir / "students.xls"
    old.write_bytes((FIXTURES / "students.xls").read_bytes())
    old.chmod(0o644)
    rc, out, err = d.yearctl("yeard-secretary", "import", "students", str(old), "--school", "school-a")
    assert rc == REFUSED and "students.xls: this is an Excel 97-2003 workbook (.xls)" in err, err


def test_every_kind_exports_as_a_typed_workbook_that_imports_back(demo):
    directory, socket_path = demo
    for kind in KINDS:
        rc, raw, err = ctl(socket_path, "export", kind, "--raw")
        assert rc == OK, err
        expected = list(csv.reader(io.StringIO(raw)))
        path = directory / f"export-{kind}.xlsx"
        rc, out, err = ctl(socket_path, "export", kind, "--format", "xlsx", "--output", str(path))
        assert rc == OK and out == "", (kind, out, err)
        book = openpyxl.load_workbook(path)
        sheet = book.active
        assert sheet.title == kind and sheet.freeze_panes == "A2", (kind, sheet.title, sheet.freeze_panes)
        rows = list(sheet.iter_rows())
        assert [cell.value for cell in rows[0]] == expected[0] and rows[0][0].font.b, kind
        assert len(rows) == len(expected), kind
        for cells, fields in zip(rows[1:], expected[1:]):
            for cell, field in zip(cells, fields):
                if ISO_DATE.match(field):
                    assert cell.is_date and cell.value.date().isoformat() == field, (kind, cell, field)
                elif PLAIN_NUMBER.match(field) and cell.data_type == "n":
                    assert cell.value == int(field), (kind, cell, field)
                else:
                    assert cell.data_type in ("s", "n") and (cell.value or "") == field, (kind, cell, field)
        widths = [sheet.column_dimensions[column].width for column in sheet.column_dimensions]
        assert widths and all(6 <= width <= 60 for width in widths), (kind, widths)
        rc, out, err = ctl(socket_path, "import", kind, str(path), "--json")
        report = json.loads(out)
        assert rc == OK and report["unchanged"] == report["rows"] == len(expected) - 1, (kind, report, err)


def test_formula_like_text_is_exported_as_text(demo):
    directory, socket_path = demo
    rc, staff, _ = ctl(socket_path, "export", "staff")
    rows = list(csv.reader(io.StringIO(staff)))
    position = rows[0].index("position")
    rows[1][position] = '=HYPERLINK("http://example.org","x")'
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    path = directory / "staff-formula.csv"
    path.write_text(text.getvalue(), encoding="utf-8")
    rc, out, err = ctl(socket_path, "import", "staff", str(path))
    assert rc == OK, (out, err)
    workbook = directory / "staff.xlsx"
    rc, out, err = ctl(socket_path, "export", "staff", "--format", "xlsx", "-o", str(workbook))
    assert rc == OK, err
    cell = openpyxl.load_workbook(workbook).active.cell(row=2, column=position + 1)
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://example.org","x")', (cell.data_type, cell.value)
    with zipfile.ZipFile(workbook) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    # To a terminal a workbook is refused; into a pipe it is written whole.
    result = run_as("root", ["script", "-qec", f"{YEARCTL} --socket {socket_path} export staff --format xlsx",
                             "/dev/null"])
    assert result.returncode != OK and "name the file with --output staff.xlsx" in result.stdout, result.stdout
    piped = subprocess.run([str(YEARCTL), "--socket", str(socket_path), "export", "staff", "--format", "xlsx"],
                           capture_output=True, timeout=30)
    assert piped.returncode == OK and piped.stdout.startswith(b"PK\x03\x04"), piped.stderr
    assert openpyxl.load_workbook(io.BytesIO(piped.stdout)).active.cell(row=2, column=position + 1).value == \
        cell.value


def test_the_workbook_part_limit_is_the_configured_one(daemon):
    """[daemon] workbook_max_part_bytes: a sheet that unpacks past it is refused naming the limit, nothing imported,
    even when it packs no better than real text does (the ratio check would not catch it)."""
    import random
    d = daemon(daemon_keys={"workbook_max_part_bytes": 1 << 20})
    rc, out, err = d.yearctl("yeard-admin", "year", "create", "2026/2027", "--school", "school-a")
    assert rc == OK, err
    generator = random.Random(7)
    rows = [STUDENT_HEADER] + [[f"N{n}", "".join(generator.choice("абвгдежзиклмнопрстуф") for _ in range(40)), "Ли",
                                None, "2015-01-01", "М", None] for n in range(12_000)]
    path = write_workbook(d.dir / "large.xlsx", [("Лист1", rows)])
    rc, out, err = d.yearctl("yeard-secretary", "import", "students", str(path), "--school", "school-a")
    assert rc == REFUSED and "unpacks to more than 1 MB; refused as a possible ZIP bomb" in err, (out, err)
    rc, out, err = d.yearctl("yeard-auditor", "export", "students", "--school", "school-a")
    assert rc == OK and out.count("\n") == 1, out
