"""Crash safety of the rollover: the daemon is killed with SIGKILL at the K-th write (pwrite64) of the thread that
applies an approved rollover, for every K the apply reaches (strace's fault injection, attached once the daemon is
ready so that only the approval's writes are counted), and at its commit's fdatasync. Each time the database must
pass integrity_check and foreign_key_check and hold either the whole state before or the whole state after: the
same row count in every table as one of the two, the years in matching states. After a restart the daemon reports
that state.

YEARD_CRASH_POINTS=N spreads N points instead of taking every write (for a longer run over a larger school)."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import time
from contextlib import closing
from pathlib import Path

import pytest

from conftest import YEARD, parse_json, popen_binary, varlink_call, wait_for_binary
from test_rollover import closing_school


def counts(path: Path) -> dict[str, int]:
    # closing(): a connection left open would keep this process's view of the file (and of its -shm) alive into
    # the next run, which replaces them.
    with closing(sqlite3.connect(f"file:{path}", uri=True)) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}


def replace_database(database: Path, template: Path) -> None:
    """Puts `template` in place of the database, with no WAL or shared memory left of the run before."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(database) + suffix).unlink(missing_ok=True)
    shutil.copy(template, database)


def verdict(path: Path) -> tuple[list, list, dict[str, str]]:
    with closing(sqlite3.connect(f"file:{path}", uri=True)) as db:
        integrity = [row[0] for row in db.execute("PRAGMA integrity_check")]
        foreign = db.execute("PRAGMA foreign_key_check").fetchall()
        years = dict(db.execute("SELECT label, state FROM academic_year WHERE school_id = 'school-a'").fetchall())
    return integrity, foreign, years


class Run:
    """One daemon over the test's state directory, optionally traced by strace from the moment it is ready."""

    def __init__(self, d, strace_args: list[str] | None):
        self.d = d
        log = open(d.dir / "crash.stderr", "ab")
        self.proc = popen_binary([str(wait_for_binary(YEARD)), "--config", str(d.config_path)],
                                 stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=d.env, cwd=d.dir)
        deadline = time.monotonic() + 10
        while True:
            assert self.proc.poll() is None, "yeard exited before it was ready"
            try:
                if "error" not in varlink_call(d.socket, "org.varlink.service.GetInfo", timeout=2.0):
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "yeard was not ready within 10 s"
            time.sleep(0.05)
        self.strace = None
        if strace_args is not None:
            self.strace = subprocess.Popen(
                ["strace", "-f", "-p", str(self.proc.pid), "-o", str(d.dir / "strace.out"), *strace_args],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            # strace says "Process N attached" once per thread: wait for the first, then for the rest to settle.
            line = self.strace.stderr.readline().decode()
            assert "attached" in line, line
            time.sleep(0.2)

    def approve(self, request: int) -> int:
        rc, _, _ = self.d.yearctl("yeard-coord", "request", "approve", str(request), "--yes", "--accept",
                                  "consent.missing", "--accept", "guardian.no-contact", "--reason", "crash test")
        return rc

    def finish(self, wait: float = 0.5) -> int | None:
        """Waits up to `wait` seconds for a daemon a fault may still kill (a kill lands within milliseconds of the
        write it was injected at), then stops a surviving one with SIGTERM; returns the signal that killed it, if
        any. A daemon no fault was injected into is stopped at once (`wait=0`)."""
        try:
            self.proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=10)
        if self.strace is not None:
            self.strace.wait(timeout=10)
        return -self.proc.returncode if self.proc.returncode < 0 else None


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_sigkill_anywhere_in_the_apply_leaves_the_old_or_the_new_state(daemon):
    d = daemon(extra="[rollover]\nbackup = false\n")
    closing_school(d)
    rc, out, err = d.yearctl("yeard-admin", "rollover", "request", "--school", "school-a", "--json")
    assert rc == 0, (out, err)
    request = parse_json(out)["request"]["id"]
    assert d.stop() == 0
    database = d.dir / "yeard.sqlite"
    template = d.dir / "before.sqlite"
    shutil.copy(database, template)
    before = counts(template)

    def restore():
        replace_database(database, template)

    # The reference run: how many writes the applying thread makes, and the state after.
    run = Run(d, ["-e", "trace=pwrite64,fdatasync"])
    assert run.approve(request) == 0
    assert run.finish(wait=0) is None
    traced = (d.dir / "strace.out").read_text().splitlines()
    by_thread: dict[str, int] = {}
    for line in traced:
        if "pwrite64(" in line:
            by_thread[line.split()[0]] = by_thread.get(line.split()[0], 0) + 1
    writes = max(by_thread.values())
    after = counts(database)
    assert after != before and after["rollover"] == before["rollover"] + 1

    points = int(os.environ.get("YEARD_CRASH_POINTS", "0"))
    ks = list(range(1, writes + 1)) if points <= 0 else sorted({1 + i * (writes - 1) // max(points - 1, 1)
                                                                 for i in range(points)})
    injections = [["-e", "trace=pwrite64", "-e", f"inject=pwrite64:signal=SIGKILL:when={k}"] for k in ks]
    injections.append(["-e", "trace=fdatasync", "-e", "inject=fdatasync:signal=SIGKILL:when=1"])
    assert len(injections) >= 50 or points > 0, f"only {len(injections)} kill points (the apply wrote {writes} times)"
    outcomes = {"old": 0, "new": 0}
    for args in injections:
        restore()
        run = Run(d, [*args])
        run.approve(request)
        killed = run.finish()
        integrity, foreign, years = verdict(database)
        assert integrity == ["ok"] and foreign == [], (args, integrity, foreign)
        now = counts(database)
        if now == before:
            assert years == {"2026/2027": "closing"}, (args, years)
            outcomes["old"] += 1
        else:
            assert now == after, (args, {t: (before[t], now[t], after[t]) for t in now if now[t] != after[t]})
            assert years == {"2026/2027": "closed", "2027/2028": "open"}, (args, years)
            outcomes["new"] += 1
        assert killed in (signal.SIGKILL, None), (args, killed)
        # After a restart the daemon reports the state the file holds.
        run = Run(d, None)
        rc, out, _ = d.yearctl("yeard-auditor", "year", "list", "--school", "school-a", "--json")
        assert rc == 0 and {y["label"]: y["state"] for y in parse_json(out)["years"]} == years
        run.finish(wait=0)
    # Most kills land inside the transaction (old state); the last writes and the commit's sync may already be
    # durable (new state). Both must have happened for the test to have looked at both sides.
    assert outcomes["old"] > 0 and outcomes["new"] > 0, outcomes
    print(f"{len(injections)} kill points over {writes} writes: {outcomes}")


