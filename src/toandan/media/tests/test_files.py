"""Attachments: judged by their bytes, cleaned of what identifies the person who made them."""

from __future__ import annotations

import io
import struct
import time
import zipfile
from typing import Any, cast

import docx
import mutagen
import pytest
from django.utils import translation
from PIL import Image
from PIL.ExifTags import IFD
from pypdf import PdfReader

from toandan.media import files
from toandan.media.files import (
    ACCEPT_ATTRIBUTE,
    ACCEPTED_TYPES,
    CleanFile,
    FilesBusyError,
    RejectedFileError,
    UploadData,
    check_pixel_budget,
    clean_upload,
    cleaner_slot,
)
from toandan.media.tests import samples as media

IDENTIFYING = [
    media.CAMERA_SERIAL,
    media.CAMERA_MAKE,
    media.CAMERA_MODEL,
    media.ARTIST,
    media.AUTHOR,
    media.COMPANY,
    media.LAST_MODIFIED_BY,
    media.TAG_ARTIST,
    media.LOCATION_ISO6709,
]


# The limit a domain gives (tips: settings.TOANDAN_TIP_MAX_ATTACHMENT_BYTES, 20 MB by default).
MAX_BYTES = 20 * 1024 * 1024


def clean(
    data: bytes,
    name: str = "tep.bin",
    *,
    keep_location: bool = False,
    max_bytes: int = MAX_BYTES,
) -> CleanFile:
    upload = UploadData(name=name, data=data, keep_location=keep_location)
    return clean_upload(upload, max_bytes=max_bytes)


def rejected(data: bytes, name: str = "tep.bin", *, max_bytes: int = MAX_BYTES) -> str:
    """The refusal message, in English (the source language) so assertions read plainly."""
    with translation.override("en"), pytest.raises(RejectedFileError) as caught:
        clean(data, name, max_bytes=max_bytes)
    return str(caught.value.message)


def assert_no_identifying_strings(data: bytes) -> None:
    for text in IDENTIFYING:
        assert text.encode() not in data, text
        assert text.encode("utf-16-le") not in data, text


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# --- Photos ---------------------------------------------------------------------------------


def test_jpeg_loses_gps_serial_make_model_artist_xmp_and_comment():
    original = media.jpeg_with_gps()
    assert opened(original).getexif().get_ifd(IFD.GPSInfo)  # the fixture really has GPS

    result = clean(original, "IMG_0001.jpg")

    assert (result.content_type, result.extension, result.kind) == ("image/jpeg", ".jpg", "image")
    assert result.metadata_removed is True
    assert result.kept_location is False
    image = opened(result.data)
    assert image.format == "JPEG"
    assert not image.getexif()
    assert not image.getexif().get_ifd(IFD.GPSInfo)
    assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info)
    assert b"Exif" not in result.data
    assert b"adobe:ns:meta" not in result.data
    assert_no_identifying_strings(result.data)


def test_jpeg_keep_location_keeps_the_position_and_nothing_else():
    result = clean(media.jpeg_with_gps(), "IMG_0002.jpg", keep_location=True)

    assert result.kept_location is True
    image = opened(result.data)
    exif = image.getexif()
    gps = exif.get_ifd(IFD.GPSInfo)
    assert gps[2] == (21.0, 1.0, 42.6)
    assert gps[1] == "N"
    assert gps[4] == (105.0, 51.0, 151.2)
    assert 29 not in gps  # the GPS date is a timestamp: gone
    assert set(exif) == {IFD.GPSInfo}
    assert not exif.get_ifd(IFD.Exif)  # no serial, no original date
    assert_no_identifying_strings(result.data)


def test_keep_location_on_a_photo_without_gps_keeps_nothing():
    result = clean(media.png_with_text_and_exif(), "a.png", keep_location=False)
    assert result.kept_location is False
    plain = media.jpeg_with_gps()
    stripped = clean(plain, "a.jpg").data  # no GPS any more
    again = clean(stripped, "b.jpg", keep_location=True)
    assert again.kept_location is False
    assert not opened(again.data).getexif()


