"""The man pages in docs/man, yeard(8), yearctl(1), yeard-gen(1) and yeard.toml(5), against the programs and
files they describe.

A man page drifts away from its program unless something compares the two, and groff says nothing about a broken
page unless it is asked. So:

- each page is ASCII and renders without a single warning, both with groff (`groff -man -ww -z -t`) and as man-db
  shows it (`man --warnings -E UTF-8 -l`, 80 columns), and its NAME section gives mandb a whatis entry;
- every subcommand and every long option of the built yearctl, yeard and yeard-gen, as their
  `--experimental-dump-help` JSON lists them, is in the page: the options of the tool itself and those every
  subcommand shares (--socket, --json, --help...) as entries of their own, each subcommand on a line that
  introduces it (`request approve ID ...`), with that subcommand's own options on that line; and the OPTIONS and
  COMMANDS sections name no option the tool does not have;
- every table and key of config/yeard.toml, the commented-out examples included (`# metrics_file = ...`), is in
  yeard.toml(5), the key at the start of a line under the heading of its table;
- the MESSAGE_ID table of yeard(8), the journal contract, holds exactly the identifiers of
  Sources/YearDaemon/JournalEvent.swift, each beside the name of its event.

The translations in docs/man/LANG (UTF-8, so not held to ASCII) are held to the same checks as their English pages:
the Russian yearctl(1) and yeard(8) to the built programs, with the headings of their language, the Russian
yeard(8)'s ЖУРНАЛ table to the MESSAGE_IDs, and the Russian yeard.toml(5) to config/yeard.toml.

Pages are searched as rendered text (groff -Tutf8 with very long lines and no hyphenation, so that an entry is one
line), not as roff source, so that escapes such as \\- and font changes do not matter. A missing groff or man makes
the tests that need it skip with the reason; a missing binary fails, as everywhere in these tests.
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import BIN_DIR, YEARCTL, YEARD, require_tool, run_binary, wait_for_binary

REPO = Path(__file__).resolve().parents[2]
MAN = REPO / "docs" / "man"
PAGES = {"yeard": MAN / "yeard.8", "yearctl": MAN / "yearctl.1", "yeard.toml": MAN / "yeard.toml.5",
         "yeard-gen": MAN / "yeard-gen.1"}
TOOLS = ["yearctl", "yeard", "yeard-gen"]
# Translations (UTF-8, as man-db's pages of a language are): installed under /usr/share/man/LANG, read with
# `man -L LANG`, and held to the same checks as the English page of their tool.
TRANSLATED = {"yearctl.ru": MAN / "ru" / "yearctl.1", "yeard.ru": MAN / "ru" / "yeard.8",
              "yeard.toml.ru": MAN / "ru" / "yeard.toml.5"}
ALL_PAGES = PAGES | TRANSLATED
# A page's headings of OPTIONS and COMMANDS, in its language.
HEADINGS = {"yearctl.ru": ("ПАРАМЕТРЫ", "КОМАНДЫ"),
            "yeard.ru": ("ПАРАМЕТРЫ", "КОМАНДЫ")}
# The pages of yeard(8), each with the heading of its JOURNAL section (the MESSAGE_ID table), in its language.
JOURNAL_SECTIONS = {"yeard": "JOURNAL", "yeard.ru": "ЖУРНАЛ"}


def tool_of(page: str) -> str:
    """The tool or file a page describes (`yearctl.ru` describes yearctl, `yeard.toml.ru` yeard.toml): a
    translation's name is that of its English page and a dot and the language."""
    return page.rsplit(".", 1)[0] if page in TRANSLATED else page


# The pages of the programs, English and translated, checked against the built programs; and those of the
# configuration file, checked against config/yeard.toml.
TOOL_PAGES = TOOLS + sorted(page for page in TRANSLATED if tool_of(page) in TOOLS)
CONFIG_PAGES = ["yeard.toml"] + sorted(page for page in TRANSLATED if tool_of(page) == "yeard.toml")


CONFIG = REPO / "config" / "yeard.toml"
JOURNAL_EVENTS = REPO / "Sources" / "YearDaemon" / "JournalEvent.swift"

ENV = dict(os.environ, LC_ALL="C.UTF-8", MANWIDTH="80", MANPAGER="cat", PAGER="cat", GROFF_NO_SGR="1")


