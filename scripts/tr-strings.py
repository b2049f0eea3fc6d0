#!/usr/bin/env python3
"""Checks the English catalogue ui/translations/en/LC_MESSAGES/yimen.po
against every @tr("...") string in ui/**/*.slint, with its context (the
component it is in, as Slint's translations expect).

Lists what is missing, ready to paste into the catalogue, and what the
catalogue still translates but no screen shows any more. Run from the
repository root; exits 1 if anything is missing or left over, 0 otherwise.
`cargo test --test translations` runs it."""
import glob
import re
import sys

CATALOGUE = "ui/translations/en/LC_MESSAGES/yimen.po"
# The component or global a string is in: Slint's default context.
COMPONENT = re.compile(r'^\s*(?:export\s+)?(?:component|global)\s+([A-Za-z][\w-]*)', re.M)
# @tr("text") and @tr("text {}", argument, ...).
TR = re.compile(r'@tr\(\s*"((?:[^"\\]|\\.)*)"\s*[,)]')


def strings():
    found = set()
    for path in sorted(glob.glob("ui/**/*.slint", recursive=True)):
        text = open(path, encoding="utf-8").read()
        starts = [(m.start(), m.group(1)) for m in COMPONENT.finditer(text)]
        for m in TR.finditer(text):
            context = [name for pos, name in starts if pos < m.start()]
            found.add((context[-1] if context else "", m.group(1)))
    return found


def catalogue(path):
    entries, ctx, msgid = {}, "", None
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line.startswith("msgctxt "):
            ctx = line[8:].strip('"')
        elif line.startswith("msgid "):
            msgid = line[6:].strip('"')
        elif line.startswith("msgstr ") and msgid:
            entries[(ctx, msgid)] = line[7:].strip('"')
            ctx, msgid = "", None
    return entries


def main():
    have = catalogue(CATALOGUE)
    shown = strings()
    missing = sorted(s for s in shown if not have.get(s))
    unused = sorted(s for s in have if s not in shown)
    if missing:
        print(f"# Missing from {CATALOGUE}:\n")
    for ctx, msgid in missing:
        print(f'msgctxt "{ctx}"\nmsgid "{msgid}"\nmsgstr ""\n')
    if unused:
        print(f"# In {CATALOGUE} but on no screen:\n")
    for ctx, msgid in unused:
        print(f'msgctxt "{ctx}"\nmsgid "{msgid}"\n')
    return 1 if missing or unused else 0


if __name__ == "__main__":
    sys.exit(main())