def mount_tmpfs(path: Path, size: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path)],
                          capture_output=True).returncode == 0


@pytest.mark.parametrize("backup", [True, False], ids=["backup-first", "no-backup"])
def test_disk_full_during_the_apply_is_refused_and_changes_nothing(daemon, tmp_dir, backup):
    # The school, closing, with its rollover requested, prepared on an ordinary disk.
    d = daemon(extra=f"[rollover]\nbackup = {'true' if backup else 'false'}\n")
    closing_school(d)
    rc, out, err = d.yearctl("yeard-admin", "rollover", "request", "--school", "school-a", "--json")
    assert rc == 0, (out, err)
    request = parse_json(out)["request"]["id"]
    assert d.stop() == 0
    small = tmp_dir / "state"
    if not mount_tmpfs(small, "8m"):
        pytest.skip("cannot mount a tmpfs here (needs root): the disk-full test did not run")
    try:
        shutil.copy(d.dir / "yeard.sqlite", small / "yeard.sqlite")
        config = d.config_path.read_text().replace(f'state_dir = "{d.dir}"', f'state_dir = "{small}"')
        d.config_path.write_text(config)
        before = counts(small / "yeard.sqlite")
        run = Run(d, None)
        # Fill the file system but for a few pages: the daemon is up, its WAL holds what start-up wrote.
        free = os.statvfs(small).f_bavail * os.statvfs(small).f_frsize
        with open(small / "filler", "wb") as filler:
            filler.write(b"\0" * max(0, free - 16 * 1024))
        rc, out, err = d.yearctl("yeard-coord", "request", "approve", str(request), "--yes", "--accept",
                                 "consent.missing", "--accept", "guardian.no-contact", "--reason", "disk full test")
        assert rc != 0, (out, err)
        expected = "the backup" if backup else "the disk holding the database is full"
        assert expected in err and "nothing" in err, err
        # Nothing changed (the refusal itself may or may not find room in the audit log), the daemon is still up
        # and answers; once there is room again, the same request applies.
        refused = counts(small / "yeard.sqlite")
        assert {t: n for t, n in refused.items() if t != "audit_log"} == {
            t: n for t, n in before.items() if t != "audit_log"}
        assert run.proc.poll() is None
        rc, out, _ = d.yearctl("yeard-auditor", "year", "list", "--school", "school-a", "--json")
        assert rc == 0 and {y["label"]: y["state"] for y in parse_json(out)["years"]} == {"2026/2027": "closing"}
        (small / "filler").unlink()
        assert not list((small / "backups").glob("*.partial")) if (small / "backups").exists() else True
        rc, out, err = d.yearctl("yeard-coord", "request", "approve", str(request), "--yes", "--accept",
                                 "consent.missing", "--accept", "guardian.no-contact", "--reason", "room again")
        assert rc == 0, (out, err)
        assert run.finish(wait=0) is None
        integrity, foreign, years = verdict(small / "yeard.sqlite")
        assert integrity == ["ok"] and foreign == [] and years == {"2026/2027": "closed", "2027/2028": "open"}
        # Nothing of the refused attempt remains beside the one rollover (its refusal is in the audit log).
        after = counts(small / "yeard.sqlite")
        assert after["rollover"] == before["rollover"] + 1
    finally:
        subprocess.run(["umount", "-l", str(small)], check=False)
