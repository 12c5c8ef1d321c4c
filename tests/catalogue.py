"""The Italian catalogue as the merged project will have it: locale/it/LC_MESSAGES/django.po
plus the entries still waiting in locale/it/pending/*.po, compiled into a temporary locale
directory. Use with `@pytest.mark.usefixtures("italian_with_pending")` after importing it."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "it"


@pytest.fixture
def italian_with_pending(settings, tmp_path):
    catalogue = polib.pofile(str(LOCALE / "LC_MESSAGES" / "django.po"))
    known = {(entry.msgctxt, entry.msgid) for entry in catalogue}
    for pending in sorted((LOCALE / "pending").glob("*.po")):
        for entry in polib.pofile(str(pending)):
            if (entry.msgctxt, entry.msgid) not in known:
                catalogue.append(entry)
                known.add((entry.msgctxt, entry.msgid))
    target = tmp_path / "it" / "LC_MESSAGES"
    target.mkdir(parents=True)
    catalogue.save_as_mofile(str(target / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path]  # a new value: Django drops its cached catalogues
