"""Backups on request and the restore of one, as the sysadmin does it: an admin writes backups through the socket,
an auditor lists them, the oldest beyond [backup] keep go; `yeard restore FILE` with the daemon stopped puts one
back (keeping the database it replaces), refuses while the daemon runs, and refuses a damaged file, changing
nothing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
from pathlib import Path

from conftest import YEARD, parse_json, run_binary, wait_for_binary


def test_backup_create_and_list(daemon):
    d = daemon(extra="[backup]\nkeep = 2\n")
    rc, out, err = d.yearctl("yeard-teacher", "backup", "create")
    assert rc == 3, (out, err)
    written = []
    for _ in range(3):
        rc, out, err = d.yearctl("yeard-admin", "backup", "create", "--json")
        assert rc == 0, (out, err)
        written.append(parse_json(out)["backup"])
        time.sleep(1.05)  # names carry the second they were written in
    directory = Path(d.dir) / "backups"
    assert directory.stat().st_mode & 0o777 == 0o700
    with sqlite3.connect(f"file:{written[-1]['path']}?mode=ro", uri=True) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT count(*) FROM school").fetchone()[0] == 2
    # keep = 2: the oldest went; the auditor sees the two newest, newest first.
    rc, out, err = d.yearctl("yeard-auditor", "backup", "list", "--json")
    assert rc == 0, (out, err)
    assert [b["name"] for b in parse_json(out)["backups"]] == [written[2]["name"], written[1]["name"]]
    assert sorted(p.name for p in directory.iterdir()) == sorted([written[1]["name"], written[2]["name"]])
    rc, out, _ = d.yearctl("yeard-auditor", "audit", "list", "--json")
    assert sum(1 for e in parse_json(out)["entries"] if e["action"] == "backup.create") == 3



def test_restore_puts_a_backup_back_and_refuses_what_it_must(daemon):
    d = daemon()
    rc, out, err = d.yearctl("yeard-admin", "backup", "create", "--json")
    assert rc == 0, (out, err)
    backup = parse_json(out)["backup"]["path"]
    rc, out, err = d.yearctl("yeard-admin", "year", "create", "2026/2027", "--school", "school-a")
    assert rc == 0, (out, err)
    yeard = str(wait_for_binary(YEARD))
    # While the daemon runs, nothing is restored.
    result = run_binary([yeard, "restore", backup, "--config", str(d.config_path)])
    assert result.returncode == 1 and "is open in another process" in result.stderr, result
    assert d.stop() == 0
    database = Path(d.dir) / "yeard.sqlite"
    # A damaged file is refused and the database stays as it was.
    damaged = Path(d.dir) / "damaged.sqlite"
    damaged.write_bytes(Path(backup).read_bytes()[:8192] + b"\0" * 8192)
    before = database.read_bytes()
    result = run_binary([yeard, "restore", str(damaged), "--config", str(d.config_path)])
    assert result.returncode == 1 and "nothing was changed" not in result.stdout, result
    assert "fails integrity_check" in result.stderr or "could not be read as a database" in result.stderr, result
    assert database.read_bytes() == before and not list(Path(d.dir).glob("*.restoring*"))
    # The backup goes back; the year created after it is gone; the replaced database is kept beside it.
    result = run_binary([yeard, "restore", backup, "--config", str(d.config_path)])
    assert result.returncode == 0 and "kept as" in result.stdout, result
    kept = list(Path(d.dir).glob("yeard.sqlite.before-restore-*"))
    assert len(kept) == 1
    # The restored file is the state directory owner's, 0600, whoever ran the restore (root, usually).
    restored, directory = os.stat(database), os.stat(d.dir)
    assert (restored.st_uid, restored.st_gid, restored.st_mode & 0o777) == (directory.st_uid, directory.st_gid, 0o600)
    with sqlite3.connect(f"file:{kept[0]}?mode=ro", uri=True) as old:
        assert old.execute("SELECT count(*) FROM academic_year").fetchone() == (1,)
    d.restart()
    rc, out, _ = d.yearctl("yeard-auditor", "year", "list", "--school", "school-a", "--json")
    assert rc == 0 and parse_json(out)["years"] == []
    rc, out, _ = d.yearctl("yeard-auditor", "audit", "verify")
    assert rc == 0, out