def test_jpeg_is_turned_upright_by_its_exif_orientation_before_the_tag_goes():
    # Orientation 6: the camera was held rotated; viewers turn the stored 64x48 image 90°.
    result = clean(media.jpeg_with_gps(orientation=6, size=(64, 48)), "rot.jpg")

    image = opened(result.data)
    assert image.size == (48, 64)
    assert not image.getexif()  # no orientation tag left to turn it twice


def test_png_loses_text_chunks_and_exif():
    result = clean(media.png_with_text_and_exif(), "a.png")

    assert result.content_type == "image/png"
    image = opened(result.data)
    assert not image.getexif()
    assert not {"Author", "Comment", "exif"} & set(image.info)
    assert_no_identifying_strings(result.data)


def test_webp_loses_exif():
    result = clean(media.webp_with_exif(), "a.webp")

    assert result.content_type == "image/webp"
    assert not opened(result.data).getexif()
    assert_no_identifying_strings(result.data)


def test_gif_loses_its_comment_and_animation_survives():
    still = clean(media.gif_with_comment(), "a.gif")
    assert still.content_type == "image/gif"
    assert_no_identifying_strings(still.data)

    frames = [
        Image.new("RGB", (10, 10), color).convert("P")
        for color in ((255, 0, 0), (0, 255, 0), (0, 0, 255))
    ]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], comment=b"by someone")
    animated = clean(out.getvalue(), "anim.gif")
    image = opened(animated.data)
    assert getattr(image, "n_frames", 1) == 3
    assert b"by someone" not in animated.data


def test_photo_colours_survive_the_rewrite():
    result = clean(media.jpeg_with_gps(), "c.jpg")
    image = opened(result.data).convert("RGB")
    red, green, blue = cast(
        "tuple[int, int, int]", image.getpixel((40, 40))
    )  # the red part of the picture
    assert red > 150
    assert green < 80
    assert blue < 80
    red, green, blue = cast("tuple[int, int, int]", image.getpixel((2, 2)))  # the blue corner
    assert blue > 150
    assert red < 80


def test_decompression_bomb_png_is_refused_before_decoding():
    # A tiny file that claims 30000 x 30000 pixels (900 megapixels).
    image = Image.new("1", (30000, 30000))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    assert len(out.getvalue()) < 1024 * 1024

    message = rejected(out.getvalue(), "bom.png")

    assert "bom.png" in message
    assert "megapixel" in message


def test_corrupted_jpeg_is_refused_with_a_clear_message():
    data = media.jpeg_with_gps()[:200]

    message = rejected(data, "hong.jpg")

    assert "hong.jpg" in message
    assert "damaged" in message


# --- Types decided by content, never by name --------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "photo.jpg"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "a.png"),
        (b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'/>", "a.svg"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 200, "video.mp4"),
        (b"\x7fELF\x02\x01\x01" + b"\0" * 200, "audio.mp3"),
        (b"#!/bin/sh\nrm -rf /\n", "note.pdf"),
        (b"<?php system($_GET['c']); ?>", "doc.docx"),
        (b"plain text pretending", "x.jpg"),
        (media.plain_zip(), "report.docx"),
        (media.xlsx_like_zip(), "table.docx"),
    ],
    ids=[
        "html-as-jpg",
        "svg-script-as-png",
        "svg",
        "exe-as-mp4",
        "elf-as-mp3",
        "script-as-pdf",
        "php-as-docx",
        "text-as-jpg",
        "zip-as-docx",
        "xlsx-as-docx",
    ],
)
def test_disguised_file_is_refused_whatever_its_name(data, name):
    message = rejected(data, name)

    assert name in message


def test_jpeg_named_pdf_is_stored_as_the_jpeg_it_is():
    result = clean(media.jpeg_with_gps(), "hoa-don.pdf")

    assert (result.content_type, result.extension) == ("image/jpeg", ".jpg")


def test_heic_photo_is_refused_with_a_request_for_jpeg():
    message = rejected(media.heic_like(), "IMG_1234.HEIC")

    assert "IMG_1234.HEIC" in message
    assert "JPEG" in message


