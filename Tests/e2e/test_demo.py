"""The README's story on the demo: `yeard --demo DIR` starts with a school, its year and a generated registry, and
the two-person approval works as demo/yeard.toml says (run as root here: root is the admin, `nobody` the
coordinator)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time

import pytest

from conftest import YEARCTL, YEARD, make_temp_dir, require_test_users, run_as, varlink_call


@pytest.fixture()
def demo():
    require_test_users()
    directory = make_temp_dir("yeard-demo-")
    stderr = open(directory / "yeard.log", "w")
    proc = subprocess.Popen([str(YEARD), "--demo", str(directory / "demo")], stdout=stderr, stderr=stderr)
    socket_path = directory / "demo" / "control.sock"
    deadline = time.monotonic() + 30
    while True:
        try:
            if "error" not in varlink_call(socket_path, "org.varlink.service.GetInfo", timeout=2):
                break
        except OSError:
            pass
        assert proc.poll() is None, (directory / "yeard.log").read_text()
        assert time.monotonic() < deadline, "the demo did not start within 30 s"
        time.sleep(0.2)
    yield directory / "demo", socket_path
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(15) == 0
    stderr.close()
    shutil.rmtree(directory, ignore_errors=True)


def ctl(user, socket_path, *args):
    result = run_as(user, [str(YEARCTL), "--socket", str(socket_path), *args])
    return result.returncode, result.stdout, result.stderr


def test_the_demo_story(demo):
    directory, socket_path = demo
    assert os.getuid() == 0, "the demo story below is the one for root"
    config = (directory / "yeard.toml").read_text()
    assert "runuser -u nobody" in config

    rc, out, err = ctl("root", socket_path, "year", "list", "--json")
    assert rc == 0, err
    years = json.loads(out)["years"]
    assert [year["state"] for year in years] == ["open"]
    year = years[0]["label"]

    rc, out, err = ctl("root", socket_path, "movement", "--from", f"{year[:4]}-09-20", "--to", f"{year[:4]}-09-20",
                       "--json")
    assert rc == 0, err
    assert json.loads(out)["total"]["end"] > 800, out
    # The first day: the opening roll is the start count, not arrivals.
    first_day = years[0]["startDate"]
    rc, out, err = ctl("root", socket_path, "movement", "--from", first_day, "--to", first_day, "--json")
    total = json.loads(out)["total"]
    assert rc == 0 and total["start"] > 800 and total["start"] + total["arrived"] - total["left"] == total["end"], out
    # The demo's own students file, compared with the day it describes, has no problem whatever orders came later.
    students = directory / "registry" / "students.csv"
    rc, out, err = ctl("root", socket_path, "import", "students", str(students), "--dry-run", "--as-of", first_day,
                       "--json")
    assert rc == 0 and json.loads(out)["problemCount"] == 0, (out, err)

    rc, out, err = ctl("root", socket_path, "year", "start", year, "--reason", "lessons begin")
    assert rc == 0, err
    request = out.split("request ", 1)[1].split(":", 1)[0]
    rc, _, err = ctl("root", socket_path, "request", "approve", request)
    assert rc == 3, err
    rc, out, err = ctl("nobody", socket_path, "request", "approve", request)
    assert rc == 0 and "in_progress" in out, (out, err)
    rc, out, err = ctl("root", socket_path, "audit", "verify")
    assert rc == 0 and "intact" in out, (out, err)