def tool(name: str) -> str:
    return require_tool(name, "groff" if name == "groff" else "man-db")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args), env=ENV, stdin=subprocess.DEVNULL, capture_output=True, text=True, encoding="utf-8",
        errors="replace", timeout=60)


@functools.cache
def rendered(page: str) -> list[str]:
    """The page as text, one line per paragraph or entry: no line breaks of groff's own, no hyphens it added, no
    overstriking; typographic hyphens and minus signs read as '-'."""
    result = run(tool("groff"), "-k", "-man", "-t", "-Tutf8", "-rLL=4000n", "-rHY=0", "-P-c", "-P-b", "-P-o", "-P-u",
                 str(ALL_PAGES[page]))
    assert result.returncode == 0, f"groff failed on {ALL_PAGES[page]}:\n{result.stderr}"
    text = re.sub(".\b", "", result.stdout)
    text = text.translate({0x2010: "-", 0x2011: "-", 0x2212: "-"})
    return text.splitlines()


def section(lines: list[str], heading: str) -> list[str]:
    """The lines of the .SH section `heading`, which ends at the next heading (a line of capitals in column 0)."""
    start = None
    for index, line in enumerate(lines):
        if start is None and line.strip() == heading and not line.startswith(" "):
            start = index + 1
        elif start is not None and re.fullmatch(r"[A-ZА-ЯЁ][A-ZА-ЯЁ0-9 .-]*", line):
            return lines[start:index]
    assert start is not None, f"no section {heading} in the page"
    return lines[start:]


def indentation(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


# --- 1. every page renders without a warning ---------------------------------------------------------------------


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_is_ascii(page):
    """Non-ASCII input renders differently with and without preconv; the pages need none."""
    text = PAGES[page].read_bytes()
    bad = [number for number, line in enumerate(text.splitlines(), 1) if any(byte > 0x7F for byte in line)]
    assert not bad, f"{PAGES[page]}: non-ASCII bytes on lines {bad}; write them with groff escapes"


@pytest.mark.parametrize("page", sorted(ALL_PAGES))
def test_groff_renders_page_without_warnings(page):
    # A translation is checked for the terminal device (the PostScript default has no Cyrillic glyphs).
    device = ["-Tutf8"] if page in TRANSLATED else []
    result = run(tool("groff"), "-k", *device, "-man", "-ww", "-z", "-t", str(ALL_PAGES[page]))
    assert result.returncode == 0 and result.stderr == "", (
        f"groff -man -ww -z -t {ALL_PAGES[page]} warns (exit {result.returncode}):\n{result.stderr}")


@pytest.mark.parametrize("page", sorted(ALL_PAGES))
def test_man_renders_page_without_warnings(page):
    result = run(tool("man"), "--warnings", "-E", "UTF-8", "-l", str(ALL_PAGES[page]))
    assert result.returncode == 0 and result.stderr == "", (
        f"man --warnings -E UTF-8 -l {ALL_PAGES[page]} (MANWIDTH=80) warns (exit {result.returncode}):\n"
        f"{result.stderr}")
    name, see_also = ("ИМЯ", "СМ. ТАКЖЕ") if page in TRANSLATED else ("NAME", "SEE ALSO")
    assert name in result.stdout and see_also in result.stdout, f"man rendered nothing useful:\n{result.stdout}"


@pytest.mark.parametrize("page", sorted(ALL_PAGES))
def test_name_section_gives_a_whatis_entry(page):
    """mandb(8) indexes a page by its NAME section (in any language); lexgrog reads it the same way."""
    result = run(tool("lexgrog"), str(ALL_PAGES[page]))
    assert result.returncode == 0 and f'"{tool_of(page)} - ' in result.stdout, (
        f"lexgrog finds no whatis entry '{tool_of(page)} - ...' in {ALL_PAGES[page]}:\n"
        f"{result.stdout}{result.stderr}")


# --- 2. every subcommand and long option of the binaries --------------------------------------------------------


@functools.cache
def dump_help(binary: str) -> dict:
    path = wait_for_binary({"yearctl": YEARCTL, "yeard": YEARD, "yeard-gen": BIN_DIR / "yeard-gen"}[binary])
    result = run_binary([str(path), "--experimental-dump-help"])
    assert result.returncode == 0, f"{path} --experimental-dump-help failed: {result.stderr}"
    return json.loads(result.stdout)["command"]


def commands(node: dict, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], dict]]:
    """(path below the tool, command) for the tool and every subcommand, depth first."""
    found = [(path, node)]
    for child in node.get("subcommands", []):
        found += commands(child, path + (child["commandName"],))
    return found


