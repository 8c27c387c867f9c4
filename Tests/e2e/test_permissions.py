"""Every method of the table, called over the real socket as every test user (SO_PEERCRED is that user's):
PermissionDenied exactly when the user holds none of the method's roles where the call applies.

The expected role sets are copied from Sources/YearProtocol/YeardAPI.swift on purpose: a change of the table has to
change this test too.
"""

import json

import pytest

from conftest import SCHOOLS, USER_ROLES, ok, raw_calls_as, roles_at, varlink_call

ANY_ROLE = {"coordinator", "admin", "secretary", "teacher", "auditor"}
AUDIT_READERS = {"auditor", "coordinator", "admin"}
# Findings name students: those who run the year, control data or keep the records see them.
FINDING_READERS = {"coordinator", "admin", "secretary", "auditor"}
# Reports for the authorities: the coordinator hands them over, the secretary keeps the numbers (reportReaders).
REPORT_READERS = {"coordinator", "admin", "secretary", "auditor"}

# method -> roles any one of which allows it (empty: open to anyone who can connect).
METHOD_ROLES = {
    "org.varlink.service.GetInfo": set(),
    "org.varlink.service.GetInterfaceDescription": set(),
    "io.yeard.Year.Status": ANY_ROLE,
    "io.yeard.Year.ListSchools": ANY_ROLE,
    "io.yeard.Year.List": ANY_ROLE,
    "io.yeard.Year.Get": ANY_ROLE,
    "io.yeard.Year.Create": {"admin"},
    "io.yeard.Approval.List": ANY_ROLE,
    "io.yeard.Approval.Get": ANY_ROLE,
    "io.yeard.Approval.File": {"admin"},
    "io.yeard.Approval.Approve": {"coordinator"},
    "io.yeard.Approval.Reject": {"coordinator"},
    "io.yeard.Approval.Cancel": {"admin"},
    "io.yeard.Audit.List": AUDIT_READERS,
    "io.yeard.Audit.Verify": AUDIT_READERS,
    "io.yeard.Registry.Upload": {"secretary", "admin", "teacher"},
    # Import also needs the kind's writer role; the case below imports staff, the secretary's kind.
    "io.yeard.Registry.Import": {"secretary"},
    "io.yeard.Registry.Export": ANY_ROLE,
    "io.yeard.Registry.Movement": ANY_ROLE,
    "io.yeard.Reports.OO1": REPORT_READERS,
    "io.yeard.Reports.Orders": REPORT_READERS,
    "io.yeard.Reports.MovementBook": REPORT_READERS,
    "io.yeard.Reports.SummarySheet": REPORT_READERS,
    "io.yeard.Reports.Consents": REPORT_READERS,
    "io.yeard.Registry.IssueOrder": {"secretary"},
    # Record needs the kind's writer (consents: the secretary); a teacher changes contacts only of their own class.
    "io.yeard.Registry.Record": {"secretary"},
    "io.yeard.Registry.UpdateContact": {"secretary"},
    "io.yeard.Checks.List": ANY_ROLE,
    "io.yeard.Checks.Run": {"coordinator", "admin"},
    "io.yeard.Checks.Last": FINDING_READERS,
    "io.yeard.Checks.Diff": FINDING_READERS,
    "io.yeard.Checks.Readiness": {"coordinator", "admin"},
    "io.yeard.Rollover.Plan": FINDING_READERS,
    "io.yeard.Rollover.Map": {"admin"},
    "io.yeard.Rollover.Request": {"admin"},
    "io.yeard.Rollover.Undo": {"admin"},
    "io.yeard.Rollover.List": ANY_ROLE,
    "io.yeard.Backup.Create": {"admin"},
    "io.yeard.Backup.List": AUDIT_READERS,
}

USERS = list(USER_ROLES)

