"""The audit log and the schema under an attacker who can write the database file (issue 13, the security probe).

Whoever can write yeard.sqlite can drop the append-only triggers, delete the newest audit rows and reset
sqlite_sequence: the chain left in the database is then intact on its own terms. It is held against records outside
the database (the head file in the state directory, the newest backup), and the schema against what the migrations
create.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing

from conftest import parse_json
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
    assert f"audit chain BROKEN at row {rows - 2}: 3 rows are missing from the end (rows {rows - 2}...{rows}): " \
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