def long_options(node: dict) -> set[str]:
    return {
        "--" + name["name"]
        for argument in node.get("arguments", []) if argument["kind"] in ("option", "flag")
        for name in argument.get("names", []) if name["kind"] == "long"
    }


def is_builtin_help(path: tuple[str, ...]) -> bool:
    """ArgumentParser's own `help` subcommand (it takes only --help and --version)."""
    return path == ("help",)


def shared_options(tool_name: str) -> set[str]:
    """The options of the tool itself and those every subcommand takes (yearctl's --socket, --school, --json)."""
    nodes = commands(dump_help(tool_name))
    leaves = [long_options(node) for path, node in nodes if path and not node.get("subcommands")
              and not is_builtin_help(path)]
    return long_options(nodes[0][1]) | (set.intersection(*leaves) if leaves else set())


def mentions(line: str, option: str) -> bool:
    return re.search(re.escape(option) + r"(?![\w-])", line) is not None


@pytest.mark.parametrize("page", TOOL_PAGES)
def test_every_shared_option_has_an_entry(page):
    tool_name = tool_of(page)
    lines = rendered(page)
    entries = [line.strip() for line in lines if re.match(r"\s*(-\w, )?--[\w-]", line)]
    missing = sorted(option for option in shared_options(tool_name)
                     if not any(re.match(r"(-\w, )?" + re.escape(option) + r"(?![\w-])", entry) for entry in entries))
    assert not missing, (
        f"{ALL_PAGES[page]} has no entry (a line of its own, as under OPTIONS) for {', '.join(missing)}: options "
        f"of {tool_name} itself, or options that every subcommand of it takes")


@pytest.mark.parametrize("page", TOOL_PAGES)
def test_every_subcommand_is_introduced_with_its_options(page):
    tool_name = tool_of(page)
    lines = rendered(page)
    shared = shared_options(tool_name)
    problems = []
    for path, node in commands(dump_help(tool_name)):
        if not path:
            continue
        words = " ".join(path)
        # An entry's tag: the subcommand's words at the start of a line in the left column (not a body line).
        intro = [line for line in lines
                 if indentation(line) <= 7 and re.match(re.escape(words) + r"( |$)", line.strip())]
        if not intro:
            problems.append(f"'{tool_name} {words}' is not introduced on a line of its own")
            continue
        for option in sorted(long_options(node) - shared):
            if not any(mentions(line, option) for line in intro):
                problems.append(f"'{tool_name} {words}' takes {option}, which its line does not name: {intro}")
    assert not problems, f"{ALL_PAGES[page]} does not match the built {tool_name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("page", TOOL_PAGES)
def test_page_documents_no_option_the_tool_lacks(page):
    tool_name = tool_of(page)
    lines = rendered(page)
    known = set().union(*(long_options(node) for _, node in commands(dump_help(tool_name))))
    documented = set()
    for heading in HEADINGS.get(page, ("OPTIONS", "COMMANDS")):
        for line in section(lines, heading):
            documented |= set(re.findall(r"(?<![\w-])--[a-z][\w-]*", line))
    unknown = sorted(documented - known)
    assert not unknown, f"{ALL_PAGES[page]} documents {', '.join(unknown)}, which {tool_name} does not have"


# --- 3. every table and key of config/yeard.toml -----------------------------------------------------------------

TABLE = re.compile(r"^\s*(?:#\s*)?(\[\[?[A-Za-z0-9_.]+\]\]?)\s*$")
KEY = re.compile(r"^\s*([A-Za-z0-9_-]+|\"[^\"]+\")\s*=")
# A commented-out key is an example assignment, `# key = value`, not prose that happens to hold an '='.
COMMENTED_KEY = re.compile(r"^\s*#\s*([A-Za-z0-9_-]+|\"[^\"]+\")\s*=\s*(\"|'|\d|\[|true|false)")


