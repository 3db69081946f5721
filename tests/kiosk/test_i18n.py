"""Every text the kiosk shows exists in Bahasa Indonesia and in English, with the same blanks."""

from __future__ import annotations

import re
import string
from pathlib import Path

from kiosk.i18n import LANGUAGES, MESSAGES, t

ROOT = Path(__file__).resolve().parents[2]
# t('key', ...) / tr('key', ...) / message keys passed on, in .py and .kv files
USED = re.compile(r"""\b(?:t|tr)\(\s*['"]([a-z0-9_]+(?:\.[a-z0-9_]+)+)['"]""")


def blanks(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_text_is_there_in_both_languages_with_the_same_blanks():
    problems = []
    for key, entry in MESSAGES.items():
        for lang in LANGUAGES:
            if not entry.get(lang, "").strip():
                problems.append(f"{key}: no {lang}")
        if blanks(entry.get("id", "")) != blanks(entry.get("en", "")):
            problems.append(f"{key}: blanks differ {entry}")
    assert not problems, problems


def test_every_key_the_screens_and_the_core_use_exists():
    sources = [*ROOT.glob("screens/*.py"), *ROOT.glob("screens/*.kv"), *ROOT.glob("kiosk/*.py")]
    used = {key for path in sources for key in USED.findall(path.read_text(encoding="utf-8"))}
    assert len(used) > 20  # the pattern still finds the keys
    missing = sorted(key for key in used if key not in MESSAGES)
    assert not missing, missing


def test_an_unknown_key_shows_the_key_and_does_not_crash():
    assert t("no.such.key", "en") == "no.such.key"
