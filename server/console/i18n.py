"""Console texts in Bahasa Indonesia (the default) and English, from texts/*.toml.

Each file holds tables named by text key, with an `id` and an `en` entry:

    [login_title]
    id = "Masuk ke konsol"
    en = "Log in to the console"

Texts may name values in braces ({username}), filled in by `t("key", username=...)`. Every
area keeps its own file (auth.toml, admin.toml, ...); a key in two files, or a text missing a
language, stops the server at start with a message naming the file and the key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
TEXTS_DIR = Path(__file__).parent / "texts"

Translate = Callable[..., str]


class TextsError(ValueError):
    """A texts file is unusable; the message names the file and the key."""


@lru_cache(maxsize=1)
def texts() -> dict[str, dict[str, str]]:
    """Every console text, by key, then language."""
    found: dict[str, dict[str, str]] = {}
    where: dict[str, Path] = {}
    for path in sorted(TEXTS_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            table = tomllib.load(fh)
        for key, entry in table.items():
            if key in found:
                raise TextsError(f"{path}: text '{key}' is already in {where[key]}")
            if not isinstance(entry, dict) or any(
                not isinstance(entry.get(lang), str) for lang in LANGUAGES
            ):
                raise TextsError(f"{path}: text '{key}' needs an 'id' and an 'en' text")
            found[key], where[key] = {lang: entry[lang] for lang in LANGUAGES}, path
    return found


def language(code: str | None) -> str:
    """The language to use for a requested code: one we have, else Bahasa Indonesia."""
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def translator(lang: str) -> Translate:
    """t(key, **values) in this language; an unknown key shows itself, to be seen and fixed."""
    table = texts()

    def t(key: str, **values: object) -> str:
        entry = table.get(key)
        if entry is None:
            return key
        text = entry[lang]
        return text.format(**values) if values else text

    return t
