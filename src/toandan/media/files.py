"""Uploaded files: what a file really is, and what it says about who made it.

Any domain that takes files from citizens (tips, their replies, and the next ones) checks
them here: `clean_upload` with the size limit of that domain, `check_pixel_budget` for all the
photos of one request, and the `accept=` hint of its form from `ACCEPT_ATTRIBUTE`.

A file is judged by its bytes, never by its name or the content type the browser declared:
a web page named `photo.jpg` is a web page, and is refused. Only formats a cheap phone or an
office program writes are accepted, and each is rewritten so that identifying metadata is gone
before the file is encrypted and stored:

- photos (JPEG, PNG, WebP, GIF) are decoded and encoded again from their pixels alone, after
  turning them upright by their EXIF orientation: no EXIF (camera serial, make and model,
  author, timestamps, GPS position), no XMP, no comments, and the colour profile converted to
  sRGB rather than kept. A citizen may choose to keep the position: then the GPS position alone
  is written back (not even the GPS date);
- PDF is rewritten page by page without the document information and the XMP packet, and
  without document-level scripts and attachments;
- Word documents (.docx) lose their core properties (author, last editor, comments, ...), the
  company and manager of app.xml, custom properties, the names of comment and tracked-change
  authors, and the metadata of the photos inside them;
- audio and video: ID3 and APE tags of MP3 and AAC, Vorbis comments of Ogg, and in MP4, M4A,
  3GP and MOV the whole user-data and metadata boxes (recording location ©xyz, make, model,
  tags) and the creation times; WAV keeps only its format and samples. AMR holds no metadata.

HEIC/HEIF photos are refused with a request to send JPEG: no library available here can
rewrite them without their metadata.

Cleaning decodes photos, which costs memory and time in proportion to their pixels, not to
their size on the wire (a 9400 x 9400 PNG of one colour is a few hundred kilobytes and a
quarter of a gigabyte decoded). So the pixels are counted from the header before anything is
decoded: at most settings.TOANDAN_IMAGE_MAX_PIXELS per photo (a JPEG above it is decoded at half
or quarter scale, which its format does cheaply) and TOANDAN_REQUEST_MAX_IMAGE_PIXELS for all
the photos of one request (a tip or a reply). And at most TOANDAN_FILE_CLEANERS files are
cleaned at once in a process, with as many waiting: other requests get FilesBusyError (503, try
again shortly) at once, so a flood of uploads cannot take every thread of the server.
"""

from __future__ import annotations

import io
import math
import re
import struct
import threading
import warnings
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from django.conf import settings
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from PIL import Image as PILImage

FileKind = Literal["image", "audio", "video", "document"]


@dataclass(frozen=True)
class UploadData:
    """A file as received, before checks: its declared name and its bytes."""

    name: str
    data: bytes
    # The citizen may choose to keep the GPS position of a photo (off by default).
    keep_location: bool = False


@dataclass(frozen=True)
class CleanFile:
    """A file that passed the checks, as it will be stored (before encryption)."""

    content_type: str
    extension: str  # with the dot: ".jpg"
    data: bytes
    # True when no identifying metadata is left that this module knows how to find.
    metadata_removed: bool
    # True when the citizen asked to keep the GPS position of a photo and it had one.
    kept_location: bool
    kind: FileKind


