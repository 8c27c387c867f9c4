"""Checks of the systemd files in systemd/ with systemd's own offline tools (no systemd as PID 1 needed).

- `systemd-analyze verify` must accept yeard.service and yeard.socket with no warning at all: it exits 0 even on
  unknown keys and bad values and only prints them on stderr, so stderr must be empty too.
- `systemd-analyze security --offline=true` must rate yeard.service at an exposure of 2.0 or less.
- `systemd-sysusers` and `systemd-tmpfiles` apply yeard.sysusers and yeard.tmpfiles to an empty root directory
  (--root=), never to this machine, and the users, groups and directories they make are checked.
- The units agree with the daemon's facts: Type=notify, a watchdog, no PrivateUsers= (SO_PEERCRED must see real
  uids), AF_UNIX only, and the socket and state paths of config/yeard.toml.
- The role groups agree everywhere: yeard.sysusers makes one system group per role, yeard.socket's ExecStartPost=
  lines give exactly those groups read-write ACL entries on the socket (connecting needs write access), one group a
  line and each allowed to fail (a deleted group must not take the socket down with it), the shipped
  config/yeard.toml grants each group its role at every school, and the package's postrm deletes the same groups.

`verify` does not look users up, so User=yeard need not exist on this machine; that the user is made right is the
sysusers check's job. It does check that every Exec*= binary exists, so setfacl (package acl) must be installed. A
tool that is missing makes its test skip with the reason. Tests/e2e/test_real_systemd.py runs the units for real.
"""

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from conftest import require_tool

REPO = Path(__file__).resolve().parents[2]
UNITS = REPO / "systemd"
SERVICE = UNITS / "yeard.service"
SOCKET = UNITS / "yeard.socket"
SYSUSERS = UNITS / "yeard.sysusers"
TMPFILES = UNITS / "yeard.tmpfiles"
CONFIG = REPO / "config" / "yeard.toml"
POSTRM = REPO / "packaging" / "postrm"

INSTALLED_BINARY = "/usr/bin/yeard"
MAX_EXPOSURE = 2.0
SETFACL = "/usr/bin/setfacl"
ROLES = ("admin", "coordinator", "secretary", "teacher", "auditor")
ROLE_GROUPS = tuple(f"yeard-{role}" for role in ROLES)

# No pager, no colours, no hyperlinks: plain text to parse.
ENV = dict(os.environ, SYSTEMD_PAGER="cat", PAGER="cat", SYSTEMD_COLORS="0", SYSTEMD_URLIFY="0", LC_ALL="C.UTF-8")


def tool(name: str) -> str:
    return require_tool(name, "systemd")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args), cwd=cwd, env=ENV, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        encoding="utf-8", errors="replace", timeout=120,
    )


def report(result: subprocess.CompletedProcess[str]) -> str:
    return f"command: {' '.join(result.args)}\nexit: {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"


