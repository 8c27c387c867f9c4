"""The operator's story through yearctl, as the real users: create a year, request its start, approve it as a
different person, audit; and every refusal along the way with its documented exit code.

yearctl exit codes: 0 ok, 1 refused, 2 usage/invalid parameter, 3 permission denied, 4 cannot connect.
"""

import json

import pytest

from conftest import parse_json, yearctl

OK, REFUSED, USAGE, DENIED, NO_CONNECTION = 0, 1, 2, 3, 4


def ctl(d, user, *args):
    """yearctl as `user`; returns (rc, stdout, stderr)."""
    return d.yearctl(user, *args)


def ctl_json(d, user, *args):
    """yearctl --json as `user`; returns (rc, parsed stdout, stderr). Replies and daemon errors are both JSON."""
    rc, out, err = d.yearctl(user, *args, "--json")
    assert out.strip(), f"yearctl {' '.join(args)} --json printed nothing (rc {rc}); stderr: {err}"
    return rc, parse_json(out), err


def expect_error(d, user, args, rc, error):
    """Runs yearctl ARGS --json as user and asserts the exit code and the daemon's error name."""
    code, body, err = ctl_json(d, user, *args)
    assert code == rc, f"{user}: yearctl {' '.join(args)}: expected exit {rc}, got {code}: {body} {err}"
    assert body.get("error") == error, f"{user}: yearctl {' '.join(args)}: expected {error}, got {body}"
    return body


def create_year(d, label, school="school-a", user="yeard-admin"):
    rc, body, err = ctl_json(d, user, "year", "create", label, "--school", school)
    assert rc == OK, (body, err)
    year = body["year"]
    assert year["label"] == label and year["school"] == school and year["state"] == "open"
    return year["id"]


def file_request(d, year_id, event="start", user="yeard-admin", reason="planned by the school board"):
    args = ["year", event, str(year_id)]
    if reason is not None:
        args += ["--reason", reason]
    rc, body, err = ctl_json(d, user, *args)
    assert rc == OK, (body, err)
    request = body["request"]
    assert request["status"] == "pending" and request["year"] == year_id and request["event"] == event
    return request["id"]


def approve(d, request_id, user="yeard-coord"):
    rc, body, err = ctl_json(d, user, "request", "approve", str(request_id), "--reason", "checked")
    assert rc == OK, (body, err)
    assert body["request"]["status"] == "approved"
    return body["year"]


def year_state(d, year_id):
    rc, body, err = ctl_json(d, "yeard-auditor", "year", "show", str(year_id))
    assert rc == OK, (body, err)
    return body["year"]["state"]


def active_year(d, label, school="school-a"):
    year_id = create_year(d, label, school)
    approve(d, file_request(d, year_id))
    assert year_state(d, year_id) == "in_progress"
    return year_id


