"""Soak and abuse (issue 13, item 5): many clients at once for a while, mixing every read with imports, requests
and approvals, beside clients that send one byte a second, never read their replies, connect and close at once, or
send what no parser should take (over the size limit, 100,000 levels of nesting, invalid UTF-8, huge numbers).

Afterwards the daemon's open descriptors and threads are back to what they were after a warm-up of the same mix,
its resident memory within 10 % of it, and it still answers; the latency of a probe's Status calls during the soak is printed.
The bounded run is CI's: YEARD_SOAK_CLIENTS (default 40) and YEARD_SOAK_SECONDS (default 20); the long run is
`YEARD_SOAK_CLIENTS=200 YEARD_SOAK_SECONDS=600 python3 -m pytest Tests/e2e/test_soak.py -s` (docs/reliability.md).
"""

from __future__ import annotations

import os
import random
import socket
import statistics
import threading
import time
from pathlib import Path

from conftest import VarlinkConnection, parse_json
from test_registry import load, write

CLIENTS = int(os.environ.get("YEARD_SOAK_CLIENTS", "40"))
SECONDS = float(os.environ.get("YEARD_SOAK_SECONDS", "20"))

READS = [
    ("io.yeard.Year.Status", {}),
    ("io.yeard.Year.ListSchools", {}),
    ("io.yeard.Year.List", {"school": "school-a"}),
    ("io.yeard.Approval.List", {"school": "school-a"}),
    ("io.yeard.Audit.List", {"limit": 50}),
    ("io.yeard.Registry.Export", {"kind": "students", "school": "school-a", "limit": 100}),
    ("io.yeard.Registry.Movement", {"school": "school-a", "from": "2026-09-01", "to": "2026-09-30"}),
    ("io.yeard.Checks.List", {}),
    ("io.yeard.Checks.Last", {"school": "school-a"}),
    ("io.yeard.Rollover.List", {"school": "school-a"}),
    ("io.yeard.Backup.List", {}),
    ("org.varlink.service.GetInfo", {}),
]


def process(pid: int) -> dict[str, int]:
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return {
        "fds": len(os.listdir(f"/proc/{pid}/fd")),
        "threads": int(fields["Threads"].strip()),
        "rss_kb": int(fields["VmRSS"].split()[0]),
    }


