"""Compile every locale/*/LC_MESSAGES/*.po into its .mo with polib.

Django's own compilemessages needs GNU gettext's msgfmt, which a fresh macOS
machine lacks; polib is pure Python, so `make` works everywhere.
"""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    count = 0
    for po_path in sorted(ROOT.glob("locale/*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        count += 1
    if count:
        print(f"compiled {count} message catalogue(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
