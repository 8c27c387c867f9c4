"""The Debian package under a real systemd as PID 1: a minimal Debian 12 booted with systemd-nspawn.

Everything else in Tests/e2e plays systemd's part with stand-ins (systemd-socket-activate, a NOTIFY_SOCKET of our
own); only the real thing shows that the units, the maintainer scripts and the daemon agree. So this module
installs the .deb that scripts/build-deb made ($YEARD_DEB) into a fresh `debootstrap --variant=minbase` root and
checks, with the system's own tools (dpkg, systemctl, journalctl, runuser, getfacl, /proc):

- `dpkg -i` succeeds in the minimal root (so Depends names everything the binaries need), enables yeard.socket and
  starts it, and yeard.service does not run until someone connects;
- people in the role groups of yeard.sysusers work with yearctl as a sysadmin would set them up (useradd, usermod):
  alice (yeard-admin) creates a year and files its start, bob (yeard-coordinator) approves it and the year moves;
  carol, in no yeard group, is refused by the kernel at connect(2) (EACCES), never reaching the daemon; a role group
  the administrator deleted costs only its own ACL entry, not the socket;
- the first connection starts yeard through the socket; Type=notify makes it active only after READY=1, and the
  STATUS= line shows in `systemctl status`;
- the service runs as user yeard with no capability at all, and `systemd-analyze security` rates it 2.0 or less;
- the watchdog: a SIGSTOPped daemon is aborted and restarted by systemd, with the database intact;
- `systemctl reload` applies a good configuration and refuses a bad one, keeping the one in force;
- backups as yeard(8) says: `yearctl backup create` writes a 0600 file of user yeard into /var/lib/yeard/backups
  (0700), and `yeard restore FILE` with the units stopped puts it back, owned by yeard, the later request gone;
  after the start the STATUS line reports the quick_check;
- the journal carries the structured events (MESSAGE_ID and YEARD_* fields) of the request, the approval, the
  start, the reloads, a run of checks and the audit head;
- a database written by an older yeard (Tests/e2e/fixtures/yeard-before-rollovers.sqlite: this repository's
  migrations up to 2026-11-29-check-runs, the schema before rollovers, with school-1's year 2025/2026 in progress)
  is backed up (backups/before-upgrade-2026-11-29-check-runs.sqlite) and migrated when yeard starts on it;
- a newer version of the package (the same package repacked as VERSION+test1) upgrades the installed one and
  restarts the running service with it; `dpkg -r` leaves nothing running
  but keeps the database, a second `dpkg -i` finds the year again, and `dpkg -P` removes the database, the
  configuration, the user and the groups.

The Debian root is built once by debootstrap (about 30 s here, from the mirror in this machine's apt sources) and
cached in /var/cache/yeard-tests/, keyed by the package list; each run boots it with --volatile=overlay, so the
cache is never changed. The tests skip only where this machine cannot run systemd-nspawn (not root, the tools
missing, or a container that cannot boot); without $YEARD_DEB they fail: run scripts/build-deb.

The tests below run in order and share one container: each builds on the state the previous ones left.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

SUITE = "bookworm"
INCLUDE = "systemd,systemd-sysv,dbus,procps,libsqlite3-0,libxml2,acl,passwd,locales"
CACHE = Path("/var/cache/yeard-tests")
DEFAULT_MIRROR = "http://deb.debian.org/debian"
DEB_INSIDE = "/root/yeard.deb"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

SCHOOL = "school-1"  # the one school of the shipped config/yeard.toml
YEAR = "2026/2027"
ROLE_GROUPS = ("yeard-admin", "yeard-coordinator", "yeard-secretary", "yeard-teacher", "yeard-auditor")
MAX_EXPOSURE = 2.0

# The journal's MESSAGE_IDs of yeard's events (Sources/YearDaemon/JournalEvent.swift).
TRANSITION_REQUESTED = "1e8a6706d8544f1387fe9b475a0ccd9d"
REQUEST_APPROVED = "67d8528fc70f46cf9e2c898b2b798d45"
STARTED = "941da1e7543c4a658f826d4ec2d77359"
RELOADED = "bcebfe71ea5f4d299656fb6685da29f9"
RELOAD_REFUSED = "2b793fb24a2e433ba58b693deb5609c9"
CHECK_RUN_FINISHED = "b5dffb115bbc4e098d48450f4fbe83ff"
AUDIT_HEAD = "d4dc4c4e55544b749fa74ed3f67d635c"
BACKUP_CREATED = "0d7372da551c4817b6f51eb3b66f89d2"
INTEGRITY_CHECKED = "773fc2cf7e594794824403a431fb32fd"

# Plain output inside the container: no pager, no colours, no hyperlinks.
INSIDE_ENV = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "LANG": "C.UTF-8",
    "TERM": "dumb",
    "SYSTEMD_PAGER": "cat",
    "PAGER": "cat",
    "SYSTEMD_COLORS": "0",
    "SYSTEMD_URLIFY": "0",
    "DEBIAN_FRONTEND": "noninteractive",
}

# What the tests learn and later tests use (the module's tests run in order).
story: dict = {}


# --- the machine ----------------------------------------------------------------------------------------------


def require_nspawn_host() -> str:
    """The path of the .deb under test; skips where this machine cannot run nspawn, fails without $YEARD_DEB."""
    if os.geteuid() != 0:
        pytest.skip("needs root: systemd-nspawn boots a container and debootstrap builds its root")
    missing = [tool for tool in ("systemd-nspawn", "debootstrap", "nsenter", "pgrep") if not shutil.which(tool)]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (scripts/install-test-deps: apt-get install "
                    "systemd-container debootstrap)")
    deb = os.environ.get("YEARD_DEB")
    if not deb:
        pytest.fail("YEARD_DEB is not set: run scripts/build-deb (scripts/test does, as root) and set YEARD_DEB to "
                    "the .deb it prints")
    if not Path(deb).is_file():
        pytest.fail(f"YEARD_DEB={deb} does not exist: run scripts/build-deb")
    return str(Path(deb).resolve())


def debian_mirror() -> str:
    """The Debian mirror of this machine's apt sources (deb822 .sources files or sources.list)."""
    texts = []
    for path in [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*"))]:
        if path.is_file() and path.suffix in ("", ".list", ".sources"):
            texts.append(path.read_text(errors="replace"))
    for text in texts:
        for stanza in re.split(r"\n\s*\n", text):
            uris = re.search(r"^URIs:\s*(\S+)", stanza, re.M)
            suites = re.search(r"^Suites:\s*(.*)$", stanza, re.M)
            if uris and suites and SUITE in suites.group(1).split() and "security" not in uris.group(1):
                return uris.group(1)
        for line in text.splitlines():
            match = re.match(r"^deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+(\S+)", line.strip())
            if match and match.group(2) == SUITE:
                return match.group(1)
    return DEFAULT_MIRROR


def debian_root() -> Path:
    """A minbase Debian root with INCLUDE, from the cache or built now: into a temporary directory, renamed into
    place when complete, so that a half-built root is never used (a lock keeps parallel runs from building twice)."""
    key = hashlib.sha256(f"{SUITE} minbase {INCLUDE}".encode()).hexdigest()[:16]
    root = CACHE / f"{SUITE}-minbase-{key}"
    if root.is_dir():
        return root
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if root.is_dir():
            return root
        building = Path(tempfile.mkdtemp(prefix=f".{root.name}.", dir=CACHE))
        mirror = debian_mirror()
        log = CACHE / f"{root.name}.debootstrap.log"
        started = time.monotonic()
        with open(log, "w") as out:
            result = subprocess.run(
                ["debootstrap", "--variant=minbase", f"--include={INCLUDE}", SUITE, str(building), mirror],
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, timeout=1200)
        if result.returncode != 0:
            shutil.rmtree(building, ignore_errors=True)
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
            pytest.fail(f"debootstrap {SUITE} from {mirror} failed (exit {result.returncode}); log {log}:\n{tail}")
        building.chmod(0o755)
        building.rename(root)
        print(f"debootstrap {SUITE} took {time.monotonic() - started:.0f} s: {root}")
        return root


# --- the container --------------------------------------------------------------------------------------------


class Container:
    """A booted systemd-nspawn container: commands run inside through nsenter into its PID 1 (no machined here)."""

    def __init__(self, root: Path, deb: str):
        self.root = root
        self.deb = deb
        self.name = f"yeard-test-{os.getpid()}-{secrets.token_hex(3)}"
        self.log_path = Path(tempfile.mkstemp(prefix=f"{self.name}.", suffix=".console")[1])
        self.proc: subprocess.Popen | None = None
        self.leader = 0  # the host pid of the container's PID 1

    def boot(self, timeout: float = 60.0) -> None:
        argv = [
            "systemd-nspawn", "-q", "-D", str(self.root), "--boot", "--register=no", "--keep-unit",
            "--volatile=overlay", "--private-network", "--console=passive", "-M", self.name,
            f"--bind-ro={self.deb}:{DEB_INSIDE}",
        ]
        with open(self.log_path, "wb") as console:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=console, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + timeout
        state = ""
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.skip(f"systemd-nspawn cannot boot a container on this machine (exit {self.proc.returncode}):"
                            f"\n{self.console()}")
            if not self.leader:
                children = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True)
                self.leader = int(children.stdout.split()[0]) if children.stdout.split() else 0
            if self.leader:
                result = self.run("systemctl", "is-system-running", check=False, timeout=10)
                state = result.stdout.strip()
                if state in ("running", "degraded"):
                    return
                if state in ("maintenance", "stopping"):
                    break
            time.sleep(0.2)
        failed = self.run("systemctl", "--failed", "--no-legend", check=False).stdout if self.leader else ""
        pytest.fail(f"the container did not reach running|degraded within {timeout} s (state {state!r}); failed "
                    f"units:\n{failed}\nconsole:\n{self.console()}")

    def console(self) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-40:])

    def run(self, *argv: str, check: bool = True, timeout: float = 60.0, stdin: str | None = None,
            ) -> subprocess.CompletedProcess[str]:
        """Runs argv inside the container as root; check=True fails the test on a non-zero exit, with the output."""
        result = subprocess.run(
            ["nsenter", "-t", str(self.leader), "-a", "--", *argv], env=INSIDE_ENV, capture_output=True, text=True,
            input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL, timeout=timeout,
            errors="replace")
        if check and result.returncode != 0:
            pytest.fail(f"inside the container: {describe(result)}")
        return result

    def sh(self, script: str, check: bool = True, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
        return self.run("sh", "-c", script, check=check, timeout=timeout)

    def shutdown(self) -> None:
        """Powers the container off (SIGTERM to nspawn makes PID 1 shut down), kills it when that takes too long,
        and removes what nspawn leaves in the host's /run."""
        try:
            if self.proc and self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(15)
                except subprocess.TimeoutExpired:
                    if self.leader:
                        try:
                            os.kill(self.leader, signal.SIGKILL)  # PID 1 of the namespace: takes every process
                        except ProcessLookupError:
                            pass
                    try:
                        os.killpg(self.proc.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    self.proc.wait(15)
        finally:
            shutil.rmtree(f"/run/systemd/nspawn/propagate/{self.name}", ignore_errors=True)
            shutil.rmtree(f"/run/systemd/nspawn/unix-export/{self.name}", ignore_errors=True)
            self.log_path.unlink(missing_ok=True)


def describe(result: subprocess.CompletedProcess[str]) -> str:
    args = result.args[5:] if result.args[:1] == ["nsenter"] else result.args
    return f"{' '.join(map(str, args))}\nexit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"


@pytest.fixture(scope="module")
def box():
    """The booted container, shut down at the end of the module whatever happened."""
    deb = require_nspawn_host()
    container = Container(debian_root(), deb)
    try:
        container.boot()
        yield container
    finally:
        container.shutdown()


# --- one-line helpers -----------------------------------------------------------------------------------------


def after(step: str) -> None:
    """Fails (not skips) a test whose earlier step did not complete: the module's tests build on each other."""
    if step not in story:
        pytest.fail(f"this check needs an earlier step ({step}) that did not complete; see the first failure")


def yearctl(box: Container, user: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """`yearctl ARGS` as `user` (runuser, so their groups are those of the group database)."""
    result = box.run("runuser", "-u", user, "--", "yearctl", *args, check=False)
    if check and result.returncode != 0:
        pytest.fail(f"yearctl as {user} failed: {describe(result)}")
    return result


def yearctl_json(box: Container, user: str, *args: str) -> dict:
    result = yearctl(box, user, *args, "--json")
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"yearctl --json as {user} printed no JSON: {describe(result)}")


def unit_property(box: Container, unit: str, name: str) -> str:
    return box.run("systemctl", "show", "-p", name, "--value", unit).stdout.strip()


def is_active(box: Container, unit: str) -> str:
    return box.run("systemctl", "is-active", unit, check=False).stdout.strip()


def wait_until(what: str, probe, timeout: float = 20.0, interval: float = 0.2):
    """Polls probe() until it returns something truthy, which is returned; fails naming `what` on timeout."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(interval)
    pytest.fail(f"{what}: not within {timeout} s (last: {last!r})")


def main_pid(box: Container) -> int:
    return int(unit_property(box, "yeard.service", "MainPID") or 0)


def uid_of(box: Container, user: str) -> int:
    return int(box.run("id", "-u", user).stdout)


def journal(box: Container, *match: str, after: str | None = None) -> list[dict]:
    """yeard's journal entries (journalctl -u yeard -o json), after the cursor `after` when given, narrowed by any
    FIELD=VALUE matches."""
    cursor = [f"--after-cursor={after}"] if after else []
    result = box.run("journalctl", "-u", "yeard", "-o", "json", "--no-pager", *cursor, *match, check=False)
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def journal_cursor(box: Container) -> str | None:
    """The cursor of yeard's latest journal entry: later entries are those after it."""
    entries = journal(box, "-n", "1")
    return entries[-1]["__CURSOR"] if entries else None


def messages(entries: list[dict]) -> str:
    return "\n".join(str(entry.get("MESSAGE")) for entry in entries)


def wait_for_journal(box: Container, what: str, predicate, timeout: float = 15.0, after: str | None = None) -> dict:
    """The first entry of yeard's journal (after the cursor `after`) that satisfies predicate; fails with the recent
    messages on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        entries = journal(box, after=after)
        found = next((entry for entry in entries if predicate(entry)), None)
        if found:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"the journal has no entry {what} within {timeout} s; yeard's last messages:\n"
                        f"{messages(entries[-30:])}")
        time.sleep(0.3)


def event(box: Container, message_id: str, name: str, timeout: float = 10.0, **fields: str) -> dict:
    """The journal entry with MESSAGE_ID=message_id and every YEARD_<field>=value given."""
    wanted = {"MESSAGE_ID": message_id, **{f"YEARD_{key.upper()}": str(value) for key, value in fields.items()}}
    return wait_for_journal(
        box, f"'{name}' with {wanted}", lambda entry: all(entry.get(k) == v for k, v in wanted.items()), timeout)


def config_text(box: Container) -> str:
    return box.run("cat", "/etc/yeard/yeard.toml").stdout


def write_config(box: Container, text: str) -> None:
    box.run("sh", "-c", "cat > /etc/yeard/yeard.toml.tmp && mv /etc/yeard/yeard.toml.tmp /etc/yeard/yeard.toml",
            stdin=text)


def put(box: Container, source: Path, inside: str) -> None:
    """Copies a host file into the container, through the container's root as the host sees it."""
    shutil.copyfile(source, f"/proc/{box.leader}/root{inside}")


def newer_package(deb: str, directory: Path) -> tuple[Path, str]:
    """The package under test repacked as version VERSION+test1 (what an upgrade to the next release installs),
    and that version."""
    tree = directory / "tree"
    subprocess.run(["dpkg-deb", "-R", deb, str(tree)], check=True, capture_output=True)
    control = tree / "DEBIAN" / "control"
    text = control.read_text()
    version = re.search(r"^Version: (\S+)$", text, re.M).group(1) + "+test1"
    control.write_text(re.sub(r"^Version: \S+$", f"Version: {version}", text, count=1, flags=re.M))
    newer = directory / f"yeard_{version}_amd64.deb"
    subprocess.run(["dpkg-deb", "-Zgzip", "-z1", "--root-owner-group", "-b", str(tree), str(newer)], check=True,
                   capture_output=True)
    return newer, version


def year_exists(box: Container, user: str = "alice") -> dict | None:
    years = yearctl_json(box, user, "year", "list").get("years", [])
    return next((year for year in years if year.get("label") == YEAR), None)


# --- the tests, in order ----------------------------------------------------------------------------------------


def test_depends_names_what_the_root_already_has() -> None:
    """The root below comes with systemd, acl and libsqlite3-0, so `dpkg -i` there cannot notice one missing from
    Depends: the package's own control file must name them."""
    deb = os.environ.get("YEARD_DEB")
    if not deb:
        pytest.skip("no $YEARD_DEB (scripts/build-deb makes one)")
    depends = subprocess.run(["dpkg-deb", "-f", deb, "Depends"], capture_output=True, text=True, check=True).stdout
    for package in ("libsqlite3-0", "libsystemd0", "libc6", "acl", "systemd | systemd-standalone-sysusers",
                    "systemd | systemd-standalone-tmpfiles"):
        assert package in depends, f"Depends of {deb} lacks {package}: {depends}"


def test_install_in_a_minimal_root(box: Container) -> None:
    result = box.run("dpkg", "-i", DEB_INSIDE, check=False, timeout=180)
    assert result.returncode == 0, f"dpkg -i failed in the minimal root (are Depends complete?):\n{describe(result)}"
    assert "warning" not in result.stderr.lower(), f"dpkg -i warned:\n{describe(result)}"
    assert box.run("dpkg-query", "-W", "-f=${Status}", "yeard").stdout == "install ok installed"
    enabled = box.run("systemctl", "is-enabled", "yeard.socket", check=False).stdout.strip()
    assert enabled == "enabled", f"postinst did not enable yeard.socket: is-enabled says {enabled!r}"
    assert is_active(box, "yeard.socket") == "active", box.run("systemctl", "status", "yeard.socket",
                                                               check=False).stdout
    assert is_active(box, "yeard.service") == "inactive", "yeard.service runs before anyone connected"
    assert box.run("getent", "passwd", "yeard", check=False).returncode == 0, "postinst did not make the user yeard"
    for group in ROLE_GROUPS:
        assert box.run("getent", "group", group, check=False).returncode == 0, f"postinst did not make {group}"
    story["installed"] = True


def test_socket_admits_the_role_groups_only(box: Container) -> None:
    after("installed")
    mode = box.run("stat", "-c", "%a %U %G", "/run/yeard/control.sock").stdout.split()
    assert mode == ["660", "yeard", "yeard"], f"/run/yeard/control.sock: mode, owner, group {mode}"
    acl = box.run("getfacl", "-cp", "/run/yeard/control.sock").stdout
    for group in ROLE_GROUPS:
        assert f"group:{group}:rw-" in acl, f"yeard.socket's ExecStartPost= gave {group} no rw entry:\n{acl}"
    assert "other::---" in acl and "mask::rw-" in acl, acl


def test_people_in_role_groups(box: Container) -> None:
    after("installed")
    box.sh("useradd -m alice && usermod -a -G yeard-admin alice")
    box.sh("useradd -m bob && usermod -a -G yeard-coordinator bob")
    box.sh("useradd -m carol")
    assert "yeard-admin" in box.run("id", "-nG", "alice").stdout.split()
    assert "yeard-coordinator" in box.run("id", "-nG", "bob").stdout.split()
    assert not [g for g in box.run("id", "-nG", "carol").stdout.split() if g.startswith("yeard")]
    story["users"] = {user: uid_of(box, user) for user in ("alice", "bob", "carol")}


def test_first_connection_starts_yeard(box: Container) -> None:
    after("users")
    assert is_active(box, "yeard.service") == "inactive"
    status = yearctl(box, "alice", "status")
    assert SCHOOL in status.stdout, f"yearctl status does not name {SCHOOL}:\n{describe(status)}"
    # Type=notify: active (running) only once READY=1 came; "activating" until then.
    wait_until("yeard.service active after the first connection", lambda: is_active(box, "yeard.service") == "active")
    assert unit_property(box, "yeard.service", "SubState") == "running"
    text = unit_property(box, "yeard.service", "StatusText")
    assert text.startswith(f"{SCHOOL}:"), f"STATUS= of yeard.service: {text!r}"
    shown = box.run("systemctl", "status", "--no-pager", "-n0", "yeard.service", check=False).stdout
    assert f'Status: "{text}"' in shown, f"systemctl status does not show the STATUS= line {text!r}:\n{shown}"
    wait_for_journal(box, "from yeard saying it took the socket systemd passed",
                     lambda e: "listening on the socket passed by systemd" in str(e.get("MESSAGE")))
    story["started"] = main_pid(box)


def test_two_person_approval(box: Container) -> None:
    after("started")
    created = yearctl_json(box, "alice", "year", "create", YEAR)
    assert created["year"]["state"] == "open" and created["year"]["school"] == SCHOOL, created
    filed = yearctl_json(box, "alice", "year", "start", YEAR, "--reason", "lessons begin")
    request = filed["request"]["id"]
    assert filed["request"]["status"] == "pending", filed
    approved = yearctl_json(box, "bob", "request", "approve", str(request), "--reason", "calendar checked")
    assert approved["request"]["status"] == "approved", approved
    state = yearctl_json(box, "bob", "year", "show", YEAR)["year"]["state"]
    assert state == "in_progress", f"the year did not move on approval: {state}"
    story["year"] = created["year"]["id"]
    story["request"] = request
    wait_until("STATUS= names the year in progress",
               lambda: f"{YEAR} in_progress" in unit_property(box, "yeard.service", "StatusText"), timeout=10)


def test_the_installed_package_speaks_russian_to_a_russian_user(box: Container) -> None:
    after("year")
    # A sysadmin generates the locale as Debian does; the catalogue comes from the package.
    box.sh("sed -i 's/^# *\\(ru_RU.UTF-8 UTF-8\\)/\\1/' /etc/locale.gen && locale-gen >/dev/null")
    assert box.run("test", "-f", "/usr/share/locale/ru/LC_MESSAGES/yeard.mo", check=False).returncode == 0
    shown = box.run("runuser", "-u", "bob", "--", "env", "LANG=ru_RU.UTF-8", "yearctl", "year", "show", YEAR,
                    check=False)
    assert shown.returncode == 0, describe(shown)
    assert "СОСТОЯНИЕ" in shown.stdout and "идёт" in shown.stdout, describe(shown)
    assert re.search(r"\b\d\d\.\d\d\.20\d\d\b", shown.stdout), describe(shown)
    english = box.run("runuser", "-u", "bob", "--", "env", "LANG=C.UTF-8", "yearctl", "year", "show", YEAR,
                      check=False)
    assert "STATE" in english.stdout and "in_progress" in english.stdout, describe(english)
    # The Russian man pages are installed where man -L ru finds them (man -L ru yearctl, man -L ru yeard,
    # man -L ru 5 yeard.toml).
    for page in ("man1/yearctl.1.gz", "man8/yeard.8.gz", "man5/yeard.toml.5.gz"):
        assert box.run("test", "-f", f"/usr/share/man/ru/{page}", check=False).returncode == 0, page
    # The printable documents come from the installed templates (/usr/share/yeard/templates), for the daemon's
    # readiness page and for yearctl's reports alike.
    page = box.run("runuser", "-u", "bob", "--", "env", "LANG=ru_RU.UTF-8", "yearctl", "report", "readiness",
                   "--for", "close", "--year", YEAR, "--format", "html", check=False)
    assert "@page" in page.stdout and "Готовность" in page.stdout, describe(page)
    orders = box.run("runuser", "-u", "bob", "--", "yearctl", "report", "orders", "--year", YEAR, "--format",
                     "html", check=False)
    assert orders.returncode == 0 and "<!DOCTYPE html>" in orders.stdout, describe(orders)


def test_outsider_is_refused_by_the_kernel(box: Container) -> None:
    after("users")
    result = yearctl(box, "carol", "status", check=False)
    assert result.returncode == 4, f"carol (no yeard group) must not connect (exit 4): {describe(result)}"
    assert "Permission denied" in result.stderr and "cannot connect" in result.stderr, \
        f"carol's refusal must be EACCES at connect(2), not a daemon error: {describe(result)}"
    heard = journal(box, f"YEARD_UID={story['users']['carol']}")
    assert not heard, f"yeard heard from carol, whom the kernel should have stopped:\n{messages(heard)}"


def test_service_runs_unprivileged(box: Container) -> None:
    after("started")
    pid = main_pid(box)
    assert pid > 0, "yeard.service has no MainPID"
    status = box.run("cat", f"/proc/{pid}/status").stdout
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    for cap in ("CapEff", "CapPrm", "CapBnd", "CapAmb", "CapInh"):
        assert int(fields[cap].strip(), 16) == 0, f"yeard runs with {cap}={fields[cap].strip()}"
    yeard_uid = uid_of(box, "yeard")
    assert fields["Uid"].split() == [str(yeard_uid)] * 4, f"yeard's Uid line: {fields['Uid'].strip()}"
    assert fields["NoNewPrivs"].strip() == "1"


def test_security_exposure(box: Container) -> None:
    after("installed")
    result = box.run("systemd-analyze", "security", "--no-pager", "yeard.service", check=False)
    match = re.search(r"Overall exposure level for yeard\.service:\s*(\d+(?:\.\d+)?)", result.stdout)
    assert match, f"no 'Overall exposure level' line: {describe(result)}"
    assert float(match.group(1)) <= MAX_EXPOSURE, f"exposure {match.group(1)} > {MAX_EXPOSURE}:\n{result.stdout}"


def test_a_deleted_role_group_costs_only_its_own_entry(box: Container) -> None:
    after("started")
    box.run("groupdel", "yeard-teacher")
    try:
        box.run("systemctl", "restart", "yeard.socket", timeout=60)
        assert is_active(box, "yeard.socket") == "active", \
            box.run("systemctl", "status", "--no-pager", "yeard.socket", check=False).stdout
        acl = box.run("getfacl", "-cp", "/run/yeard/control.sock").stdout
        assert "group:yeard-admin:rw-" in acl and "yeard-teacher" not in acl, acl
        yearctl(box, "alice", "status")
    finally:
        box.run("systemd-sysusers", "yeard.conf")
        box.run("systemctl", "restart", "yeard.socket", timeout=60)
    assert "group:yeard-teacher:rw-" in box.run("getfacl", "-cp", "/run/yeard/control.sock").stdout
    yearctl(box, "alice", "status")
    wait_until("yeard.service active again", lambda: is_active(box, "yeard.service") == "active")


def test_watchdog_restarts_a_hung_daemon(box: Container) -> None:
    after("year")
    box.run("mkdir", "-p", "/etc/systemd/system/yeard.service.d")
    box.run("sh", "-c", "cat > /etc/systemd/system/yeard.service.d/test.conf",
            stdin="[Service]\nWatchdogSec=4s\nTimeoutAbortSec=2s\n")
    box.run("systemctl", "daemon-reload")
    box.run("systemctl", "restart", "yeard.service", timeout=60)
    wait_until("yeard.service active after the restart", lambda: is_active(box, "yeard.service") == "active")
    assert unit_property(box, "yeard.service", "WatchdogUSec") == "4s"
    restarts = int(unit_property(box, "yeard.service", "NRestarts"))
    hung = main_pid(box)
    assert hung > 0, "no MainPID to stop"
    cursor = journal_cursor(box)
    box.run("kill", "-STOP", str(hung))
    wait_until("systemd restarts yeard after the watchdog fires",
               lambda: int(unit_property(box, "yeard.service", "NRestarts")) > restarts
               and main_pid(box) not in (0, hung) and is_active(box, "yeard.service") == "active", timeout=40)
    wait_for_journal(box, "from systemd saying the watchdog fired",
                     lambda e: "Watchdog timeout" in str(e.get("MESSAGE")), after=cursor)
    wait_for_journal(box, "from systemd saying the hung yeard failed with result 'watchdog'",
                     lambda e: "Failed with result 'watchdog'" in str(e.get("MESSAGE")), after=cursor)
    assert box.run("kill", "-0", str(hung), check=False).returncode != 0, "the hung yeard was not killed"
    year = year_exists(box)
    assert year and year["state"] == "in_progress", f"after the watchdog restart the year is {year}"
    box.run("rm", "/etc/systemd/system/yeard.service.d/test.conf")
    box.run("systemctl", "daemon-reload")


def test_reload_applies_good_and_refuses_bad_configuration(box: Container) -> None:
    after("year")
    wait_until("yeard.service active", lambda: is_active(box, "yeard.service") == "active")
    pid = main_pid(box)
    shipped = config_text(box)
    assert "request_lifetime_hours = 72" in shipped
    cursor = journal_cursor(box)

    write_config(box, shipped.replace("request_lifetime_hours = 72", "request_lifetime_hours = 48"))
    box.run("systemctl", "reload", "yeard.service")
    wait_for_journal(box, "'configuration reloaded'", lambda e: "configuration reloaded" in str(e.get("MESSAGE")),
                     after=cursor)
    assert is_active(box, "yeard.service") == "active" and main_pid(box) == pid, "reload restarted the daemon"

    # A broken file that, were it applied, would also drop every school and grant: alice could see no year.
    cursor = journal_cursor(box)
    write_config(box, "[daemon]\nno_such_key = 1\n")
    box.run("systemctl", "reload", "yeard.service")
    refused = wait_for_journal(box, "'configuration refused'", lambda e: "refused" in str(e.get("MESSAGE")),
                               after=cursor)
    assert "no_such_key" in str(refused.get("MESSAGE")), refused.get("MESSAGE")
    assert is_active(box, "yeard.service") == "active" and main_pid(box) == pid, "a refused reload stopped yeard"
    year = year_exists(box)
    assert year and year["state"] == "in_progress", f"the configuration in force changed on a refused reload: {year}"

    write_config(box, shipped)
    box.run("systemctl", "reload", "yeard.service")
    story["reloaded"] = True


def test_backup_and_restore(box: Container) -> None:
    after("year")
    made = yearctl_json(box, "alice", "backup", "create")
    path = made["backup"]["path"]
    assert path.startswith("/var/lib/yeard/backups/yeard-") and path.endswith(".sqlite"), made
    assert box.run("stat", "-c", "%a %U", path).stdout.split() == ["600", "yeard"], "the backup's mode and owner"
    assert box.run("stat", "-c", "%a %U", "/var/lib/yeard/backups").stdout.split() == ["700", "yeard"]
    listed = [backup["path"] for backup in yearctl_json(box, "alice", "backup", "list")["backups"]]
    assert path in listed, listed
    # A change after the backup, which the restore must take away.
    later = yearctl_json(box, "alice", "year", "begin-closing", YEAR, "--reason", "after the backup")
    assert later["request"]["status"] == "pending", later

    box.run("systemctl", "stop", "yeard.socket", "yeard.service", timeout=60)
    restored = box.run("yeard", "restore", path, "--config", "/etc/yeard/yeard.toml", check=False, timeout=120)
    assert restored.returncode == 0 and "kept as" in restored.stdout, describe(restored)
    owner = box.run("stat", "-c", "%a %U", "/var/lib/yeard/yeard.sqlite").stdout.split()
    assert owner == ["600", "yeard"], f"the restored database must be yeard's, 0600: {owner}"
    box.run("systemctl", "start", "yeard.socket")
    requests = yearctl_json(box, "alice", "request", "list")["requests"]
    assert later["request"]["id"] not in [request["id"] for request in requests], \
        f"the request filed after the backup survived its restore: {requests}"
    year = year_exists(box)
    assert year and year["state"] == "in_progress", f"after the restore the year is {year}"
    wait_until("STATUS= reports the quick_check after the start",
               lambda: "integrity ok (quick)" in unit_property(box, "yeard.service", "StatusText"), timeout=20)
    story["backup"] = path


def test_database_of_an_older_yeard_is_backed_up_and_migrated(box: Container) -> None:
    after("year")
    box.run("systemctl", "stop", "yeard.socket", "yeard.service", timeout=60)
    box.sh("mkdir -p /root/saved && mv /var/lib/yeard/yeard.sqlite* /root/saved/")
    put(box, FIXTURES / "yeard-before-rollovers.sqlite", "/var/lib/yeard/yeard.sqlite")
    box.sh("chown yeard:yeard /var/lib/yeard/yeard.sqlite && chmod 600 /var/lib/yeard/yeard.sqlite")
    box.run("systemctl", "start", "yeard.socket")
    try:
        years = yearctl_json(box, "alice", "year", "list")["years"]
        assert [(y["label"], y["state"]) for y in years] == [("2025/2026", "in_progress")], years
        kept = "/var/lib/yeard/backups/before-upgrade-2026-11-29-check-runs.sqlite"
        stat = box.run("stat", "-c", "%a %U %s", kept, check=False)
        assert stat.returncode == 0, f"no backup before the upgrade: {describe(stat)}"
        assert stat.stdout.split()[:2] == ["600", "yeard"] and int(stat.stdout.split()[2]) > 0, stat.stdout
        # The tables of the newer migrations are there: the rollovers answer (none yet).
        assert yearctl_json(box, "alice", "rollover", "list")["rollovers"] == []
    finally:
        box.run("systemctl", "stop", "yeard.socket", "yeard.service", timeout=60)
        box.sh("rm -f /var/lib/yeard/yeard.sqlite* && mv /root/saved/yeard.sqlite* /var/lib/yeard/")
        box.run("systemctl", "start", "yeard.socket")
    year = year_exists(box)
    assert year and year["state"] == "in_progress", f"the database put back is not the one before: {year}"


def test_journal_carries_structured_events(box: Container) -> None:
    after("year")
    users = story["users"]
    checks = yearctl(box, "alice", "checks", "run", check=False)
    assert checks.returncode in (0, 1), f"yearctl checks run: {describe(checks)}"
    failures = []

    def expect(message_id: str, name: str, **fields) -> None:
        try:
            event(box, message_id, name, **fields)
        except pytest.fail.Exception as failure:
            failures.append(str(failure).splitlines()[0])

    expect(TRANSITION_REQUESTED, "transition requested", action="request.file", uid=users["alice"], school=SCHOOL,
           year=YEAR)
    expect(REQUEST_APPROVED, "request approved", action="request.approve", uid=users["bob"], school=SCHOOL, year=YEAR)
    expect(STARTED, "started")
    expect(AUDIT_HEAD, "audit head")
    expect(CHECK_RUN_FINISHED, "check run finished", school=SCHOOL)
    if "backup" in story:
        expect(BACKUP_CREATED, "backup created", action="backup.create", uid=users["alice"])
        expect(INTEGRITY_CHECKED, "integrity checked", action="integrity.check", depth="quick", ok="true")
    if "reloaded" in story:
        expect(RELOADED, "configuration reloaded")
        expect(RELOAD_REFUSED, "reload refused")
    assert not failures, "missing journal events:\n" + "\n".join(failures)


def test_upgrade_restarts_the_running_service(box: Container, tmp_path: Path) -> None:
    """dpkg -i of a newer version is an upgrade: postinst restarts a running yeard with the new binary."""
    after("year")
    newer, version = newer_package(box.deb, tmp_path)
    put(box, newer, "/root/yeard-newer.deb")
    yearctl(box, "alice", "status")
    wait_until("yeard.service active", lambda: is_active(box, "yeard.service") == "active")
    before = main_pid(box)
    result = box.run("dpkg", "-i", "/root/yeard-newer.deb", check=False, timeout=180)
    assert result.returncode == 0, describe(result)
    assert "Preparing to unpack" in result.stdout and f"({version})" in result.stdout, result.stdout
    assert box.run("dpkg-query", "-W", "-f=${Version}", "yeard").stdout == version
    wait_until("yeard.service active again after the upgrade",
               lambda: is_active(box, "yeard.service") == "active" and main_pid(box) not in (0, before))
    assert box.run("systemctl", "is-enabled", "yeard.socket", check=False).stdout.strip() == "enabled"
    year = year_exists(box)
    assert year and year["state"] == "in_progress", f"after the upgrade the year is {year}"


def test_remove_reinstall_purge(box: Container) -> None:
    after("year")
    result = box.run("dpkg", "-r", "yeard", check=False, timeout=120)
    assert result.returncode == 0, describe(result)
    assert box.run("pgrep", "-x", "yeard", check=False).returncode == 1, "a yeard process survived dpkg -r"
    assert is_active(box, "yeard.socket") != "active", "yeard.socket still listens after dpkg -r"
    assert is_active(box, "yeard.service") != "active", "yeard.service still runs after dpkg -r"
    assert box.run("test", "-e", "/run/yeard/control.sock", check=False).returncode != 0, \
        "/run/yeard/control.sock is left after dpkg -r"
    assert box.run("test", "-f", "/var/lib/yeard/yeard.sqlite", check=False).returncode == 0, \
        "dpkg -r must keep the database"

    result = box.run("dpkg", "-i", DEB_INSIDE, check=False, timeout=180)
    assert result.returncode == 0, describe(result)
    assert box.run("systemctl", "is-enabled", "yeard.socket", check=False).stdout.strip() == "enabled"
    assert is_active(box, "yeard.socket") == "active", "yeard.socket does not listen after reinstalling"
    year = year_exists(box)
    assert year and year["state"] == "in_progress", f"the reinstalled yeard does not find the year: {year}"

    result = box.run("dpkg", "-P", "yeard", check=False, timeout=120)
    assert result.returncode == 0, describe(result)
    assert box.run("pgrep", "-x", "yeard", check=False).returncode == 1, "a yeard process survived dpkg -P"
    for path in ("/var/lib/yeard", "/etc/yeard"):
        assert box.run("test", "-e", path, check=False).returncode != 0, f"dpkg -P left {path}"
    assert box.run("getent", "passwd", "yeard", check=False).returncode == 2, "dpkg -P left the user yeard"
    for group in ("yeard", *ROLE_GROUPS):
        assert box.run("getent", "group", group, check=False).returncode == 2, f"dpkg -P left the group {group}"
