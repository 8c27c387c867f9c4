"""The school registry through yearctl, as the people who keep it: CSV in, CSV out, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import parse_json

STAFF = "staff_id,last_name,first_name,middle_name,position,login\nT1,Петрова,Анна,Ивановна,учитель,apetrova\n"
CLASSES = "\ufeffclass;grade;letter;profile;class_type;class_teacher_id;capacity\r\n5А;5;А;;;T1;30\r\n5Б;5;Б;;;;\r\n"
STUDENTS = (
    "student_id,last_name,first_name,middle_name,birth_date,gender,class,personal_file_no,snils,enrolled_on\n"
    "S1,Ёлкин,Пётр,Ильич,01.03.2015,М,5А,П-1,123-456-789 01,01.09.2022\n"
    "S2,Иванова,\"Мария, Анна\",,2015-07-12,Ж,5Б,П-2,,\n"
)


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    path.chmod(0o644)
    return path


def load(d) -> dict:
    """The year, then staff and students by the secretary and classes by the admin; returns the year."""
    rc, out, err = d.yearctl("yeard-admin", "year", "create", "2026/2027", "--school", "school-a", "--json")
    assert rc == 0, err
    year = parse_json(out)["year"]
    for user, kind, text in [("yeard-secretary", "staff", STAFF), ("yeard-admin", "classes", CLASSES),
                             ("yeard-secretary", "students", STUDENTS)]:
        path = write(d.dir, f"{kind}.csv", text)
        rc, out, err = d.yearctl(user, "import", kind, str(path), "--school", "school-a", "--json")
        assert rc == 0, (kind, out, err)
        report = parse_json(out)
        assert report["applied"] and report["problemCount"] == 0, report
    return year


def test_the_registry_is_loaded_and_round_trips(daemon):
    d = daemon()
    load(d)
    for kind in ("staff", "classes", "students"):
        rc, exported, err = d.yearctl("yeard-auditor", "export", kind, "--school", "school-a")
        assert rc == 0, err
        path = write(d.dir, f"again-{kind}.csv", exported)
        user = "yeard-admin" if kind == "classes" else "yeard-secretary"
        rc, out, err = d.yearctl(user, "import", kind, str(path), "--school", "school-a", "--json")
        report = parse_json(out)
        assert rc == 0 and report["added"] == 0 and report["changed"] == 0, report
        assert report["unchanged"] == report["rows"] > 0, report
    rc, students, _ = d.yearctl("yeard-auditor", "export", "students", "--school", "school-a")
    assert "S2,Иванова,\"Мария, Анна\",,2015-07-12,F,5Б,П-2,," in students


def test_a_bad_file_writes_nothing_and_names_every_problem(daemon):
    d = daemon()
    load(d)
    before = d.yearctl("yeard-auditor", "export", "students", "--school", "school-a")[1]
    bad = write(d.dir, "bad.csv", "student_id,last_name,first_name,birth_date,gender,class\n"
                                  "S3,Новиков,Иван,2015-01-01,M,5А\n"
                                  "S4,Орлова,,30.02.2015,F,5А\n")
    rc, out, err = d.yearctl("yeard-secretary", "import", "students", str(bad), "--school", "school-a")
    assert rc == 1, (out, err)
    assert "bad.csv:3:3 (first_name): a value is required" in err, err
    assert "bad.csv:3:4 (birth_date)" in err, err
    assert d.yearctl("yeard-auditor", "export", "students", "--school", "school-a")[1] == before
    rc, out, err = d.yearctl("yeard-secretary", "import", "students", str(bad), "--school", "school-a", "--dry-run",
                             "--json")
    report = parse_json(out)
    assert rc == 1 and report["dryRun"] and not report["applied"] and report["problemCount"] == 2, report


def test_each_kind_has_its_writer(daemon):
    d = daemon()
    load(d)
    path = write(d.dir, "staff2.csv", STAFF)
    for user, expected in [("yeard-admin", 3), ("yeard-teacher", 3), ("yeard-auditor", 3), ("yeard-secretary", 0)]:
        rc, _, err = d.yearctl(user, "import", "staff", str(path), "--school", "school-a")
        assert rc == expected, (user, err)
    classes = write(d.dir, "classes2.csv", CLASSES)
    rc, _, err = d.yearctl("yeard-secretary", "import", "classes", str(classes), "--school", "school-a")
    assert rc == 3 and "admin" in err, err


def test_imports_are_audited_with_the_files_hash(daemon):
    d = daemon()
    load(d)
    rc, out, _ = d.yearctl("yeard-auditor", "audit", "list", "--school", "school-a", "--json")
    imports = [entry for entry in parse_json(out)["entries"] if entry["action"] == "registry.import"]
    assert [json.loads(entry["details"])["kind"] for entry in imports] == ["staff", "classes", "students"]
    assert all(len(json.loads(entry["details"])["sha256"]) == 64 for entry in imports)


def test_everyday_records_by_the_people_who_keep_them(daemon):
    """The secretary records a consent and its withdrawal; the class teacher (a staff member by login) records a
    grade for their own subject and changes a guardian's phone; outside their class and subject they are refused."""
    d = daemon()
    load(d)
    extra = {
        ("yeard-secretary", "staff"): "staff_id,last_name,first_name,login\nT7,Учитель,Иван,yeard-teacher\n",
        ("yeard-admin", "subjects"): "subject_id,name\nmath,Математика\nrus,Русский язык\n",
        ("yeard-admin", "classes"): "class,class_teacher_id\n5А,T7\n",
        ("yeard-admin", "assignments"): "class,subject_id,group,teacher_id\n5А,math,,T7\n5А,rus,,T1\n",
        # Quarter grades refer to the grade's study periods.
        ("yeard-admin", "periods"): "grade,period,starts_on,ends_on\n5,q1,2026-09-01,2026-10-25\n",
        ("yeard-secretary", "guardians"): "guardian_id,student_id,relation,last_name,first_name\nG1,S1,мать,Ёлкина,Анна\n"
                                          "G2,S2,отец,Иванов,Иван\n",
    }
    for (user, kind), text in extra.items():
        path = write(d.dir, f"extra-{kind}.csv", text)
        rc, out, err = d.yearctl(user, "import", kind, str(path), "--school", "school-a")
        assert rc == 0, (kind, out, err)

    rc, out, err = d.yearctl("yeard-secretary", "record", "consents", "person_id=S1", "person_kind=student",
                             "signed_by=G1", "signed_on=25.08.2026", "--school", "school-a")
    assert rc == 0 and "Recorded" in out, (out, err)
    rc, out, err = d.yearctl("yeard-secretary", "record", "consents", "person_id=S1", "person_kind=student",
                             "signed_on=2026-08-25", "withdrawn_on=2026-11-01", "--school", "school-a")
    assert rc == 0 and "Changed" in out, (out, err)

    rc, out, err = d.yearctl("yeard-teacher", "record", "grades", "student_id=S1", "subject_id=math", "period=q1",
                             "grade=5", "--school", "school-a")
    assert rc == 0, (out, err)
    rc, out, err = d.yearctl("yeard-teacher", "record", "grades", "student_id=S1", "subject_id=rus", "period=q1",
                             "grade=5", "--school", "school-a")
    assert rc == 1 and "own assignments" in err, (out, err)

    rc, out, err = d.yearctl("yeard-teacher", "contact", "S1", "G1", "--phone", "+7 900 111-22-33", "--school",
                             "school-a")
    assert rc == 0 and "Changed" in out, (out, err)
    rc, out, err = d.yearctl("yeard-teacher", "contact", "S2", "G2", "--phone", "+7 900 111-22-33", "--school",
                             "school-a")
    assert rc == 3, (out, err)
    rc, exported, _ = d.yearctl("yeard-auditor", "export", "guardians", "--school", "school-a")
    assert "G1,S1,мать,Ёлкина,Анна,,+7 900 111-22-33," in exported, exported
