"""The daemon through the reference Python Varlink client (varlink 31.0.0) and its CLI.

The client fetches every interface description (so each must parse) but checks primitive types only: the shapes
of the replies are asserted here against the types of YeardAPI.swift, copied on purpose.
The client runs as root, which holds admin and auditor through the uid-0 grant of the test configuration.
"""

import re
import subprocess
import sys

import pytest
import varlink

INTERFACES = ["org.varlink.service", "io.yeard.Year", "io.yeard.Approval", "io.yeard.Audit", "io.yeard.Registry",
              "io.yeard.Checks", "io.yeard.Rollover", "io.yeard.Backup", "io.yeard.Reports"]

# Reply types, in Varlink notation: "?T" may be absent or null, "[]T" is an array, other names are types below.
TYPES = {
    "Year": {
        "id": "int", "school": "string", "label": "string", "startDate": "string", "endDate": "string",
        "state": "string", "version": "int", "gradeEnds": "[]GradeEnd",
    },
    "GradeEnd": {"grade": "int", "endDate": "string"},
    "School": {
        "id": "string", "name": "string", "timeZone": "string", "firstGrade": "int", "lastGrade": "int",
        "graduatingGrades": "[]int", "yourRoles": "[]string",
    },
    "SchoolStatus": {
        "id": "string", "name": "string", "activeYear": "?Year", "openYears": "[]Year", "pendingRequests": "int",
    },
    "Request": {
        "id": "int", "school": "string", "year": "int", "yearLabel": "string", "event": "string", "from": "string",
        "to": "string", "reason": "string", "payloadHash": "string", "yearVersion": "int", "requesterUid": "int",
        "requester": "string", "createdAt": "string", "expiresAt": "string", "status": "string",
        "deciderUid": "?int", "decider": "?string", "decidedAt": "?string", "decisionReason": "?string",
    },
    "Entry": {
        "seq": "int", "at": "string", "uid": "int", "user": "string", "role": "string", "school": "?string",
        "action": "string", "target": "string", "details": "string", "prevHash": "string", "hash": "string",
    },
}

REPLIES = {
    "GetInfo": {"vendor": "string", "product": "string", "version": "string", "url": "string",
                "interfaces": "[]string"},
    "Status": {"version": "string", "uptimeSeconds": "int", "auditHead": "?string", "schools": "[]SchoolStatus"},
    "ListSchools": {"schools": "[]School"},
    "Year.List": {"years": "[]Year"},
    "Year": {"year": "Year"},
    "Approval.List": {"requests": "[]Request"},
    "Request": {"request": "Request"},
    "Audit.List": {"entries": "[]Entry"},
    "Verify": {"intact": "bool", "rows": "int", "head": "?string", "brokenAt": "?int", "reason": "?string"},
}

PRIMITIVES = {"string": str, "bool": bool, "float": float}


def check(value, kind, path="reply"):
    """Asserts that value has the Varlink type `kind` (a name, or an object's field table)."""
    if isinstance(kind, dict):
        assert isinstance(value, dict), f"{path}: expected an object, got {value!r}"
        extra = set(value) - set(kind)
        assert not extra, f"{path}: fields not in the interface: {extra}"
        for field, field_kind in kind.items():
            if field_kind.startswith("?"):
                if value.get(field) is not None:
                    check(value[field], field_kind[1:], f"{path}.{field}")
            else:
                assert field in value and value[field] is not None, f"{path}: required field {field} missing: {value}"
                check(value[field], field_kind, f"{path}.{field}")
    elif kind.startswith("[]"):
        assert isinstance(value, list), f"{path}: expected an array, got {value!r}"
        for index, item in enumerate(value):
            check(item, kind[2:], f"{path}[{index}]")
    elif kind == "int":
        assert type(value) is int, f"{path}: expected an int, got {value!r}"
    elif kind in PRIMITIVES:
        assert type(value) is PRIMITIVES[kind], f"{path}: expected {kind}, got {value!r}"
    else:
        check(value, TYPES[kind], path)


