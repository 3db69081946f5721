"""A minimal IPP/1.1 client on the standard library: RFC 8010 encoding, RFC 8011 operations.

Only what the kiosk needs to print through CUPS: Print-Job, Get-Job-Attributes,
Get-Printer-Attributes and Cancel-Job, sent as HTTP POST with ``application/ipp``.
Every malformed answer becomes :class:`IppError`, never an IndexError or struct.error.
"""

from __future__ import annotations

import datetime
import enum
import http.client
import itertools
import struct
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from devices.errors import DeviceError

IPP_VERSION = (1, 1)
MAX_RESPONSE_BYTES = 8 * 1024 * 1024  # a printer's attributes are a few kB; refuse floods

Value = int | bool | str | bytes | tuple[int, ...] | datetime.datetime | None
AttrValue = Value | list[Value]


class IppError(DeviceError):
    """The IPP exchange failed: the answer was malformed or carried an error status."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class IppUnreachable(IppError):
    """The IPP server could not be reached at all (refused, timed out, unknown host)."""


class Operation(enum.IntEnum):
    PRINT_JOB = 0x0002
    CANCEL_JOB = 0x0008
    GET_JOB_ATTRIBUTES = 0x0009
    GET_PRINTER_ATTRIBUTES = 0x000B


class Tag(enum.IntEnum):
    # delimiter tags (RFC 8010 section 3.5.1)
    OPERATION = 0x01
    JOB = 0x02
    END = 0x03
    PRINTER = 0x04
    UNSUPPORTED_GROUP = 0x05
    # out-of-band values
    UNSUPPORTED = 0x10
    UNKNOWN = 0x12
    NO_VALUE = 0x13
    # integer types
    INTEGER = 0x21
    BOOLEAN = 0x22
    ENUM = 0x23
    # octet-string types
    OCTET_STRING = 0x30
    DATETIME = 0x31
    RESOLUTION = 0x32
    RANGE = 0x33
    BEGIN_COLLECTION = 0x34
    TEXT_WITH_LANGUAGE = 0x35
    NAME_WITH_LANGUAGE = 0x36
    END_COLLECTION = 0x37
    # character-string types
    TEXT = 0x41
    NAME = 0x42
    KEYWORD = 0x44
    URI = 0x45
    URI_SCHEME = 0x46
    CHARSET = 0x47
    LANGUAGE = 0x48
    MIME_TYPE = 0x49
    MEMBER_NAME = 0x4A


STRING_TAGS = frozenset(
    {
        Tag.TEXT,
        Tag.NAME,
        Tag.KEYWORD,
        Tag.URI,
        Tag.URI_SCHEME,
        Tag.CHARSET,
        Tag.LANGUAGE,
        Tag.MIME_TYPE,
        Tag.MEMBER_NAME,
    }
)

STATUS_NAMES: dict[int, str] = {
    0x0000: "successful-ok",
    0x0001: "successful-ok-ignored-or-substituted-attributes",
    0x0002: "successful-ok-conflicting-attributes",
    0x0400: "client-error-bad-request",
    0x0401: "client-error-forbidden",
    0x0402: "client-error-not-authenticated",
    0x0403: "client-error-not-authorized",
    0x0404: "client-error-not-possible",
    0x0405: "client-error-timeout",
    0x0406: "client-error-not-found",
    0x0407: "client-error-gone",
    0x0408: "client-error-request-entity-too-large",
    0x0409: "client-error-request-value-too-long",
    0x040A: "client-error-document-format-not-supported",
    0x040B: "client-error-attributes-or-values-not-supported",
    0x040C: "client-error-uri-scheme-not-supported",
    0x040D: "client-error-charset-not-supported",
    0x040E: "client-error-conflicting-attributes",
    0x040F: "client-error-compression-not-supported",
    0x0410: "client-error-compression-error",
    0x0411: "client-error-document-format-error",
    0x0412: "client-error-document-access-error",
    0x0500: "server-error-internal-error",
    0x0501: "server-error-operation-not-supported",
    0x0502: "server-error-service-unavailable",
    0x0503: "server-error-version-not-supported",
    0x0504: "server-error-device-error",
    0x0505: "server-error-temporary-error",
    0x0506: "server-error-not-accepting-jobs",
    0x0507: "server-error-busy",
    0x0508: "server-error-job-canceled",
    0x0509: "server-error-multiple-document-jobs-not-supported",
}

NOT_FOUND = 0x0406
NOT_POSSIBLE = 0x0404
NOT_ACCEPTING_JOBS = 0x0506


def status_name(status: int) -> str:
    """Name a status code the way RFC 8011 does, so log lines are searchable."""
    return STATUS_NAMES.get(status, f"status-0x{status:04x}")


@dataclass(frozen=True)
class Attribute:
    """One attribute to send: a value tag, a name and one or more values."""

    tag: Tag
    name: str
    values: tuple[Value, ...]

    @classmethod
    def of(cls, tag: Tag, name: str, *values: Value) -> Attribute:
        """Build an attribute without spelling out the tuple."""
        return cls(tag, name, values)


# -- encoding ---------------------------------------------------------------------------------


def _encode_value(tag: Tag, value: Value) -> bytes:
    """Turn one Python value into the octets RFC 8010 prescribes for ``tag``."""
    if tag in (Tag.UNSUPPORTED, Tag.UNKNOWN, Tag.NO_VALUE):
        return b""
    if tag in (Tag.INTEGER, Tag.ENUM) and isinstance(value, int) and not isinstance(value, bool):
        return struct.pack(">i", value)
    if tag is Tag.BOOLEAN and isinstance(value, bool):
        return b"\x01" if value else b"\x00"
    if tag is Tag.RANGE and isinstance(value, tuple) and len(value) == 2:
        return struct.pack(">ii", *value)
    if tag in STRING_TAGS and isinstance(value, str):
        return value.encode("utf-8")
    if tag is Tag.OCTET_STRING and isinstance(value, bytes):
        return value
    raise IppError(f"cannot encode {value!r} as IPP {tag.name}")


def _encode_attribute(attribute: Attribute) -> bytes:
    """Encode an attribute; extra values repeat the tag with an empty name."""
    if not attribute.values:
        raise IppError(f"attribute {attribute.name} has no value")
    out = bytearray()
    name = attribute.name.encode("utf-8")
    for index, value in enumerate(attribute.values):
        data = _encode_value(attribute.tag, value)
        if len(data) > 0xFFFF:
            raise IppError(f"value of {attribute.name} is longer than 65535 octets")
        out += struct.pack(">BH", attribute.tag, 0 if index else len(name))
        if not index:
            out += name
        out += struct.pack(">H", len(data)) + data
    return bytes(out)


def encode_request(
    operation: int,
    request_id: int,
    groups: Sequence[tuple[Tag, Iterable[Attribute]]],
    data: bytes = b"",
    version: tuple[int, int] = IPP_VERSION,
) -> bytes:
    """Build a complete IPP request body: header, attribute groups, end tag, document."""
    out = bytearray(struct.pack(">BBHi", version[0], version[1], operation, request_id))
    for group_tag, attributes in groups:
        out.append(group_tag)
        for attribute in attributes:
            out += _encode_attribute(attribute)
    out.append(Tag.END)
    return bytes(out) + data


def base_operation_attributes(target: Attribute, user: str) -> list[Attribute]:
    """The attributes every request starts with, in the order RFC 8011 demands."""
    return [
        Attribute.of(Tag.CHARSET, "attributes-charset", "utf-8"),
        Attribute.of(Tag.LANGUAGE, "attributes-natural-language", "en"),
        target,
        Attribute.of(Tag.NAME, "requesting-user-name", user),
    ]


# -- decoding ---------------------------------------------------------------------------------


@dataclass
class IppResponse:
    """A decoded IPP response; ``attributes`` merges all groups (name -> value or list)."""

    version: tuple[int, int]
    status: int
    request_id: int
    groups: list[tuple[int, dict[str, AttrValue]]] = field(default_factory=list)
    data: bytes = b""

    @property
    def attributes(self) -> dict[str, AttrValue]:
        merged: dict[str, AttrValue] = {}
        for _tag, attrs in self.groups:
            merged.update(attrs)
        return merged

    @property
    def status_name(self) -> str:
        return status_name(self.status)

    @property
    def status_message(self) -> str:
        message = self.attributes.get("status-message")
        return message if isinstance(message, str) else ""

    def values(self, name: str) -> list[Value]:
        """Every value of ``name`` as a list, empty when absent, for uniform handling."""
        value = self.attributes.get(name)
        if value is None:
            return []
        return value if isinstance(value, list) else [value]

    def integer(self, name: str) -> int | None:
        """The first value of ``name`` when it is an integer or enum."""
        found = self.values(name)
        first = found[0] if found else None
        return first if isinstance(first, int) and not isinstance(first, bool) else None

    def strings(self, name: str) -> list[str]:
        """The text/keyword values of ``name``, skipping anything else."""
        return [v for v in self.values(name) if isinstance(v, str)]

    def raise_for_status(self, operation: str = "IPP request") -> IppResponse:
        """Raise IppError for an error status (>= 0x0400) so callers need not check."""
        if self.status >= 0x0400:
            message = self.status_message
            detail = f": {message}" if message else ""
            raise IppError(
                f"{operation} failed with {self.status_name} (0x{self.status:04x}){detail}",
                status=self.status,
            )
        return self


class _Reader:
    """Reads a byte string front to back, turning short reads into IppError."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int, what: str) -> bytes:
        if self.pos + n > len(self.data):
            raise IppError(
                f"truncated IPP response: {what} needs {n} octets at offset {self.pos}, "
                f"only {len(self.data) - self.pos} left"
            )
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def u8(self, what: str) -> int:
        return self.take(1, what)[0]

    def u16(self, what: str) -> int:
        return int.from_bytes(self.take(2, what), "big")