class RejectedFileError(Exception):
    """The file is refused; `message` is translated and names the file."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FilesBusyError(Exception):
    """Too many files are being cleaned right now: send again after `retry_after` seconds."""

    retry_after = 30

    def __init__(self) -> None:
        super().__init__("busy")
        self.message = _(
            "The server is busy checking other people's files. Please send again in a minute; "
            "nothing you typed is lost."
        )


@dataclass(frozen=True)
class AcceptedFormat:
    name: str
    kind: FileKind
    content_types: tuple[str, ...]
    extensions: tuple[str, ...]


ACCEPTED_FORMATS: tuple[AcceptedFormat, ...] = (
    AcceptedFormat("JPEG", "image", ("image/jpeg",), (".jpg", ".jpeg")),
    AcceptedFormat("PNG", "image", ("image/png",), (".png",)),
    AcceptedFormat("WebP", "image", ("image/webp",), (".webp",)),
    AcceptedFormat("GIF", "image", ("image/gif",), (".gif",)),
    AcceptedFormat("MP4", "video", ("video/mp4",), (".mp4", ".m4v")),
    AcceptedFormat("3GP", "video", ("video/3gpp", "audio/3gpp"), (".3gp", ".3gpp")),
    AcceptedFormat("MOV", "video", ("video/quicktime",), (".mov",)),
    AcceptedFormat("MP3", "audio", ("audio/mpeg",), (".mp3",)),
    AcceptedFormat("M4A", "audio", ("audio/mp4", "audio/x-m4a"), (".m4a",)),
    AcceptedFormat("AAC", "audio", ("audio/aac",), (".aac",)),
    AcceptedFormat("AMR", "audio", ("audio/amr",), (".amr",)),
    AcceptedFormat("OGG", "audio", ("audio/ogg",), (".ogg", ".oga", ".opus")),
    AcceptedFormat("WAV", "audio", ("audio/wav", "audio/x-wav"), (".wav",)),
    AcceptedFormat("PDF", "document", ("application/pdf",), (".pdf",)),
    AcceptedFormat(
        "DOCX",
        "document",
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",),
        (".docx",),
    ),
)

# For a form's accept= attribute (",".join(ACCEPTED_TYPES)) and the Open311 documentation:
# content types first, then extensions (old phone browsers match on either).
ACCEPTED_TYPES: tuple[str, ...] = tuple(
    [t for f in ACCEPTED_FORMATS for t in f.content_types]
    + [e for f in ACCEPTED_FORMATS for e in f.extensions]
)
ACCEPT_ATTRIBUTE = ",".join(ACCEPTED_TYPES)

# A DOCX is a ZIP: cap what unpacking it may cost, whatever its compressed size.
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_UNPACKED_BYTES = 200 * 1024 * 1024
# Animated images: frames times pixels, so a small GIF cannot unpack into gigabytes.
MAX_ANIMATION_PIXELS = 100_000_000
JPEG_QUALITY = 88
# PNGs up to this size are saved with every filter tried (smaller files, seconds on larger).
PNG_OPTIMIZE_MAX_PIXELS = 4_000_000


def clean_upload(upload: UploadData, *, max_bytes: int) -> CleanFile:
    """Check one uploaded file and return it without identifying metadata.

    Raises RejectedFileError (translated, naming the file) for files larger than `max_bytes`
    (the caller's limit: each domain sets its own), empty, damaged, or of a type not accepted,
    whatever their name says.
    """
    name = _display_name(upload.name)
    limit = max_bytes
    if len(upload.data) > limit:
        raise RejectedFileError(
            _("“%(name)s” is larger than %(limit)s MB, the most one file may be.")
            % {"name": name, "limit": _megabytes(limit)}
        )
    if not upload.data:
        raise RejectedFileError(_("“%(name)s” is empty.") % {"name": name})
    cleaner = _sniff(upload.data, name)
    with cleaner_slot():
        try:
            return cleaner(upload.data, name, upload.keep_location)
        except RejectedFileError:
            raise
        except Exception as exc:  # a damaged file fails anywhere inside a parser
            raise RejectedFileError(_damaged(name)) from exc


# --- Cost bounds ----------------------------------------------------------------------------


class _Slots:
    """The cleaners of this process: `cleaners` at work, as many waiting, the rest refused."""

    def __init__(self, cleaners: int) -> None:
        self.size = cleaners
        self.working = threading.BoundedSemaphore(cleaners)
        self.admitted = threading.BoundedSemaphore(2 * cleaners)


_slots: _Slots | None = None
_slots_lock = threading.Lock()


def _current_slots() -> _Slots:
    global _slots  # noqa: PLW0603 - one set of slots per process, sized from the settings
    cleaners = max(1, int(settings.TOANDAN_FILE_CLEANERS))
    with _slots_lock:
        if _slots is None or _slots.size != cleaners:
            _slots = _Slots(cleaners)
        return _slots


@contextmanager
def cleaner_slot() -> Iterator[None]:
    """Hold one of the process's cleaners while a file is decoded and rewritten. A request
    that finds the waiting room full, or waits longer than TOANDAN_FILE_CLEANER_WAIT_SECONDS,
    gets FilesBusyError: its thread goes back to serving others instead of queueing."""
    slots = _current_slots()
    if not slots.admitted.acquire(blocking=False):
        raise FilesBusyError
    try:
        if not slots.working.acquire(timeout=float(settings.TOANDAN_FILE_CLEANER_WAIT_SECONDS)):
            raise FilesBusyError
        try:
            yield
        finally:
            slots.working.release()
    finally:
        slots.admitted.release()


def decoded_pixels(data: bytes) -> int:
    """Pixels a photo will be decoded to, read from its header alone (0 for other files and
    for photos too damaged to say: those are refused when cleaned)."""
    expected = _image_format(data[:64])
    if expected is None:
        return 0
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=[expected])
        except Exception:  # noqa: BLE001 - judged when cleaned
            return 0
    width, height = _decoded_size(image, expected)
    return width * height


def check_pixel_budget(uploads: Sequence[UploadData]) -> None:
    """Refuse the files of one request whose photos together decode to more pixels than
    settings.TOANDAN_REQUEST_MAX_IMAGE_PIXELS, before any is decoded."""
    budget = int(settings.TOANDAN_REQUEST_MAX_IMAGE_PIXELS)
    if sum(decoded_pixels(upload.data) for upload in uploads) > budget:
        raise RejectedFileError(
            _(
                "The photos together are too large a picture (more than %(limit)s megapixels). "
                "Please send fewer photos, or smaller ones."
            )
            % {"limit": budget // 1_000_000}
        )


def _image_format(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:6] in {b"GIF87a", b"GIF89a"}:
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def _jpeg_scale(width: int, height: int) -> int:
    """1, 2, 4 or 8: the JPEG decoder's cheap reduction that brings the photo under the limit
    (0 when even an eighth is too large)."""
    limit = int(settings.TOANDAN_IMAGE_MAX_PIXELS)
    for scale in (1, 2, 4, 8):
        if math.ceil(width / scale) * math.ceil(height / scale) <= limit:
            return scale
    return 0


def _decoded_size(image: PILImage.Image, expected: str) -> tuple[int, int]:
    width, height = image.size
    if expected == "JPEG":
        scale = _jpeg_scale(width, height)
        if scale > 1:
            return math.ceil(width / scale), math.ceil(height / scale)
    return width, height


# --- Messages -------------------------------------------------------------------------------


def _display_name(raw: str) -> str:
    # Only for messages: the stored name is the encrypted original. Path parts and control
    # characters are dropped, and a long name is shortened.
    base = re.split(r"[\\/]", raw or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    if len(base) > 80:
        base = base[:77] + "…"
    return base or _("(unnamed file)")


def _megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def _damaged(name: str) -> str:
    return _(
        "“%(name)s” could not be read: the file seems damaged. Please send it again or in "
        "another format."
    ) % {"name": name}


def _not_accepted(name: str) -> RejectedFileError:
    return RejectedFileError(
        _(
            "“%(name)s” is not a file type we accept. Please send photos (JPEG, PNG, WebP, "
            "GIF), audio (MP3, M4A, AAC, AMR, OGG, WAV), video (MP4, 3GP, MOV), PDF or Word "
            "documents (.docx)."
        )
        % {"name": name}
    )


# --- Sniffing -------------------------------------------------------------------------------

Cleaner = Callable[[bytes, str, bool], CleanFile]

# ISO base media (MP4 family) brands, by what we store them as.
_HEIF_BRANDS = {
    b"heic",
    b"heix",
    b"heim",
    b"heis",
    b"hevc",
    b"hevx",
    b"hevm",
    b"hevs",
    b"mif1",
    b"msf1",
    b"avif",
    b"avis",
}
_M4A_BRANDS = {b"M4A ", b"M4B ", b"M4P "}
_QUICKTIME_BRANDS = {b"qt  "}
# Old QuickTime files start with a box of one of these types instead of ftyp.
_QUICKTIME_FIRST_BOXES = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


def _sniff(data: bytes, name: str) -> Cleaner:
    """The cleaner for what the bytes are; RejectedFileError for anything else."""
    head = data[:64]
    _refuse_known_formats(head, name)
    for matches, cleaner in _SNIFFERS:
        if matches(head):
            return cleaner
    if _looks_like_mpeg_audio(data):
        return _clean_mpeg_audio
    # What is left is refused; `filetype` (which knows many more formats) only tells us whether
    # it is a photo format we cannot clean, for a more helpful message.
    import filetype

    if filetype.guess_mime(data[:8192]) in {"image/heic", "image/heif", "image/avif"}:
        raise _heif_refused(name)
    raise _not_accepted(name)


def _refuse_known_formats(head: bytes, name: str) -> None:
    """Formats people often send that we cannot accept, with a message saying what to do."""
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        compatible = {head[i : i + 4] for i in range(16, min(len(head), _box_size(head)), 4)}
        if brand in _HEIF_BRANDS or (brand not in _M4A_BRANDS and b"heic" in compatible):
            raise _heif_refused(name)
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise RejectedFileError(
            _(
                "“%(name)s” is an old Office document (.doc, .xls, .ppt). Please save it as a "
                "Word document (.docx) or as PDF."
            )
            % {"name": name}
        )


def _heif_refused(name: str) -> RejectedFileError:
    return RejectedFileError(
        _(
            "“%(name)s” is a HEIC/HEIF photo, from which we cannot remove the data "
            "that could identify you. Please send it as JPEG (on an iPhone: Settings, "
            "Camera, Formats, Most Compatible)."
        )
        % {"name": name}
    )


def _box_size(head: bytes) -> int:
    return int(struct.unpack(">I", head[:4])[0]) if len(head) >= 4 else 0


def _id3v2_length(data: bytes, offset: int = 0) -> int:
    """Length of the ID3v2 tag at `offset` (0 when there is none)."""
    header = data[offset : offset + 10]
    if len(header) < 10 or header[:3] != b"ID3" or any(b & 0x80 for b in header[6:10]):
        return 0
    size = (header[6] << 21) | (header[7] << 14) | (header[8] << 7) | header[9]
    footer = 10 if header[5] & 0x10 else 0
    return 10 + size + footer


def _audio_start(data: bytes) -> int:
    offset = 0
    while (length := _id3v2_length(data, offset)) and offset < len(data):
        offset += length
    return offset


def _looks_like_mpeg_audio(data: bytes) -> bool:
    start = _audio_start(data)
    frame = data[start : start + 2]
    if len(frame) < 2 or frame[0] != 0xFF or frame[1] & 0xE0 != 0xE0:
        return False
    layer = (frame[1] >> 1) & 0x3
    # Layer bits 00 are ADTS (AAC) when the version bits say MPEG-2/4; 01-11 are MP3/MP2/MP1.
    return layer != 0 or frame[1] & 0xF6 == 0xF0


# --- Images ---------------------------------------------------------------------------------

_IMAGE_TYPES: dict[str, tuple[str, str]] = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "WEBP": ("image/webp", ".webp"),
    "GIF": ("image/gif", ".gif"),
}
# GPS tags that say where, not when or how: version, latitude, longitude, altitude, datum.
_GPS_POSITION_TAGS = {0, 1, 2, 3, 4, 5, 6, 18}


def _image_cleaner(expected: str) -> Cleaner:
    def clean(data: bytes, name: str, keep_location: bool) -> CleanFile:
        cleaned, kept = clean_image_bytes(data, name, expected, keep_location=keep_location)
        content_type, extension = _IMAGE_TYPES[expected]
        return CleanFile(
            content_type=content_type,
            extension=extension,
            data=cleaned,
            metadata_removed=True,
            kept_location=kept,
            kind="image",
        )

    return clean


def clean_image_bytes(
    data: bytes, name: str, expected: str, *, keep_location: bool = False
) -> tuple[bytes, bool]:
    """Re-encode an image from its pixels alone; returns (bytes, whether GPS was kept)."""
    from PIL import Image, ImageOps

    with warnings.catch_warnings():
        # Pillow warns above MAX_IMAGE_PIXELS and raises at twice that; refuse at the warning.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=[expected])
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise _too_many_pixels(name) from exc
        if image.format != expected:
            raise RejectedFileError(_damaged(name))
        if expected == "JPEG":
            _reduce_jpeg(image)
        _check_pixels(image, name)
        gps = _gps_position(image) if keep_location else {}
        frames = getattr(image, "n_frames", 1)
        if frames > 1 and expected in {"GIF", "WEBP"}:
            return _clean_animation(image, expected, name), False
        image.load()
        # In place and without a second copy: a decoded photo may be hundreds of megabytes.
        ImageOps.exif_transpose(image, in_place=True)
        pixels = _pixels_only(image, expected, owned=True)
        del image
        out = io.BytesIO()
        options: dict[str, object] = {}
        if expected == "JPEG":
            options = {"quality": JPEG_QUALITY, "optimize": True}
        elif expected == "WEBP":
            options = {"quality": 85}
        elif expected == "PNG":
            # Optimising tries every filter: seconds on a large picture, for a few percent.
            small = pixels.width * pixels.height <= PNG_OPTIMIZE_MAX_PIXELS
            options = {"optimize": True} if small else {"compress_level": 3}
        if gps and expected in {"JPEG", "PNG", "WEBP"}:
            exif = Image.Exif()
            exif[0x8825] = gps  # the GPS IFD, alone
            options["exif"] = exif.tobytes()
        pixels.save(out, expected, **options)
    return out.getvalue(), bool(gps and "exif" in options)


def _reduce_jpeg(image: PILImage.Image) -> None:
    """Ask the JPEG decoder for a half, quarter or eighth of a photo above the limit (a 64- or
    100-megapixel phone photo), which costs less than the full decode, not more."""
    width, height = image.size
    scale = _jpeg_scale(width, height)
    if scale > 1:
        image.draft(image.mode, (math.ceil(width / scale), math.ceil(height / scale)))


def _too_many_pixels(name: str) -> RejectedFileError:
    limit = int(settings.TOANDAN_IMAGE_MAX_PIXELS) // 1_000_000
    return RejectedFileError(
        _("“%(name)s” is too large a picture (more than %(limit)s megapixels).")
        % {"name": name, "limit": limit}
    )


def _check_pixels(image: PILImage.Image, name: str) -> None:
    width, height = image.size
    frames = getattr(image, "n_frames", 1)
    limit = int(settings.TOANDAN_IMAGE_MAX_PIXELS)
    if width <= 0 or height <= 0:
        raise RejectedFileError(_damaged(name))
    if (limit and width * height > limit) or width * height * frames > MAX_ANIMATION_PIXELS:
        raise _too_many_pixels(name)


def _gps_position(image: PILImage.Image) -> dict[int, object]:
    try:
        gps = image.getexif().get_ifd(0x8825)
    except Exception:  # noqa: BLE001 - an unreadable GPS block is simply not kept
        return {}
    position = {tag: value for tag, value in gps.items() if tag in _GPS_POSITION_TAGS}
    return position if {2, 4} <= position.keys() else {}


def _pixels_only(image: PILImage.Image, expected: str, *, owned: bool = False) -> PILImage.Image:
    """The pixels and nothing else: no EXIF, XMP, comments, text chunks or colour profile
    (converted to sRGB first, so colours stay right). A copy, unless the caller `owned` the
    image and has no further use for it: then its metadata is dropped in place."""
    from PIL import Image

    icc = image.info.get("icc_profile")
    if icc:
        image = _to_srgb(image, icc)
    if expected == "JPEG" and image.mode not in {"L", "RGB", "CMYK"}:
        image = image.convert("RGB")
    if image.mode == "P" and "transparency" in image.info and expected != "GIF":
        image = image.convert("RGBA")
    transparency = image.info.get("transparency")
    clean = image if owned else image.copy()
    clean.info = {}
    clean.encoderinfo = {}
    if hasattr(clean, "_exif"):
        clean._exif = None  # Pillow caches EXIF read lazily from info
    if transparency is not None and clean.mode in {"P", "L", "RGB"}:
        clean.info["transparency"] = transparency
    # Pillow reads EXIF lazily from info; a copy made after clearing has none.
    assert isinstance(clean, Image.Image)
    return clean


def _to_srgb(image: PILImage.Image, icc: bytes) -> PILImage.Image:
    from PIL import ImageCms

    if image.mode not in {"RGB", "RGBA", "CMYK"}:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        target = ImageCms.createProfile("sRGB")
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(image, source, target, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # an unreadable profile is dropped; colours may shift slightly
    return converted if converted is not None else image


def _clean_animation(image: PILImage.Image, expected: str, name: str) -> bytes:
    from PIL import ImageSequence

    frames = []
    durations = []
    for frame in ImageSequence.Iterator(image):
        durations.append(int(frame.info.get("duration", 100)))
        frames.append(_pixels_only(frame.copy(), expected))
    if not frames:
        raise RejectedFileError(_damaged(name))
    out = io.BytesIO()
    frames[0].save(
        out,
        expected,
        save_all=True,
        append_images=frames[1:],
        duration=durations,
        loop=int(image.info.get("loop", 0)),
    )
    return out.getvalue()


# --- PDF ------------------------------------------------------------------------------------

# Keys dropped from every dictionary reachable from the pages: XMP packets, application data,
# automatic actions (on open, on focus, ...), scripts and embedded files.
_PDF_KEYS_DROPPED = (
    "/Metadata",
    "/PieceInfo",
    "/AA",
    "/OpenAction",
    "/JS",
    "/JavaScript",
    "/EmbeddedFiles",
    "/EF",
    "/RF",
    "/RichMediaContent",
    "/Next",
)
# Action keys: only a jump inside the document is kept; links to web sites, other files,
# programs, scripts and forms that send data are dropped.
_PDF_ACTION_KEYS = ("/A", "/PA")
_PDF_SAFE_ACTIONS = {"/GoTo"}
# Annotations that carry files, sound, video or 3D content: dropped whole.
_PDF_ANNOTATIONS_DROPPED = {
    "/FileAttachment",
    "/Sound",
    "/Movie",
    "/Screen",
    "/RichMedia",
    "/3D",
}
# What an annotation says about who made it: author, dates.
_PDF_ANNOTATION_PERSON_KEYS = ("/T", "/M", "/CreationDate")
# JPEG segments kept when a photo inside a PDF is cleaned: everything but APP0-APP15 and
# comments, except the Adobe APP14 segment, which says how the colours are encoded.
_JPEG_ADOBE = 0xEE
_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}


def _clean_pdf(data: bytes, name: str, keep_location: bool) -> CleanFile:
    """Rewrite the pages into a new PDF: the document information, the XMP packets, the
    catalogue (open actions, scripts, embedded files, forms, outlines) of the original stay
    behind; annotations carrying files and actions other than jumps inside the document are
    dropped; photos inside lose their EXIF, XMP and comments."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import FileNotDecryptedError

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        raise _password_protected(name)
    try:
        pages = list(reader.pages)
    except FileNotDecryptedError as exc:
        raise _password_protected(name) from exc
    if not pages:
        raise RejectedFileError(_damaged(name))
    # Cleaned in the reader, before copying: what is dropped is then never copied at all.
    all_clean = True
    visited: set[int] = set()
    for page in pages:
        _filter_pdf_annotations(page)
    for page in pages:
        all_clean = _scrub_pdf_objects(page, visited) and all_clean
        all_clean = not _has_inline_jpeg(page) and all_clean
    writer = PdfWriter()
    for page in pages:
        writer.add_page(page)
    writer.metadata = None
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    result = out.getvalue()
    # The result must open again; a parser that gave up half way must not store half a file.
    if len(PdfReader(io.BytesIO(result)).pages) != len(pages):
        raise RejectedFileError(_damaged(name))
    return CleanFile(
        content_type="application/pdf",
        extension=".pdf",
        data=result,
        metadata_removed=all_clean,
        kept_location=False,
        kind="document",
    )


def _filter_pdf_annotations(page: object) -> None:
    from pypdf.generic import ArrayObject, DictionaryObject

    assert isinstance(page, DictionaryObject)
    annotations = page.get("/Annots")
    if annotations is None:
        return
    annotations = annotations.get_object()
    kept = ArrayObject()
    for ref in annotations if isinstance(annotations, ArrayObject) else []:
        annotation = ref.get_object()
        if not isinstance(annotation, DictionaryObject):
            continue
        subtype = annotation.get("/Subtype")
        if subtype in _PDF_ANNOTATIONS_DROPPED:
            continue
        if (
            subtype == "/Link"
            and "/Dest" not in annotation
            and not _pdf_safe_action(annotation.get("/A"))
        ):
            continue  # a link to a web site, a file or a program
        if subtype != "/Widget":  # a form field's /T is its name, not its author
            for key in _PDF_ANNOTATION_PERSON_KEYS:
                annotation.pop(key, None)
        kept.append(ref)
    page[_pdf_name("/Annots")] = kept


def _pdf_safe_action(action: object) -> bool:
    from pypdf.generic import DictionaryObject, IndirectObject

    if isinstance(action, IndirectObject):
        action = action.get_object()
    return isinstance(action, DictionaryObject) and action.get("/S") in _PDF_SAFE_ACTIONS


def _scrub_pdf_objects(root: object, visited: set[int]) -> bool:
    """Drop scripts, actions, embedded files and XMP from everything reachable from `root`,
    and clean the photos; False when a photo could not be cleaned."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    all_clean = True
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            node = node.get_object()
        if not isinstance(node, (DictionaryObject, ArrayObject)) or id(node) in visited:
            continue
        visited.add(id(node))
        if isinstance(node, ArrayObject):
            stack.extend(node)
            continue
        for key in _PDF_KEYS_DROPPED:
            node.pop(key, None)
        for key in _PDF_ACTION_KEYS:
            if key in node and not _pdf_safe_action(node[key]):
                del node[key]
        if node.get("/Subtype") in _PDF_ANNOTATIONS_DROPPED:
            node.pop("/FS", None)  # reached some other way than the page's annotations
        if isinstance(node, StreamObject) and node.get("/Subtype") == "/Image":
            all_clean = _clean_pdf_image(node) and all_clean
        stack.extend(node.values())
    return all_clean


def _clean_pdf_image(stream: object) -> bool:
    """Strip the metadata segments of a JPEG image; False when an image may keep metadata."""
    from pypdf.generic import ArrayObject, StreamObject

    assert isinstance(stream, StreamObject)
    filters = stream.get("/Filter")
    chain = [str(f) for f in filters] if isinstance(filters, ArrayObject) else [str(filters)]
    if "/JPXDecode" in chain:
        return False  # JPEG 2000 boxes can hold XML and GPS; no tool here rewrites them
    if "/DCTDecode" not in chain:
        return True  # raw or losslessly packed pixels: no place for metadata
    if chain != ["/DCTDecode"]:
        return False  # packed again on top of JPEG: left as it is
    original = stream._data  # the JPEG file itself
    stripped = _strip_jpeg_metadata(original)
    if stripped is None or not _same_jpeg_picture(original, stripped):
        return False
    stream._data = stripped
    return True


def _strip_jpeg_metadata(data: bytes) -> bytes | None:
    """The JPEG without APPn segments (EXIF, XMP, ICC, IPTC, JFIF thumbnails) and comments,
    pixels untouched; None when it cannot be parsed."""
    if not data.startswith(b"\xff\xd8"):
        return None
    out = bytearray(b"\xff\xd8")
    position, end, scanned = 2, len(data), False
    while position < end:
        if data[position] != 0xFF:
            return None
        while position < end and data[position] == 0xFF:  # fill bytes
            position += 1
        if position >= end:
            break
        marker = data[position]
        position += 1
        if marker == 0xD9:  # end of image: whatever follows (vendor trailers) is dropped
            out += b"\xff\xd9"
            return bytes(out)
        if marker in _JPEG_STANDALONE:
            out += bytes((0xFF, marker))
            continue
        length = int.from_bytes(data[position : position + 2], "big")
        if length < 2 or position + length > end:
            return None
        segment = data[position : position + length]
        position += length
        is_metadata = 0xE0 <= marker <= 0xEF or marker == 0xFE
        if not is_metadata or (marker == _JPEG_ADOBE and segment[2:7] == b"Adobe"):
            out += bytes((0xFF, marker)) + segment
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next marker
            scanned = True
            start, position = position, _jpeg_scan_end(data, position)
            out += data[start:position]
    return bytes(out) if scanned else None


def _jpeg_scan_end(data: bytes, position: int) -> int:
    """Where the entropy-coded data starting at `position` ends: at the first marker (0xFF
    followed by neither 0x00, a restart marker, nor another 0xFF)."""
    end = len(data)
    while (position := data.find(b"\xff", position)) != -1 and position + 1 < end:
        following = data[position + 1]
        if following != 0 and following not in _JPEG_STANDALONE and following != 0xFF:
            return position
        position += 1 if following == 0xFF else 2
    return end


def _same_jpeg_picture(original: bytes, stripped: bytes) -> bool:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(original)) as before, Image.open(io.BytesIO(stripped)) as after:
            same = (before.size, before.mode) == (after.size, after.mode)
            return same and not after.getexif() and "comment" not in after.info
    except Exception:  # noqa: BLE001 - an image Pillow cannot read is left, and said so
        return False


def _has_inline_jpeg(page: object) -> bool:
    """Inline images (in the page's drawing instructions) are not rewritten: a JPEG among them
    may keep its metadata."""
    from pypdf import PageObject

    assert isinstance(page, PageObject)
    contents = page.get_contents()
    if contents is None:
        return False
    drawing = contents.get_data()
    return b"BI" in drawing and re.search(rb"/(DCT|DCTDecode|JPX|JPXDecode)\b", drawing) is not None


def _pdf_name(value: str) -> object:
    from pypdf.generic import NameObject

    return NameObject(value)


def _password_protected(name: str) -> RejectedFileError:
    return RejectedFileError(
        _("“%(name)s” is protected with a password. Please send it without the password.")
        % {"name": name}
    )


# --- Word documents (DOCX) ------------------------------------------------------------------

_EMPTY_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms='
    b'"http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
)
_EMPTY_APP = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties"/>'
)
_EMPTY_CUSTOM = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'custom-properties"/>'
)
_DOCX_PROPERTY_PARTS = {
    "docprops/core.xml": _EMPTY_CORE,
    "docprops/app.xml": _EMPTY_APP,
    "docprops/custom.xml": _EMPTY_CUSTOM,
}
_DOCX_MAIN = b"wordprocessingml.document.main+xml"
# Attributes naming people in comments, tracked changes and people.xml.
_PERSON_ATTRIBUTES = {"author", "initials", "userId", "providerId"}
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def _clean_docx(data: bytes, name: str, keep_location: bool) -> CleanFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise RejectedFileError(_damaged(name)) from exc
    names = {entry.filename for entry in entries}
    if len(entries) > MAX_ZIP_ENTRIES or (
        sum(entry.file_size for entry in entries) > MAX_ZIP_UNPACKED_BYTES
    ):
        raise RejectedFileError(_damaged(name))
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise RejectedFileError(
            _(
                "“%(name)s” is a compressed archive or an office file that is not a Word "
                "document (.docx). Please send a Word document, a PDF, or the files themselves."
            )
            % {"name": name}
        )
    content_types = archive.read("[Content_Types].xml")
    if (
        b"macroEnabled" in content_types
        or _DOCX_MAIN not in content_types
        or any(n.lower().endswith("vbaproject.bin") for n in names)
    ):
        raise RejectedFileError(
            _(
                "“%(name)s” contains macros, which we do not accept. Please save it as an "
                "ordinary Word document (.docx) or as PDF."
            )
            % {"name": name}
        )
    # Relationships first: which point outside the package (dropped), and whether other
    # files are embedded (refused).
    external: dict[str, set[str]] = {}
    for entry in entries:
        if entry.filename.lower().endswith(".rels") and not entry.is_dir():
            ids, embeds = _docx_relationships(archive.read(entry))
            external[_docx_rels_source(entry.filename)] = ids
            if embeds:
                raise _embedded_files_refused(name)
    if any(n.lower().startswith(_DOCX_EMBEDDING_FOLDERS) for n in names):
        raise _embedded_files_refused(name)
    out = io.BytesIO()
    all_clean = True
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in entries:
            if entry.is_dir():
                continue
            content, clean = _clean_docx_part(
                entry.filename,
                archive.read(entry),
                name,
                external.get(entry.filename, set()),
            )
            all_clean = all_clean and clean
            # Zip timestamps tell when the author last saved: a fixed date instead.
            info = zipfile.ZipInfo(entry.filename, date_time=_ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    result = out.getvalue()
    import docx

    docx.Document(io.BytesIO(result))  # it must still open
    return CleanFile(
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        extension=".docx",
        data=result,
        metadata_removed=all_clean,
        kept_location=False,
        kind="document",
    )


# Folders of files embedded in a document (spreadsheets, other documents, OLE objects, ActiveX
# controls): each is a file of its own with its own metadata, or a program.
_DOCX_EMBEDDING_FOLDERS = ("word/embeddings/", "word/activex/")
# Relationship types that bring in such a file, wherever it is stored.
_DOCX_EMBEDDING_RELATIONSHIPS = (
    "/oleObject",
    "/package",
    "/aFChunk",
    "/control",
    "/activeXControlBinary",
)
_RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# Elements that are meaningless without the relationship they name: dropped with it.
_DOCX_ELEMENTS_NEEDING_TARGET = {
    "attachedTemplate",
    "subDoc",
    "dataSource",
    "headerSource",
    "sourceFileName",
}


def _embedded_files_refused(name: str) -> RejectedFileError:
    return RejectedFileError(
        _(
            "“%(name)s” contains other files embedded in it (spreadsheets, documents or "
            "objects), which may keep data that could identify you. Please save it as PDF, or "
            "send those files separately."
        )
        % {"name": name}
    )


def _docx_rels_source(rels_path: str) -> str:
    """The part whose relationships a .rels part lists: word/_rels/document.xml.rels is
    word/document.xml's, _rels/.rels the package's ("")."""
    folder, _sep, file_name = rels_path.rpartition("_rels/")
    return folder + file_name.removesuffix(".rels")


def _docx_relationships(content: bytes) -> tuple[set[str], bool]:
    """(ids of relationships pointing outside the package, whether a file is embedded)."""
    root = _parse_xml(content)
    external: set[str] = set()
    embeds = False
    for element in root.iter():  # type: ignore[attr-defined]
        kind = str(element.get("Type", ""))
        if str(element.get("TargetMode", "")).lower() == "external":
            external.add(str(element.get("Id", "")))
        elif kind.endswith(_DOCX_EMBEDDING_RELATIONSHIPS):
            embeds = True
    return external, embeds


def _clean_docx_part(
    part: str, content: bytes, name: str, external: set[str]
) -> tuple[bytes, bool]:
    """One part of the package, cleaned; the flag is False when metadata may remain.

    `external` holds the ids of the part's relationships that point outside the package
    (a picture or template fetched from a web server when the document is opened): they
    are removed, and so are the references to them."""
    lower = part.lower()
    if lower in _DOCX_PROPERTY_PARTS:
        return _DOCX_PROPERTY_PARTS[lower], True
    if lower.endswith(".rels"):
        return _clean_relationships(content), True
    if lower.startswith("word/") and lower.endswith(".xml"):
        return _clean_word_xml(content, external), True
    return _clean_embedded_image(content, name)


def _clean_embedded_image(content: bytes, name: str) -> tuple[bytes, bool]:
    """Photos inside the document (and its thumbnail) carry EXIF like any other."""
    image_format = _embedded_image_format(content)
    if image_format is None:
        return content, True
    try:
        cleaned, _kept = clean_image_bytes(content, name, image_format)
    except Exception:  # noqa: BLE001 - keep the document, say metadata may remain
        return content, False
    return cleaned, True


def _embedded_image_format(content: bytes) -> str | None:
    if content.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    return None


def _parse_xml(content: bytes) -> object:
    from lxml import etree  # type: ignore[import-untyped]

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(content, parser)


def _serialise_xml(root: object) -> bytes:
    from lxml import etree

    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _clean_word_xml(content: bytes, external: set[str]) -> bytes:
    """A part of word/: names of comment and tracked-change authors cleared, revision save
    ids (rsid, which tie a document to the editing sessions and so to the computer it was
    written on) removed, and references to relationships in `external` removed."""
    root = _parse_xml(content)
    dropped = []
    for element in root.iter():  # type: ignore[attr-defined]
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.rsplit("}", 1)[-1] in {"rsids", "rsid"}:  # settings.xml's table, styles' ids
            dropped.append(element)
            continue
        for attribute in list(element.attrib):
            namespace, _sep, local = attribute.rpartition("}")
            if local in _PERSON_ATTRIBUTES:
                element.attrib[attribute] = ""
            elif local.startswith("rsid"):
                del element.attrib[attribute]
            elif namespace == "{" + _RELATIONSHIPS_NS and element.attrib[attribute] in external:
                del element.attrib[attribute]
                if tag.rsplit("}", 1)[-1] in _DOCX_ELEMENTS_NEEDING_TARGET:
                    dropped.append(element)
    for element in dropped:
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)
    return _serialise_xml(root)


def _clean_relationships(content: bytes) -> bytes:
    """Relationships pointing outside the package are removed: a picture linked from a web
    server would be fetched, telling the server who opens the document and when. The
    attached template's path, which names the author's account (C:\\Users\\<name>\\...),
    goes with it, or becomes Normal.dotm when it is inside the package."""
    root = _parse_xml(content)
    for element in list(root.iter()):  # type: ignore[attr-defined]
        if str(element.get("TargetMode", "")).lower() == "external":
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)
        elif str(element.get("Type", "")).endswith("/attachedTemplate"):
            element.set("Target", "Normal.dotm")
    return _serialise_xml(root)


# --- Audio and video ------------------------------------------------------------------------


def _clean_mpeg_audio(data: bytes, name: str, keep_location: bool) -> CleanFile:
    """MP3 or ADTS AAC: ID3 (v1 and v2) and APE tags removed with mutagen."""
    from mutagen import apev2, id3

    start = _audio_start(data)
    second = data[start + 1] if len(data) > start + 1 else 0
    is_aac = (second >> 1) & 0x3 == 0
    buffer = io.BytesIO(data)
    id3.delete(buffer)
    apev2.delete(buffer)
    result = buffer.getvalue()
    if is_aac:
        from mutagen.aac import AAC

        AAC(io.BytesIO(result))  # type: ignore[no-untyped-call] # raises unless really AAC
        content_type, extension = "audio/aac", ".aac"
    else:
        from mutagen.mp3 import MP3

        parsed = MP3(io.BytesIO(result))  # type: ignore[no-untyped-call]
        if parsed.tags:
            raise RejectedFileError(_damaged(name))
        content_type, extension = "audio/mpeg", ".mp3"
    if _id3v2_length(result) or result[-128:-125] == b"TAG":
        raise RejectedFileError(_damaged(name))
    return CleanFile(
        content_type=content_type,
        extension=extension,
        data=result,
        metadata_removed=True,
        kept_location=False,
        kind="audio",
    )


def _clean_ogg(data: bytes, name: str, keep_location: bool) -> CleanFile:
    """Ogg Vorbis, Opus, Speex or FLAC: the comment block emptied with mutagen."""
    import mutagen

    buffer = io.BytesIO(data)
    parsed = mutagen.File(buffer)
    if parsed is None:
        raise RejectedFileError(_damaged(name))
    buffer.seek(0)
    parsed.delete(buffer)
    result = buffer.getvalue()
    again = mutagen.File(io.BytesIO(result))
    if again is None or (again.tags and len(again.tags.keys())):
        raise RejectedFileError(_damaged(name))
    return CleanFile(
        content_type="audio/ogg",
        extension=".ogg",
        data=result,
        metadata_removed=True,
        kept_location=False,
        kind="audio",
    )


def _clean_amr(data: bytes, name: str, keep_location: bool) -> CleanFile:
    """AMR is a magic line and speech frames: there is no place for metadata in it."""
    if not re.match(rb"#!AMR(-WB)?\n|#!AMR(_MC1\.0|-WB_MC1\.0)\n", data) or len(data) < 16:
        raise RejectedFileError(_damaged(name))
    return CleanFile(
        content_type="audio/amr",
        extension=".amr",
        data=data,
        metadata_removed=True,
        kept_location=False,
        kind="audio",
    )


_WAV_KEPT_CHUNKS = {b"fmt ", b"data", b"fact"}


def _clean_wav(data: bytes, name: str, keep_location: bool) -> CleanFile:
    """Rebuild the RIFF file from its format and sample chunks only: LIST/INFO (artist,
    comments), bext (originator, dates), iXML and id3 chunks stay behind."""
    chunks: list[bytes] = []
    seen: set[bytes] = set()
    offset = 12
    while offset + 8 <= len(data):
        kind = data[offset : offset + 4]
        size = int(struct.unpack("<I", data[offset + 4 : offset + 8])[0])
        body = data[offset + 8 : offset + 8 + size]
        if len(body) < size and kind != b"data":
            raise RejectedFileError(_damaged(name))
        if kind in _WAV_KEPT_CHUNKS and kind not in seen:
            seen.add(kind)
            padding = b"\0" if len(body) % 2 else b""
            chunks.append(kind + struct.pack("<I", len(body)) + body + padding)
        offset += 8 + size + (size % 2)
    if not {b"fmt ", b"data"} <= seen:
        raise RejectedFileError(_damaged(name))
    body = b"WAVE" + b"".join(chunks)
    return CleanFile(
        content_type="audio/wav",
        extension=".wav",
        data=b"RIFF" + struct.pack("<I", len(body)) + body,
        metadata_removed=True,
        kept_location=False,
        kind="audio",
    )


# ISO base media file format (MP4, M4A, 3GP, MOV). Boxes that hold metadata are overwritten in
# place by a `free` box of the same size filled with zeros: nothing moves, so the sample
# offsets (stco/co64) that point into mdat stay right without rewriting the file.
_ISO_CONTAINERS = {b"moov", b"trak", b"mdia", b"edts", b"minf", b"dinf"}
_ISO_METADATA_BOXES = {b"udta", b"meta", b"uuid", b"XMP_", b"smta", b"cprt"}
_ISO_TIMED_HEADERS = {b"mvhd", b"tkhd", b"mdhd"}


@dataclass
class _IsoScan:
    brand: bytes = b""
    has_moov: bool = False
    handlers: set[bytes] | None = None


def _iso_boxes(data: bytes | bytearray, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, box start, box end) of the boxes between start and end."""
    offset = start
    while offset + 8 <= end:
        size = int(struct.unpack(">I", data[offset : offset + 4])[0])
        kind = bytes(data[offset + 4 : offset + 8])
        header = 8
        if size == 1:
            if offset + 16 > end:
                raise ValueError("truncated box")
            size = int(struct.unpack(">Q", data[offset + 8 : offset + 16])[0])
            header = 16
        elif size == 0:
            size = end - offset  # to the end of the file
        if size < header or offset + size > end:
            raise ValueError("box runs past its parent")
        yield kind, offset, offset + size
        offset += size


def _clean_iso_media(data: bytes, name: str, keep_location: bool) -> CleanFile:
    """MP4 family: metadata boxes blanked, creation and modification times set to zero."""
    buffer = bytearray(data)
    scan = _IsoScan(handlers=set())
    try:
        _scan_iso(buffer, 0, len(buffer), top=True, scan=scan)
    except (ValueError, struct.error) as exc:
        raise RejectedFileError(_damaged(name)) from exc
    if not scan.has_moov:
        raise RejectedFileError(_damaged(name))
    handlers = scan.handlers or set()
    has_video = b"vide" in handlers
    has_audio = b"soun" in handlers
    if not (has_video or has_audio):
        raise RejectedFileError(_damaged(name))
    brand = scan.brand
    kind: FileKind = "video" if has_video else "audio"
    if brand.startswith(b"3g"):
        content_type = "video/3gpp" if has_video else "audio/3gpp"
        extension = ".3gp"
    elif brand in _QUICKTIME_BRANDS or brand == b"":
        content_type, extension = "video/quicktime", ".mov"
        kind = "video"
    elif has_video:
        content_type, extension = "video/mp4", ".mp4"
    else:
        content_type, extension = "audio/mp4", ".m4a"
    return CleanFile(
        content_type=content_type,
        extension=extension,
        data=bytes(buffer),
        metadata_removed=True,
        kept_location=False,
        kind=kind,
    )


def _scan_iso(buffer: bytearray, start: int, end: int, *, top: bool, scan: _IsoScan) -> None:
    for kind, box_start, box_end in _iso_boxes(buffer, start, end):
        header = 16 if struct.unpack(">I", buffer[box_start : box_start + 4])[0] == 1 else 8
        if top and kind == b"ftyp":
            scan.brand = bytes(buffer[box_start + header : box_start + header + 4])
        if kind == b"moov":
            scan.has_moov = True
        if kind in _ISO_METADATA_BOXES:
            _blank_box(buffer, box_start, box_end)
        elif kind in _ISO_CONTAINERS:
            _scan_iso(buffer, box_start + header, box_end, top=False, scan=scan)
        elif kind in _ISO_TIMED_HEADERS:
            _zero_times(buffer, box_start + header, box_end)
        elif kind == b"hdlr" and scan.handlers is not None and box_end - box_start >= 20:
            scan.handlers.add(bytes(buffer[box_start + header + 8 : box_start + header + 12]))


def _blank_box(buffer: bytearray, start: int, end: int) -> None:
    size = end - start
    if size >= 2**32:
        # A 64-bit sized metadata box: keep the large-size header form.
        buffer[start : start + 4] = struct.pack(">I", 1)
        buffer[start + 4 : start + 8] = b"free"
        buffer[start + 8 : start + 16] = struct.pack(">Q", size)
        buffer[start + 16 : end] = bytes(size - 16)
        return
    buffer[start : start + 4] = struct.pack(">I", size)
    buffer[start + 4 : start + 8] = b"free"
    buffer[start + 8 : end] = bytes(size - 8)


def _zero_times(buffer: bytearray, body_start: int, body_end: int) -> None:
    # Full box: version (1 byte) and flags (3), then creation and modification times, 32-bit
    # in version 0 and 64-bit in version 1.
    if body_end - body_start < 4:
        return
    width = 8 if buffer[body_start] == 1 else 4
    first = body_start + 4
    if first + 2 * width <= body_end:
        buffer[first : first + 2 * width] = bytes(2 * width)


# --- Magic numbers ----------------------------------------------------------------------------

_SNIFFERS: tuple[tuple[Callable[[bytes], bool], Cleaner], ...] = (
    (lambda h: h.startswith(b"\xff\xd8\xff"), _image_cleaner("JPEG")),
    (lambda h: h.startswith(b"\x89PNG\r\n\x1a\n"), _image_cleaner("PNG")),
    (lambda h: h[:6] in {b"GIF87a", b"GIF89a"}, _image_cleaner("GIF")),
    (lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP", _image_cleaner("WEBP")),
    (lambda h: h[:4] == b"RIFF" and h[8:12] == b"WAVE", _clean_wav),
    (lambda h: h[4:8] == b"ftyp" or h[4:8] in _QUICKTIME_FIRST_BOXES, _clean_iso_media),
    (lambda h: h.startswith(b"#!AMR"), _clean_amr),
    (lambda h: h[:4] == b"OggS", _clean_ogg),
    (lambda h: h[:5] == b"%PDF-", _clean_pdf),
    (lambda h: h[:4] == b"PK\x03\x04", _clean_docx),
)
