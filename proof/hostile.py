"""Hostile input against a real server: uploads that lie, and injection strings in every field.

Two parts, both against `adm-server serve` as its own process with the demo data (the same
server and callers as proof/authz.py):

- Uploads (the kiosk's application and paper resubmission; the console takes no files): an
  oversized body (announced, and only counted when chunked), the wrong content type, bytes
  that are not what their type says, image bombs (a PNG or JPEG declaring 50000 x 50000 pixels
  in a few KB, a real PNG decompression bomb), a truncated picture. Each must get a 4xx with
  our ErrorBody and change nothing: no row, no file in the data dir; the server stays up and
  its memory (VmRSS) bounded.
- Strings (path traversal, NUL, SQL quotes, <script>, very long, RTL override, emoji, CRLF) in
  every text field of every JSON body the served OpenAPI document declares (found by walking
  each body's schema), in every path and query parameter, and in the console's forms. The
  answer must be a clean 4xx (our ErrorBody on the API) or an acceptance; never a 5xx, never
  the contents of /etc/passwd, never a file outside the data dir. What was accepted is then
  looked at where staff see it (console pages): a <script> must arrive escaped, not as an
  element. The server's log must hold no unmasked NIK and no line forged by a CRLF.

`python -m proof hostile`; tests/reliability/test_hostile_input.py runs the short scale.
"""

from __future__ import annotations

import base64
import copy
import io
import json
import os
import re
import struct
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

from kiosk.request_signing import authorization
from proof import figures
from proof.authz import (
    ADMIN,
    ANONYMOUS,
    CONSOLE_ADMIN,
    CONSOLE_OFFICER,
    CONSOLE_TECHNICIAN,
    KIOSK,
    OFFICER,
    QUERIES,
    RULES,
    TECHNICIAN,
    Caller,
    LiveServer,
    World,
    birth_application,
    build_world,
    fill_path,
    forms,
    json_bodies,
    live_server,
    postgres_database,
)

PART = "hostile"
XSS = '<script>alert("adm-xss")</script>'
XSS_RAW = '<script>alert("adm-xss")'  # as an element: the page runs it
XSS_ESCAPED = "&lt;script&gt;alert("  # as text: the page shows it
FORGED = "FORGED LOG LINE adm-hostile"
STRINGS: dict[str, str] = {
    "traversal": "../../../../etc/passwd",
    "encoded_traversal": "..%2f..%2f..%2f..%2fetc%2fpasswd",
    "nul": "ktp\x00.png",
    "sql_quote": "' OR '1'='1' --",
    "sql_statement": "x'); DROP TABLE applications; --",
    "script": XSS,
    "very_long": "A" * 100_000,
    "rtl_override": "\u202egnp.exe\u202c",
    "emoji": "\U0001f469\u200d\U0001f469\u200d\U0001f467 \U0001f1ee\U0001f1e9 \u2705",
    "crlf": f"x\r\nX-Injected: adm\r\n\r\n{FORGED}",
    "format": "%s%n{0}${jndi:ldap://127.0.0.1/x}",
    "lone_surrogate": "half an emoji \ud83d",  # JSON may carry it; UTF-8 cannot
}
PASSWD = "root:x:0:0"  # noqa: S105 (the first line of /etc/passwd, not a password)
HTTP_LAYER_REFUSAL = "Invalid HTTP request received."  # uvicorn's, for a request line too long
# Who sends the hostile request: the first of these the operation allows.
SENDERS = (KIOSK, ADMIN, OFFICER, TECHNICIAN, CONSOLE_ADMIN, CONSOLE_OFFICER, CONSOLE_TECHNICIAN)
FULL_NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")


# --- images that lie ----------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png(width: int, height: int, idat: bytes, colour_type: int = 0) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def declared_bomb_png(side: int = 50_000) -> bytes:
    """A well-formed PNG of a few hundred bytes that declares side x side grey pixels."""
    return _png(side, side, zlib.compress(b"\x00" * 4096))


def decompression_bomb_png(side: int) -> bytes:
    """A real, complete PNG of side x side black grey pixels: side² bytes once inflated, about
    a thousandth of that on the wire."""
    row = b"\x00" * (side + 1)  # filter byte, then the pixels
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    return _png(side, side, idat)


