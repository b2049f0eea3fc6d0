#!/usr/bin/env python3
"""Lists every @tr("...") string in ui/**/*.slint with its context (the
component it is in, as Slint's translations expect) and checks that the
English catalogue ui/translations/en/LC_MESSAGES/yimen.po translates each.
Run from the repository root; exits 1 and lists what is missing."""
import glob
import re
import sys

COMPONENT = re.compile(r'^\s*(?:export\s+)?component\s+([A-Za-z][\w-]*)', re.M)
TR = re.compile(r'@tr\("((?:[^"\\]|\\.)*)"\)')


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


if __name__ == "__main__":
    have = catalogue("ui/translations/en/LC_MESSAGES/yimen.po")
    missing = sorted(s for s in strings() if not have.get(s))
    for ctx, msgid in missing:
        print(f'msgctxt "{ctx}"\nmsgid "{msgid}"\nmsgstr ""\n')
    sys.exit(1 if missing else 0)
