"""What a hostile or careless client can do to the daemon: malformed frames, oversized frames, wrong types, unknown
names, refused calls, many connections at once, connection limits and idle connections.
"""

import json
import os
import socket
import threading
import time

import pytest

from conftest import VarlinkConnection, ok, raw_call_as, varlink_call


def fd_count(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def settled_fd_count(pid: int, timeout: float = 5.0) -> int:
    """The fd count once it has not changed for 0.3 s (closed connections drain asynchronously)."""
    deadline = time.monotonic() + timeout
    last = fd_count(pid)
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = fd_count(pid)
        if now == last:
            return now
        last = now
    return last


def audit_rows(d) -> list[dict]:
    rows, after = [], 0
    while True:
        page = ok(d.call("io.yeard.Audit.List", {"after": after, "limit": 1000}))["entries"]
        rows += page
        if len(page) < 1000:
            return rows
        after = page[-1]["seq"]


@pytest.fixture(scope="module")
def shared(module_daemon):
    """One daemon with a small message limit for the tests that do not need their own limits."""
    return module_daemon(daemon_keys={"max_message_bytes": 4096})


@pytest.mark.parametrize("frame, reason", [
    (b"{not json\0", "not JSON"),
    (b"\xff\xfe garbage\0", "not JSON"),
    (b'{"method": "io.yeard.Year.List", "parameters": {"school": "\xc0\xafx"}}\0', "invalid UTF-8"),
    (b"[1, 2, 3]\0", "must be a JSON object"),
    (b'{"parameters": {}}\0', "needs \"method\""),  # no method
    (b'{"method": 5}\0', "needs \"method\""),
    (b'{"method": "io.yeard.Year.List", "parameters": {"limit": 1e400}}\0', "out of range"),
    (b"[" * 3000 + b"\0", "nested deeper than 64"),
    (b'{"method": "io.yeard.Year.List", "method": "io.yeard.Year.Create"}\0', "appears twice"),
    (b'{"method": "io.yeard.Year.List", "parameters": {"school": "a", "school": "b"}}\0', "appears twice"),
    (b'{"method": "io.yeard.Year.List", "parameters": {"school": "a\\u0000b"}}\0', "NUL"),
    (b'{"method": "io.yeard.Year.List", "oneway": "yes"}\0', "true or false"),
    (b'{"method": "io.yeard.Year.List", "extra": 1}\0', "unknown field 'extra'"),
    (b'{"method": "io.yeard.Year.List"} trailing\0', "after the value"),
])
def test_malformed_message_is_answered_then_closed(shared, frame, reason):
    """A complete frame that is not a Varlink call gets InvalidMessage naming what is wrong, then the close."""
    with VarlinkConnection(shared.socket) as connection:
        connection.send(frame)
        closed, received = connection.wait_closed(2.0)
    assert closed, "the daemon kept the connection open after a malformed message"
    assert received.endswith(b"\0") and received.count(b"\0") == 1, received
    reply = json.loads(received[:-1])
    assert reply["error"] == "io.yeard.Year.InvalidMessage", reply
    assert reason in reply["parameters"]["reason"], reply
    assert "connection is closed" in reply["parameters"]["message"]
    ok(shared.call("org.varlink.service.GetInfo"))


def test_malformed_message_reply_is_complete_when_the_client_half_closes(shared):
    """The reply is written before the close even when the client sent its frame and shut its side at once."""
    with VarlinkConnection(shared.socket) as connection:
        connection.send(b'{"method": 7}\0')
        connection.sock.shutdown(socket.SHUT_WR)
        closed, received = connection.wait_closed(2.0)
    assert closed and b"io.yeard.Year.InvalidMessage" in received, received


def test_frame_over_the_size_limit_closes_the_connection(shared):
    with VarlinkConnection(shared.socket) as connection:
        try:
            connection.send(b"x" * 10000)  # no NUL: the daemon must stop buffering at 4096 bytes
        except (BrokenPipeError, ConnectionResetError):
            pass  # closed while we were still sending
        closed, received = connection.wait_closed(2.0)
    assert closed, "the daemon kept buffering a frame over max_message_bytes"
    assert received == b""
    deadline = time.monotonic() + 3  # the notice may be written just after the connection closed
    while "over the size limit" not in shared.stderr() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "over the size limit" in shared.stderr()


def test_complete_message_over_the_size_limit_closes_the_connection(shared):
    big = b'{"method":"io.yeard.Year.Status","parameters":{"pad":"' + b"y" * 5000 + b'"}}\0'
    with VarlinkConnection(shared.socket) as connection:
        try:
            connection.send(big)
        except (BrokenPipeError, ConnectionResetError):
            pass
        closed, received = connection.wait_closed(2.0)
    assert closed and received == b""


def test_message_just_under_the_limit_is_served(shared):
    message = b'{"method":"io.yeard.Year.List","parameters":{"school":"school-a"}}'
    padded = message[:-1] + b" " * (4096 - len(message)) + b"}"
    assert len(padded) == 4096
    with VarlinkConnection(shared.socket) as connection:
        connection.send(padded + b"\0")
        reply = connection.receive(5)
    assert reply is not None and "error" not in reply, reply


def test_several_messages_in_one_write_are_all_answered(shared):
    with VarlinkConnection(shared.socket) as connection:
        connection.send(b'{"method":"org.varlink.service.GetInfo"}\0{"method":"io.yeard.Year.Status"}\0')
        first, second = connection.receive(5), connection.receive(5)
    assert "interfaces" in ok(first) and "schools" in ok(second)


@pytest.mark.parametrize("method, parameters, field", [
    ("io.yeard.Year.Get", {"id": "x"}, "id"),
    ("io.yeard.Year.Get", {"id": True}, "id"),
    ("io.yeard.Year.Get", {"id": None}, "id"),
    ("io.yeard.Year.Get", {}, "id"),
    ("io.yeard.Year.Create", {"school": "school-a", "label": 5}, "label"),
    ("io.yeard.Year.Create", {"school": "school-a"}, "label"),
    ("io.yeard.Year.Create", {"school": 7, "label": "2026/2027"}, "school"),
    ("io.yeard.Approval.File", {"year": 1, "event": ["start"]}, "event"),
    ("io.yeard.Audit.List", {"limit": "ten"}, "limit"),
    ("io.yeard.Audit.List", {"limit": 0}, "limit"),
    ("org.varlink.service.GetInterfaceDescription", {"interface": 1}, "interface"),
])
def test_wrong_parameter_types_are_invalid_parameter(shared, method, parameters, field):
    reply = shared.call(method, parameters)
    assert reply.get("error") == "org.varlink.service.InvalidParameter", reply
    assert reply["parameters"]["parameter"] == field, reply


@pytest.mark.parametrize("parameters", [{"id": 1.5}, {"id": 2 ** 63}], ids=["fraction", "over-int64"])
def test_non_integer_number_names_the_field(shared, parameters):
    """A number that is not a 64-bit integer (1.5, 2**63) for an int field is refused naming the field: parameters
    are checked against the method's signature in the method table before they are decoded."""
    reply = shared.call("io.yeard.Year.Get", parameters)
    assert reply.get("error") == "org.varlink.service.InvalidParameter", reply
    assert reply["parameters"]["parameter"] == "id", reply
    assert "not valid JSON" not in reply["parameters"]["message"], reply


@pytest.mark.parametrize("method, parameters, field", [
    ("io.yeard.Year.Status", {"verbose": True}, "verbose"),
    ("io.yeard.Year.Create", {"school": "school-a", "label": "2026/2027", "owner": "me"}, "owner"),
    ("org.varlink.service.GetInfo", {"x": 1}, "x"),
])
def test_unknown_parameters_are_invalid_parameter(shared, method, parameters, field):
    before = ok(shared.call("io.yeard.Year.List", {}))
    reply = shared.call(method, parameters)
    assert reply.get("error") == "org.varlink.service.InvalidParameter", reply
    assert reply["parameters"]["parameter"] == field, reply
    assert ok(shared.call("io.yeard.Year.List", {})) == before


def test_unknown_method_and_interface(shared):
    reply = shared.call("io.yeard.Year.Destroy", {})
    assert reply.get("error") == "org.varlink.service.MethodNotFound", reply
    assert reply["parameters"]["method"] == "io.yeard.Year.Destroy"
    reply = shared.call("org.varlink.service.Frobnicate")
    assert reply.get("error") == "org.varlink.service.MethodNotFound", reply
    reply = shared.call("io.example.Nothing.Get", {})
    assert reply.get("error") == "org.varlink.service.InterfaceNotFound", reply
    assert reply["parameters"]["interface"] == "io.example.Nothing"
    reply = shared.call("org.varlink.service.GetInterfaceDescription", {"interface": "io.example.Nothing"})
    assert reply.get("error") == "org.varlink.service.InterfaceNotFound", reply


def test_oneway_call_gets_no_reply(shared):
    with VarlinkConnection(shared.socket) as connection:
        connection.send({"method": "io.yeard.Year.Status", "oneway": True})
        connection.send({"method": "org.varlink.service.GetInfo"})
        reply = connection.receive(5)
    assert "interfaces" in ok(reply), reply


def test_refused_mutating_call_changes_nothing_and_is_audited_once(shared):
    ok(shared.call("io.yeard.Year.Create", {"school": "school-b", "label": "2026/2027"}))

    for caller, parameters, error in [
        ("root", {"school": "school-b", "label": "2026/2027"}, "io.yeard.Year.YearExists"),
        ("yeard-secretary", {"school": "school-b", "label": "2028/2029"}, "io.yeard.Year.PermissionDenied"),
        ("root", {"school": "school-b", "label": "2028/2030"}, "org.varlink.service.InvalidParameter"),
    ]:
        years_before = ok(shared.call("io.yeard.Year.List", {}))
        rows_before = audit_rows(shared)
        if caller == "root":
            reply = shared.call("io.yeard.Year.Create", parameters)
        else:
            reply = raw_call_as(caller, shared.socket, "io.yeard.Year.Create", parameters)
        assert reply.get("error") == error, reply
        assert ok(shared.call("io.yeard.Year.List", {})) == years_before
        rows_after = audit_rows(shared)
        assert rows_after[:len(rows_before)] == rows_before
        new = rows_after[len(rows_before):]
        assert len(new) == 1, new
        assert new[0]["action"] == "refused:io.yeard.Year.Create", new
        assert new[0]["user"] == ("root" if caller == "root" else caller)
        assert new[0]["school"] == "school-b"
        assert error in new[0]["details"]
    assert ok(shared.call("io.yeard.Audit.Verify"))["intact"] is True


def test_refused_read_is_not_audited(shared):
    rows_before = len(audit_rows(shared))
    reply = shared.call("io.yeard.Year.Get", {"id": 424242})
    assert reply.get("error") == "io.yeard.Year.YearNotFound", reply
    assert len(audit_rows(shared)) == rows_before


def test_200_concurrent_clients(daemon):
    d = daemon(daemon_keys={"max_connections_per_uid": 256, "max_connections": 512})
    count = 200

    def burst(count):
        barrier = threading.Barrier(count)
        replies: list = [None] * count

        def client(index):
            try:
                connection = VarlinkConnection(d.socket, timeout=30)
            except OSError as error:
                replies[index] = error
                return
            with connection:
                try:
                    barrier.wait(30)
                    replies[index] = connection.call("io.yeard.Year.Status", {})
                except (OSError, ValueError, threading.BrokenBarrierError) as error:
                    replies[index] = error

        threads = [threading.Thread(target=client, args=(i,)) for i in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        return replies

    # A first burst lets GRDB's pool open its reader connections (up to 4 more, 2 fds each: the database and its
    # WAL), which it keeps: the baseline is taken after it, so that only connection fds are compared.
    burst(count)
    baseline = settled_fd_count(d.pid)
    replies = burst(count)
    failures = [(i, r) for i, r in enumerate(replies) if not (isinstance(r, dict) and "error" not in r)]
    assert not failures, f"{len(failures)} of {count} clients failed, e.g. {failures[:3]}"
    assert all(len(r["parameters"]["schools"]) == 2 for r in replies)

    ok(d.call("org.varlink.service.GetInfo"))
    deadline = time.monotonic() + 5
    while fd_count(d.pid) > baseline + 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert fd_count(d.pid) <= baseline + 2, f"fds: {baseline} before, {fd_count(d.pid)} after"


def hold_connections(path, count: int, timeout: float = 5.0) -> list:
    """Opens `count` connections, each admitted and served once.

    The daemon forgets a closed connection asynchronously, a moment after the client closed it (here: the one
    the fixture used to wait for the daemon), so a refusal while earlier connections drain is retried.
    """
    held, deadline = [], time.monotonic() + timeout
    while len(held) < count:
        connection = VarlinkConnection(path)
        try:
            reply = connection.call("org.varlink.service.GetInfo")
        except OSError as error:
            reply = {"error": f"closed: {error}"}
        if "error" not in reply:
            held.append(connection)
            continue
        connection.close()
        if time.monotonic() > deadline:
            for connection in held:
                connection.close()
            pytest.fail(f"could not hold {count} connections: {reply}")
        time.sleep(0.05)
    return held


def test_connection_limit_per_uid(daemon):
    d = daemon(daemon_keys={"max_connections_per_uid": 3})
    held = hold_connections(d.socket, 3)
    try:
        with VarlinkConnection(d.socket) as fourth:
            try:
                fourth.send({"method": "org.varlink.service.GetInfo"})
            except (BrokenPipeError, ConnectionResetError):
                pass
            reply = fourth.receive(5)
            if reply is not None:
                assert reply.get("error") == "io.yeard.Year.TooManyConnections", reply
                assert "3" in reply["parameters"]["message"]
                assert fourth.wait_closed(2)[0], "the refused connection was left open"
        # Another uid is not affected.
        other = raw_call_as("yeard-auditor", d.socket, "io.yeard.Year.Status", {})
        assert "error" not in other, other
        # The held connections still work.
        ok(held[0].call("io.yeard.Year.Status", {}))
    finally:
        for connection in held:
            connection.close()
    deadline = time.monotonic() + 5
    while True:
        try:
            reply = varlink_call(d.socket, "org.varlink.service.GetInfo")
        except OSError:
            reply = {"error": "closed"}
        if "error" not in reply or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert "error" not in reply, f"a new connection is still refused after the 3 closed: {reply}"


def test_total_connection_limit(daemon):
    d = daemon(daemon_keys={"max_connections": 2})
    held = hold_connections(d.socket, 2)
    try:
        reply = raw_call_as("yeard-auditor", d.socket, "io.yeard.Year.Status", {})
        assert reply.get("error") == "io.yeard.Year.TooManyConnections" or reply.get("closed"), reply
    finally:
        for connection in held:
            connection.close()


def test_idle_connection_is_closed(daemon):
    d = daemon(daemon_keys={"idle_timeout_seconds": 1})
    with VarlinkConnection(d.socket) as connection:
        ok(connection.call("org.varlink.service.GetInfo"))
        started = time.monotonic()
        closed, received = connection.wait_closed(3.0)
        elapsed = time.monotonic() - started
    assert closed, "an idle connection stayed open past idle_timeout_seconds = 1"
    assert received == b""
    assert elapsed >= 0.5, f"closed after {elapsed:.2f} s, before the timeout"
    # A connection that keeps talking is not idle.
    with VarlinkConnection(d.socket) as connection:
        for _ in range(4):
            ok(connection.call("org.varlink.service.GetInfo"))
            time.sleep(0.5)


def test_client_vanishing_mid_call_does_not_hurt(shared):
    for _ in range(20):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(str(shared.socket))
        sock.sendall(b'{"method":"io.yeard.Year.Status"}\0{"method":"io.yeard.Year.Li')
        sock.close()
    ok(shared.call("io.yeard.Year.Status"))


@pytest.mark.parametrize("parameters, field", [
    ({"label": "2030/2031", "startDate": "2031-06-01", "endDate": "2030-09-01"}, "startDate"),
    ({"label": "2032/2033", "startDate": "2032-09-01", "endDate": "2032-12-31"}, "endDate"),
    ({"label": "2034/2035", "startDate": "2034-02-30"}, "startDate"),
    ({"label": "2036/2037", "startDate": "2036-9-1"}, "startDate"),
    ({"label": "2040/2042"}, "label"),
    ({"label": " 2040/2041"}, "label"),
    ({"label": "9999/10000"}, "label"),
    ({"label": "2041/2042", "school": "school-z"}, None),
])
def test_year_create_validates_its_input(shared, parameters, field):
    before = ok(shared.call("io.yeard.Year.List", {}))
    reply = shared.call("io.yeard.Year.Create", {"school": "school-a", **parameters})
    if field is None:
        assert reply.get("error") == "io.yeard.Year.SchoolNotFound", reply
    else:
        assert reply.get("error") == "org.varlink.service.InvalidParameter", reply
        assert reply["parameters"]["parameter"] == field, reply
    assert ok(shared.call("io.yeard.Year.List", {})) == before


@pytest.mark.parametrize("label, start, end", [
    ("2024/2025", "2024-09-02", "2025-05-31"),  # 1 September 2024 is a Sunday
    ("2025/2026", "2025-09-01", "2026-05-31"),
])
def test_year_default_dates(shared, label, start, end):
    year = ok(shared.call("io.yeard.Year.Create", {"school": "school-a", "label": label}))["year"]
    assert (year["startDate"], year["endDate"]) == (start, end)


def test_idle_timeout_does_not_cut_a_call_in_flight(daemon):
    """The idle timeout does not cut a call in flight: Year.Create waiting 2.5 s for the database lock with
    idle_timeout_seconds = 1 is answered (and the year committed once, so a client never has to retry)."""
    import sqlite3

    d = daemon(daemon_keys={"idle_timeout_seconds": 1})
    database = sqlite3.connect(str(d.dir / "yeard.sqlite"), isolation_level=None, timeout=5)
    try:
        database.execute("BEGIN IMMEDIATE")
        with VarlinkConnection(d.socket, timeout=10) as connection:
            connection.send({"method": "io.yeard.Year.Create",
                             "parameters": {"school": "school-a", "label": "2026/2027"}})
            time.sleep(2.5)
            database.execute("ROLLBACK")
            reply = connection.receive(8)
    finally:
        database.close()
    deadline = time.monotonic() + 5
    while not ok(d.call("io.yeard.Year.List", {}))["years"] and time.monotonic() < deadline:
        time.sleep(0.1)
    created = ok(d.call("io.yeard.Year.List", {}))["years"]
    assert reply is not None, f"connection closed without a reply; yet the daemon created: {created}"
    assert "error" not in reply, reply


def test_concurrent_creates_of_one_label(shared):
    results = [None] * 20
    barrier = threading.Barrier(len(results))

    def create(index):
        with VarlinkConnection(shared.socket) as connection:
            barrier.wait(10)
            results[index] = connection.call("io.yeard.Year.Create", {"school": "school-b", "label": "2050/2051"})

    threads = [threading.Thread(target=create, args=(i,)) for i in range(len(results))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    errors = sorted(r.get("error", "ok") for r in results)
    assert errors == ["io.yeard.Year.YearExists"] * 19 + ["ok"], errors
    years = [y for y in ok(shared.call("io.yeard.Year.List", {"school": "school-b"}))["years"]
             if y["label"] == "2050/2051"]
    assert len(years) == 1


def test_concurrent_approvals_execute_once(shared):
    year = ok(shared.call("io.yeard.Year.Create", {"school": "school-b", "label": "2060/2061"}))["year"]
    request = ok(shared.call("io.yeard.Approval.File", {"year": year["id"], "event": "start", "reason": "race"}))
    request_id = request["request"]["id"]
    approvers = ["yeard-coord", "yeard-coord2", "yeard-coord-b", "yeard-admin-coord"]
    results = {}

    def approve(user):
        results[user] = raw_call_as(user, shared.socket, "io.yeard.Approval.Approve", {"id": request_id})

    threads = [threading.Thread(target=approve, args=(user,)) for user in approvers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    winners = [user for user, reply in results.items() if "error" not in reply]
    assert len(winners) == 1, results
    losers = {user: reply.get("error") for user, reply in results.items() if user not in winners}
    assert set(losers.values()) == {"io.yeard.Approval.RequestNotPending"}, results
    got = ok(shared.call("io.yeard.Year.Get", {"id": year["id"]}))["year"]
    assert got["state"] == "in_progress" and got["version"] == 2, got
    transitions = [e for e in audit_rows(shared)
                   if e["action"] == "year.transition" and e["target"] == f"year:{year['id']}"]
    assert len(transitions) == 1, transitions


def test_half_closed_client_gets_its_reply(shared):
    """A client that shuts down its sending side right after the call (as `socat` or `nc -N` do) is answered."""
    with VarlinkConnection(shared.socket) as connection:
        connection.send({"method": "io.yeard.Year.Status"})
        connection.sock.shutdown(socket.SHUT_WR)
        reply = connection.receive(5)
        assert reply is not None and "schools" in ok(reply), reply
        assert connection.wait_closed(2)[0]