def declared_bomb_jpeg(side: int = 50_000) -> bytes:
    """A small real JPEG whose frame header is rewritten to declare side x side pixels."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (16, 16), 255).save(out, "JPEG")
    data = bytearray(out.getvalue())
    pos = 2
    while data[pos + 1] not in (0xC0, 0xC1, 0xC2):
        pos += 2 + struct.unpack(">H", data[pos + 2 : pos + 4])[0]
    data[pos + 5 : pos + 9] = struct.pack(">HH", side, side)
    return bytes(data)


def real_image(fmt: str, size: tuple[int, int] = (320, 240)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, fmt)
    return out.getvalue()


def post_signed(
    url: str,
    credential: str,
    path: str,
    body: Any,
    *,
    raw: bytes | None = None,
    content_type: str = "application/json",
    chunked: bool = False,
) -> requests.Response:
    """A kiosk's signed POST (with a fresh Idempotency-Key); ``raw`` sends those bytes instead
    of ``body`` as JSON, ``chunked`` without a Content-Length."""
    data = raw if raw is not None else json.dumps(body).encode()
    kiosk_id, _, secret = credential.partition(":")
    key = f"hostile-{time.monotonic_ns()}"
    headers = {
        "Content-Type": content_type,
        "Idempotency-Key": key,
        "Authorization": authorization(kiosk_id, secret, "POST", path, data),
    }
    payload: Any = data
    if chunked:

        def pieces() -> Iterator[bytes]:
            for start in range(0, len(data), 1 << 20):
                yield data[start : start + (1 << 20)]

        payload = pieces()
    return requests.post(url + path, data=payload, headers=headers, timeout=120)


# --- what the server holds ----------------------------------------------------------------------


def stored_rows(server: LiveServer) -> tuple[int, int]:
    """(applications, application papers) in the server's database."""
    from sqlalchemy import create_engine, text

    url = server.env.get("ADM_DATABASE_URL") or f"sqlite:///{server.data_dir / 'adm.db'}"
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            applications = conn.execute(text("SELECT count(*) FROM applications")).scalar_one()
            papers = conn.execute(text("SELECT count(*) FROM application_papers")).scalar_one()
        return int(applications), int(papers)
    finally:
        engine.dispose()


def files_under(root: Path, skip: Path | None = None) -> set[str]:
    """Every file under root (not under skip), SQLite's transient -wal/-shm/-journal aside."""
    found = set()
    for path in root.rglob("*"):
        if skip is not None and (path == skip or skip in path.parents):
            continue
        if path.is_file() and not path.name.endswith(("-wal", "-shm", "-journal")):
            found.add(str(path.relative_to(root)))
    return found


def error_body(response: requests.Response) -> bool:
    """Our ErrorBody: {"detail": {"reason": ..., "message": ...}}."""
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        return False
    return isinstance(detail, dict) and bool(detail.get("reason")) and bool(detail.get("message"))


# --- part (a): uploads --------------------------------------------------------------------------


@dataclass
class UploadCase:
    name: str
    path: str  # "applications" or "papers"
    body: Any = None
    raw: bytes | None = None
    content_type: str = "application/json"
    chunked: bool = False


def _with_paper(data: bytes, content_type: str, index: int = 1) -> dict[str, Any]:
    body = birth_application()
    body["papers"][index] = {
        "requirement": body["papers"][index]["requirement"],
        "content_type": content_type,
        "data": base64.b64encode(data).decode(),
    }
    return body