@pytest.fixture(scope="module")
def client_daemon(module_daemon):
    return module_daemon()


@pytest.fixture
def client(client_daemon):
    c = varlink.Client.new_with_address("unix:" + str(client_daemon.socket))
    yield c
    c.cleanup()


def test_every_listed_interface_opens(client):
    with client.open("org.varlink.service") as service:
        info = service.GetInfo()
    check(info, REPLIES["GetInfo"])
    assert info["interfaces"] == INTERFACES
    assert info["product"] == "yeard" and re.fullmatch(r"\d+\.\d+\.\d+", info["version"])
    for name in info["interfaces"]:
        with client.open(name) as connection:
            assert connection is not None
        interface = client.get_interface(name)
        assert interface.name == name
    methods = {name: set(client.get_interface(name).members) for name in INTERFACES[1:]}
    assert {"Status", "ListSchools", "List", "Get", "Create"} <= methods["io.yeard.Year"]
    assert {"List", "Get", "File", "Approve", "Reject", "Cancel"} <= methods["io.yeard.Approval"]
    assert {"List", "Verify"} <= methods["io.yeard.Audit"]


def test_year_interface(client):
    with client.open("io.yeard.Year") as year:
        created = year.Create(school="school-a", label="2026/2027")
        check(created, REPLIES["Year"])
        assert created["year"]["state"] == "open" and created["year"]["version"] == 1
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", created["year"]["startDate"])

        dated = year.Create(school="school-b", label="2027/2028", startDate="2027-09-02", endDate="2028-05-30")
        check(dated, REPLIES["Year"])
        assert (dated["year"]["startDate"], dated["year"]["endDate"]) == ("2027-09-02", "2028-05-30")

        status = year.Status()
        check(status, REPLIES["Status"])
        assert [s["id"] for s in status["schools"]] == ["school-a", "school-b"]
        assert created["year"] in status["schools"][0]["openYears"]

        schools = year.ListSchools()
        check(schools, REPLIES["ListSchools"])
        assert all(sorted(s["yourRoles"]) == ["admin", "auditor"] for s in schools["schools"]), schools

        listed = year.List()
        check(listed, REPLIES["Year.List"])
        assert {y["id"] for y in listed["years"]} >= {created["year"]["id"], dated["year"]["id"]}
        only_b = year.List(school="school-b")
        check(only_b, REPLIES["Year.List"])
        assert {y["school"] for y in only_b["years"]} == {"school-b"}

        got = year.Get(id=created["year"]["id"])
        check(got, REPLIES["Year"])
        assert got == created

        with pytest.raises(varlink.VarlinkError) as raised:
            year.Get(id=987654)
        assert raised.value.error() == "io.yeard.Year.YearNotFound"
        assert raised.value.parameters()["id"] == 987654


def test_reports_interface(client):
    """OO-1 for every school, after test_year_interface made school-a's 2026/2027 and school-b's 2027/2028: a report
    for school-a, and school-b left out with a note saying its year's days."""
    with client.open("io.yeard.Reports") as reports:
        reply = reports.OO1(allSchools=True, date="2026-09-20")
    assert [report["school"] for report in reply["reports"]] == ["school-a"], reply
    assert reply["reports"][0]["date"] == "2026-09-20" and reply["reports"][0]["total"]["students"] == 0, reply
    assert [skipped["school"] for skipped in reply["skipped"]] == ["school-b"], reply
    note = reply["skipped"][0]["note"]
    assert note["code"] == "date-outside-year" and note["params"]["year"] == "2027/2028", note
    # The orders of a year without any: an empty report with the school's name; an enum value outside OrderKind
    # is refused before any handler.
    with client.open("io.yeard.Reports") as reports:
        orders = reports.Orders(school="school-a", year="2026/2027", kind="promotion")["report"]
        assert orders["orders"] == [] and orders["year"] == "2026/2027" and orders["school"] == "school-a", orders
        with pytest.raises(varlink.VarlinkError) as raised:
            reports.Orders(school="school-a", kind="promoted")
        assert raised.value.error() == "org.varlink.service.InvalidParameter", raised.value
        book = reports.MovementBook(school="school-a", **{"from": "2026-09-01", "to": "2026-09-30"})["book"]
        assert book["classes"] == [] and book["total"] == {"start": 0, "arrived": 0, "left": 0, "end": 0}, book
        sheet = reports.SummarySheet(school="school-a", year="2026/2027")["sheet"]
        assert sheet["classes"] == [] and sheet["year"] == "2026/2027", sheet
        consents = reports.Consents(school="school-a", year="2026/2027", date="2026-09-20")["report"]
        assert consents["students"] == [] and consents["date"] == "2026-09-20", consents


