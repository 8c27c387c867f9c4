"""Fixtures of the end-to-end tests: a real yeard on a real Unix socket, and clients running as real users.

The daemon is the built binary ($YEARD_BIN_DIR, default .build/debug); the callers are the test users of
scripts/create-test-users, so that the daemon identifies them by SO_PEERCRED exactly as in production. Everything
that needs those users (all of it: the socket belongs to their group) is skipped when not run as root or when the
users do not exist.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

import varlink_shapes

HERE = Path(__file__).resolve().parent
BIN_DIR = Path(os.environ.get("YEARD_BIN_DIR", HERE.parent.parent / ".build" / "debug"))


def _stage() -> Path:
    """Copies the binaries and the raw client where the test users can reach them: the checkout may sit in a
    directory they cannot traverse (CI clones into one)."""
    stage = Path(tempfile.mkdtemp(prefix="yeard-e2e-bin-"))
    stage.chmod(0o755)
    for source in (BIN_DIR / "yeard", BIN_DIR / "yearctl", HERE / "raw_client.py"):
        if source.exists():
            shutil.copy2(source, stage / source.name)
            (stage / source.name).chmod(0o755)
    # The message catalogues go beside the programs, where they look: compiled from po/ now when msgfmt is here (so
    # that a test never meets a stale one), else the ones scripts/test compiled beside the build.
    if shutil.which("msgfmt"):
        subprocess.run([str(HERE.parent.parent / "scripts" / "po"), "compile", str(stage / "locale")], check=True)
    elif (BIN_DIR / "locale").is_dir():
        shutil.copytree(BIN_DIR / "locale", stage / "locale")
    if (stage / "locale").is_dir():
        for path in (stage / "locale").rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        (stage / "locale").chmod(0o755)
    # The document templates go beside them too, as the build puts them (the source tree's, so never stale).
    templates = stage / "yeard_YearReports.resources" / "Templates"
    shutil.copytree(HERE.parent.parent / "Sources" / "YearReports" / "Templates", templates)
    for path in [templates.parent, templates, *templates.iterdir()]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    atexit.register(shutil.rmtree, stage, True)
    return stage


STAGE = _stage()
YEARD = STAGE / "yeard"
YEARCTL = STAGE / "yearctl"
RAW_CLIENT = STAGE / "raw_client.py"
# The helper runs as the test users: the system Python (root's pyenv is not readable by them), stdlib only.
USER_PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

SCHOOLS = ("school-a", "school-b")

# Who holds what, per school, in the configuration every test daemon starts with. Tests derive expectations from
# this table; _grants() below renders it into [[grant]] tables.
ALL = "*"
USER_ROLES: dict[str, dict[str, set[str]]] = {
    "root": {ALL: {"admin", "auditor"}},
    "yeard-admin": {ALL: {"admin"}},
    "yeard-admin2": {ALL: {"admin"}},  # through its supplementary group yeard-test-admins
    "yeard-coord": {ALL: {"coordinator"}},
    "yeard-coord2": {ALL: {"coordinator"}},
    "yeard-coord-b": {"school-b": {"coordinator"}},
    "yeard-admin-coord": {ALL: {"admin", "coordinator"}},
    "yeard-secretary": {ALL: {"secretary"}},
    "yeard-teacher": {ALL: {"teacher"}},
    "yeard-auditor": {ALL: {"auditor"}},
    "yeard-norole": {},
}


def roles_at(user: str, school: str | None) -> set[str]:
    """The roles `user` holds at `school`; school None means at any school."""
    table = USER_ROLES[user]
    if school is None:
        return set().union(*table.values()) if table else set()
    return set(table.get(ALL, set())) | set(table.get(school, set()))


# --- environment checks ---------------------------------------------------------------------------------------

_users_ok: bool | None = None


def users_available() -> tuple[bool, str]:
    global _users_ok
    if os.geteuid() != 0:
        return False, "needs root (runs clients as the yeard-* test users through runuser)"
    if _users_ok is None:
        _users_ok = subprocess.run(["id", "yeard-admin"], capture_output=True).returncode == 0
    if not _users_ok:
        return False, "the test users do not exist; run scripts/create-test-users as root"
    return True, ""


def require_test_users() -> None:
    ok, reason = users_available()
    if not ok:
        pytest.skip(reason)


def require_tool(name: str, package: str) -> str:
    """The path of the program `name`; skips the test, naming the Debian package to install, when it is missing."""
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (apt-get install {package})")
    return path


def wait_for_binary(path: Path) -> Path:
    """The built binary at `path`; fails the test with what to do when it is missing."""
    if not (path.exists() and os.access(path, os.X_OK)):
        pytest.fail(f"{path} does not exist (run 'swift build' or set YEARD_BIN_DIR)")
    return path


def popen_binary(argv, **kwargs) -> subprocess.Popen:
    """subprocess.Popen of a built binary."""
    return subprocess.Popen(argv, **kwargs)


def run_binary(argv, timeout: float = 30.0) -> subprocess.CompletedProcess:
    """subprocess.run(capture_output, text) through popen_binary."""
    proc = popen_binary(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


def make_temp_dir(prefix: str = "yeard-e2e-") -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    os.chmod(path, 0o755)  # the test users traverse it to reach the socket
    return path


# --- raw Varlink ----------------------------------------------------------------------------------------------


class VarlinkConnection:
    """One Varlink connection over a Unix socket: NUL-terminated JSON messages."""

    def __init__(self, path: str | os.PathLike, timeout: float = 10.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        try:
            self.sock.connect(os.fspath(path))
        except BaseException:
            self.sock.close()
            raise
        self.buffer = b""

    def send(self, message) -> None:
        data = message if isinstance(message, (bytes, bytearray)) else json.dumps(message).encode() + b"\0"
        self.sock.sendall(data)

    def receive(self, timeout: float | None = None) -> dict | None:
        """The next message, or None when the daemon closed the connection."""
        if timeout is not None:
            self.sock.settimeout(timeout)
        while b"\0" not in self.buffer:
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                return None
            if not chunk:
                return None
            self.buffer += chunk
        frame, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(frame)

    def call(self, method: str, parameters: dict | None = None, timeout: float | None = None) -> dict:
        message = {"method": method}
        if parameters is not None:
            message["parameters"] = parameters
        self.send(message)
        reply = self.receive(timeout)
        if reply is None:
            raise ConnectionError(f"the daemon closed the connection instead of answering {method}")
        # Every reply is held to the interface description that declares it (varlink_shapes.py).
        problem = varlink_shapes.problem(str(wait_for_binary(YEARD)), method, reply)
        assert problem is None, f"the reply to {method} is not what its interface declares: {problem}\n{reply}"
        return reply

    def wait_closed(self, timeout: float) -> tuple[bool, bytes]:
        """Whether the daemon closes the connection within `timeout`, and what it sent before."""
        deadline = time.monotonic() + timeout
        received = b""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False, received
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return False, received
            except (ConnectionResetError, BrokenPipeError):
                return True, received
            if not chunk:
                return True, received
            received += chunk

    def close(self) -> None:
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def varlink_call(path, method: str, parameters: dict | None = None, timeout: float = 10.0) -> dict:
    """One call on a fresh connection, as the current user (root)."""
    with VarlinkConnection(path, timeout) as connection:
        return connection.call(method, parameters)


def ok(reply: dict) -> dict:
    """The parameters of a successful reply (fails the test on an error reply)."""
    assert "error" not in reply, f"unexpected error reply: {reply}"
    return reply.get("parameters", {})


def run_as(user: str, argv: list[str], input: str | None = None, timeout: float = 30.0, env: dict | None = None):
    """Runs argv as `user` (runuser; root runs it directly) and returns the CompletedProcess."""
    require_test_users()
    command = list(argv) if user == "root" else ["runuser", "-u", user, "--", *argv]
    return subprocess.run(command, input=input, capture_output=True, text=True, timeout=timeout, env=env)


def raw_calls_as(user: str, socket_path, calls: list[dict], timeout: float = 60.0) -> list[dict]:
    """Sends each call ({"method", "parameters"}) on its own connection as `user`; returns the replies in order.

    A reply is the daemon's message, or {"closed": true} when it closed the connection instead of answering.
    """
    result = run_as(user, [USER_PYTHON, str(RAW_CLIENT), str(socket_path)], input=json.dumps(calls), timeout=timeout)
    assert result.returncode == 0, f"raw client as {user} failed: rc={result.returncode} {result.stderr}"
    replies = json.loads(result.stdout)
    for call, reply in zip(calls, replies):
        if isinstance(call, dict) and isinstance(call.get("method"), str) and ("error" in reply or "parameters" in reply):
            problem = varlink_shapes.problem(str(wait_for_binary(YEARD)), call["method"], reply)
            assert problem is None, f"the reply to {call['method']} is not what its interface declares: {problem}\n{reply}"
    return replies


def raw_call_as(user: str, socket_path, method: str, parameters: dict | None = None) -> dict:
    call = {"method": method}
    if parameters is not None:
        call["parameters"] = parameters
    return raw_calls_as(user, socket_path, [call])[0]


# --- the daemon -----------------------------------------------------------------------------------------------


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(str(value))


def _grants() -> list[dict]:
    grants = [
        {"role": "admin", "user": "yeard-admin"},
        {"role": "admin", "group": "yeard-test-admins"},
        {"role": "coordinator", "user": "yeard-coord"},
        {"role": "coordinator", "user": "yeard-coord2"},
        {"role": "coordinator", "user": "yeard-coord-b", "school": "school-b"},
        {"role": "admin", "user": "yeard-admin-coord"},
        {"role": "coordinator", "user": "yeard-admin-coord"},
        {"role": "secretary", "user": "yeard-secretary"},
        {"role": "teacher", "user": "yeard-teacher"},
        {"role": "auditor", "user": "yeard-auditor"},
        # Root gets admin and auditor, for the raw-socket tests; never coordinator.
        {"role": "admin", "uid": 0},
        {"role": "auditor", "uid": 0},
    ]
    return grants


def render_config(directory: Path, daemon_keys: dict | None = None, schools=SCHOOLS, extra: str = "") -> str:
    keys = {
        "state_dir": str(directory),
        "socket": str(directory / "control.sock"),
        "socket_group": "yeard-test",
        "socket_mode": "0660",
    }
    keys.update(daemon_keys or {})
    lines = ["[daemon]"]
    lines += [f"{key} = {toml_value(value)}" for key, value in keys.items() if value is not None]
    for school in schools:
        lines += ["", "[[school]]", f"id = {toml_value(school)}"]
    for grant in _grants():
        lines += ["", "[[grant]]"] + [f"{key} = {toml_value(value)}" for key, value in grant.items()]
    text = "\n".join(lines) + "\n"
    # No scheduled backup or integrity check at 02:30 or on Sunday night in the middle of a test run.
    if "[backup]" in extra:
        extra = extra.replace("[backup]\n", '[backup]\nschedule = ""\nintegrity_check_schedule = ""\n', 1)
    else:
        text += '\n[backup]\nschedule = ""\nintegrity_check_schedule = ""\n'
    if extra:
        text += "\n" + extra.strip("\n") + "\n"
    return text


class YeardProcess:
    """A running yeard: .socket, .pid, .dir, .config_path, .proc, .stderr_path."""

    def __init__(self, directory: Path, config_path: Path, socket_path: Path, proc: subprocess.Popen, stderr_path):
        self.dir = directory
        self.config_path = config_path
        self.socket = socket_path
        self.proc = proc
        self.pid = proc.pid
        self.stderr_path = stderr_path

    def stderr(self) -> str:
        return Path(self.stderr_path).read_text(errors="replace")

    def call(self, method: str, parameters: dict | None = None, timeout: float = 10.0) -> dict:
        return varlink_call(self.socket, method, parameters, timeout)

    def yearctl(self, user: str, *args: str, timeout: float = 30.0):
        return yearctl(user, self.socket, *args, timeout=timeout)

    def write_config(self, **kwargs) -> None:
        self.config_path.write_text(render_config(self.dir, **kwargs))

    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait_ready(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"yeard exited with {self.proc.returncode} before answering:\n{self.stderr()}")
            try:
                reply = varlink_call(self.socket, "org.varlink.service.GetInfo", timeout=2.0)
                if "error" not in reply:
                    return
                last = reply
            except OSError as error:
                last = error
            time.sleep(0.05)
        pytest.fail(f"yeard did not answer GetInfo on {self.socket} within {timeout} s ({last}):\n{self.stderr()}")

    def restart(self) -> None:
        """Stops the daemon (it must exit cleanly) and starts it again on the same configuration and state."""
        assert self.stop() == 0, self.stderr()
        with open(self.stderr_path, "ab") as stderr:
            self.proc = popen_binary(
                [str(wait_for_binary(YEARD)), "--config", str(self.config_path)],
                stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr, env=self.env, cwd=self.dir)
        self.pid = self.proc.pid
        self.wait_ready()

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM, then the exit status (killed and failed after `timeout`)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                pytest.fail(f"yeard did not exit within {timeout} s of SIGTERM:\n{self.stderr()}")
        return self.proc.returncode


class DaemonFactory:
    """Starts daemons on demand and stops every one of them at teardown (asserting a clean exit)."""

    def __init__(self):
        self.started: list[YeardProcess] = []
        self.dirs: list[Path] = []

    def __call__(
        self,
        daemon_keys: dict | None = None,
        schools=SCHOOLS,
        extra: str = "",
        env: dict | None = None,
        args: list[str] | None = None,
        wait: bool = True,
    ) -> YeardProcess:
        require_test_users()
        directory = make_temp_dir()
        self.dirs.append(directory)
        config_path = directory / "yeard.toml"
        config_path.write_text(render_config(directory, daemon_keys, schools, extra))
        socket_path = Path((daemon_keys or {}).get("socket") or directory / "control.sock")
        stderr_path = directory / "yeard.stderr"
        environment = {key: value for key, value in os.environ.items()
                       if key not in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID",
                                      "LISTEN_FDNAMES", "JOURNAL_STREAM")}
        environment.update(env or {})
        with open(stderr_path, "wb") as stderr:
            proc = popen_binary(
                [str(wait_for_binary(YEARD)), "--config", str(config_path), *(args or [])],
                stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr, env=environment, cwd=directory)
        daemon = YeardProcess(directory, config_path, socket_path, proc, stderr_path)
        daemon.env = environment
        self.started.append(daemon)
        if wait:
            daemon.wait_ready()
        return daemon

    def close(self) -> list[str]:
        problems = []
        for daemon in self.started:
            if daemon.proc.poll() is None:
                daemon.proc.send_signal(signal.SIGTERM)
                try:
                    daemon.proc.wait(10)
                except subprocess.TimeoutExpired:
                    daemon.proc.kill()
                    daemon.proc.wait()
                    problems.append(f"yeard {daemon.pid} did not exit within 10 s of SIGTERM:\n{daemon.stderr()}")
                    continue
                if daemon.proc.returncode != 0:
                    problems.append(
                        f"yeard {daemon.pid} exited with {daemon.proc.returncode} on SIGTERM:\n{daemon.stderr()}")
        if not problems:
            for directory in self.dirs:
                shutil.rmtree(directory, ignore_errors=True)
        return problems


@pytest.fixture
def daemon():
    """A factory: daemon(daemon_keys={...}, schools=..., extra="...", env={...}) starts a yeard and waits for it."""
    factory = DaemonFactory()
    yield factory
    problems = factory.close()
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def module_daemon():
    """The same factory, shared by a module's tests."""
    factory = DaemonFactory()
    yield factory
    problems = factory.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def tmp_dir():
    directory = make_temp_dir()
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