# (case, method, parameters, school the call concerns: a school id, None = any school, "service" = no check).
# YEAR and REQUEST are replaced by the ids created in setup; LABEL by a label unique to the caller.
CASES = [
    ("GetInfo", "org.varlink.service.GetInfo", {}, "service"),
    ("GetInterfaceDescription", "org.varlink.service.GetInterfaceDescription", {"interface": "io.yeard.Year"},
     "service"),
    ("Year.Status", "io.yeard.Year.Status", {}, None),
    ("Year.ListSchools", "io.yeard.Year.ListSchools", {}, None),
    ("Year.List", "io.yeard.Year.List", {"school": "school-a"}, "school-a"),
    ("Year.List(all)", "io.yeard.Year.List", {}, None),
    ("Year.List(school-b)", "io.yeard.Year.List", {"school": "school-b"}, "school-b"),
    ("Year.Get", "io.yeard.Year.Get", {"id": "YEAR"}, "school-a"),
    ("Year.Create", "io.yeard.Year.Create", {"school": "school-a", "label": "LABEL"}, "school-a"),
    ("Year.Create(school-b)", "io.yeard.Year.Create", {"school": "school-b", "label": "LABEL"}, "school-b"),
    ("Approval.List", "io.yeard.Approval.List", {"school": "school-a"}, "school-a"),
    ("Approval.List(all)", "io.yeard.Approval.List", {}, None),
    ("Approval.Get", "io.yeard.Approval.Get", {"id": "REQUEST"}, "school-a"),
    ("Approval.File", "io.yeard.Approval.File", {"year": "YEAR", "event": "start", "reason": "permission test"},
     "school-a"),
    ("Approval.Approve", "io.yeard.Approval.Approve", {"id": "REQUEST", "reason": "permission test"}, "school-a"),
    ("Approval.Reject", "io.yeard.Approval.Reject", {"id": "REQUEST", "reason": "permission test"}, "school-a"),
    ("Approval.Cancel", "io.yeard.Approval.Cancel", {"id": "REQUEST", "reason": "permission test"}, "school-a"),
    ("Audit.List", "io.yeard.Audit.List", {"school": "school-a"}, "school-a"),
    ("Audit.List(all)", "io.yeard.Audit.List", {}, None),
    ("Audit.Verify", "io.yeard.Audit.Verify", {}, "*"),
    ("Registry.Upload", "io.yeard.Registry.Upload", {"data": ""}, None),
    ("Registry.Import", "io.yeard.Registry.Import",
     {"kind": "staff", "upload": "none", "fileName": "staff.csv", "school": "school-a"}, "school-a"),
    ("Registry.Export", "io.yeard.Registry.Export", {"kind": "staff", "school": "school-a"}, "school-a"),
    ("Reports.OO1", "io.yeard.Reports.OO1", {"school": "school-a"}, "school-a"),
    ("Reports.Orders", "io.yeard.Reports.Orders", {"school": "school-a", "kind": "promotion"}, "school-a"),
    ("Reports.MovementBook", "io.yeard.Reports.MovementBook",
     {"school": "school-a", "from": "2026-09-01", "to": "2026-09-30"}, "school-a"),
    ("Reports.SummarySheet", "io.yeard.Reports.SummarySheet", {"school": "school-a"}, "school-a"),
    ("Reports.Consents", "io.yeard.Reports.Consents", {"school": "school-a", "missingOnly": True}, "school-a"),
    ("Registry.Movement", "io.yeard.Registry.Movement",
     {"school": "school-a", "from": "2026-09-01", "to": "2026-09-30"}, "school-a"),
    ("Registry.Record", "io.yeard.Registry.Record",
     {"school": "school-a", "kind": "consents",
      "values": {"person_id": "S1", "person_kind": "student", "signed_on": "2026-08-25"}}, "school-a"),
    ("Registry.UpdateContact", "io.yeard.Registry.UpdateContact",
     {"school": "school-a", "studentId": "S1", "guardianId": "G1", "phone": "1"}, "school-a"),
    ("Checks.List", "io.yeard.Checks.List", {}, None),
    ("Checks.Run", "io.yeard.Checks.Run", {"school": "school-a"}, "school-a"),
    ("Checks.Last", "io.yeard.Checks.Last", {"school": "school-a"}, "school-a"),
    ("Checks.Diff", "io.yeard.Checks.Diff", {"school": "school-a"}, "school-a"),
    ("Checks.Readiness", "io.yeard.Checks.Readiness", {"school": "school-a", "target": "start"}, "school-a"),
    ("Checks.Readiness(school-b)", "io.yeard.Checks.Readiness", {"school": "school-b", "target": "close"},
     "school-b"),
    ("Rollover.Plan", "io.yeard.Rollover.Plan", {"school": "school-a"}, "school-a"),
    ("Rollover.Map", "io.yeard.Rollover.Map", {"school": "school-a", "from": "5А", "to": "6Б"}, "school-a"),
    ("Rollover.Request", "io.yeard.Rollover.Request", {"school": "school-a"}, "school-a"),
    ("Rollover.Undo", "io.yeard.Rollover.Undo", {"school": "school-a", "reason": "permission test"}, "school-a"),
    ("Rollover.List", "io.yeard.Rollover.List", {"school": "school-a"}, "school-a"),
    ("Rollover.List(school-b)", "io.yeard.Rollover.List", {"school": "school-b"}, "school-b"),
    ("Backup.Create", "io.yeard.Backup.Create", {}, "*"),
    ("Backup.List", "io.yeard.Backup.List", {}, "*"),
    ("Registry.IssueOrder", "io.yeard.Registry.IssueOrder",
     {"school": "school-a", "orderNo": "1", "orderDate": "2026-09-01", "kind": "enrollment", "studentId": "S1"},
     "school-a"),
]