def test_readme_story(daemon):
    d = daemon()
    year_id = create_year(d, "2026/2027")
    request_id = file_request(d, year_id, reason="the board approved the calendar")

    # The admin who filed it lacks the coordinator role.
    rc, out, err = ctl(d, "yeard-admin", "request", "approve", str(request_id))
    assert rc == DENIED, (out, err)
    assert "coordinator" in err
    expect_error(d, "yeard-admin", ["request", "approve", str(request_id)], DENIED, "io.yeard.Year.PermissionDenied")

    # Someone holding both roles cannot approve their own request.
    other_year = create_year(d, "2026/2027", school="school-b", user="yeard-admin-coord")
    own_request = file_request(d, other_year, user="yeard-admin-coord")
    rc, out, err = ctl(d, "yeard-admin-coord", "request", "approve", str(own_request))
    assert rc == REFUSED, (out, err)
    assert "different person" in err
    body = expect_error(
        d, "yeard-admin-coord", ["request", "approve", str(own_request)], REFUSED, "io.yeard.Approval.SelfApproval")
    assert body["parameters"]["id"] == own_request
    assert year_state(d, other_year) == "open"

    # A different coordinator approves; the year is in progress.
    rc, out, err = ctl(d, "yeard-coord", "request", "approve", str(request_id), "--reason", "calendar checked")
    assert rc == OK, (out, err)
    assert "in_progress" in out
    assert year_state(d, year_id) == "in_progress"
    rc, body, err = ctl_json(d, "yeard-coord", "request", "show", str(request_id))
    assert rc == OK
    assert body["request"]["status"] == "approved"
    assert body["request"]["decider"] == "yeard-coord"
    assert body["request"]["requester"] == "yeard-admin"

    rc, body, err = ctl_json(d, "yeard-auditor", "status")
    assert rc == OK, err
    school_a = next(s for s in body["schools"] if s["id"] == "school-a")
    assert school_a["activeYear"]["id"] == year_id and school_a["activeYear"]["state"] == "in_progress"

    rc, out, err = ctl(d, "yeard-auditor", "audit", "verify")
    assert rc == OK, (out, err)
    assert "intact" in out
    rc, body, err = ctl_json(d, "yeard-auditor", "audit", "verify")
    assert rc == OK and body["intact"] is True and body["rows"] > 0, body

    rc, body, err = ctl_json(d, "yeard-auditor", "audit", "list", "--limit", "1000")
    assert rc == OK
    actions = [entry["action"] for entry in body["entries"]]
    for action in ("year.create", "request.file", "request.approve", "year.transition"):
        assert action in actions, actions


def test_begin_closing_and_reopen(daemon):
    d = daemon()
    year_id = active_year(d, "2026/2027")
    approve(d, file_request(d, year_id, "begin-closing", reason="the last term ended"), user="yeard-coord2")
    assert year_state(d, year_id) == "closing"

    # reopen needs a reason: yearctl refuses the command line before calling the daemon.
    rc, out, err = ctl(d, "yeard-admin", "year", "reopen", str(year_id))
    assert rc != OK, (out, err)
    assert "--reason" in err
    rc, body, err = ctl_json(d, "yeard-auditor", "request", "list", "--status", "pending")
    assert rc == OK and body["requests"] == []

    request_id = file_request(d, year_id, "reopen", reason="grades of 9B must be corrected")
    year = approve(d, request_id)
    assert year["state"] == "in_progress"
    assert year_state(d, year_id) == "in_progress"


@pytest.mark.parametrize("args, expected, words", [
    (["year", "reopen", "1"], {USAGE}, "--reason"),
    (["status", "--no-such-option"], {USAGE}, "--no-such-option"),
    (["year", "show", "2026/2027"], {USAGE, REFUSED}, "name one with --school"),
    (["year", "start", "2099/2100", "--reason", "x"], {USAGE, REFUSED}, "no year labelled 2099/2100"),
], ids=["missing-required-option", "unknown-option", "ambiguous-label", "unknown-label"])
def test_yearctl_errors_use_the_documented_exit_codes(daemon, args, expected, words):
    """Usage errors exit 2, as documented (not ArgumentParser's EX_USAGE 64); a label that names no single visible
    year is a usage error too, said in one sentence."""
    d = daemon()
    for school in ("school-a", "school-b"):
        assert "error" not in d.call("io.yeard.Year.Create", {"school": school, "label": "2026/2027"})
    rc, out, err = ctl(d, "yeard-admin", *args)
    assert words in err, err
    assert rc in expected, f"expected exit {sorted(expected)}, got {rc}; stderr: {err}"


def test_invalid_parameter_from_daemon_exits_2(daemon):
    d = daemon()
    body = expect_error(
        d, "yeard-admin", ["year", "create", "2026/2028", "--school", "school-a"], USAGE,
        "org.varlink.service.InvalidParameter")
    assert body["parameters"]["parameter"] == "label"


