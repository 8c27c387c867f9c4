"""The audit log and the schema under an attacker who can write the database file (issue 13, the security probe).

Whoever can write yeard.sqlite can drop the append-only triggers, delete the newest audit rows and reset
sqlite_sequence: the chain left in the database is then intact on its own terms. It is held against records outside
the database (the head file in the state directory, the newest backup), and the schema against what the migrations
create.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from contextlib import closing

from conftest import YEARD, parse_json
from test_registry import load


def cut_tail(path, keep: int) -> None:
    with closing(sqlite3.connect(path, timeout=10)) as db:
        db.execute("DROP TRIGGER audit_log_no_delete")
        db.execute("DELETE FROM audit_log WHERE seq > ?", (keep,))
        db.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit_log'", (keep,))
        db.commit()


def test_a_cut_tail_is_found_through_the_head_file_and_named_with_its_count(daemon):
    d = daemon()
    load(d)
    rc, out, _ = d.yearctl("yeard-auditor", "audit", "verify", "--json")
    before = parse_json(out)
    assert rc == 0 and before["intact"], before
    rows = before["rows"]
    assert (d.dir / "audit-head").read_text().split()[0] == str(rows)
    assert d.stop() == 0
    cut_tail(d.dir / "yeard.sqlite", rows - 3)
    d.restart()
    rc, out, err = d.yearctl("yeard-auditor", "audit", "verify")
    assert rc == 1, (out, err)
    # The start-up put the dropped trigger back and said so in the log's next row (rows - 2): the rest is missing.
    assert f"audit chain BROKEN at row {rows - 1}: 2 rows are missing from the end (rows {rows - 1}...{rows}): " \
           f"the head file {d.dir / 'audit-head'} records row {rows}" in out, out
    assert "does not reach the row the head file records" in d.stderr()
    # Writing on does not heal it: the head file keeps its evidence and the new rows are not the recorded ones.
    for label in ("2030/2031", "2031/2032", "2032/2033", "2033/2034"):
        assert d.yearctl("yeard-admin", "year", "create", label, "--school", "school-a")[0] == 0
    assert (d.dir / "audit-head").read_text().split()[0] == str(rows)
    rc, out, err = d.yearctl("yeard-auditor", "audit", "verify")
    assert rc == 1 and f"BROKEN at row {rows}: it is not the row the head file" in out, out


def test_a_cut_tail_is_found_through_the_newest_backup_when_the_head_file_is_gone(daemon):
    d = daemon()
    load(d)
    rc, out, err = d.yearctl("root", "backup", "create", "--json")
    assert rc == 0, err
    rc, out, _ = d.yearctl("yeard-auditor", "audit", "verify", "--json")
    rows = parse_json(out)["rows"]
    assert d.stop() == 0
    cut_tail(d.dir / "yeard.sqlite", rows - 5)
    (d.dir / "audit-head").unlink()
    d.restart()
    rc, out, err = d.yearctl("yeard-auditor", "audit", "verify")
    assert rc == 1 and "rows are missing from the end" in out and "the backup " in out, out


def test_dropped_and_foreign_schema_guards_are_put_back_at_start_up_saying_so(daemon):
    d = daemon()
    load(d)
    assert d.stop() == 0
    with closing(sqlite3.connect(d.dir / "yeard.sqlite", timeout=10)) as db:
        closed = db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%closed_year%' "
                            "ORDER BY name LIMIT 1").fetchone()[0]
        db.execute("DROP TRIGGER audit_log_no_delete")
        db.execute("DROP TRIGGER audit_log_no_update")
        db.execute(f"DROP TRIGGER {closed}")
        db.execute("CREATE TRIGGER evil AFTER INSERT ON audit_log BEGIN SELECT 1; END")
        db.commit()
    d.restart()
    log = d.stderr()
    for name in ("audit_log_no_delete", "audit_log_no_update", closed):
        assert f"trigger {name} was missing; re-created as the migrations wrote it" in log, log
    assert "trigger evil is not one of the migrations'; dropped" in log, log
    with closing(sqlite3.connect(d.dir / "yeard.sqlite", timeout=10)) as db:
        names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert {"audit_log_no_delete", "audit_log_no_update", closed} <= names and "evil" not in names
        try:
            db.execute("DELETE FROM audit_log WHERE seq = 1")
            raise AssertionError("the audit log took a delete")
        except sqlite3.DatabaseError:
            pass
    rc, out, _ = d.yearctl("yeard-auditor", "audit", "list", "--json")
    entries = parse_json(out)["entries"]
    restored = [e for e in entries if e["action"] == "schema.restore"]
    assert restored and "audit_log_no_delete" in json.dumps(restored[-1]), entries[-3:]


def test_a_database_missing_a_table_is_refused_at_start_up(daemon):
    d = daemon()
    load(d)
    assert d.stop() == 0
    with closing(sqlite3.connect(d.dir / "yeard.sqlite", timeout=10)) as db:
        db.execute("PRAGMA foreign_keys = OFF")
        db.execute("DROP TABLE debt_retake")
        db.commit()
    proc = subprocess.run([str(YEARD), "--config", str(d.config_path)], capture_output=True, text=True, timeout=30)
    assert proc.returncode != 0
    assert "table debt_retake is missing; restore a backup (yeard restore)" in proc.stderr, \
        proc.stderr