def test_table_covers_every_method(permission_daemon):
    """The cases call every method the daemon describes, and the table names no method it does not serve."""
    d, _, _ = permission_daemon
    served = set()
    for interface in ok(varlink_call(d.socket, "org.varlink.service.GetInfo"))["interfaces"]:
        description = ok(varlink_call(d.socket, "org.varlink.service.GetInterfaceDescription",
                                      {"interface": interface}))["description"]
        served |= {f"{interface}.{line.split()[1].split('(')[0]}" for line in description.splitlines()
                   if line.startswith("method ")}
    assert served == set(METHOD_ROLES)
    assert {method for _, method, _, _ in CASES} == served


@pytest.fixture(scope="module")
def permission_daemon(module_daemon):
    """A daemon with a year of school-a (YEAR) and a pending request to start it (REQUEST).

    yeard-admin-coord files the request: it comes after yeard-coord in USERS, so the request is still pending when
    the first coordinator calls Approve (a requester earlier in the list would cancel it first).
    """
    d = module_daemon()
    year = ok(d.call("io.yeard.Year.Create", {"school": "school-a", "label": "2026/2027"}))["year"]
    request = ok(raw_calls_as("yeard-admin-coord", d.socket, [
        {"method": "io.yeard.Approval.File", "parameters": {"year": year["id"], "event": "start", "reason": "setup"}}
    ])[0])
    return d, year["id"], request["request"]["id"]


@pytest.fixture(scope="module")
def replies(permission_daemon):
    """Every case's reply, per user: each user's calls run in one process as that user, each on its connection."""
    d, year_id, request_id = permission_daemon
    results = {}
    for index, user in enumerate(USERS):
        calls = []
        for _, method, parameters, _ in CASES:
            concrete = {}
            for key, value in parameters.items():
                if isinstance(value, str):
                    value = {"YEAR": year_id, "REQUEST": request_id}.get(value, value)
                if value == "LABEL":
                    value = f"{2040 + 2 * index}/{2041 + 2 * index}"
                concrete[key] = value
            calls.append({"method": method, "parameters": concrete})
        for (case, _, _, _), reply in zip(CASES, raw_calls_as(user, d.socket, calls)):
            results[(case, user)] = reply
    return results


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("case, method, parameters, school", CASES, ids=[c[0] for c in CASES])
def test_permission(replies, case, method, parameters, school, user):
    reply = replies[(case, user)]
    assert "closed" not in reply and "connect_error" not in reply, reply
    required = METHOD_ROLES[method]
    if school == "service":
        allowed = True
    elif school == "*":  # the whole instance: a role at every school
        allowed = all(roles_at(user, each) & required for each in SCHOOLS)
    else:
        allowed = bool(roles_at(user, school) & required)
    error = reply.get("error")
    if allowed:
        assert error != "io.yeard.Year.PermissionDenied", f"{user} ({roles_at(user, school)}) denied {method}: {reply}"
        assert error is None or error.startswith("io.yeard.") or error.startswith("org.varlink."), reply
    elif not roles_at(user, school) and school not in (None, "*") \
            and {"YEAR", "REQUEST"} & {value for value in parameters.values() if isinstance(value, str)}:
        # A year or request of a school where the caller holds no role reads as an unknown id: the refusal neither
        # confirms that it exists nor names its school.
        unknown = "io.yeard.Year.YearNotFound" if "YEAR" in parameters.values() else "io.yeard.Approval.RequestNotFound"
        assert error == unknown, f"{user} learned of another school's {parameters}: {reply}"
        assert school not in json.dumps(reply), reply
    else:
        assert error == "io.yeard.Year.PermissionDenied", f"{user} was not denied {method}: {reply}"
        parameters = reply["parameters"]
        # An import names the kind's writer role, or the method's roles when the caller holds none of them.
        # (A method a teacher may call for their own class names its other roles to a teacher, and all to others.)
        assert set(parameters["required"]) in (required, {"secretary", "admin", "teacher"}, {"secretary", "teacher"},
                                               required | {"teacher"}), parameters
        assert parameters["method"] == method, parameters
        assert parameters.get("school") == (None if school is None else school), parameters
        assert parameters["message"].startswith("permission denied"), parameters