def test_second_year_cannot_start_while_one_is_active(daemon):
    d = daemon()
    active_year(d, "2026/2027")
    next_year = create_year(d, "2027/2028")
    body = expect_error(d, "yeard-admin", ["year", "start", str(next_year), "--reason", "early"], REFUSED,
                        "io.yeard.Year.GuardFailed")
    assert body["parameters"]["event"] == "start"
    assert any("2026/2027" in violation for violation in body["parameters"]["violations"]), body
    rc, out, err = ctl(d, "yeard-admin", "year", "start", str(next_year), "--reason", "early")
    assert rc == REFUSED and "at most one year" in err, (out, err)
    assert year_state(d, next_year) == "open"
    # The other school is independent.
    other = create_year(d, "2026/2027", school="school-b")
    approve(d, file_request(d, other))
    assert year_state(d, other) == "in_progress"


def test_coordinator_of_another_school_cannot_approve(daemon):
    d = daemon()
    year_id = create_year(d, "2026/2027")
    request_id = file_request(d, year_id)
    # A request of a school where the caller holds no role reads as unknown: the refusal names no school.
    rc, out, err = ctl(d, "yeard-coord-b", "request", "approve", str(request_id))
    assert rc == 1 and f"no request with id {request_id}" in err, (out, err)
    body = expect_error(d, "yeard-coord-b", ["request", "approve", str(request_id), "--hash", "0" * 64], 1,
                        "io.yeard.Approval.RequestNotFound")
    assert "school-a" not in json.dumps(body), body
    assert year_state(d, year_id) == "open"
    # It is audited as the denial it is, against the school it concerns.
    rc, out, _ = ctl(d, "yeard-auditor", "audit", "list", "--json")
    refusals = [e for e in parse_json(out)["entries"] if e["user"] == "yeard-coord-b"]
    assert refusals and refusals[-1]["school"] == "school-a", refusals
    # ... but approves at its own school.
    other = create_year(d, "2026/2027", school="school-b")
    approve(d, file_request(d, other), user="yeard-coord-b")
    assert year_state(d, other) == "in_progress"


def test_cancel_only_by_requester_then_not_approvable(daemon):
    d = daemon()
    year_id = create_year(d, "2026/2027")
    request_id = file_request(d, year_id)

    body = expect_error(d, "yeard-admin2", ["request", "cancel", str(request_id)], REFUSED,
                        "io.yeard.Approval.NotRequester")
    assert body["parameters"]["id"] == request_id
    # A coordinator is not an admin: Cancel needs admin.
    expect_error(d, "yeard-coord", ["request", "cancel", str(request_id)], DENIED, "io.yeard.Year.PermissionDenied")

    rc, body, err = ctl_json(d, "yeard-admin", "request", "cancel", str(request_id), "--reason", "wrong dates")
    assert rc == OK, (body, err)
    assert body["request"]["status"] == "cancelled"

    rc, out, err = ctl(d, "yeard-coord", "request", "approve", str(request_id))
    assert rc == REFUSED, (out, err)
    body = expect_error(d, "yeard-coord", ["request", "approve", str(request_id)], REFUSED,
                        "io.yeard.Approval.RequestNotPending")
    assert body["parameters"]["status"] == "cancelled"
    assert year_state(d, year_id) == "open"
    # The year can be requested again.
    approve(d, file_request(d, year_id))
    assert year_state(d, year_id) == "in_progress"


def test_rejected_and_approved_requests_cannot_be_approved_again(daemon):
    d = daemon()
    year_id = create_year(d, "2026/2027")
    request_id = file_request(d, year_id)
    rc, body, err = ctl_json(d, "yeard-coord", "request", "reject", str(request_id), "--reason", "dates are wrong")
    assert rc == OK, (body, err)
    assert body["request"]["status"] == "rejected"
    body = expect_error(d, "yeard-coord2", ["request", "approve", str(request_id)], REFUSED,
                        "io.yeard.Approval.RequestNotPending")
    assert body["parameters"]["status"] == "rejected"
    assert year_state(d, year_id) == "open"

    second = file_request(d, year_id)
    assert second != request_id
    approve(d, second, user="yeard-coord")
    body = expect_error(d, "yeard-coord2", ["request", "approve", str(second)], REFUSED,
                        "io.yeard.Approval.RequestNotPending")
    assert body["parameters"]["status"] == "approved"
    expect_error(d, "yeard-coord2", ["request", "reject", str(second), "--reason", "late"], REFUSED,
                 "io.yeard.Approval.RequestNotPending")
    rc, body, err = ctl_json(d, "yeard-auditor", "year", "show", str(year_id))
    assert body["year"]["state"] == "in_progress" and body["year"]["version"] == 2, body


