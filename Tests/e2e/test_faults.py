"""Fault injection at the writes of every operation that changes the database (issue 13, item 3).

For an import, a year's approval, a rollover, its undo and a backup, the daemon's writes (pwrite64, SQLite's only
way to write its file and its WAL) are counted in a reference run; then, for sampled write numbers K, the K-th write
fails with ENOSPC, fails with EIO, or kills the daemon (strace's fault injection, attached once the daemon is ready).
`yeard restore` is swept the same way as a command. After each fault:
- the file passes integrity_check and foreign_key_check;
- it holds the whole state before or the whole state after (every table's rows; the audit log may also hold the
  refusal's own row);
- a daemon that was not killed still answers, and its client got one `yearctl:` sentence and a non-zero exit;
- a killed daemon restarts and reports the state the file holds.

YEARD_FAULT_POINTS=N takes N points per operation and fault (default 4, spread over the writes); `all` takes every
write: `YEARD_FAULT_POINTS=all python3 -m pytest Tests/e2e/test_faults.py -s` is the exhaustive sweep whose figures
docs/reliability.md records (each test prints its tally).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from conftest import YEARD, parse_json, wait_for_binary
from test_crash import Run, counts, replace_database, verdict
from test_registry import STUDENTS, load, write
from test_rollover import closing_school

FAULTS = {
    "ENOSPC": "inject=pwrite64:error=ENOSPC:when={k}",
    "EIO": "inject=pwrite64:error=EIO:when={k}",
    "SIGKILL": "inject=pwrite64:signal=SIGKILL:when={k}",
}


def points(writes: int) -> list[int]:
    setting = os.environ.get("YEARD_FAULT_POINTS", "4")
    if setting == "all":
        return list(range(1, writes + 1))
    n = max(1, int(setting))
    return sorted({1 + i * (writes - 1) // max(n - 1, 1) for i in range(n)}) if writes > 1 else [1]


def writes_of(strace_out: Path) -> int:
    by_thread: dict[str, int] = {}
    for line in strace_out.read_text().splitlines():
        if "pwrite64(" in line:
            by_thread[line.split()[0]] = by_thread.get(line.split()[0], 0) + 1
    return max(by_thread.values(), default=0)


def without_audit(table_counts: dict[str, int]) -> dict[str, int]:
    return {t: n for t, n in table_counts.items() if t != "audit_log"}


def sweep(d, name: str, action, years_before: dict, years_after: dict):
    """Runs `action(run)` (which returns yearctl's (rc, out, err)) under every sampled fault; asserts each outcome."""
    assert d.stop() == 0
    database = d.dir / "yeard.sqlite"
    template = d.dir / "fault-before.sqlite"
    shutil.copy(database, template)
    before = counts(template)

    def restore():
        replace_database(database, template)
        shutil.rmtree(d.dir / "backups", ignore_errors=True)

    restore()
    run = Run(d, ["-e", "trace=pwrite64"])
    rc, out, err = action(run)
    assert rc == 0, (name, out, err)
    assert run.finish(wait=0) is None
    writes = writes_of(d.dir / "strace.out")
    after = counts(database)
    assert writes > 0, name
    tally = {"old": 0, "new": 0}
    for fault, template_args in FAULTS.items():
        for k in points(writes):
            restore()
            args = ["-e", "trace=pwrite64", "-e", template_args.format(k=k)]
            run = Run(d, args)
            rc, out, err = action(run)
            if fault == "SIGKILL":
                # The client may see the connection close before the killed daemon is gone: wait for it a moment.
                try:
                    run.proc.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    pass
            alive = run.proc.poll() is None
            where = (name, fault, k, rc, err)
            if fault != "SIGKILL" or alive:
                # A daemon that was not killed still answers, and a refused client got one sentence.
                assert alive, where
                check = d.yearctl("yeard-auditor", "year", "list", "--school", "school-a", "--json")
                assert check[0] == 0, (where, check)
                if rc != 0:
                    assert err.startswith("yearctl: ") and err.count("\n") == 1, where
            # A kill has been waited for above; no other fault stops the daemon.
            killed = run.finish(wait=0)
            assert killed in (None, signal.SIGKILL), (where, killed)
            integrity, foreign, years = verdict(database)
            assert integrity == ["ok"] and foreign == [], (where, integrity, foreign)
            now = counts(database)
            if without_audit(now) == without_audit(before):
                assert now["audit_log"] in (before["audit_log"], before["audit_log"] + 1), where
                assert years == years_before, (where, years)
                tally["old"] += 1
            else:
                assert without_audit(now) == without_audit(after), (
                    where, {t: (before[t], now[t], after[t]) for t in now if now[t] != after[t]})
                assert years == years_after, (where, years)
                tally["new"] += 1
            # After a kill the daemon restarts and reports the state the file holds.
            if killed == signal.SIGKILL:
                again = Run(d, None)
                rc, out, _ = d.yearctl("yeard-auditor", "year", "list", "--school", "school-a", "--json")
                assert rc == 0 and {y["label"]: y["state"] for y in parse_json(out)["years"]} == years, where
                again.finish(wait=0)
    print(f"{name}: {writes} writes, {len(points(writes))} points x {len(FAULTS)} faults: {tally}")
    return tally


needs_strace = pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")


@needs_strace
def test_faults_in_an_import(daemon):
    d = daemon()
    load(d)
    path = write(d.dir, "more.csv", STUDENTS.replace("S1,", "S7,").replace("S2,", "S8,").replace("П-", "Ф-")
                 .replace("123-456-789 01", ""))
    sweep(d, "import", lambda run: d.yearctl("yeard-secretary", "import", "students", str(path), "--school",
                                             "school-a"),
          {"2026/2027": "open"}, {"2026/2027": "open"})


@needs_strace
def test_faults_in_an_approval(daemon):
    d = daemon()
    year = load(d)
    rc, out, _ = d.yearctl("yeard-admin", "year", "start", str(year["id"]), "--json")
    request = parse_json(out)["request"]["id"]
    # The start's readiness errors of this small school, accepted by name as the coordinator would.
    rc, out, _ = d.yearctl("yeard-coord", "report", "readiness", "--for", "start", "--school", "school-a", "--json")
    accepts = [arg for check in parse_json(out)["blocking"] for arg in ("--accept", check)]

    def approve(run):
        return d.yearctl("yeard-coord", "request", "approve", str(request), "--yes", *accepts, "--reason", "faults")

    sweep(d, "approval", approve, {"2026/2027": "open"}, {"2026/2027": "in_progress"})


@needs_strace
def test_faults_in_a_rollover_and_its_undo(daemon):
    d = daemon(extra="[rollover]\nbackup = false\n")
    closing_school(d)
    rc, out, err = d.yearctl("yeard-admin", "rollover", "request", "--school", "school-a", "--json")
    assert rc == 0, (out, err)
    request = parse_json(out)["request"]["id"]
    def apply(run):
        return d.yearctl("yeard-coord", "request", "approve", str(request), "--yes", "--accept", "consent.missing",
                         "--accept", "guardian.no-contact", "--reason", "faults")

    sweep(d, "rollover", apply, {"2026/2027": "closing"}, {"2026/2027": "closed", "2027/2028": "open"})
    # The undo, from the applied state: the rollover applied on the file as it was before the sweep.
    replace_database(d.dir / "yeard.sqlite", d.dir / "fault-before.sqlite")
    d.restart()
    rc, out, err = apply(None)
    assert rc == 0, (out, err)
    rc, out, err = d.yearctl("yeard-admin", "rollover", "undo", "--school", "school-a", "--reason", "faults",
                             "--json")
    assert rc == 0, (out, err)
    undo = parse_json(out)["request"]["id"]
    sweep(d, "undo", lambda run: d.yearctl("yeard-coord", "request", "approve", str(undo), "--yes", "--reason", "x"),
          {"2026/2027": "closed", "2027/2028": "open"}, {"2026/2027": "closing"})


@needs_strace
def test_faults_in_a_backup(daemon):
    d = daemon()
    load(d)
    tally = sweep(d, "backup", lambda run: d.yearctl("root", "backup", "create"),
                  {"2026/2027": "open"}, {"2026/2027": "open"})
    assert sum(tally.values()) > 0


@needs_strace
def test_faults_in_a_restore(daemon):
    d = daemon()
    load(d)
    rc, out, err = d.yearctl("root", "backup", "create", "--json")
    assert rc == 0, err
    backup = parse_json(out)["backup"]["path"]
    assert d.yearctl("yeard-admin", "year", "create", "2027/2028", "--school", "school-a")[0] == 0
    assert d.stop() == 0
    database = d.dir / "yeard.sqlite"
    template = d.dir / "restore-before.sqlite"
    shutil.copy(database, template)
    before, restored = counts(template), counts(Path(backup))
    yeard = str(wait_for_binary(YEARD))

    def restore_run(extra: list[str]):
        replace_database(database, template)
        for kept in d.dir.glob("yeard.sqlite.before-restore-*"):
            kept.unlink()
        return subprocess.run(["strace", "-f", "-o", str(d.dir / "strace.out"), *extra, yeard, "restore", backup,
                               "--config", str(d.config_path)], capture_output=True, text=True, timeout=60)

    assert restore_run(["-e", "trace=pwrite64"]).returncode == 0
    writes = writes_of(d.dir / "strace.out")
    tally = {"old": 0, "new": 0}
    for fault, template_args in FAULTS.items():
        for k in points(writes):
            result = restore_run(["-e", "trace=pwrite64", "-e", template_args.format(k=k)])
            if result.returncode != 0 and fault != "SIGKILL":
                assert result.stderr.startswith("yeard: ") and "nothing restored" in result.stderr, result.stderr
            integrity, foreign, _ = verdict(database)
            assert integrity == ["ok"] and foreign == [], (fault, k, integrity)
            now = counts(database)
            assert without_audit(now) in (without_audit(before), without_audit(restored)), (fault, k)
            tally["old" if without_audit(now) == without_audit(before) else "new"] += 1
    print(f"restore: {writes} writes, {len(points(writes))} points x {len(FAULTS)} faults: {tally}")