def config_keys() -> dict[str, list[str]]:
    """Table header as written ([daemon], [[school]]) -> its keys, commented-out examples included."""
    tables: dict[str, list[str]] = {}
    current = None
    for line in CONFIG.read_text(encoding="utf-8").splitlines():
        if match := TABLE.match(line):
            current = match.group(1)
            tables.setdefault(current, [])
            continue
        match = KEY.match(line) if not line.lstrip().startswith("#") else COMMENTED_KEY.match(line)
        if match:
            assert current is not None, f"{CONFIG}: key {match.group(1)} before any table"
            tables[current].append(match.group(1).strip('"'))
    return tables


def table_lines(lines: list[str], header: str) -> list[str] | None:
    """The lines under the heading `header` (a subsection title), up to the next heading."""
    for index, line in enumerate(lines):
        if line.strip() == header and indentation(line) < 7:
            end = next((j for j in range(index + 1, len(lines))
                        if lines[j].strip() and indentation(lines[j]) < 7), len(lines))
            return lines[index + 1:end]
    return None


def test_config_file_is_read_as_expected():
    tables = config_keys()
    assert "[daemon]" in tables and "state_dir" in tables["[daemon]"], tables
    assert "metrics_file" in tables["[daemon]"], "the commented-out example keys must be read too"


@pytest.mark.parametrize("page", CONFIG_PAGES)
def test_every_table_and_key_of_the_configuration_is_documented(page):
    lines = rendered(page)
    problems = []
    for header, keys in config_keys().items():
        body = table_lines(lines, header)
        if body is None:
            problems.append(f"no heading {header}")
            continue
        for key in keys:
            if not any(re.match(r'\s*"?' + re.escape(key) + r'"?( |$)', line) for line in body):
                problems.append(f"{header} {key}: no line under {header} starts with it")
    assert not problems, f"{ALL_PAGES[page]} does not document all of {CONFIG}:\n" + "\n".join(problems)


# --- 4. the MESSAGE_IDs of the journal ---------------------------------------------------------------------------


def journal_events() -> tuple[list[str], dict[str, str]]:
    """Every 32-hex-digit literal of JournalEvent.swift, and event name -> MESSAGE_ID where the file reads as
    `case started` / `case reloadRefused = "reload-refused"` and `case .started: "941d..."`."""
    if not JOURNAL_EVENTS.exists():
        pytest.skip(f"{JOURNAL_EVENTS.relative_to(REPO)} does not exist yet")
    text = JOURNAL_EVENTS.read_text(encoding="utf-8")
    identifiers = re.findall(r'"([0-9a-fA-F]{32})"', text)
    names = {case: raw or case for case, raw in re.findall(r'^\s*case (\w+)(?:\s*=\s*"([\w-]+)")?\s*$', text, re.M)}
    by_case = dict(re.findall(r'case \.(\w+):\s*"([0-9a-fA-F]{32})"', text))
    return identifiers, {names[case]: identifier for case, identifier in by_case.items() if case in names}


@pytest.mark.parametrize("page", sorted(JOURNAL_SECTIONS))
def test_message_id_table_equals_journal_events(page):
    identifiers, by_name = journal_events()
    assert identifiers, f"{JOURNAL_EVENTS} holds no 32-hex-digit MESSAGE_ID"
    assert len(identifiers) == len(set(identifiers)), f"{JOURNAL_EVENTS}: a MESSAGE_ID is used twice"
    journal = section(rendered(page), JOURNAL_SECTIONS[page])
    in_table = set(re.findall(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])", "\n".join(journal)))
    swift = {identifier.lower() for identifier in identifiers}
    assert in_table == swift, (
        f"the {JOURNAL_SECTIONS[page]} table of {ALL_PAGES[page]} and {JOURNAL_EVENTS.relative_to(REPO)} differ: "
        f"only in the page {sorted(in_table - swift)}, only in the sources {sorted(swift - in_table)}")
    anywhere = set(re.findall(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])", "\n".join(rendered(page))))
    assert anywhere <= swift, f"{ALL_PAGES[page]} names unknown MESSAGE_IDs {sorted(anywhere - swift)} (EXAMPLES?)"
    if len(by_name) == len(identifiers):
        wrong = [f"{name} {identifier}" for name, identifier in sorted(by_name.items())
                 if not any(identifier.lower() in line and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", line)
                            for line in journal)]
        assert not wrong, f"{ALL_PAGES[page]}: these events are not beside their MESSAGE_ID in the table: {wrong}"