def _expect_length(tag: int, raw: bytes, length: int) -> None:
    if len(raw) != length:
        label = Tag(tag).name if tag in Tag._value2member_map_ else f"0x{tag:02x}"
        raise IppError(f"bad IPP {label} value: {len(raw)} octets instead of {length}")


def _decode_datetime(raw: bytes) -> datetime.datetime:
    """RFC 2579 DateAndTime, 11 octets, to an aware datetime."""
    _expect_length(Tag.DATETIME, raw, 11)
    year, month, day, hour, minute, second, decisec, sign, off_h, off_m = struct.unpack(
        ">HBBBBBBcBB", raw
    )
    try:
        offset = datetime.timedelta(hours=off_h, minutes=off_m)
        tz = datetime.timezone(-offset if sign == b"-" else offset)
        return datetime.datetime(
            year, month, day, hour, minute, second, decisec * 100000, tzinfo=tz
        )
    except ValueError as exc:
        raise IppError(f"bad IPP dateTime value {raw.hex()}: {exc}") from exc


def _decode_value(tag: int, raw: bytes) -> Value:
    """Turn the octets of one value into a Python value according to its tag."""
    if 0x10 <= tag <= 0x1F:  # out-of-band: unsupported, unknown, no-value
        return None
    if tag in (Tag.INTEGER, Tag.ENUM):
        _expect_length(tag, raw, 4)
        return int(struct.unpack(">i", raw)[0])
    if tag == Tag.BOOLEAN:
        _expect_length(tag, raw, 1)
        return raw != b"\x00"
    if tag == Tag.RANGE:
        _expect_length(tag, raw, 8)
        low, high = struct.unpack(">ii", raw)
        return (int(low), int(high))
    if tag == Tag.RESOLUTION:
        _expect_length(tag, raw, 9)
        x, y, units = struct.unpack(">iib", raw)
        return (int(x), int(y), int(units))
    if tag == Tag.DATETIME:
        return _decode_datetime(raw)
    if tag in (Tag.TEXT_WITH_LANGUAGE, Tag.NAME_WITH_LANGUAGE):
        reader = _Reader(raw)
        reader.take(reader.u16("language length"), "language")
        return reader.take(reader.u16("text length"), "text").decode("utf-8", "replace")
    if 0x40 <= tag <= 0x5F:  # character-string types, including ones we do not name
        return raw.decode("utf-8", "replace")
    return raw


