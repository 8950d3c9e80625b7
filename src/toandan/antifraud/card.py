"""The shareable image of a fraud warning: a 1200×630 PNG (the size Facebook and Zalo show
in a post) with the warning's Vietnamese text, drawn by Pillow with the fonts the documents
ship (Liberation Serif covers Vietnamese)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

import toandan.documents

FONTS = Path(toandan.documents.__file__).parent / "fonts"
WIDTH, HEIGHT = 1200, 630
MARGIN = 60
RED = (165, 20, 30)
INK = (25, 25, 25)


def _font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf"
    return ImageFont.truetype(str(FONTS / name), size)


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int
) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if draw.textlength(candidate, font=font) <= width:
                line = candidate
            else:
                if line:
                    lines.append(line)
                line = word
        lines.append(line)
    return lines


def warning_card_png(*, heading: str, title: str, advice: str, footer: str) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), (255, 250, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 110), fill=RED)
    draw.text((MARGIN, 28), heading.upper(), font=_font(52, bold=True), fill=(255, 255, 255))
    y = 140
    title_font = _font(46, bold=True)
    for line in _wrap(draw, title, title_font, WIDTH - 2 * MARGIN)[:3]:
        draw.text((MARGIN, y), line, font=title_font, fill=INK)
        y += 56
    y += 14
    body_font = _font(34)
    for line in _wrap(draw, advice, body_font, WIDTH - 2 * MARGIN):
        if y > HEIGHT - 110:
            draw.text((MARGIN, y), "…", font=body_font, fill=INK)
            break
        draw.text((MARGIN, y), line, font=body_font, fill=INK)
        y += 42
    draw.rectangle((0, HEIGHT - 70, WIDTH, HEIGHT), fill=(245, 230, 225))
    draw.text((MARGIN, HEIGHT - 56), footer, font=_font(32, bold=True), fill=RED)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