def test_old_word_document_is_refused_with_a_request_for_docx():
    message = rejected(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "cu.doc")

    assert ".docx" in message


def test_file_above_the_size_limit_is_refused_naming_the_file_and_the_limit():
    data = media.jpeg_with_gps() + b"\0" * (2 * 1024 * 1024)

    message = rejected(data, "lon.jpg", max_bytes=2 * 1024 * 1024)

    assert "lon.jpg" in message
    assert "2 MB" in message


def test_file_at_the_size_limit_is_accepted():
    data = media.jpeg_with_gps()

    assert clean(data, "vua.jpg", max_bytes=len(data)).kind == "image"


def test_empty_file_is_refused():
    assert "rong.jpg" in rejected(b"", "rong.jpg")


def test_file_name_in_messages_loses_its_path_and_control_characters():
    message = rejected(b"nothing we know", "C:\\Users\\an\\Desktop\\x\u202e\ngpj.exe")

    assert "Users" not in message
    assert "\u202e" not in message
    assert "\n" not in message.split("”")[0]


def test_accepted_types_list_content_types_and_extensions():
    assert "image/jpeg" in ACCEPTED_TYPES
    assert ".docx" in ACCEPTED_TYPES
    assert "audio/amr" in ACCEPTED_TYPES
    assert ".3gp" in ACCEPTED_TYPES
    assert "image/heic" not in ACCEPTED_TYPES
    assert ACCEPT_ATTRIBUTE.split(",") == list(ACCEPTED_TYPES)


# --- Documents ------------------------------------------------------------------------------


def test_pdf_loses_document_information_and_xmp_but_keeps_its_text():
    original = media.pdf_with_author()
    metadata = PdfReader(io.BytesIO(original)).metadata
    assert metadata is not None
    assert metadata.author == media.AUTHOR

    result = clean(original, "tai-lieu.pdf")

    assert (result.content_type, result.kind) == ("application/pdf", "document")
    reader = PdfReader(io.BytesIO(result.data))
    assert not reader.metadata or not reader.metadata.author
    root: Any = reader.trailer["/Root"]
    assert "/Metadata" not in root
    assert media.PDF_SECRET_TEXT in reader.pages[0].extract_text()
    assert_no_identifying_strings(result.data)


def test_pdf_script_that_runs_on_open_is_dropped():
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    script = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('owned')"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(script)
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): script})
    out = io.BytesIO()
    writer.write(out)

    result = clean(out.getvalue(), "js.pdf")

    assert b"app.alert" not in result.data
    assert b"/JavaScript" not in result.data


def test_pdf_photo_exif_embedded_executable_and_launch_link_are_removed():
    original = media.pdf_with_photo_and_attachments()
    assert media.CAMERA_SERIAL.encode() in original
    assert media.EMBEDDED_PAYLOAD in original
    assert PdfReader(io.BytesIO(original)).attachments

    result = clean(original, "quet.pdf")

    assert result.metadata_removed is True
    assert_no_identifying_strings(result.data)
    for marker in (b"Exif\0\0", b"http://ns.adobe.com/xap", media.EMBEDDED_PAYLOAD):
        assert marker not in result.data
    for name in (b"/EmbeddedFile", b"/FileAttachment", b"/Launch", b"/URI", b"/JavaScript"):
        assert name not in result.data, name
    reader = PdfReader(io.BytesIO(result.data))
    assert not reader.attachments
    root: Any = reader.trailer["/Root"]
    assert "/Names" not in root
    page: Any = reader.pages[0]
    subtypes = [ref.get_object()["/Subtype"] for ref in page.get("/Annots", [])]
    assert subtypes == ["/Text"]  # the note stays, without its author
    assert "/T" not in page["/Annots"][0].get_object()
    photo = reader.pages[0].images[0]
    assert photo.image is not None
    assert photo.image.size == (64, 48)
    assert not photo.image.getexif()
    red = photo.image.convert("RGB").getpixel((50, 40))
    assert isinstance(red, tuple)
    assert red[0] > 150  # still the red picture