class Soak:
    def __init__(self, d, deadline: float):
        self.d = d
        self.deadline = deadline
        self.errors: list[str] = []
        self.calls = 0
        self.lock = threading.Lock()

    def note(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)

    def reader(self, seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < self.deadline:
            try:
                with VarlinkConnection(self.d.socket, timeout=30) as connection:
                    for _ in range(rng.randint(1, 20)):
                        method, parameters = rng.choice(READS)
                        reply = connection.call(method, parameters)
                        if "error" in reply and reply["error"] != "io.yeard.Registry.NoYear":
                            self.note(f"{method}: {reply}")
                        with self.lock:
                            self.calls += 1
            except (OSError, ConnectionError) as error:
                self.note(f"reader: {error}")

    def writer(self, seed: int, subjects: Path) -> None:
        rng = random.Random(seed)
        while time.monotonic() < self.deadline:
            choice = rng.random()
            if choice < 0.5:
                rc, out, err = self.d.yearctl("root", "import", "subjects", str(subjects), "--school", "school-a")
                if rc != 0:
                    self.note(f"import: {err}")
            else:
                # A request filed and cancelled by the admin, or approved (or refused as not ready) by a coordinator.
                rc, out, err = self.d.yearctl("root", "year", "start", "2026/2027", "--school", "school-a",
                                              "--reason", "soak", "--json")
                if rc == 0:
                    request = parse_json(out)["request"]["id"]
                    if choice < 0.75:
                        self.d.yearctl("root", "request", "cancel", str(request))
                    else:
                        self.d.yearctl("yeard-coord", "request", "reject", str(request), "--reason", "soak")

    def slow(self) -> None:
        # One byte a second of a valid call: it holds its own connection, nobody else's.
        message = b'{"method":"io.yeard.Year.Status"}\0'
        try:
            with VarlinkConnection(self.d.socket, timeout=5) as connection:
                for byte in message:
                    if time.monotonic() > self.deadline:
                        return
                    connection.sock.sendall(bytes([byte]))
                    time.sleep(1)
        except OSError:
            pass  # closed by the idle timeout: expected for the slowest

    def deaf(self) -> None:
        # Sends calls and never reads: the daemon's replies back up until it gives the connection up.
        while time.monotonic() < self.deadline:
            try:
                with VarlinkConnection(self.d.socket, timeout=2) as connection:
                    for _ in range(2000):
                        connection.sock.sendall(b'{"method":"io.yeard.Audit.List","parameters":{"limit":1000}}\0')
            except OSError:
                time.sleep(0.2)

    def hostile(self, seed: int) -> None:
        rng = random.Random(seed)
        frames = [
            b"[" * 100_000 + b"\0",
            b'{"method":"io.yeard.Year.Status","parameters":{"x":"\xff\xfe"}}\0',
            b'{"method":"io.yeard.Year.Get","parameters":{"id":1e400}}\0',
            b'{"method":"io.yeard.Year.Get","parameters":{"id":' + b"9" * 5000 + b"}}\0",
            b"{" * 2_000_000,
            b"",
        ]
        while time.monotonic() < self.deadline:
            try:
                with VarlinkConnection(self.d.socket, timeout=5) as connection:
                    frame = rng.choice(frames)
                    if frame:
                        connection.sock.sendall(frame)
                        connection.wait_closed(5)
            except OSError:
                pass

    def run(self, subjects: Path) -> list[float]:
        threads = []
        kinds = ["reader"] * max(1, CLIENTS - 10) + ["writer"] * 2 + ["slow"] * 2 + ["deaf"] * 2 + ["hostile"] * 4
        for index, kind in enumerate(kinds):
            target = {
                "reader": lambda i=index: self.reader(i),
                "writer": lambda i=index: self.writer(i, subjects),
                "slow": self.slow,
                "deaf": self.deaf,
                "hostile": lambda i=index: self.hostile(i),
            }[kind]
            threads.append(threading.Thread(target=target, daemon=True))
        for thread in threads:
            thread.start()
        latencies = []
        with VarlinkConnection(self.d.socket, timeout=30) as probe:
            while time.monotonic() < self.deadline:
                started = time.monotonic()
                reply = probe.call("io.yeard.Year.Status")
                latencies.append(time.monotonic() - started)
                if "error" in reply:
                    self.note(f"probe: {reply}")
                time.sleep(0.05)
        for thread in threads:
            thread.join(timeout=60)
        return latencies


def test_soak_and_abuse_leave_the_daemon_as_it_was(daemon):
    d = daemon(daemon_keys={"idle_timeout_seconds": 3, "max_connections": 1024, "max_connections_per_uid": 512})
    load(d)
    subjects = write(d.dir, "subjects.csv", "subject_id,name\nmath,Математика\nphys,Физика\n")
    # A warm-up of the same mix, so that caches, pools and the allocator's arenas are what a served daemon has: the
    # soak must then not grow them (a leak grows with every round, a warmed-up allocator does not).
    Soak(d, time.monotonic() + min(SECONDS, 20)).run(subjects)
    time.sleep(4)  # idle connections closed
    before = process(d.pid)
    soak = Soak(d, time.monotonic() + SECONDS)
    latencies = soak.run(subjects)
    # The slow and the deaf are closed by the idle timeout; then the daemon must be as it was.
    deadline = time.monotonic() + 30
    while True:
        time.sleep(1)
        after = process(d.pid)
        if (after["fds"] <= before["fds"] and after["threads"] <= before["threads"]) or time.monotonic() > deadline:
            break
    quantiles = statistics.quantiles(latencies, n=100)
    print(f"soak: {CLIENTS} clients, {SECONDS:.0f} s, {soak.calls} reads; probe Status p50 "
          f"{quantiles[49] * 1000:.1f} ms, p99 {quantiles[98] * 1000:.1f} ms over {len(latencies)} calls; "
          f"before {before}, after {after}")
    assert soak.errors == [], soak.errors[:10]
    assert d.alive()
    assert after["fds"] <= before["fds"], (before, after)
    assert after["threads"] <= before["threads"], (before, after)
    assert after["rss_kb"] <= before["rss_kb"] * 1.10, (before, after)
    rc, out, _ = d.yearctl("yeard-auditor", "audit", "verify", "--json")
    assert rc == 0 and parse_json(out)["intact"], out
