#!/usr/bin/env python
"""Fill the zh_Hans catalogue from a JSON file of {msgid: msgstr} (or {msgid: [singular, plural]}).

.venv/bin/python scripts/po_fill.py translations.json
.venv/bin/python scripts/po_fill.py --missing      # list msgids still untranslated
"""

import json
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale/zh_Hans/LC_MESSAGES/django.po"


def main(argv: list[str]) -> int:
    po_path = PO
    if argv[:1] == ["--po"]:
        po_path, argv = Path(argv[1]), argv[2:]
    po = polib.pofile(str(po_path))
    if argv and argv[0] == "--missing":
        missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
        print(json.dumps({m: "" for m in missing}, ensure_ascii=False, indent=1))
        return 1 if missing else 0
    mapping = {}
    for path in argv:
        mapping.update(json.loads(Path(path).read_text()))
    filled = 0
    for entry in po:
        if entry.msgid in mapping:
            value = mapping[entry.msgid]
            if entry.msgid_plural:
                entry.msgstr_plural = {0: value[0] if isinstance(value, list) else value}
            else:
                entry.msgstr = value
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            filled += 1
    po.save()
    print(f"filled {filled}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