def _skip_collection(reader: _Reader) -> None:
    """Skip a collection value (already past its begCollection) up to the matching end."""
    depth = 1
    while depth:
        tag = reader.u8("collection member tag")
        reader.take(reader.u16("collection name length"), "collection name")
        reader.take(reader.u16("collection value length"), "collection value")
        if tag == Tag.BEGIN_COLLECTION:
            depth += 1
        elif tag == Tag.END_COLLECTION:
            depth -= 1
        elif tag <= 0x0F:
            raise IppError(f"malformed IPP collection: delimiter 0x{tag:02x} inside a collection")


def _add(attrs: dict[str, AttrValue], name: str, value: Value, first: bool) -> None:
    if first or name not in attrs:
        attrs[name] = value
        return
    existing = attrs[name]
    if isinstance(existing, list):
        existing.append(value)
    else:
        attrs[name] = [existing, value]


def decode_response(data: bytes) -> IppResponse:
    """Parse a complete IPP response body; any malformed byte raises IppError."""
    reader = _Reader(data)
    major = reader.u8("version")
    minor = reader.u8("version")
    if major not in (1, 2):
        raise IppError(
            f"not an IPP response: version {major}.{minor} (first octets {data[:8].hex()})"
        )
    status = reader.u16("status-code")
    request_id = int.from_bytes(reader.take(4, "request-id"), "big")
    response = IppResponse(version=(major, minor), status=status, request_id=request_id)
    current: dict[str, AttrValue] | None = None
    name = ""
    skipping = False
    while True:
        tag = reader.u8("tag (no end-of-attributes tag)")
        if tag == Tag.END:
            break
        if tag <= 0x0F:  # a delimiter starts the next group
            if tag == 0x00:
                raise IppError(f"malformed IPP response: reserved tag 0x00 at offset {reader.pos}")
            current, name, skipping = {}, "", False
            response.groups.append((tag, current))
            continue
        if current is None:
            raise IppError(f"malformed IPP response: attribute outside a group at {reader.pos}")
        name_length = reader.u16("attribute name length")
        first = name_length > 0
        if first:
            name = reader.take(name_length, "attribute name").decode("utf-8", "replace")
        elif not name:
            raise IppError(f"malformed IPP response: value without a name at {reader.pos}")
        raw = reader.take(reader.u16("value length"), f"value of {name}")
        if tag == Tag.BEGIN_COLLECTION:
            _skip_collection(reader)
            skipping = True
            continue
        if not first and skipping:
            continue
        skipping = False
        _add(current, name, _decode_value(tag, raw), first)
    response.data = data[reader.pos :]
    return response