def test_pdf_photo_that_cannot_be_cleaned_is_not_reported_clean():
    result = clean(media.pdf_with_photo_and_attachments(jpeg2000=True), "quet.pdf")

    assert result.metadata_removed is False
    assert media.EMBEDDED_PAYLOAD not in result.data
    assert b"/FileAttachment" not in result.data


def test_password_protected_pdf_is_refused():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt(user_password="mat-khau", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)

    assert "password" in rejected(out.getvalue(), "khoa.pdf")


def test_truncated_pdf_is_refused():
    assert "damaged" in rejected(b"%PDF-1.7\n1 0 obj <<", "cut.pdf")


def test_docx_loses_author_editor_comments_company_and_photo_gps():
    original = media.docx_with_author()
    assert docx.Document(io.BytesIO(original)).core_properties.author == media.AUTHOR

    result = clean(original, "bao-cao.docx")

    assert result.extension == ".docx"
    assert result.metadata_removed is True
    document = docx.Document(io.BytesIO(result.data))
    props = document.core_properties
    assert props.author == ""
    assert props.last_modified_by == ""
    assert props.comments == ""
    assert props.keywords == ""
    assert "Noi dung tai lieu" in document.paragraphs[0].text
    package = zipfile.ZipFile(io.BytesIO(result.data))
    for info in package.infolist():
        content = package.read(info)
        assert_no_identifying_strings(content)
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        if info.filename.startswith("word/media/"):
            assert not opened(content).getexif(), info.filename


def test_docx_tracked_change_and_comment_authors_are_cleared():
    original = media.docx_with_author(with_photo=False)
    source = zipfile.ZipFile(io.BytesIO(original))
    body = source.read("word/document.xml").replace(
        b"<w:body>",
        b'<w:body><w:p><w:ins w:id="1" w:author="' + media.AUTHOR.encode() + b'" '
        b'w:date="2026-01-15T21:30:00Z"><w:r><w:t>them</w:t></w:r></w:ins></w:p>',
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name, body if name == "word/document.xml" else source.read(name))

    result = clean(out.getvalue(), "sua.docx")

    assert media.AUTHOR.encode() not in result.data
    body = zipfile.ZipFile(io.BytesIO(result.data)).read("word/document.xml")
    assert b"<w:t>them</w:t>" in body  # the change itself stays
    assert b'w:author=""' in body


def test_word_document_with_macros_is_refused():
    assert "macro" in rejected(media.docm_with_macro(), "macro.docx")


def test_docx_picture_linked_from_a_web_server_is_cut_off():
    original = media.docx_with_external_links()

    result = clean(original, "beacon.docx")

    package = zipfile.ZipFile(io.BytesIO(result.data))
    for info in package.infolist():
        content = package.read(info)
        assert b"evil.example" not in content, info.filename
        assert b'TargetMode="External"' not in content, info.filename
        assert media.LAST_MODIFIED_BY.encode() not in content, info.filename
    body = package.read("word/document.xml")
    assert b"rIdBeacon" not in body
    assert b"rIdWeb" not in body
    assert b"xem them" in body  # the link's text stays
    assert b"attachedTemplate" not in package.read("word/settings.xml")
    docx.Document(io.BytesIO(result.data))


@pytest.mark.parametrize(
    "builder",
    [media.docx_with_embedded_object, media.docx_with_embedded_workbook],
    ids=["ole-object", "hidden-workbook"],
)
def test_docx_with_embedded_files_is_refused_asking_for_pdf(builder):
    message = rejected(builder(), "nhung.docx")

    assert "nhung.docx" in message
    assert "embedded" in message
    assert "PDF" in message


def test_docx_loses_its_revision_save_ids():
    original = media.docx_with_rsids()
    assert b"w:rsidR=" in zipfile.ZipFile(io.BytesIO(original)).read("word/document.xml")

    result = clean(original, "rsid.docx")

    package = zipfile.ZipFile(io.BytesIO(result.data))
    for info in package.infolist():
        content = package.read(info)
        assert media.RSID.encode() not in content, info.filename
        for attribute in (b"rsidR", b"rsidRPr", b"rsidDel", b"rsidP", b"rsidTr", b"rsidSect"):
            assert b"w:" + attribute + b"=" not in content, (info.filename, attribute)
        assert b"<w:rsids" not in content
        assert b"<w:rsid " not in content
    body = package.read("word/document.xml")
    assert b"<w:t>co rsid</w:t>" in body
    assert b"<w:delText>xoa</w:delText>" in body
    docx.Document(io.BytesIO(result.data))


