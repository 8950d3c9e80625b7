"""The two formats of GeoReport v2: XML (the spec's required one) and JSON.

A response is built once as plain Python (dicts, lists, strings, booleans, datetimes) and then
written in the format the URL asks for. XML is written with ElementTree, which escapes text;
lists take the element names of the spec (`<services><service>`, `<attributes><attribute>`).
ElementTree does not refuse characters XML 1.0 forbids (most control characters): a request
that echoes them (`services/%01x.xml`) would get a document no parser reads, so they are
dropped from every text first.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

JSON = "json"
XML = "xml"
CONTENT_TYPES = {
    JSON: "application/json; charset=utf-8",
    XML: "text/xml; charset=utf-8",
}
# The element name of one item in each list the spec defines.
ITEM_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


# What XML 1.0 does not allow anywhere in a document: C0 controls but tab, LF and CR,
# lone surrogates, and U+FFFE/U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """The text without the characters XML 1.0 forbids."""
    return _XML_ILLEGAL.sub("", text)


def iso(value: dt.datetime) -> str:
    """ISO 8601 with the time zone, in Vietnam time: 2026-03-14T21:00:00+07:00."""
    return timezone.localtime(value).isoformat(timespec="seconds")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return iso(value)
    return str(value)


def _append(parent: ET.Element, tag: str, value: Any) -> None:
    element = ET.SubElement(parent, tag)
    if value is None:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _append(element, key, item)
    elif isinstance(value, list):
        for item in value:
            _append(element, ITEM_TAGS[tag], item)
    else:
        element.text = xml_safe(_text(value))


def to_xml(root: str, value: Any) -> bytes:
    """`to_xml("services", [{...}])` → `<services><service>…</service></services>`."""
    element = ET.Element(root)
    if isinstance(value, list):
        for item in value:
            _append(element, ITEM_TAGS[root], item)
    else:
        for key, item in value.items():
            _append(element, key, item)
    body: bytes = ET.tostring(element, encoding="utf-8", xml_declaration=True)
    return body


def _json_default(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return iso(value)
    raise TypeError(type(value).__name__)


def render(fmt: str, root: str, value: Any, *, status: int = 200) -> HttpResponse:
    """`root` names the XML document element; JSON has no root and writes `value` as is."""
    if fmt == XML:
        body = to_xml(root, value)
    else:
        body = json.dumps(value, ensure_ascii=False, default=_json_default).encode()
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def render_errors(
    fmt: str, status: int, descriptions: list[str], *, retry_after: int = 0
) -> HttpResponse:
    """The spec's error document: `[{"code": 404, "description": "..."}]` or
    `<errors><error><code>404</code><description>...</description></error></errors>`."""
    errors = [{"code": status, "description": text} for text in descriptions]
    response = render(fmt, "errors", errors, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response
