"""The name and headers a tip's file is downloaded with.

The tipster chooses the file name, so it is data from outside like the file itself: a PDF sent
as `bang-chung.html` would open in the officer's browser as a page and run its script, and
`invoice.pdf.exe` or a name with a right-to-left override (`…\u202efdp.exe`, shown as
`…exe.pdf`) would run as a program. The cleaning (`toandan.media.files`) found what the file
really is; the download name keeps the tipster's words and ends with that type's extension.
"""

from __future__ import annotations

import re
import unicodedata

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from toandan.media.files import ACCEPTED_FORMATS

# When the stored type is none of the accepted ones (a row older than the cleaning, say), the
# browser is told nothing it could act on: bytes to save, never to open or render.
FALLBACK_CONTENT_TYPE = "application/octet-stream"
FALLBACK_EXTENSION = ".bin"
# "tệp" (file) without its accent: a name for a file whose name has nothing left.
FALLBACK_STEM = "tep"
MAX_STEM_CHARS = 120

_EXTENSIONS: dict[str, tuple[str, ...]] = {
    content_type: accepted.extensions
    for accepted in ACCEPTED_FORMATS
    for content_type in accepted.content_types
}
# Characters that Windows refuses in a file name, and that some browsers turn into other names.
_RESERVED = re.compile(r'[<>:"|?*]')


def safe_content_type(content_type: str) -> str:
    """The stored (detected) type if it is one the cleaning accepts, else plain bytes."""
    return content_type if content_type in _EXTENSIONS else FALLBACK_CONTENT_TYPE


def _visible(text: str) -> str:
    # Cc: control characters (NUL, ESC, DEL…); Cf: format characters, among them every bidi
    # control (U+200E/F, U+202A–U+202E, U+2066–U+2069) and zero-width characters; Zl/Zp:
    # line and paragraph separators. None is part of a name a person typed to be read.
    return "".join(
        ch for ch in text if unicodedata.category(ch) not in {"Cc", "Cf", "Zl", "Zp", "Cs"}
    )


def download_name(name: str, content_type: str) -> str:
    """The tipster's file name without path, controls and bidi characters, ending with the
    extension of the detected type (`bang-chung.html` that is a PDF: `bang-chung.pdf`)."""
    extensions = _EXTENSIONS.get(content_type, ())
    extension = extensions[0] if extensions else FALLBACK_EXTENSION
    base = _visible(unicodedata.normalize("NFC", name or ""))
    base = re.split(r"[\\/]", base)[-1]
    base = _RESERVED.sub("_", " ".join(base.split())).strip(" .")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    # "invoice.pdf.exe" that is a PDF: "invoice.pdf", not "invoice.pdf.pdf".
    lowered = stem.lower()
    for known in extensions:
        if lowered.endswith(known):
            stem = stem[: -len(known)]
            break
    stem = stem.strip(" .")[:MAX_STEM_CHARS].strip(" .")
    return f"{stem or FALLBACK_STEM}{extension}"


def attachment_response(*, name: str, content_type: str, data: bytes) -> HttpResponse:
    """A tip's file as a download: the safe type, a name ending with the detected type's
    extension (RFC 6266, `filename*` for names outside ASCII), never sniffed, never cached."""
    response = HttpResponse(data, content_type=safe_content_type(content_type))
    filename = download_name(name, content_type)
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=filename) or "attachment"
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
