#!/usr/bin/env python3
"""The catalogue checks of `scripts/po check`: every message of the template is translated in every language, with
nothing fuzzy, and every translation keeps exactly its message's {placeholders} (as the Localizer demands, else it
shows English); no message in the sources is built by `+` or interpolation, which xgettext cannot see.

Usage: po-check.py TEMPLATE.pot LANG.po...   (needs the `polib` package)
"""
import pathlib
import re
import sys

import polib

PLACEHOLDER = re.compile(r"\{([A-Za-z][A-Za-z0-9_]*)\}")
# A keyword call whose message literal is followed by `+`: xgettext would extract only its first piece.
CONCATENATED = re.compile(r'\btr(?:nc|c|n)?\(\s*(?:"(?:[^"\\\n]|\\.)*"\s*,\s*)*"(?:[^"\\\n]|\\.)*"\s*\+')
# A keyword call inside a string literal's interpolation: xgettext's lexer sees a string there, not a call.
INTERPOLATED = re.compile(r'\\\([^"\n]*\btr(?:nc|c|n)?\(')
# A keyword call whose first argument is not a string literal: xgettext cannot extract it.
NOT_LITERAL = re.compile(r'\b(?:l|localizer|\.english|self)\.tr(?:nc|c|n)?\(\s*[^"\s)]')


def placeholders(text):
    return set(PLACEHOLDER.findall(text))


def main(template_path, po_paths):
    problems = []
    template = polib.pofile(template_path)
    wanted = {(entry.msgctxt, entry.msgid) for entry in template if entry.msgid}
    for entry in template:
        if "\\(" in entry.msgid:
            problems.append(f"{template_path}: message uses Swift interpolation: {entry.msgid!r}")
    for path in po_paths:
        catalogue = polib.pofile(path)
        have = {}
        for entry in catalogue:
            if entry.obsolete or not entry.msgid:
                continue
            have[(entry.msgctxt, entry.msgid)] = entry
        for key in sorted(wanted - have.keys(), key=str):
            problems.append(f"{path}: missing message {key[1]!r}" + (f" (context {key[0]!r})" if key[0] else ""))
        for key, entry in have.items():
            name = entry.msgid if not entry.msgctxt else f"{entry.msgctxt} | {entry.msgid}"
            if "fuzzy" in entry.flags:
                problems.append(f"{path}: fuzzy translation of {name!r}")
            if entry.msgid_plural:
                expected = (placeholders(entry.msgid) | placeholders(entry.msgid_plural)) - {"count"}
                forms = [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
                if not all(forms):
                    problems.append(f"{path}: untranslated plural form of {name!r}")
                for form in forms:
                    if form and placeholders(form) - {"count"} != expected:
                        problems.append(f"{path}: placeholders of {name!r} differ in {form!r}")
            else:
                if not entry.msgstr:
                    problems.append(f"{path}: untranslated {name!r}")
                elif placeholders(entry.msgstr) != placeholders(entry.msgid):
                    problems.append(f"{path}: placeholders of {name!r} differ in {entry.msgstr!r}")
    for source in sorted(pathlib.Path("Sources").rglob("*.swift")):
        text = source.read_text(encoding="utf-8")
        for pattern, what in ((CONCATENATED, "a message built with '+'"), (NOT_LITERAL, "a message not a literal"),
                              (INTERPOLATED, "a message inside a string's interpolation")):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{source}:{line}: {what}: xgettext cannot extract it; write one literal")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"po-check: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