def test_denied_calls_change_nothing(replies, permission_daemon):
    """Whoever was denied, the year and the request are only what the allowed callers made of them."""
    d, year_id, request_id = permission_daemon
    years = ok(d.call("io.yeard.Year.List", {}))["years"]
    created = sorted(y["label"] for y in years if y["id"] != year_id)
    expected = sorted(
        f"{2040 + 2 * i}/{2041 + 2 * i}" for i, user in enumerate(USERS)
        for school in ("school-a", "school-b") if "admin" in roles_at(user, school))
    assert created == expected
    request = ok(d.call("io.yeard.Approval.Get", {"id": request_id}))["request"]
    # The first coordinator in USERS order approved it; everyone after saw it no longer pending.
    assert request["status"] == "approved" and request["decider"] == "yeard-coord", request
    assert request["requester"] == "yeard-admin-coord"


def test_replies_show_only_schools_where_the_caller_holds_a_role(replies, permission_daemon):
    """yeard-coord-b is coordinator at school-b only: nothing of school-a reaches it through the unfiltered calls."""
    status = ok(replies[("Year.Status", "yeard-coord-b")])
    assert [school["id"] for school in status["schools"]] == ["school-b"]
    schools = ok(replies[("Year.ListSchools", "yeard-coord-b")])["schools"]
    assert [(school["id"], school["yourRoles"]) for school in schools] == [("school-b", ["coordinator"])]
    years = ok(replies[("Year.List(all)", "yeard-coord-b")])["years"]
    assert years and all(year["school"] == "school-b" for year in years), years
    assert ok(replies[("Approval.List(all)", "yeard-coord-b")])["requests"] == []
    entries = ok(replies[("Audit.List(all)", "yeard-coord-b")])["entries"]
    assert entries and all(entry.get("school") in ("school-b", None) for entry in entries), entries
    # Those with a role everywhere see both schools.
    assert [s["id"] for s in ok(replies[("Year.Status", "yeard-teacher")])["schools"]] == ["school-a", "school-b"]


def run_raw_with(prefix, socket_path, method, parameters):
    """A raw call from a process set up by `prefix` (setpriv ...), which runs as the uid/groups it names."""
    import json
    import subprocess

    from conftest import RAW_CLIENT, USER_PYTHON, require_test_users

    require_test_users()
    result = subprocess.run([*prefix, USER_PYTHON, str(RAW_CLIENT), str(socket_path)],
                            input=json.dumps([{"method": method, "parameters": parameters}]),
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result
    return json.loads(result.stdout)[0]


def test_uid_grant_for_a_uid_without_a_name(daemon):
    """A [[grant]] by uid works for a uid the user database does not know; the audit names it by number."""
    d = daemon(extra='[[grant]]\nrole = "admin"\nuid = 12345')
    prefix = ["setpriv", "--reuid=12345", "--regid=yeard-test", "--clear-groups"]
    reply = run_raw_with(prefix, d.socket, "io.yeard.Year.Create", {"school": "school-a", "label": "2026/2027"})
    assert "error" not in reply, reply
    entries = ok(d.call("io.yeard.Audit.List", {"limit": 1000}))["entries"]
    created = [e for e in entries if e["action"] == "year.create"]
    assert created and created[-1]["uid"] == 12345 and created[-1]["user"] == "12345", created
    denied = run_raw_with(["setpriv", "--reuid=12346", "--regid=yeard-test", "--clear-groups"], d.socket,
                          "io.yeard.Year.Status", {})
    assert denied.get("error") == "io.yeard.Year.PermissionDenied", denied


@pytest.mark.parametrize("case", ["dropped-group", "runtime-group"])
def test_group_grants_follow_the_kernel_credentials(daemon, case):
    """Group grants follow the groups the kernel recorded for the connecting process (SO_PEERGROUPS), not the user
    database: a process of yeard-admin2 that dropped its supplementary groups loses the admin role it holds through
    yeard-test-admins; a process of yeard-norole that holds yeard-test-admins at run time gets it."""
    d = daemon()
    if case == "dropped-group":
        prefix = ["setpriv", "--reuid=yeard-admin2", "--regid=yeard-test", "--clear-groups"]
        reply = run_raw_with(prefix, d.socket, "io.yeard.Year.Create", {"school": "school-a", "label": "2026/2027"})
        assert reply.get("error") == "io.yeard.Year.PermissionDenied", \
            f"a process without the group yeard-test-admins was given admin: {reply}"
    else:
        prefix = ["setpriv", "--reuid=yeard-norole", "--regid=yeard-test", "--groups=yeard-test-admins"]
        reply = run_raw_with(prefix, d.socket, "io.yeard.Year.Create", {"school": "school-a", "label": "2026/2027"})
        assert "error" not in reply, f"a process in yeard-test-admins (kernel) was denied: {reply}"