def test_admin_through_supplementary_group(daemon):
    d = daemon()
    year_id = create_year(d, "2026/2027", user="yeard-admin2")
    request_id = file_request(d, year_id, user="yeard-admin2")
    rc, body, err = ctl_json(d, "yeard-admin2", "request", "show", str(request_id))
    assert rc == OK
    assert body["request"]["requester"] == "yeard-admin2"
    rc, body, err = ctl_json(d, "yeard-admin2", "school", "list")
    assert rc == OK
    assert all(school["yourRoles"] == ["admin"] for school in body["schools"]), body
    approve(d, request_id)
    assert year_state(d, year_id) == "in_progress"


def test_user_without_role_is_denied_and_audited(daemon):
    d = daemon()
    rc, out, err = ctl(d, "yeard-norole", "status")
    assert rc == DENIED, (out, err)
    assert "permission denied" in err
    rc, body, err = ctl_json(d, "yeard-norole", "school", "list")
    assert rc == DENIED and body["error"] == "io.yeard.Year.PermissionDenied"

    rc, body, err = ctl_json(d, "yeard-auditor", "audit", "list", "--limit", "1000")
    assert rc == OK, err
    refusals = [e for e in body["entries"] if e["action"].startswith("refused:") and e["user"] == "yeard-norole"]
    assert [e["action"] for e in refusals] == ["refused:io.yeard.Year.Status", "refused:io.yeard.Year.ListSchools"]
    assert refusals[0]["role"] == "none"
    assert "io.yeard.Year.PermissionDenied" in refusals[0]["details"]


def test_missing_socket_exits_4(tmp_dir):
    rc, out, err = yearctl("yeard-admin", tmp_dir / "no-such.sock", "status")
    assert rc == NO_CONNECTION, (rc, out, err)
    assert "cannot connect" in err


def test_socket_option_before_subcommand(daemon):
    """The global options are accepted before the subcommand as well as after it."""
    d = daemon()
    from conftest import YEARCTL, run_as

    result = run_as("yeard-auditor", [str(YEARCTL), "--socket", str(d.socket), "status"])
    assert result.returncode == OK, (result.returncode, result.stdout, result.stderr)


def test_guards_are_checked_again_at_approval(daemon):
    """Two years of a school both have a pending start (filed while none was active): once one starts, approving the
    other is refused by the single-active-year guard, checked again at execution."""
    d = daemon()
    first, second = create_year(d, "2026/2027"), create_year(d, "2027/2028")
    first_request, second_request = file_request(d, first), file_request(d, second)
    approve(d, first_request)
    body = expect_error(d, "yeard-coord2", ["request", "approve", str(second_request)], REFUSED,
                        "io.yeard.Year.GuardFailed")
    assert any("2026/2027" in v for v in body["parameters"]["violations"]), body
    assert year_state(d, second) == "open"
    rc, body, err = ctl_json(d, "yeard-coord2", "request", "show", str(second_request))
    assert body["request"]["status"] == "pending"


def test_approval_is_bound_to_the_reviewed_hash(daemon):
    d = daemon()
    year_id = create_year(d, "2026/2027")
    request_id = file_request(d, year_id)
    rc, body, err = ctl_json(d, "yeard-coord", "request", "show", str(request_id))
    shown = body["request"]["payloadHash"]
    wrong = ("0" if shown[0] != "0" else "1") + shown[1:]
    body = expect_error(d, "yeard-coord", ["request", "approve", str(request_id), "--hash", wrong], REFUSED,
                        "io.yeard.Approval.PayloadMismatch")
    assert body["parameters"]["expected"] == wrong and body["parameters"]["actual"] == shown
    expect_error(d, "yeard-coord", ["request", "approve", str(request_id), "--hash", "XYZ"], USAGE,
                 "org.varlink.service.InvalidParameter")
    assert year_state(d, year_id) == "open"
    rc, body, err = ctl_json(d, "yeard-coord", "request", "approve", str(request_id), "--hash", shown)
    assert rc == OK and body["year"]["state"] == "in_progress", (body, err)