def parse_unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """Section -> key -> every value, in order (enough of systemd.syntax(7) for these files: no continuations)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        assert not line.endswith("\\"), f"{path.name}: line continuations are not expected: {raw!r}"
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"{path.name}: assignment outside a section: {raw!r}"
        key, sep, value = line.partition("=")
        assert sep, f"{path.name}: not an assignment: {raw!r}"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def stand_in_binary() -> str:
    """An executable that exists here, to stand in for /usr/bin/yeard (verify checks that ExecStart exists)."""
    bin_dir = os.environ.get("YEARD_BIN_DIR")
    if bin_dir:
        candidate = Path(bin_dir) / "yeard"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return "/bin/true"


@pytest.fixture
def staged_units(tmp_path: Path) -> tuple[Path, Path]:
    """Copies of the two units in a temporary directory, ExecStart pointing at an existing executable."""
    if not os.access(SETFACL, os.X_OK):
        pytest.skip(f"{SETFACL} is not installed (apt-get install acl): verify requires yeard.socket's ExecStartPost=")
    service_text = SERVICE.read_text()
    assert service_text.count(INSTALLED_BINARY) == 1, f"expected exactly one {INSTALLED_BINARY} in {SERVICE.name}"
    service = tmp_path / SERVICE.name
    service.write_text(service_text.replace(INSTALLED_BINARY, stand_in_binary()))
    socket = tmp_path / SOCKET.name
    shutil.copyfile(SOCKET, socket)
    return service, socket


def verify(tmp_path: Path, *units: Path) -> subprocess.CompletedProcess[str]:
    return run(tool("systemd-analyze"), "verify", "--man=no", *map(str, units), cwd=tmp_path)


def test_verify_accepts_units_without_warnings(tmp_path: Path, staged_units: tuple[Path, Path]) -> None:
    result = verify(tmp_path, *staged_units)
    print(report(result))
    assert result.returncode == 0, report(result)
    assert result.stderr.strip() == "", f"systemd-analyze verify warned:\n{result.stderr}"


def test_verify_check_catches_a_bad_key(tmp_path: Path, staged_units: tuple[Path, Path]) -> None:
    """The check above is meaningful: verify on this machine does report an unknown key and a bad value on stderr."""
    service, socket = staged_units
    text = service.read_text().replace("[Service]\n", "[Service]\nNoSuchOption=yes\nRestartSec=soon\n", 1)
    service.write_text(text)
    result = verify(tmp_path, service, socket)
    assert "Unknown key 'NoSuchOption'" in result.stderr, report(result)
    assert "Failed to parse sec value" in result.stderr, report(result)


def test_verify_check_catches_a_missing_binary(tmp_path: Path) -> None:
    """Why ExecStart is rewritten: verify fails on a binary that does not exist (as /usr/bin/yeard here)."""
    service = tmp_path / SERVICE.name
    service.write_text(SERVICE.read_text().replace(INSTALLED_BINARY, str(tmp_path / "no-such-yeard")))
    socket = tmp_path / SOCKET.name
    shutil.copyfile(SOCKET, socket)
    result = verify(tmp_path, service, socket)
    assert result.returncode != 0 and "no-such-yeard" in result.stderr, report(result)


def exposure(tmp_path: Path, unit: Path, threshold: int) -> tuple[subprocess.CompletedProcess[str], float | None]:
    result = run(
        tool("systemd-analyze"), "security", "--no-pager", "--offline=true", f"--threshold={threshold}", str(unit),
        cwd=tmp_path,
    )
    match = re.search(r"Overall exposure level for \S+:\s*(\d+(?:\.\d+)?)", result.stdout)
    return result, float(match.group(1)) if match else None


def test_security_exposure_is_low(tmp_path: Path, staged_units: tuple[Path, Path]) -> None:
    service, _ = staged_units
    result, level = exposure(tmp_path, service, threshold=int(MAX_EXPOSURE * 10))
    print(report(result))
    assert level is not None, f"no 'Overall exposure level' in the output\n{report(result)}"
    print(f"yeard.service exposure: {level}")
    assert level <= MAX_EXPOSURE, report(result)
    assert result.returncode == 0, report(result)
    assert result.stderr.strip() == "", report(result)


def test_security_threshold_fails_an_unhardened_unit(tmp_path: Path) -> None:
    """The threshold is enforced: a bare unit scores high and makes the command fail."""
    bare = tmp_path / "bare.service"
    bare.write_text(f"[Service]\nExecStart={stand_in_binary()}\n")
    result, level = exposure(tmp_path, bare, threshold=int(MAX_EXPOSURE * 10))
    assert level is not None and level > MAX_EXPOSURE, report(result)
    assert result.returncode != 0, report(result)


def read_db(path: Path) -> dict[str, list[str]]:
    """An /etc/passwd or /etc/group style file: name -> fields."""
    entries = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#"):
            fields = line.split(":")
            entries[fields[0]] = fields
    return entries


@pytest.fixture
def sysusers_root(tmp_path: Path) -> Path:
    """An empty root with yeard.sysusers applied to it."""
    sysusers = tool("systemd-sysusers")
    if os.geteuid() != 0:
        pytest.skip("systemd-sysusers --root writes shadow files owned by root: run as root")
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)  # sysusers needs /etc to take its lock in
    result = run(sysusers, f"--root={root}", str(SYSUSERS))  # an absolute path is read from the host
    print(report(result))
    assert result.returncode == 0, report(result)
    assert "Failed" not in result.stderr and "ignoring" not in result.stderr, report(result)
    return root


def test_sysusers_dry_run_parses(tmp_path: Path) -> None:
    result = run(tool("systemd-sysusers"), f"--root={tmp_path}", "--dry-run", str(SYSUSERS))
    assert result.returncode == 0, report(result)
    assert "Creating group 'yeard'" in result.stderr + result.stdout, report(result)
    assert "Creating user 'yeard'" in result.stderr + result.stdout, report(result)


def test_sysusers_makes_system_user_and_group(sysusers_root: Path) -> None:
    users = read_db(sysusers_root / "etc" / "passwd")
    groups = read_db(sysusers_root / "etc" / "group")
    assert "yeard" in users and "yeard" in groups, (users, groups)
    _, _, uid, gid, _, home, shell = users["yeard"]
    assert 0 < int(uid) < 1000, f"not a system uid: {uid}"
    assert gid == groups["yeard"][2], "user yeard's primary group is not group yeard"
    assert home == "/var/lib/yeard"
    assert shell in ("/usr/sbin/nologin", "/sbin/nologin")


def test_tmpfiles_makes_directories(sysusers_root: Path) -> None:
    result = run(tool("systemd-tmpfiles"), f"--root={sysusers_root}", "--create", str(TMPFILES))
    print(report(result))
    assert result.returncode == 0, report(result)
    assert result.stderr.strip() == "", report(result)
    users = read_db(sysusers_root / "etc" / "passwd")
    groups = read_db(sysusers_root / "etc" / "group")

    state = (sysusers_root / "var" / "lib" / "yeard").stat()
    assert oct(state.st_mode & 0o7777) == oct(0o750)
    assert state.st_uid == int(users["yeard"][2]), "uid resolved from the root's /etc/passwd, not the host's"
    assert state.st_gid == int(groups["yeard"][2])

    config = (sysusers_root / "etc" / "yeard").stat()
    assert oct(config.st_mode & 0o7777) == oct(0o755)
    assert (config.st_uid, config.st_gid) == (0, 0)


def test_units_match_the_daemon() -> None:
    service = parse_unit(SERVICE)
    socket = parse_unit(SOCKET)
    svc = service["Service"]

    def one(section: dict[str, list[str]], key: str) -> str:
        values = section.get(key, [])
        assert len(values) == 1, f"{key}: expected one value, got {values}"
        return values[0]

    assert one(svc, "Type") == "notify"
    assert one(svc, "ExecStart").split()[0] == INSTALLED_BINARY
    assert "--config /etc/yeard/yeard.toml" in one(svc, "ExecStart")
    assert "-HUP" in one(svc, "ExecReload") and "$MAINPID" in one(svc, "ExecReload")
    assert one(svc, "WatchdogSec") not in ("0", "infinity")
    assert one(svc, "User") == "yeard" and one(svc, "Group") == "yeard"
    # PrivateUsers= would map every other uid to nobody: SO_PEERCRED could no longer tell callers apart.
    assert svc.get("PrivateUsers", ["no"])[-1] in ("no", "false", "0", "")
    assert one(svc, "RestrictAddressFamilies") == "AF_UNIX"
    assert one(svc, "CapabilityBoundingSet") == ""
    # libdispatch calls setpriority (in @resources): with the default action (kill) yeard dies of SIGSYS at start.
    if any("@resources" in value for value in svc.get("SystemCallFilter", [])):
        assert one(svc, "SystemCallErrorNumber") == "EPERM"
    assert "yeard.socket" in service["Unit"]["Requires"][0].split()
    assert "yeard.socket" in service["Unit"]["After"][0].split()
    assert service["Install"]["Also"] == ["yeard.socket"]

    sock = socket["Socket"]
    assert one(sock, "Accept") in ("no", "false")
    assert one(sock, "SocketGroup") == "yeard"
    assert one(sock, "SocketMode") == "0660"

    # The daemon's defaults (config/yeard.toml) and the units name the same places.
    if CONFIG.is_file():
        daemon = tomllib.loads(CONFIG.read_text())["daemon"]
        assert one(sock, "ListenStream") == daemon["socket"]
        assert daemon["state_dir"] == "/var/lib/" + one(svc, "StateDirectory")

    sysusers_lines = [line.split() for line in SYSUSERS.read_text().splitlines() if line and line[0] not in "#"]
    assert ["g", "yeard"] == sysusers_lines[0][:2]
    assert ["u", "yeard"] == sysusers_lines[1][:2]


def sysusers_entries() -> list[list[str]]:
    return [line.split() for line in SYSUSERS.read_text().splitlines() if line.strip() and line[0] != "#"]


def test_sysusers_declares_one_group_per_role() -> None:
    groups = [entry[1] for entry in sysusers_entries() if entry[0] == "g"]
    assert groups == ["yeard", *ROLE_GROUPS], f"yeard.sysusers groups: {groups}"
    for entry in sysusers_entries():
        if entry[0] == "g":
            assert entry[2:] == ["-"], f"{entry[1]}: a fixed gid would clash between machines: {entry}"


def test_sysusers_makes_role_groups(sysusers_root: Path) -> None:
    groups = read_db(sysusers_root / "etc" / "group")
    gids = []
    for group in ROLE_GROUPS:
        assert group in groups, f"systemd-sysusers did not make group {group}: {sorted(groups)}"
        gid = int(groups[group][2])
        assert 0 < gid < 1000, f"{group}: not a system gid: {gid}"
        assert groups[group][3] == "", f"{group} must start without members: {groups[group]}"
        gids.append(gid)
    assert len(set(gids + [int(groups["yeard"][2])])) == len(ROLE_GROUPS) + 1, "two groups share a gid"


def socket_acl_commands() -> list[list[str]]:
    """The argv of each ExecStartPost= of yeard.socket; each must be allowed to fail ("-" prefix)."""
    values = parse_unit(SOCKET)["Socket"].get("ExecStartPost", [])
    assert values, "yeard.socket has no ExecStartPost="
    for value in values:
        assert value.startswith("-/"), f"ExecStartPost={value}: a deleted group must not fail the socket ('-')"
    return [value[1:].split() for value in values]


def test_socket_lets_exactly_the_role_groups_connect() -> None:
    entries = []
    for argv in socket_acl_commands():
        assert argv[0] == SETFACL and argv[1] == "-m" and len(argv) == 4, f"ExecStartPost={' '.join(argv)}"
        # One group a command: one deleted group must not cost the others their entries.
        assert "," not in argv[2], f"ExecStartPost={' '.join(argv)}: one ACL entry a command"
        entries.append(argv[2])
        # The entries go on the socket itself, the path systemd binds.
        assert argv[3] == parse_unit(SOCKET)["Socket"]["ListenStream"][0]
    assert sorted(entries) == sorted(f"g:{group}:rw" for group in ROLE_GROUPS), f"ACL entries: {entries}"
    # Everyone else stays out: no access for others.
    assert parse_unit(SOCKET)["Socket"]["SocketMode"] == ["0660"]


def test_setfacl_arguments_parse(tmp_path: Path) -> None:
    """setfacl accepts the entries (checked on a file of our own with the groups swapped for one that exists)."""
    if not os.access(SETFACL, os.X_OK):
        pytest.skip(f"{SETFACL} is not installed (apt-get install acl)")
    target = tmp_path / "control.sock"
    target.write_text("")
    existing = run("id", "-gn").stdout.strip()
    for argv in socket_acl_commands():
        entries = re.sub(r"g:[^:,]+:", f"g:{existing}:", argv[2])
        result = run(SETFACL, argv[1], entries, str(target))
        if result.returncode != 0 and "Operation not supported" in result.stderr:
            pytest.skip(f"{tmp_path} does not support ACLs")
        assert result.returncode == 0, report(result)


def test_shipped_config_grants_each_group_its_role() -> None:
    grants = tomllib.loads(CONFIG.read_text()).get("grant", [])
    by_group = {grant.get("group"): grant for grant in grants if "group" in grant}
    for role, group in zip(ROLES, ROLE_GROUPS):
        assert group in by_group, f"config/yeard.toml grants nothing to group {group}"
        grant = by_group[group]
        assert grant == {"role": role, "group": group}, f"{group}: expected role {role} at every school: {grant}"
    assert len(grants) == len(ROLES), f"config/yeard.toml: one grant per role group expected: {grants}"


def test_purge_deletes_the_same_groups() -> None:
    if not POSTRM.is_file():
        pytest.skip("packaging/postrm is not there")
    match = re.search(r'^ROLE_GROUPS="([^"]*)"', POSTRM.read_text(), re.M)
    assert match, "packaging/postrm: no ROLE_GROUPS= line"
    assert match.group(1).split() == list(ROLE_GROUPS), "packaging/postrm and yeard.sysusers name other groups"