def upload_cases(scale: str) -> list[UploadCase]:
    bomb_side = 12_000 if scale == "short" else 30_000
    png, jpeg = real_image("PNG"), real_image("JPEG")
    big = json.dumps(birth_application()).encode()
    oversize = big[:-1] + b', "pad": "' + b"A" * 12_000_000 + b'"}'
    huge_paper = b"\x89PNG\r\n\x1a\n" + os.urandom(2_100_000)
    cases = [
        UploadCase("oversize_body_announced", "applications", raw=oversize),
        UploadCase("oversize_body_chunked", "applications", raw=oversize, chunked=True),
        UploadCase("paper_over_2_mb", "applications", _with_paper(huge_paper, "image/png")),
        UploadCase(
            "seven_papers",
            "applications",
            birth_application(
                papers=[
                    {
                        "requirement": "ktp_ayah",
                        "content_type": "image/png",
                        "data": base64.b64encode(png).decode(),
                    }
                ]
                * 7
            ),
        ),
        UploadCase(
            "pdf_content_type", "applications", _with_paper(b"%PDF-1.4\n%%EOF", "application/pdf")
        ),
        UploadCase(
            "gif_content_type", "applications", _with_paper(b"GIF89a" + png[6:], "image/gif")
        ),
        UploadCase("png_bytes_sent_as_jpeg", "applications", _with_paper(png, "image/jpeg")),
        UploadCase(
            "html_sent_as_png",
            "applications",
            _with_paper(b"<html><script>x</script>", "image/png"),
        ),
        UploadCase(
            "bad_base64",
            "applications",
            birth_application(
                papers=[
                    {"requirement": "ktp_ayah", "content_type": "image/png", "data": "iVBOR*w0K=="}
                ]
            ),
        ),
        UploadCase(
            "png_declaring_50000x50000",
            "applications",
            _with_paper(declared_bomb_png(), "image/png"),
        ),
        UploadCase(
            f"png_decompression_bomb_{bomb_side}",
            "applications",
            _with_paper(decompression_bomb_png(bomb_side), "image/png"),
        ),
        UploadCase(
            "jpeg_declaring_50000x50000",
            "applications",
            _with_paper(declared_bomb_jpeg(), "image/jpeg"),
        ),
        UploadCase("truncated_png", "applications", _with_paper(png[: len(png) // 2], "image/png")),
        UploadCase(
            "truncated_jpeg", "applications", _with_paper(jpeg[: len(jpeg) * 2 // 3], "image/jpeg")
        ),
        UploadCase("json_sent_as_text_plain", "applications", raw=big, content_type="text/plain"),
        UploadCase(
            "multipart_instead_of_json",
            "applications",
            raw=b'--x\r\nContent-Disposition: form-data; name="f"; filename="../../x.png"\r\n\r\n'
            + png
            + b"\r\n--x--\r\n",
            content_type="multipart/form-data; boundary=x",
        ),
    ]
    for name in ("png_declaring_50000x50000", "truncated_png", "png_bytes_sent_as_jpeg"):
        case = next(c for c in cases if c.name == name)
        body = {"applicant_nik": "7307051405800003", "papers": [case.body["papers"][1]]}
        cases.append(UploadCase(f"resubmitted_{name}", "papers", body))
    return cases


@dataclass
class UploadResult:
    name: str
    status: int
    reason: str
    clean: bool  # a 4xx with our ErrorBody


def run_uploads(server: LiveServer, world: World, scale: str) -> dict[str, Any]:
    ticket = world.ids["ticket"]
    paths = {
        "applications": "/api/v1/kiosk/applications",
        "papers": f"/api/v1/kiosk/applications/{ticket}/papers",
    }
    rows_before, files_before = stored_rows(server), files_under(server.data_dir)
    rss_before = server.rss_kib()
    rss_peak = rss_before
    results: list[UploadResult] = []
    for case in upload_cases(scale):
        try:
            answer = post_signed(
                server.url,
                server.credential,
                paths[case.path],
                case.body,
                raw=case.raw,
                content_type=case.content_type,
                chunked=case.chunked,
            )
            status, clean = answer.status_code, 400 <= answer.status_code < 500
            reason = answer.json().get("detail", {}).get("reason", "") if error_body(answer) else ""
            clean = clean and error_body(answer)
        except requests.ConnectionError as exc:
            status, reason, clean = 0, f"connection: {exc.__class__.__name__}", False
        results.append(UploadResult(case.name, status, reason, clean))
        rss_peak = max(rss_peak, server.rss_kib())
    rows_after, files_after = stored_rows(server), files_under(server.data_dir)
    rss_after = server.rss_kib()
    log_files = {f for f in files_after - files_before if f.startswith("logs/")}
    return {
        "upload_cases": len(results),
        "upload_refused_cleanly": sum(1 for r in results if r.clean),
        "upload_not_clean": [f"{r.name}: {r.status} {r.reason}" for r in results if not r.clean],
        "upload_reasons": ", ".join(f"{r.name}={r.status}/{r.reason}" for r in results),
        "upload_rows_added": (rows_after[0] - rows_before[0]) + (rows_after[1] - rows_before[1]),
        "upload_files_added": len(files_after - files_before - log_files),
        "server_rss_kib_before_uploads": rss_before,
        "server_rss_kib_peak_uploads": rss_peak,
        "server_rss_kib_after_uploads": rss_after,
        "server_alive_after_uploads": server.alive(),
    }


# --- part (b): strings in every field -----------------------------------------------------------


Pointer = tuple[str | int, ...]


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = document["components"]["schemas"][name]
    return schema


def text_fields(
    schema: dict[str, Any], value: Any, document: dict[str, Any], at: Pointer = ()
) -> Iterator[Pointer]:
    """Every place a string goes in a body of ``schema`` shaped like ``value``: its declared
    properties (present or not), the items of its arrays, the values of its maps."""
    schema = _resolve(schema, document)
    for option in schema.get("anyOf", []):
        option = _resolve(option, document)
        if option.get("type") != "null":
            yield from text_fields(option, value, document, at)
            return
    kind = schema.get("type")
    if kind == "string":
        yield at
    elif kind == "object":
        properties = schema.get("properties", {})
        present = value if isinstance(value, dict) else {}
        for name, sub in properties.items():
            yield from text_fields(sub, present.get(name), document, (*at, name))
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            for name in present:
                if name not in properties:
                    yield from text_fields(extra, present[name], document, (*at, name))
    elif kind == "array":
        items = schema.get("items", {})
        first = value[0] if isinstance(value, list) and value else None
        yield from text_fields(items, first, document, (*at, 0))


def put(body: Any, at: Pointer, value: str) -> Any:
    """A copy of body with ``value`` at ``at`` (containers made as needed); None if it cannot."""
    body = copy.deepcopy(body)
    node = body
    for step, following in zip(at, at[1:], strict=False):
        if isinstance(step, int):
            if not isinstance(node, list):
                return None
            if not node:
                node.append({} if isinstance(following, str) else [])
            node = node[0]
        else:
            if not isinstance(node, dict):
                return None
            node = node.setdefault(step, {} if isinstance(following, str) else [])
    last = at[-1]
    if isinstance(last, int):
        if not isinstance(node, list):
            return None
        if node:
            node[0] = value
        else:
            node.append(value)
    elif isinstance(node, dict):
        node[last] = value
    else:
        return None
    return body


# Bodies that cover more fields than the minimal valid ones of proof/authz.py.
def _richer(world: World) -> dict[str, Any]:
    return {
        "POST /api/v1/kiosk/heartbeat": lambda: {
            "app_version": "proof",
            "devices": [
                {
                    "name": "receipt",
                    "kind": "printer",
                    "state": "idle",
                    "detail": "ok",
                    "counters": {"cuts": 1},
                }
            ],
        },
        "POST /api/v1/officer/applications/{ticket}/request-fixes": lambda: {
            "reason": "KTP buram",
            "papers": ["ktp_ayah"],
        },
        "POST /api/v1/staff/locations": lambda: {
            "name": world.unique("Balai "),
            "address": "Jl. Baru",
            "region_code": "73.07.01",
            "opening_hours": {"mon": "08:00-16:00"},
            "enabled_services": ["akta_kelahiran"],
        },
    }


@dataclass
class Sent:
    operation: str
    where: str  # body:<pointer> | path:<name> | query:<name> | form:<name>
    string: str
    status: int
    clean: bool
    leaked: bool
    unescaped: bool
    ticket: str = ""
    http_layer: bool = False


@dataclass
class StringRun:
    sent: list[Sent] = field(default_factory=list)
    fields: set[tuple[str, str]] = field(default_factory=set)
    echoed: int = 0  # accepted values the answer gives back where they were sent
    altered: list[str] = field(default_factory=list)  # ... and not as sent

    def add(self, item: Sent) -> None:
        self.sent.append(item)
        self.fields.add((item.operation, item.where))


def _sender(operation: str, callers: dict[str, Caller]) -> Caller:
    allowed = RULES[operation]
    for name in SENDERS:
        if name in allowed:
            return callers[name]
    return callers[ANONYMOUS]


def _sent(
    operation: str, where: str, string: str, response: requests.Response, ticket: str = ""
) -> Sent:
    """One hostile request judged: clean, leaked /etc/passwd, a script as an element."""
    clean, leaked, unescaped = _judge(operation, response)
    location = response.headers.get("location", "")
    clean = clean and not location.startswith(("//", "http"))  # never sent elsewhere
    http_layer = response.status_code == 400 and response.text.startswith(HTTP_LAYER_REFUSAL)
    return Sent(
        operation, where, string, response.status_code, clean, leaked, unescaped, ticket, http_layer
    )


def _judge(operation: str, response: requests.Response) -> tuple[bool, bool, bool]:
    """(clean, leaked /etc/passwd, unescaped script) for one answer."""
    status = response.status_code
    api = not operation.split(" ", 1)[1].startswith(
        ("/console", "/verifikasi", "/lokasi", "/docs", "/redoc")
    )
    if status >= 500:
        clean = False
    elif status == 400 and response.text.startswith(HTTP_LAYER_REFUSAL):
        clean = True  # a request line over uvicorn's limit: refused before the app sees it
    elif 400 <= status < 500 and api:
        clean = error_body(response)
    else:
        clean = True
    text = response.text if len(response.content) < 5_000_000 else ""
    html = "html" in response.headers.get("content-type", "")
    return clean, PASSWD in text, html and XSS_RAW in text


Attempt = tuple[str, dict[str, Any], Any, str, str]  # path, query, body, where, string


def _attempts(
    operation: str, operation_doc: dict[str, Any], world: World, document: dict[str, Any]
) -> Iterator[Attempt]:
    """Each hostile string in each text field of the body, each path and query parameter."""
    bodies = json_bodies(world) | _richer(world)

    def body() -> Any:
        return bodies[operation]() if operation in bodies else None

    template = operation.split(" ", 1)[1]
    base_path = fill_path(operation, world)
    query = {k: world.ids[v] for k, v in QUERIES.get(operation, {}).items()}
    content = operation_doc.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    if schema is not None:
        for at in text_fields(schema, body() or {}, document):
            where = "body:" + "/".join(str(p) for p in at)
            for name, string in STRINGS.items():
                changed = put(body() or {}, at, string)
                if changed is not None:
                    yield base_path, query, changed, where, name
    for parameter in operation_doc.get("parameters", []):
        where = f"{parameter['in']}:{parameter['name']}"
        for name, string in STRINGS.items():
            if parameter["in"] == "path":
                target = _fill(template, {**world.ids, parameter["name"]: string})
                yield target, query, body(), where, name
            elif parameter["in"] == "query":
                yield base_path, {**query, parameter["name"]: wire(string)}, body(), where, name


def run_strings(
    server: LiveServer, world: World, callers: dict[str, Caller], document: dict[str, Any]
) -> StringRun:
    """Every attempt of every operation of the document, then the console's forms."""
    run = StringRun()
    for template, item in sorted(document["paths"].items()):
        for method, operation_doc in sorted(item.items()):
            operation = f"{method.upper()} {template}"
            if operation not in RULES:
                continue
            caller = _sender(operation, callers)
            for path, query, body, where, name in _attempts(
                operation, operation_doc, world, document
            ):
                headers = {"Idempotency-Key": world.unique("hostile-")}
                try:
                    answer = caller.send(
                        server.url, method.upper(), path, query or None, body, None, headers
                    )
                except requests.RequestException as exc:
                    run.add(Sent(operation, where, name, 0, False, False, False, repr(exc)[:80]))
                    continue
                ticket = ""
                if answer.status_code == 201 and operation == "POST /api/v1/kiosk/applications":
                    ticket = answer.json().get("ticket", "")
                run.add(_sent(operation, where, name, answer, ticket))
                _compare_echo(run, operation, where, STRINGS[name], answer)
    _console_strings(server, world, callers, forms(world), run)
    return run


def _compare_echo(
    run: StringRun, operation: str, where: str, string: str, answer: requests.Response
) -> None:
    """An accepted value that the answer gives back at the same place must be as it was sent."""
    if not (200 <= answer.status_code < 300 and where.startswith("body:")):
        return
    try:
        node: Any = answer.json()
    except ValueError:
        return
    for step in where.removeprefix("body:").split("/"):
        key: str | int = int(step) if step.isdigit() else step
        if isinstance(node, dict) and isinstance(key, str) and key in node:
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and len(node) > key:
            node = node[key]
        else:
            return
    if isinstance(node, str):
        run.echoed += 1
        if node != string:
            run.altered.append(f"{operation} {where}: sent {string[:40]!r}, got {node[:40]!r}")


def _fill(template: str, values: dict[str, str]) -> str:
    return re.sub(r"\{([^}]+)\}", lambda m: quote(wire(values[m[1]]), safe=""), template)


def wire(text: str) -> str | bytes:
    """The string for a URL or a form: as it is, or (a lone surrogate, which UTF-8 cannot
    hold) as the invalid UTF-8 bytes a hostile client would send."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")
    return text


def _console_strings(
    server: LiveServer,
    world: World,
    callers: dict[str, Caller],
    posted: dict[str, Any],
    run: StringRun,
) -> None:
    """The console's forms (every field, and the CSRF token itself), and `next` of the pages
    that go on somewhere after."""
    url = server.url
    for operation, make in sorted(posted.items()):
        if operation in ("POST /console/login", "POST /console/logout"):
            continue  # a hostile login is sent below; a logout would end the session
        caller = _sender(operation, callers)
        path = fill_path(operation, world)
        for name_field in [*make().keys(), "csrf_token"]:
            for name, string in STRINGS.items():
                form = {**make(), name_field: wire(string)}
                answer = caller.send(url, "POST", path, None, None, form)
                run.add(_sent(operation, f"form:{name_field}", name, answer))
    login = "POST /console/login"
    for name_field in ("username", "password", "next"):
        for name, string in STRINGS.items():
            fresh = Caller(ANONYMOUS, requests.Session())
            page = fresh.send(url, "GET", "/console/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            form = {
                "username": "nobody",
                "password": "wrong-password",
                "csrf_token": token[1] if token else "",
            }
            form[name_field] = wire(string)
            answer = fresh.send(url, "POST", "/console/login", form=form)
            run.add(_sent(login, f"form:{name_field}", name, answer))
    for operation, path in (
        ("GET /console/lang/{code}", "/console/lang/en"),
        ("GET /console/login", "/console/login"),
    ):
        for name, string in STRINGS.items():
            answer = callers[ANONYMOUS].send(url, "GET", path, {"next": wire(string)})
            run.add(_sent(operation, "query:next", name, answer))


def rendered_pages(
    server: LiveServer, callers: dict[str, Caller], tickets: list[str]
) -> dict[str, int]:
    """Where staff and citizens see what was accepted: each page must show the script as text."""
    admin, officer = callers[CONSOLE_ADMIN], callers[CONSOLE_OFFICER]
    technician = callers[CONSOLE_TECHNICIAN]
    pages: list[tuple[Caller, str]] = [
        (admin, "/console/admin/kiosks"),
        (admin, "/console/admin/locations"),
        (callers[ANONYMOUS], "/lokasi"),
        (officer, "/console/officer"),
        (officer, "/console/officer/documents"),
        (technician, "/console/tech"),
        (technician, "/console/tech/kiosks/ADM-7307-01"),
    ]
    pages += [(officer, f"/console/officer/applications/{t}") for t in tickets[:20]]
    shown = unescaped = failed = 0
    for caller, path in pages:
        answer = caller.send(server.url, "GET", path)
        if answer.status_code != 200:
            failed += 1
            continue
        shown += XSS_ESCAPED in answer.text
        unescaped += XSS_RAW in answer.text
    return {
        "pages_checked": len(pages),
        "pages_not_shown": failed,
        "pages_showing_script_as_text": shown,
        "unescaped_renderings": unescaped,
    }


def log_findings(server: LiveServer) -> dict[str, int]:
    """Unmasked NIKs of the register and lines forged by a CRLF, in every log the server wrote."""
    from sqlalchemy import create_engine, text

    url = server.env.get("ADM_DATABASE_URL") or f"sqlite:///{server.data_dir / 'adm.db'}"
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            niks = set(conn.execute(text("SELECT nik FROM residents")).scalars())
    finally:
        engine.dispose()
    niks.add("7307051405800003")
    logs = [server.log_path, *sorted((server.data_dir / "logs").glob("*"))]
    content = "\n".join(p.read_text(errors="replace") for p in logs if p.is_file())
    return {
        "log_bytes_checked": len(content),
        "unmasked_niks_in_logs": sum(content.count(nik) for nik in niks),
        "forged_log_lines": sum(1 for line in content.splitlines() if line.startswith(FORGED)),
    }


def run_once(workdir: Path, scale: str, database_url: str = "") -> dict[str, Any]:
    tmp_before = {p.name for p in Path(tempfile.gettempdir()).iterdir()}
    with live_server(workdir, database_url) as server:
        outside_before = files_under(workdir, skip=server.data_dir)
        document = server.get("/openapi.json").json()
        world, callers = build_world(server)
        out = run_uploads(server, world, scale)
        rss_before = server.rss_kib()
        strings = run_strings(server, world, callers, document)
        tickets = [s.ticket for s in strings.sent if s.ticket]
        out.update(rendered_pages(server, callers, tickets))
        out["server_alive_after_strings"] = server.alive()
        out["server_rss_kib_after_strings"] = server.rss_kib()
        out["server_rss_kib_before_strings"] = rss_before
        out.update(log_findings(server))
        outside_after = files_under(workdir, skip=server.data_dir)
    markers = ("passwd", "adm-xss", "gnp.exe")
    tmp_new = [
        name
        for name in {p.name for p in Path(tempfile.gettempdir()).iterdir()} - tmp_before
        if any(m in name for m in markers)
    ]
    outside_new = outside_after - outside_before - {"server.out"}
    sent = strings.sent
    body_fields = {f for f in strings.fields if f[1].startswith("body:")}
    out.update(
        {
            "fields_tested": len(strings.fields),
            "body_fields_tested": len(body_fields),
            "operations_with_bodies": len({op for op, _ in body_fields}),
            "strings_per_field": len(STRINGS),
            "requests": len(sent),
            "accepted": sum(1 for s in sent if 200 <= s.status < 400),
            "refused_4xx": sum(1 for s in sent if 400 <= s.status < 500),
            "refused_by_http_server": sum(1 for s in sent if s.http_layer),
            "server_errors_5xx": sum(1 for s in sent if s.status >= 500),
            "not_clean": sum(1 for s in sent if not s.clean),
            "passwd_leaks": sum(1 for s in sent if s.leaked),
            "accepted_values_echoed": strings.echoed,
            "accepted_values_echoed_altered": len(strings.altered),
            "altered": strings.altered[:20],
            "unescaped_in_answers": sum(1 for s in sent if s.unescaped),
            "files_created_outside": len(outside_new) + len(tmp_new),
            "problems": [
                f"{s.operation} {s.where} {s.string}: {s.status} {s.ticket}"
                for s in sent
                if not s.clean or s.leaked or s.unescaped
            ][:40],
        }
    )
    out["unescaped_renderings"] += out.pop("unescaped_in_answers")
    return out


def run(scale: str) -> dict[str, Any]:
    """Uploads and strings on SQLite; at scale long also on PostgreSQL (when it is set)."""
    with tempfile.TemporaryDirectory(prefix="adm-hostile-") as tmp:
        out = run_once(Path(tmp), scale)
    postgres_url = os.environ.get("ADM_TEST_POSTGRES_URL", "").strip()
    out["engines"] = "sqlite"
    if scale == "long" and postgres_url:
        with (
            tempfile.TemporaryDirectory(prefix="adm-hostile-pg-") as tmp,
            postgres_database(postgres_url) as url,
        ):
            again = run_once(Path(tmp), scale, url)
        out["engines"] = "sqlite, postgresql"
        for key in (
            "requests",
            "server_errors_5xx",
            "not_clean",
            "unescaped_renderings",
            "upload_rows_added",
            "upload_files_added",
            "files_created_outside",
        ):
            out[f"postgresql_{key}"] = again[key]
        out["problems"] += [f"postgresql: {p}" for p in again["problems"]]
    elif scale == "long":
        out["engines"] = "sqlite (not postgresql: ADM_TEST_POSTGRES_URL unset)"
    out["summary"] = (
        f"{out['requests']} hostile requests ({out['strings_per_field']} strings in each of "
        f"{out['fields_tested']} fields and parameters) and {out['upload_cases']} lying uploads "
        f"on {out['engines']}: {out['server_errors_5xx']} server errors, "
        f"{out['unescaped_renderings']} unescaped renderings, {out['upload_rows_added']} rows "
        f"and {out['files_created_outside']} files left behind."
    )
    out["command"] = f".venv/bin/python -m proof {PART}"
    figures.record(PART, scale, out)
    return out


def main() -> int:
    scale = sys.argv[1] if len(sys.argv) > 1 else "short"
    print(json.dumps(run(scale), indent=2))  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