def test_zip_bomb_named_docx_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"<w/>")
        archive.writestr("word/big.bin", b"\0" * (210 * 1024 * 1024))
    assert len(out.getvalue()) < 1024 * 1024

    assert "bomb.docx" in rejected(out.getvalue(), "bomb.docx")


# --- Audio and video ------------------------------------------------------------------------


def test_mp3_loses_id3v2_and_id3v1_tags():
    original = media.mp3_with_tags()
    assert mutagen.File(io.BytesIO(original)).tags

    result = clean(original, "ghi-am.mp3")

    assert (result.content_type, result.kind) == ("audio/mpeg", "audio")
    parsed = mutagen.File(io.BytesIO(result.data))
    assert parsed is not None
    assert not parsed.tags
    assert result.data[-128:-125] != b"TAG"
    assert_no_identifying_strings(result.data)


def test_adts_aac_with_an_id3_tag_in_front_is_stored_as_aac_without_it():
    from mutagen import id3 as id3_module

    id3: Any = id3_module

    buffer = io.BytesIO(media.adts_aac())
    tags = id3.ID3()
    tags.add(id3.TPE1(encoding=3, text=[media.TAG_ARTIST]))
    tags.save(buffer)

    result = clean(buffer.getvalue(), "ghi-am.aac")

    assert result.content_type == "audio/aac"
    assert result.data == media.adts_aac()


def test_m4a_loses_its_tags_and_location_and_still_opens():
    original = media.mp4_with_location(brand=b"M4A ", video=False)
    assert mutagen.File(io.BytesIO(original)).tags

    result = clean(original, "voice.m4a")

    assert (result.content_type, result.extension, result.kind) == ("audio/mp4", ".m4a", "audio")
    parsed = mutagen.File(io.BytesIO(result.data))
    assert parsed is not None
    assert not parsed.tags
    assert_no_identifying_strings(result.data)
    assert b"\xa9xyz" not in result.data


def test_mp4_video_loses_location_make_tags_and_creation_times_keeping_its_offsets():
    original = media.mp4_with_location()

    result = clean(original, "clip.mp4")

    assert (result.content_type, result.kind) == ("video/mp4", "video")
    assert len(result.data) == len(original)  # blanked in place: sample offsets still right
    assert result.data.endswith(b"\x11" * 256)  # the media data is untouched
    assert_no_identifying_strings(result.data)
    assert b"\xa9xyz" not in result.data
    assert b"\xa9mak" not in result.data
    created = struct.pack(">I", media.CREATION_TIME)
    assert created not in result.data


@pytest.mark.parametrize(
    ("brand", "video", "content_type"),
    [
        (b"3gp4", True, "video/3gpp"),
        (b"3gp4", False, "audio/3gpp"),
        (b"qt  ", True, "video/quicktime"),
    ],
)
def test_3gp_and_mov_from_phones_are_accepted_and_cleaned(brand, video, content_type):
    result = clean(media.mp4_with_location(brand=brand, video=video), "rec.bin")

    assert result.content_type == content_type
    assert_no_identifying_strings(result.data)


def test_truncated_mp4_is_refused():
    data = media.mp4_with_location()

    assert "damaged" in rejected(data[:100], "cut.mp4")


def test_amr_from_a_basic_phone_is_accepted_as_is():
    result = clean(media.amr_narrowband(), "REC001.amr")

    assert (result.content_type, result.kind) == ("audio/amr", "audio")
    assert result.data == media.amr_narrowband()
    assert result.metadata_removed is True  # AMR has no place for metadata