# -- transport --------------------------------------------------------------------------------


class IppClient:
    """Sends IPP requests to one server over HTTP, each with a socket timeout."""

    def __init__(
        self, host: str = "localhost", port: int = 631, timeout: float = 10.0, user: str = "adm"
    ) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.user = user
        self._ids = itertools.count(1)
        self._ids_lock = threading.Lock()

    def printer_uri(self, queue: str) -> str:
        """The printer-uri CUPS expects for a local queue name."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"ipp://{host}:{self.port}/printers/{quote(queue, safe='')}"

    def _next_id(self) -> int:
        with self._ids_lock:
            return next(self._ids)

    def post(self, path: str, body: bytes) -> bytes:
        """POST one IPP body and return the response body; transport faults become IppError."""
        where = f"{self.host}:{self.port}{path}"
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(
                "POST",
                path,
                body=body,
                headers={"Content-Type": "application/ipp", "Accept": "application/ipp"},
            )
            resp = conn.getresponse()
            payload = resp.read(MAX_RESPONSE_BYTES + 1)
        except OSError as exc:
            raise IppUnreachable(f"cannot reach IPP server {where}: {exc}") from exc
        except http.client.HTTPException as exc:
            raise IppError(f"bad HTTP answer from {where}: {exc!r}") from exc
        finally:
            conn.close()
        if resp.status != 200:
            raise IppError(f"HTTP {resp.status} {resp.reason} from {where}")
        content_type = resp.getheader("Content-Type", "")
        if not content_type.startswith("application/ipp"):
            raise IppError(f"{where} answered {content_type or 'no content type'}, not IPP")
        if len(payload) > MAX_RESPONSE_BYTES:
            raise IppError(f"IPP response from {where} is larger than {MAX_RESPONSE_BYTES} octets")
        return payload

    def request(
        self,
        uri: str,
        operation: Operation,
        operation_attributes: Sequence[Attribute] = (),
        job_attributes: Sequence[Attribute] = (),
        data: bytes = b"",
        target: str = "printer-uri",
    ) -> IppResponse:
        """Send one operation to ``uri`` and return the decoded answer, raising on error status."""
        request_id = self._next_id()
        attrs = base_operation_attributes(Attribute.of(Tag.URI, target, uri), self.user)
        attrs += operation_attributes
        groups: list[tuple[Tag, Iterable[Attribute]]] = [(Tag.OPERATION, attrs)]
        if job_attributes:
            groups.append((Tag.JOB, job_attributes))
        body = encode_request(operation, request_id, groups, data)
        path = urlsplit(uri).path or "/"
        response = decode_response(self.post(path, body))
        label = operation.name.replace("_", "-").title()
        return response.raise_for_status(label)

    # -- the four operations we need --------------------------------------------------------

    def get_printer_attributes(
        self, printer_uri: str, requested: Sequence[str] = ()
    ) -> IppResponse:
        """Ask the printer (queue) for its state; ``requested`` narrows the answer."""
        extra = [Attribute(Tag.KEYWORD, "requested-attributes", tuple(requested))]
        return self.request(
            printer_uri, Operation.GET_PRINTER_ATTRIBUTES, extra if requested else ()
        )

    def print_job(
        self,
        printer_uri: str,
        document: bytes,
        job_name: str,
        document_format: str = "application/pdf",
        job_attributes: Sequence[Attribute] = (),
    ) -> IppResponse:
        """Submit one document; the answer carries job-id and job-state."""
        extra = [
            Attribute.of(Tag.NAME, "job-name", job_name),
            Attribute.of(Tag.MIME_TYPE, "document-format", document_format),
        ]
        return self.request(printer_uri, Operation.PRINT_JOB, extra, job_attributes, document)

    def get_job_attributes(
        self, printer_uri: str, job_id: int, requested: Sequence[str] = ()
    ) -> IppResponse:
        """Ask for one job's state by printer-uri plus job-id."""
        extra = [Attribute.of(Tag.INTEGER, "job-id", job_id)]
        if requested:
            extra.append(Attribute(Tag.KEYWORD, "requested-attributes", tuple(requested)))
        return self.request(printer_uri, Operation.GET_JOB_ATTRIBUTES, extra)

    def cancel_job(self, printer_uri: str, job_id: int) -> IppResponse:
        """Cancel one job by printer-uri plus job-id."""
        extra = [Attribute.of(Tag.INTEGER, "job-id", job_id)]
        return self.request(printer_uri, Operation.CANCEL_JOB, extra)


def a4_job_attributes(copies: int = 1) -> list[Attribute]:
    """Job template attributes for an A4 document scaled to fit the page."""
    return [
        Attribute.of(Tag.KEYWORD, "media", "iso_a4_210x297mm"),
        Attribute.of(Tag.KEYWORD, "print-scaling", "fit"),
        Attribute.of(Tag.INTEGER, "copies", copies),
    ]
