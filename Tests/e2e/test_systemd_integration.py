"""The daemon against systemd's protocols without systemd: socket activation through systemd-socket-activate,
sd_notify and the watchdog through a datagram socket of our own, SIGHUP reload and SIGTERM with a call in flight.
"""

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import threading
import time

import pytest

from conftest import (SCHOOLS, YEARD, NotifyListener, VarlinkConnection, make_temp_dir, ok, popen_binary,
                      raw_call_as, render_config, require_test_users, run_binary, varlink_call, wait_for_binary)


@pytest.fixture
def notify(tmp_dir):
    listener = NotifyListener(tmp_dir / "notify.sock")
    yield listener
    listener.close()


def lines(assignments):
    return [line for _, line in assignments]


def test_socket_activation():
    require_test_users()
    activate = shutil.which("systemd-socket-activate")
    if not activate:
        pytest.skip("systemd-socket-activate is not installed")
    directory = make_temp_dir()
    own_socket = directory / "own.sock"  # the configured socket: must stay unused
    activated = directory / "activated.sock"
    notify = NotifyListener(directory / "notify.sock")
    config = directory / "yeard.toml"
    config.write_text(render_config(directory, {"socket": str(own_socket)}))
    log = open(directory / "activate.log", "wb")
    proc = subprocess.Popen(
        [activate, "-l", str(activated), "-E", "NOTIFY_SOCKET", str(wait_for_binary(YEARD)), "--config", str(config)],
        env={**os.environ, "NOTIFY_SOCKET": str(notify.path)}, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 10
        while not activated.exists():
            assert proc.poll() is None, (directory / "activate.log").read_text()
            assert time.monotonic() < deadline, "systemd-socket-activate did not create its socket"
            time.sleep(0.02)
        time.sleep(0.2)
        assert not (directory / "yeard.sqlite").exists(), "yeard started before the first connection"

        info = ok(varlink_call(activated, "org.varlink.service.GetInfo", timeout=10))
        assert info["product"] == "yeard"
        year = ok(varlink_call(activated, "io.yeard.Year.Create", {"school": "school-a", "label": "2026/2027"}))
        assert year["year"]["state"] == "open"
        assert not own_socket.exists(), "yeard bound its configured socket although systemd passed one"
        assert "READY=1" in lines(notify.wait_for(lambda a: "READY=1" in lines(a) and a, timeout=5))
        log_text = (directory / "activate.log").read_text()
        assert "listening on the socket passed by systemd" in log_text, log_text

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0, (directory / "activate.log").read_text()
        assert "STOPPING=1" in lines(notify.wait_for(lambda a: "STOPPING=1" in lines(a) and a, timeout=5))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
        notify.close()
    shutil.rmtree(directory, ignore_errors=True)


def test_notify_ready_status_and_watchdog(daemon, notify):
    d = daemon(env={"NOTIFY_SOCKET": str(notify.path), "WATCHDOG_USEC": "400000"}, wait=False)
    ready = notify.wait_for(lambda a: [at for at, line in a if line == "READY=1"], timeout=10)
    # READY=1 comes after the socket is bound: a client may connect at once, without retrying.
    ok(d.call("org.varlink.service.GetInfo"))
    statuses = [line for line in lines(notify.assignments()) if line.startswith("STATUS=")]
    assert statuses and "school-a" in statuses[0] and "school-b" in statuses[0], statuses

    start = ready[0]
    pings = notify.wait_for(lambda a: len([at for at, line in a if line == "WATCHDOG=1" and at >= start]) >= 2
                            and [at for at, line in a if line == "WATCHDOG=1" and at >= start], timeout=2.0)
    assert pings[1] - start <= 2.0
    # Pings keep coming, well within the 400 ms interval.
    count = len(pings)
    time.sleep(1.0)
    later = [at for at, line in notify.assignments() if line == "WATCHDOG=1"]
    assert len(later) >= count + 2, later
    gaps = [b - a for a, b in zip(later, later[1:])]
    assert max(gaps) < 0.4, gaps

    # An approved transition updates STATUS=.
    year = ok(d.call("io.yeard.Year.Create", {"school": "school-a", "label": "2026/2027"}))["year"]
    request = raw_call_as("yeard-admin", d.socket, "io.yeard.Approval.File",
                          {"year": year["id"], "event": "start", "reason": "notify test"})
    request_id = ok(request)["request"]["id"]
    ok(raw_call_as("yeard-coord", d.socket, "io.yeard.Approval.Approve", {"id": request_id}))
    notify.wait_for(lambda a: any(line.startswith("STATUS=") and "2026/2027 in_progress" in line for _, line in a),
                    timeout=5)

    # The quick integrity check after READY=1 shows in STATUS=.
    notify.wait_for(lambda a: any(line.startswith("STATUS=") and "integrity ok (quick)" in line for _, line in a),
                    timeout=10)

    assert d.stop() == 0
    assert "STOPPING=1" in lines(notify.assignments())
    # Nothing overwrites the stopping line once STOPPING=1 was sent.
    statuses = [line for line in lines(notify.assignments()) if line.startswith("STATUS=")]
    assert statuses[-1].startswith("STATUS=stopping"), statuses[-3:]


def test_watchdog_for_another_pid_is_not_pinged(daemon, notify):
    daemon(env={"NOTIFY_SOCKET": str(notify.path), "WATCHDOG_USEC": "200000", "WATCHDOG_PID": "1"}, wait=True)
    notify.wait_for(lambda a: "READY=1" in lines(a), timeout=5)
    time.sleep(0.6)
    assert "WATCHDOG=1" not in lines(notify.assignments())


def school_ids(d):
    return [school["id"] for school in ok(d.call("io.yeard.Year.ListSchools"))["schools"]]


def reload_cycles(assignments):
    """The number of RELOADING=1 each followed by a READY=1."""
    cycles, reloading = 0, False
    for _, line in assignments:
        if line == "RELOADING=1":
            reloading = True
        elif line == "READY=1" and reloading:
            cycles, reloading = cycles + 1, False
    return cycles


def test_sighup_reload_applies_a_good_configuration(daemon, notify):
    d = daemon(env={"NOTIFY_SOCKET": str(notify.path)})
    notify.wait_for(lambda a: "READY=1" in lines(a))
    assert school_ids(d) == ["school-a", "school-b"]
    assert raw_call_as("yeard-norole", d.socket, "io.yeard.Year.Status", {})["error"] == \
        "io.yeard.Year.PermissionDenied"

    d.write_config(schools=SCHOOLS + ("school-c",), extra='[[grant]]\nrole = "auditor"\nuser = "yeard-norole"')
    d.proc.send_signal(signal.SIGHUP)
    notify.wait_for(lambda a: reload_cycles(a) == 1, timeout=5)
    reloading = [text for _, text in notify.messages if "RELOADING=1" in text]
    assert reloading and "MONOTONIC_USEC=" in reloading[0], reloading
    assert school_ids(d) == ["school-a", "school-b", "school-c"]
    status = raw_call_as("yeard-norole", d.socket, "io.yeard.Year.Status", {})
    assert [s["id"] for s in ok(status)["schools"]] == ["school-a", "school-b", "school-c"]
    ok(d.call("io.yeard.Year.Create", {"school": "school-c", "label": "2026/2027"}))
    assert "configuration reloaded" in d.stderr()
    assert d.alive()


BAD_CONFIGURATIONS = {
    # name: (extra daemon keys, extra text, the text whose line the error must name, words of the message)
    "unknown-key": ({"bogus_key": 1}, "", "bogus_key = 1", "unknown key 'bogus_key'"),
    "bad-value": ({"max_connections": 0}, "", "max_connections = 0", "max_connections"),
    "unknown-school-in-grant": ({}, '[[grant]]\nrole = "admin"\nuser = "yeard-norole"\nschool = "school-z"',
                                'school = "school-z"', "school-z"),
    "syntax": ({}, "[[school]\nid = \"school-y\"", "[[school]", ""),
}


@pytest.mark.parametrize("case", list(BAD_CONFIGURATIONS))
def test_sighup_reload_refuses_a_bad_configuration(daemon, notify, case):
    keys, extra, culprit, words = BAD_CONFIGURATIONS[case]
    d = daemon(env={"NOTIFY_SOCKET": str(notify.path)})
    notify.wait_for(lambda a: "READY=1" in lines(a))
    # First a good reload (school-c), so that "the configuration in force" is not merely the one at start.
    d.write_config(schools=SCHOOLS + ("school-c",))
    d.proc.send_signal(signal.SIGHUP)
    notify.wait_for(lambda a: reload_cycles(a) == 1, timeout=5)
    assert school_ids(d) == ["school-a", "school-b", "school-c"]

    # The bad file would also add school-d and drop school-c: neither may happen.
    text = render_config(d.dir, keys, ("school-a", "school-b", "school-d"), extra)
    d.config_path.write_text(text)
    line = next(number for number, content in enumerate(text.splitlines(), 1) if content.strip() == culprit)
    d.proc.send_signal(signal.SIGHUP)
    notify.wait_for(lambda a: reload_cycles(a) == 2, timeout=5)
    deadline = time.monotonic() + 5
    while "configuration refused" not in d.stderr() and time.monotonic() < deadline:
        time.sleep(0.05)
    log = d.stderr()
    refused = [entry for entry in log.splitlines() if "configuration refused" in entry]
    assert refused, log
    assert f"line {line}" in refused[0], f"expected line {line} in: {refused[0]}"
    assert words in refused[0], refused[0]
    assert d.alive()
    assert school_ids(d) == ["school-a", "school-b", "school-c"]
    assert any(l.startswith("STATUS=reload refused") for l in lines(notify.assignments())), notify.messages
    # The daemon still serves writes.
    ok(d.call("io.yeard.Year.Create", {"school": "school-c", "label": "2026/2027"}))


def test_sigterm_with_a_call_in_flight(daemon):
    d = daemon()
    ok(d.call("io.yeard.Year.Status"))
    database = sqlite3.connect(str(d.dir / "yeard.sqlite"), isolation_level=None, timeout=5)
    result = {}

    def create():
        try:
            with VarlinkConnection(d.socket, timeout=20) as connection:
                result["reply"] = connection.call("io.yeard.Year.Create", {"school": "school-a", "label": "2026/2027"})
        except Exception as error:  # reported below
            result["error"] = error

    idle = VarlinkConnection(d.socket)
    ok(idle.call("org.varlink.service.GetInfo"))
    database.execute("BEGIN IMMEDIATE")  # hold the write lock: the daemon's insert waits (busy timeout 5 s)
    released = False
    try:
        worker = threading.Thread(target=create)
        worker.start()
        time.sleep(0.5)
        assert worker.is_alive(), f"the call did not wait for the lock: {result}"
        d.proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        assert worker.is_alive() and d.alive(), f"the call or the daemon ended before the lock was released: {result}"
        # Meanwhile an idle connection is closed, and no new call is served.
        assert idle.wait_closed(0.5)[0], "an idle connection stayed open during shutdown"
        try:
            with VarlinkConnection(d.socket, timeout=2) as late:
                late.send({"method": "org.varlink.service.GetInfo"})
                reply = late.receive(2)
            assert reply is None or reply.get("error") == "io.yeard.Year.TooManyConnections", \
                f"a connection made during shutdown was served: {reply}"
        except OSError:
            pass  # refused: the listener is closed
        database.execute("ROLLBACK")
        released = True
    finally:
        if not released:
            database.execute("ROLLBACK")
        database.close()
        idle.close()
    worker.join(10)
    assert not worker.is_alive(), "no reply within 10 s of releasing the lock"
    assert "error" not in result, result
    reply = result["reply"]
    assert "error" not in reply, f"the call in flight was not completed: {reply}"
    assert reply["parameters"]["year"]["label"] == "2026/2027"
    assert d.proc.wait(10) == 0, d.stderr()

    with pytest.raises(OSError):
        VarlinkConnection(d.socket, timeout=2).call("org.varlink.service.GetInfo")
    check = sqlite3.connect(str(d.dir / "yeard.sqlite"))
    try:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        labels = [row[0] for row in check.execute("SELECT label FROM academic_year")]
        assert labels == ["2026/2027"], labels
    finally:
        check.close()


@pytest.mark.parametrize("key, value", [("max_message_bytes", 4096), ("idle_timeout_seconds", 1)])
def test_sighup_reload_of_connection_limits(daemon, key, value):
    """SIGHUP applies the connection limits (max_message_bytes, idle_timeout_seconds) to the next connection."""
    d = daemon()
    d.write_config(daemon_keys={key: value})
    d.proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 5
    while "configuration reloaded" not in d.stderr() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "configuration reloaded" in d.stderr()
    with VarlinkConnection(d.socket) as connection:
        if key == "max_message_bytes":
            connection.send(b"x" * 10000)
        closed, _ = connection.wait_closed(3.0)
    warned = [line for line in d.stderr().splitlines() if key in line and "restart" in line]
    assert closed or warned, f"{key} = {value} was neither applied nor reported as needing a restart:\n{d.stderr()}"


def test_second_daemon_refuses_a_live_socket(daemon):
    d = daemon()
    second = run_binary([str(YEARD), "--config", str(d.config_path)])
    assert second.returncode == 1, second
    assert "already listening" in second.stderr, second.stderr
    ok(d.call("io.yeard.Year.Status"))


def test_stale_socket_is_replaced_after_a_crash(daemon):
    d = daemon()
    ok(d.call("io.yeard.Year.Create", {"school": "school-a", "label": "2026/2027"}))
    d.proc.kill()
    d.proc.wait()
    assert d.socket.exists()
    proc = popen_binary([str(YEARD), "--config", str(d.config_path)], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                years = ok(varlink_call(d.socket, "io.yeard.Year.List", {}))["years"]
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.poll() else ""
                time.sleep(0.05)
        assert [y["label"] for y in years] == ["2026/2027"]
        assert ok(varlink_call(d.socket, "io.yeard.Audit.Verify"))["intact"] is True
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_bad_configuration_at_start_and_check_config(tmp_dir):
    require_test_users()
    config = tmp_dir / "yeard.toml"
    text = render_config(tmp_dir, {"max_connections": "many"})
    config.write_text(text)
    line = next(n for n, content in enumerate(text.splitlines(), 1) if content.startswith("max_connections"))
    checked = run_binary([str(YEARD), "--check-config", str(config)])
    assert checked.returncode == 1 and f"line {line}" in checked.stderr, checked
    started = run_binary([str(YEARD), "--config", str(config)])
    assert started.returncode == 1 and f"line {line}" in started.stderr and "not started" in started.stderr, started
    assert not (tmp_dir / "control.sock").exists()
    config.write_text(render_config(tmp_dir))
    checked = run_binary([str(YEARD), "--check-config", str(config)])
    assert checked.returncode == 0 and "OK (2 school(s), 12 grant(s))" in checked.stdout, checked


@pytest.mark.parametrize("signal_number", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_signal_right_after_ready(daemon, tmp_dir, signal_number):
    """A signal sent the moment READY=1 arrives is handled: READY=1 is sent once the service group runs and SIGHUP
    is trapped, so `systemctl reload` right after start reloads, and SIGTERM shuts down gracefully (exit 0). The test
    sends the signal from the notify listener as READY=1 arrives."""
    holder = {}

    def on_line(line):
        if line == "READY=1" and "sent" not in holder and "proc" in holder:
            holder["sent"] = True
            holder["proc"].send_signal(signal_number)

    listener = NotifyListener(tmp_dir / "notify.sock", on_line=on_line)
    try:
        # Start by hand so that the listener knows the process before READY=1 can arrive.
        d = daemon(env={"NOTIFY_SOCKET": str(listener.path)}, wait=False)
        holder["proc"] = d.proc
        deadline = time.monotonic() + 10
        while "READY=1" not in lines(listener.assignments()) and d.alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        if "sent" not in holder:  # READY=1 came before holder["proc"] was set: signal now, as close as we can
            holder["sent"] = True
            d.proc.send_signal(signal_number)
        if signal_number == signal.SIGHUP:
            time.sleep(0.5)
            assert d.alive(), f"SIGHUP right after READY=1 killed yeard (status {d.proc.returncode})"
        else:
            assert d.proc.wait(10) == 0, f"SIGTERM right after READY=1: exit status {d.proc.returncode}"
    finally:
        listener.close()


def test_sigterm_with_a_client_that_never_reads(daemon):
    """A client that pipelines calls and never reads its replies cannot hold the daemon up at shutdown: the reply
    write has a deadline (the idle timeout), after which the connection is closed."""
    d = daemon(daemon_keys={"idle_timeout_seconds": 1})
    stalled = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.connect(str(d.socket))
    stalled.setblocking(False)
    call = json.dumps({"method": "org.varlink.service.GetInterfaceDescription",
                       "parameters": {"interface": "io.yeard.Approval"}}).encode() + b"\0"
    sent = 0
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and sent < 400:
        try:
            stalled.send(call)
            sent += 1
        except BlockingIOError:
            break
    time.sleep(0.5)
    started = time.monotonic()
    assert d.stop(timeout=15) == 0
    assert time.monotonic() - started < 10, "shutdown waited on a client that does not read"
    stalled.close()


def test_the_journal_speaks_its_configured_language(daemon, notify):
    d = daemon(daemon_keys={"language": "ru"}, env={"NOTIFY_SOCKET": str(notify.path)})
    notify.wait_for(lambda a: "READY=1" in lines(a))
    deadline = time.monotonic() + 5
    while "yeard готов к работе" not in d.stderr() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "yeard готов к работе" in d.stderr(), d.stderr()
    assert "yeard ready" not in d.stderr()
    assert d.alive()
