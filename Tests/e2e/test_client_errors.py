"""Mistakes on the client's side are the caller's, said in one sentence, exit 2: never "connection failed"."""

from __future__ import annotations

import os

from test_registry import load


def test_importing_a_directory_or_an_unreadable_file_is_one_usage_sentence(daemon):
    d = daemon()
    load(d)
    rc, out, err = d.yearctl("yeard-secretary", "import", "students", str(d.dir), "--school", "school-a")
    assert rc == 2, (rc, out, err)
    assert err == f"yearctl: {d.dir} is a directory; name the CSV file to import\n", err
    secret = d.dir / "secret.csv"
    secret.write_text("student_id\n")
    os.chmod(secret, 0o600)  # root's, unreadable for yeard-secretary
    rc, out, err = d.yearctl("yeard-secretary", "import", "students", str(secret), "--school", "school-a")
    assert rc == 2, (rc, out, err)
    assert err == f"yearctl: cannot read {secret}: Permission denied\n", err
    rc, out, err = d.yearctl("yeard-secretary", "import", "students", str(d.dir / "missing.csv"))
    assert rc == 2 and err == f"yearctl: cannot read {d.dir / 'missing.csv'}: No such file or directory\n", err


def test_writing_a_report_into_a_directory_or_where_one_may_not_is_one_usage_sentence(daemon):
    d = daemon()
    load(d)
    for target in [d.dir, "/proc/version", "/nonexistent/dir/report.html"]:
        rc, out, err = d.yearctl("yeard-coord", "checks", "run", "--school", "school-a", "--format", "html",
                                 "--output", str(target))
        assert rc == 2, (target, rc, out, err)
        assert err.startswith(f"yearctl: cannot write {target}: "), err
        assert err.count("\n") == 1 and "Usage" not in err and "Domain" not in err, err