def test_requester_cannot_reject_their_own_request(daemon):
    d = daemon()
    year_id = create_year(d, "2026/2027", user="yeard-admin-coord")
    request_id = file_request(d, year_id, user="yeard-admin-coord")
    expect_error(d, "yeard-admin-coord", ["request", "reject", str(request_id), "--reason", "mine"], REFUSED,
                 "io.yeard.Approval.SelfApproval")
    rc, body, err = ctl_json(d, "yeard-admin-coord", "request", "cancel", str(request_id))
    assert rc == OK and body["request"]["status"] == "cancelled"


def test_one_pending_request_per_year(daemon):
    d = daemon()
    year_id = create_year(d, "2026/2027")
    first = file_request(d, year_id)
    body = expect_error(d, "yeard-admin2", ["year", "start", str(year_id), "--reason", "again"], REFUSED,
                        "io.yeard.Approval.RequestPending")
    assert body["parameters"]["request"] == first
    # Transitions that do not apply to the year's state are refused with what does apply.
    body = expect_error(d, "yeard-admin", ["year", "begin-closing", str(year_id)], REFUSED,
                        "io.yeard.Year.TransitionNotAllowed")
    assert body["parameters"]["state"] == "open" and body["parameters"]["allowed"] == ["start"]


@pytest.mark.parametrize("tampering", ["edit", "delete-middle", "delete-last"])
def test_audit_verify_detects_tampering(daemon, tampering):
    """Someone with write access to the database edits or deletes an audit row (dropping the append-only trigger
    first): `audit verify` says BROKEN, names a row, and exits 1."""
    import sqlite3

    d = daemon()
    year_id = create_year(d, "2026/2027")
    file_request(d, year_id)
    rc, body, err = ctl_json(d, "yeard-auditor", "audit", "list")
    entries = body["entries"]
    target = next(e for e in entries if e["action"] == "year.create") if tampering != "delete-last" else entries[-1]
    database = sqlite3.connect(str(d.dir / "yeard.sqlite"), isolation_level=None, timeout=5)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            database.execute("UPDATE audit_log SET details = '{}' WHERE seq = ?", (target["seq"],))
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            database.execute("DELETE FROM audit_log WHERE seq = ?", (target["seq"],))
        if tampering == "edit":
            database.execute("DROP TRIGGER audit_log_no_update")
            database.execute("UPDATE audit_log SET details = '{}' WHERE seq = ?", (target["seq"],))
        else:
            database.execute("DROP TRIGGER audit_log_no_delete")
            database.execute("DELETE FROM audit_log WHERE seq = ?", (target["seq"],))
    finally:
        database.close()
    rc, out, err = ctl(d, "yeard-auditor", "audit", "verify")
    assert rc == REFUSED, (out, err)
    assert "BROKEN at row" in out, out
    rc, body, err = ctl_json(d, "yeard-auditor", "audit", "verify")
    assert rc == REFUSED and body["intact"] is False, body
    # The row named is the tampered one, or (for a deleted row) the one whose predecessor is gone.
    assert body["brokenAt"] in (target["seq"], target["seq"] + 1), (target["seq"], body)


def test_request_lifetime_comes_from_the_configuration(daemon):
    from datetime import datetime

    d = daemon(daemon_keys={"request_lifetime_hours": 2})
    year_id = create_year(d, "2026/2027")
    request_id = file_request(d, year_id)
    rc, body, err = ctl_json(d, "yeard-coord", "request", "show", str(request_id))
    request = body["request"]

    def parse(text):
        return datetime.fromisoformat(text.replace("Z", "+00:00"))

    assert (parse(request["expiresAt"]) - parse(request["createdAt"])).total_seconds() == 2 * 3600, request