def test_wav_keeps_format_and_samples_only():
    result = clean(media.wav_with_info(), "a.wav")

    assert result.content_type == "audio/wav"
    assert b"LIST" not in result.data
    assert b"bext" not in result.data
    assert_no_identifying_strings(result.data)
    parsed = mutagen.File(io.BytesIO(result.data))
    assert parsed is not None
    assert parsed.info.sample_rate == 8000


def test_ogg_opus_loses_its_comments():
    original = media.ogg_opus_with_tags()
    assert mutagen.File(io.BytesIO(original)).tags["artist"] == [media.TAG_ARTIST]

    result = clean(original, "voice.ogg")

    assert result.content_type == "audio/ogg"
    assert not mutagen.File(io.BytesIO(result.data)).tags.keys()
    assert_no_identifying_strings(result.data)


# --- What cleaning may cost -----------------------------------------------------------------


def png(width: int, height: int, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height)).save(out, "PNG")
    return out.getvalue()


def test_attack_heavy_png_under_pillows_own_limit_is_refused_before_decoding(settings, monkeypatch):
    # Like a 9400 x 9400 PNG (88 megapixels: under Pillow's 89, a few hundred kilobytes on the
    # wire, a quarter of a gigabyte and seconds to clean), scaled down with the limit
    settings.TOANDAN_IMAGE_MAX_PIXELS = 1_000_000
    data = png(1100, 1000)
    decoded: list[str] = []
    real_load = Image.Image.load

    def counting_load(self: Image.Image) -> Any:
        decoded.append("load")
        return real_load(self)

    monkeypatch.setattr(Image.Image, "load", counting_load)
    with translation.override("en"):
        message = rejected(data, "man-hinh.png")

    assert "man-hinh.png" in message
    assert "more than 1 megapixels" in message
    assert decoded == []


def test_large_jpeg_is_decoded_at_reduced_scale_not_refused(settings):
    # A 64-megapixel phone photo, scaled down with the limit: kept, at half size
    settings.TOANDAN_IMAGE_MAX_PIXELS = 1_000_000
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (10, 120, 200)).save(out, "JPEG")

    cleaned = clean(out.getvalue(), "anh.jpg")

    assert opened(cleaned.data).size == (800, 600)


def test_attack_many_heavy_photos_in_one_request_are_refused_before_any_is_decoded(settings):
    settings.TOANDAN_IMAGE_MAX_PIXELS = 1_000_000
    settings.TOANDAN_REQUEST_MAX_IMAGE_PIXELS = 2_500_000
    uploads = [UploadData(name=f"{n}.png", data=png(1000, 1000)) for n in range(3)]

    with translation.override("en"), pytest.raises(RejectedFileError) as caught:
        check_pixel_budget(uploads)

    assert "more than 2 megapixels" in caught.value.message
    check_pixel_budget(uploads[:2])  # two of them are fine


def test_attack_upload_flood_gets_busy_at_once_instead_of_queueing(settings):
    # Given one cleaner per process, at work, and another request waiting for it
    settings.TOANDAN_FILE_CLEANERS = 1
    settings.TOANDAN_FILE_CLEANER_WAIT_SECONDS = 30
    waiting_room = files._current_slots().admitted
    with cleaner_slot():
        assert waiting_room.acquire(blocking=False)  # the one who waits
        try:
            # Then one more file is refused at once (its thread serves others), not queued
            started = time.monotonic()
            with pytest.raises(FilesBusyError) as caught:
                clean(media.jpeg_with_gps(), "anh.jpg")
            assert time.monotonic() - started < 1
            assert caught.value.retry_after > 0
        finally:
            waiting_room.release()
    # And once the cleaner is free again, files are cleaned
    assert clean(media.jpeg_with_gps(), "anh.jpg").kind == "image"


def test_a_request_that_waits_too_long_for_a_cleaner_is_told_to_come_back(settings):
    settings.TOANDAN_FILE_CLEANERS = 1
    settings.TOANDAN_FILE_CLEANER_WAIT_SECONDS = 0
    with cleaner_slot(), pytest.raises(FilesBusyError):
        clean(media.jpeg_with_gps(), "anh.jpg")
