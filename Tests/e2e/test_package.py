"""The Debian package itself, before anything installs it: what it carries, and what Debian's own checker says.

- `dpkg-deb -c` lists the three programs, the units, the sysusers.d and tmpfiles.d files, the configuration (as a
  conffile), the four man pages and the Russian translations of yearctl(1), yeard(8) and yeard.toml(5), the bash,
  zsh and fish completions of each program, the copyright and changelog;
- `lintian` reports no error and no warning (its informational notes, such as spelling guesses inside Foundation's
  ICU tables, are not held against it).

The package is the one scripts/build-deb made ($YEARD_DEB; scripts/test builds it when run as root). Without it, or
without lintian (scripts/install-test-deps installs it), the tests skip and say so."""

from __future__ import annotations

import os
import subprocess

import pytest

from conftest import require_tool

PROGRAMS = ("yeard", "yearctl", "yeard-gen")


def package() -> str:
    deb = os.environ.get("YEARD_DEB")
    if not deb:
        pytest.skip("no $YEARD_DEB: scripts/build-deb makes the package (scripts/test does, as root)")
    return deb


def test_package_carries_what_a_sysadmin_needs():
    deb = package()
    listing = subprocess.run(["dpkg-deb", "-c", deb], capture_output=True, text=True, check=True).stdout
    paths = {line.split()[-1].removeprefix(".") for line in listing.splitlines() if line.strip()}
    expected = {
        "/usr/lib/systemd/system/yeard.service", "/usr/lib/systemd/system/yeard.socket",
        "/usr/lib/sysusers.d/yeard.conf", "/usr/lib/tmpfiles.d/yeard.conf", "/etc/yeard/yeard.toml",
        "/usr/share/man/man8/yeard.8.gz", "/usr/share/man/man1/yearctl.1.gz", "/usr/share/man/man1/yeard-gen.1.gz",
        "/usr/share/man/man5/yeard.toml.5.gz", "/usr/share/doc/yeard/copyright", "/usr/share/doc/yeard/changelog.gz",
        "/usr/share/locale/ru/LC_MESSAGES/yeard.mo", "/usr/share/man/ru/man1/yearctl.1.gz",
        "/usr/share/man/ru/man8/yeard.8.gz", "/usr/share/man/ru/man5/yeard.toml.5.gz",
    } | {f"/usr/share/yeard/templates/{name}.mustache"
         for name in ("layout", "readiness", "orders", "movement-book", "summary-sheet", "oo1", "consent-form")}
    for program in PROGRAMS:
        expected |= {f"/usr/bin/{program}", f"/usr/share/bash-completion/completions/{program}",
                     f"/usr/share/zsh/vendor-completions/_{program}",
                     f"/usr/share/fish/vendor_completions.d/{program}.fish"}
    missing = sorted(expected - paths)
    assert not missing, f"{deb} lacks {missing}"
    conffiles = subprocess.run(["dpkg-deb", "-I", deb, "conffiles"], capture_output=True, text=True,
                               check=True).stdout.split()
    assert conffiles == ["/etc/yeard/yeard.toml"], conffiles


def test_lintian_finds_no_error_or_warning():
    deb = package()
    lintian = require_tool("lintian", "lintian")
    result = subprocess.run([lintian, "--tag-display-limit", "0", deb], capture_output=True, text=True,
                            timeout=900)
    tags = [line for line in result.stdout.splitlines() if line.startswith(("E:", "W:"))]
    assert not tags, "lintian:\n" + "\n".join(tags)
    assert result.returncode == 0, f"lintian failed (exit {result.returncode}):\n{result.stdout}{result.stderr}"
