"""An administrative document (`toandan.documents.decree30`) as PDF (WeasyPrint), with the same
layout as the DOCX (`toandan.documents.word`).

The font is shipped with the package and embedded in every PDF: Liberation Serif (SIL Open
Font License, `fonts/OFL.txt`), whose letters have the widths of Times New Roman, so a line
breaks where it would in Times and every Vietnamese diacritic is drawn. The server's own fonts
are not used: a server without Times-like fonts printed the records in DejaVu Serif.

WeasyPrint fetches nothing but these font files: the document's texts are the users' and the
tipsters', and a URL in them must never make the server fetch it.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from toandan.documents.decree30 import (
    MOTTO,
    NATIONAL_TITLE,
    RECIPIENTS_HEADING,
    AdministrativeDocument,
    prepare_body,
)

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FAMILY = "Liberation Serif"
# (file, weight, style) of the shipped faces.
FONT_FACES = (
    ("LiberationSerif-Regular.ttf", "normal", "normal"),
    ("LiberationSerif-Bold.ttf", "bold", "normal"),
    ("LiberationSerif-Italic.ttf", "normal", "italic"),
    ("LiberationSerif-BoldItalic.ttf", "bold", "italic"),
)


class FetchRefusedError(ValueError):
    """A document asked for something other than its own fonts."""


def font_faces_css() -> str:
    """@font-face rules for the shipped faces (also for other printed pages, e.g. a card)."""
    return "\n".join(
        f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{(FONTS_DIR / name).as_uri()}");'
        f" font-weight: {weight}; font-style: {style}; }}"
        for name, weight, style in FONT_FACES
    )


@functools.cache
def _font_files() -> dict[str, bytes]:
    return {
        (FONTS_DIR / name).as_uri(): (FONTS_DIR / name).read_bytes() for name, _, _ in FONT_FACES
    }


def _fonts_only_fetcher() -> Any:
    """A WeasyPrint fetcher that serves the shipped fonts and refuses every other URL (no
    network, no other file)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class FontsOnlyFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            data = _font_files().get(url)
            if data is None:
                raise FetchRefusedError(url)
            return URLFetcherResponse(url, data, {"Content-Type": "font/ttf"})

    return FontsOnlyFetcher()


def write_pdf(html: str) -> bytes:
    """HTML printed by WeasyPrint with only the shipped fonts to fetch."""
    from weasyprint import HTML

    return bytes(HTML(string=html, url_fetcher=_fonts_only_fetcher()).write_pdf())


def render_html(doc: AdministrativeDocument) -> str:
    """The document as the HTML that `render_pdf` prints (also handy to preview in a browser)."""
    return render_to_string(
        "documents/decree30.html",
        {
            "doc": doc,
            "font_faces": font_faces_css(),
            "font_family": FONT_FAMILY,
            "national_title": NATIONAL_TITLE,
            "motto": MOTTO,
            "blocks": prepare_body(doc),
            "recipients_heading": RECIPIENTS_HEADING,
        },
    )


def render_pdf(doc: AdministrativeDocument) -> bytes:
    """The document as a PDF (WeasyPrint), with the same layout as the DOCX."""
    return write_pdf(render_html(doc))