# --- yearctl --------------------------------------------------------------------------------------------------


def yearctl(user: str, socket_path, *args: str, timeout: float = 30.0) -> tuple[int, str, str]:
    """Runs `yearctl --socket SOCKET ARGS` as `user`; returns (rc, stdout, stderr)."""
    binary = str(wait_for_binary(YEARCTL))
    result = run_as(user, [binary, "--socket", str(socket_path), *args], timeout=timeout)
    return result.returncode, result.stdout, result.stderr


def parse_json(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise AssertionError(f"not JSON ({error}):\n{text}") from None


class NotifyListener:
    """An AF_UNIX datagram socket standing in for systemd's NOTIFY_SOCKET; collects every datagram."""

    def __init__(self, path: Path, on_line=None):
        self.path = path
        self.on_line = on_line  # called in the listener thread with each line, as soon as it arrives
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.settimeout(0.1)
        self.messages: list[tuple[float, str]] = []
        self.lock = threading.Condition()
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while self.running:
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            text = data.decode(errors="replace")
            if self.on_line:
                for line in text.split("\n"):
                    self.on_line(line)
            with self.lock:
                self.messages.append((time.monotonic(), text))
                self.lock.notify_all()

    def assignments(self) -> list[tuple[float, str]]:
        """Every VAR=value line received, with its arrival time, in order."""
        with self.lock:
            return [(at, line) for at, text in self.messages for line in text.split("\n") if line]

    def wait_for(self, predicate, timeout: float = 10.0):
        """Waits until predicate(assignments) is truthy and returns its value (fails on timeout)."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                value = predicate([(at, line) for at, text in self.messages for line in text.split("\n") if line])
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    pytest.fail(f"notify socket: condition not met within {timeout} s; got {self.messages}")
                self.lock.wait(remaining)

    def close(self):
        self.running = False
        self.thread.join(2)
        self.sock.close()
