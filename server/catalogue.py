"""The service catalogue (layanan): what each application asks for and which documents it yields.

Read from ``server/data/services.toml`` so that an office changes its requirements by editing
data. Loading checks everything and fails with a message naming the service and the key, so a
broken file stops the server at start instead of confusing a citizen at a kiosk.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NoReturn

SERVICES_FILE = Path(__file__).parent / "data" / "services.toml"
FIELD_TYPES = frozenset({"text", "date", "nik", "kk_number", "choice"})
_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
_DOC_TYPE = re.compile(r"^[A-Z][A-Z0-9_]{1,19}$")
_PREFIX = re.compile(r"^[A-Z0-9]{1,8}$")


class CatalogueError(ValueError):
    """The services file is unusable; the message names the file, the service and the key."""


@dataclass(frozen=True)
class DocumentType:
    code: str
    name_id: str
    name_en: str
    number_prefix: str


@dataclass(frozen=True)
class Requirement:
    """A paper (berkas) the citizen photographs at the kiosk."""

    code: str
    name_id: str
    name_en: str
    required: bool


@dataclass(frozen=True)
class Option:
    code: str
    name_id: str
    name_en: str


@dataclass(frozen=True)
class FieldSpec:
    """One question of the form and how its answer is checked."""

    code: str
    name_id: str
    name_en: str
    type: str
    required: bool
    options: tuple[Option, ...] = ()


@dataclass(frozen=True)
class Service:
    code: str
    name_id: str
    name_en: str
    bundle: tuple[str, ...]
    papers: tuple[Requirement, ...]
    fields: tuple[FieldSpec, ...]
    holder_fields: tuple[str, ...] = ()

    def paper(self, code: str) -> Requirement | None:
        return next((p for p in self.papers if p.code == code), None)

    def field(self, code: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.code == code), None)


@dataclass(frozen=True)
class Catalogue:
    version: int
    document_types: dict[str, DocumentType]
    services: dict[str, Service]


class _Checker:
    """Reads one table of the file; every complaint carries where in the file it is."""

    def __init__(self, path: Path, where: str, table: Any) -> None:
        self.path, self.where = path, where
        if not isinstance(table, dict):
            self.fail("", "must be a table")
        self.table: dict[str, Any] = table

    def fail(self, key: str, problem: str) -> NoReturn:
        at = f"{self.where}: key '{key}'" if key else self.where
        raise CatalogueError(f"{self.path}: {at}: {problem}")

    def only(self, *allowed: str) -> None:
        for key in self.table:
            if key not in allowed:
                self.fail(key, f"unknown key (allowed: {', '.join(allowed)})")

    def text(self, key: str) -> str:
        value = self.table.get(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(key, "missing or empty text")
        return str(value).strip()

    def code(self, key: str, pattern: re.Pattern[str] = _CODE) -> str:
        value = self.text(key)
        if not pattern.match(value):
            self.fail(key, f"{value!r} is not a valid code ({pattern.pattern})")
        return value

    def flag(self, key: str) -> bool:
        value = self.table.get(key)
        if not isinstance(value, bool):
            self.fail(key, "must be true or false")
        return bool(value)

    def tables(self, key: str, required: bool = True) -> list[Any]:
        value = self.table.get(key, None if required else [])
        if not isinstance(value, list) or (required and not value):
            self.fail(key, "missing or empty list")
        return list(value or [])

    def strings(self, key: str, required: bool = True) -> tuple[str, ...]:
        values = self.tables(key, required)
        if not all(isinstance(v, str) for v in values):
            self.fail(key, "must be a list of texts")
        if len(set(values)) != len(values):
            self.fail(key, "lists the same value twice")
        return tuple(values)


def _unique(checker: _Checker, key: str, codes: list[str]) -> None:
    seen = {c for c in codes if codes.count(c) > 1}
    if seen:
        checker.fail(key, f"code {sorted(seen)[0]!r} appears twice")


def _document_type(path: Path, code: str, table: Any) -> DocumentType:
    c = _Checker(path, f"document type '{code}'", table)
    if not _DOC_TYPE.match(code):
        c.fail("", f"{code!r} is not a valid document type code ({_DOC_TYPE.pattern})")
    c.only("name_id", "name_en", "number_prefix")
    return DocumentType(
        code, c.text("name_id"), c.text("name_en"), c.code("number_prefix", _PREFIX)
    )


def _field(path: Path, service: str, table: Any, index: int) -> FieldSpec:
    c = _Checker(path, f"service '{service}': fields[{index}]", table)
    c.only("code", "name_id", "name_en", "type", "required", "options")
    code = c.code("code")
    c.where = f"service '{service}': field '{code}'"
    kind = c.text("type")
    if kind not in FIELD_TYPES:
        c.fail("type", f"{kind!r} is not one of {', '.join(sorted(FIELD_TYPES))}")
    options: list[Option] = []
    if kind == "choice":
        for i, raw in enumerate(c.tables("options")):
            o = _Checker(path, f"service '{service}': field '{code}': options[{i}]", raw)
            o.only("code", "name_id", "name_en")
            options.append(
                Option(
                    o.code("code", re.compile(r"^[A-Za-z0-9_]{1,40}$")),
                    o.text("name_id"),
                    o.text("name_en"),
                )
            )
        _unique(c, "options", [o.code for o in options])
    elif "options" in c.table:
        c.fail("options", "only a choice field has options")
    return FieldSpec(
        code, c.text("name_id"), c.text("name_en"), kind, c.flag("required"), tuple(options)
    )


def _service(path: Path, table: Any, index: int, types: dict[str, DocumentType]) -> Service:
    c = _Checker(path, f"services[{index}]", table)
    code = c.code("code")
    c.where = f"service '{code}'"
    c.only("code", "name_id", "name_en", "bundle", "holder_fields", "papers", "fields")
    bundle = c.strings("bundle")
    for doc_type in bundle:
        if doc_type not in types:
            c.fail("bundle", f"unknown document type {doc_type!r} (see [document_types])")
    papers: list[Requirement] = []
    for i, raw in enumerate(c.tables("papers")):
        p = _Checker(path, f"service '{code}': papers[{i}]", raw)
        p.only("code", "name_id", "name_en", "required")
        papers.append(
            Requirement(p.code("code"), p.text("name_id"), p.text("name_en"), p.flag("required"))
        )
    _unique(c, "papers", [p.code for p in papers])
    fields = [_field(path, code, raw, i) for i, raw in enumerate(c.tables("fields"))]
    _unique(c, "fields", [f.code for f in fields])
    holders = c.strings("holder_fields", required=False)
    for holder in holders:
        if holder not in {f.code for f in fields}:
            c.fail("holder_fields", f"{holder!r} is not a field of this service")
    return Service(
        code, c.text("name_id"), c.text("name_en"), bundle, tuple(papers), tuple(fields), holders
    )


def load_catalogue(path: Path = SERVICES_FILE) -> Catalogue:
    """Read and check the services file; CatalogueError says what is wrong and where."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogueError(f"{path}: cannot be read: {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{path}: not valid TOML: {exc}") from exc
    top = _Checker(path, "file", data)
    top.only("version", "document_types", "services")
    version = data.get("version")
    if version != 1:
        top.fail("version", "must be 1")
    raw_types = data.get("document_types")
    if not isinstance(raw_types, dict) or not raw_types:
        top.fail("document_types", "missing or empty table")
    types = {code: _document_type(path, code, t) for code, t in raw_types.items()}
    services = [_service(path, s, i, types) for i, s in enumerate(top.tables("services"))]
    _unique(top, "services", [s.code for s in services])
    return Catalogue(1, types, {s.code: s for s in services})


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    """The shipped catalogue, read once per process (at start: see the routes that use it)."""
    return load_catalogue()