def test_approval_and_audit_interfaces(client):
    with client.open("io.yeard.Year") as year:
        created = year.Create(school="school-a", label="2030/2031")["year"]
    with client.open("io.yeard.Approval") as approval:
        filed = approval.File(year=created["id"], event="start", reason="typed client")
        check(filed, REPLIES["Request"])
        request = filed["request"]
        assert request["status"] == "pending" and request["requesterUid"] == 0
        assert re.fullmatch(r"[0-9a-f]{64}", request["payloadHash"])

        listed = approval.List()
        check(listed, REPLIES["Approval.List"])
        assert request["id"] in [r["id"] for r in listed["requests"]]
        pending = approval.List(school="school-a", status="pending")
        check(pending, REPLIES["Approval.List"])
        assert [r["id"] for r in pending["requests"]] == [request["id"]]

        got = approval.Get(id=request["id"])
        check(got, REPLIES["Request"])
        assert got["request"]["payloadHash"] == request["payloadHash"]

        cancelled = approval.Cancel(id=request["id"], reason="done testing")
        check(cancelled, REPLIES["Request"])
        assert cancelled["request"]["status"] == "cancelled" and cancelled["request"]["deciderUid"] == 0

        with pytest.raises(varlink.VarlinkError) as raised:
            approval.Approve(id=request["id"])
        assert raised.value.error() == "io.yeard.Year.PermissionDenied"  # root is no coordinator

    with client.open("io.yeard.Audit") as audit:
        entries = audit.List()
        check(entries, REPLIES["Audit.List"])
        rows = entries["entries"]
        assert [e["seq"] for e in rows] == sorted(e["seq"] for e in rows)
        assert all(b["prevHash"] == a["hash"] for a, b in zip(rows, rows[1:]))
        assert any(e["action"] == "request.cancel" for e in rows)
        page = audit.List(after=rows[0]["seq"], limit=2)
        check(page, REPLIES["Audit.List"])
        assert [e["seq"] for e in page["entries"]] == [e["seq"] for e in rows[1:3]]

        verdict = audit.Verify()
        check(verdict, REPLIES["Verify"])
        assert verdict["intact"] is True and verdict["rows"] >= len(rows) and verdict["head"]


def test_varlink_cli_info_and_help(client_daemon):
    address = "unix:" + str(client_daemon.socket)
    info = subprocess.run([sys.executable, "-m", "varlink.cli", "info", address],
                          capture_output=True, text=True, timeout=30)
    assert info.returncode == 0 and not info.stderr.strip(), info
    for name in INTERFACES:
        assert name in info.stdout, info.stdout
    assert "yeard" in info.stdout

    described = subprocess.run([sys.executable, "-m", "varlink.cli", "help", address + "/io.yeard.Year"],
                               capture_output=True, text=True, timeout=30)
    assert described.returncode == 0 and not described.stderr.strip(), described
    assert "interface io.yeard.Year" in described.stdout
    for method in ("Status", "ListSchools", "List", "Get", "Create"):
        assert f"method {method}(" in described.stdout, described.stdout

    called = subprocess.run(
        [sys.executable, "-m", "varlink.cli", "call", address + "/io.yeard.Year.ListSchools", "{}"],
        capture_output=True, text=True, timeout=30)
    assert called.returncode == 0 and not called.stderr.strip(), called
    assert "school-a" in called.stdout and "school-b" in called.stdout
