"""participation/photos.py: uploads are checked, made upright and stripped of every metadata."""

from __future__ import annotations

import io
import random
import re
import struct
import warnings
import zlib
from pathlib import Path
from typing import Any, Literal

import pytest
from PIL import ExifTags, Image, ImageCms
from starlette.datastructures import UploadFile

from participation.forms import Form
from participation.i18n import use_language
from participation.photos import (
    MAX_PHOTO_BYTES,
    MAX_SIDE,
    THUMB_SIDE,
    PhotoError,
    StoredPhoto,
    delete_photo,
    read_upload,
    store_photo,
    store_uploaded_photos,
)

NOT_A_PHOTO = "This file is not a JPEG, PNG or WebP photo."
DAMAGED = "This photo could not be read; it may be damaged."
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="51,3.0N"/>'
    b"</rdf:RDF></x:xmpmeta>"
)


def encode(image: Image.Image, fmt: str, **params: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def noise(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """Incompressible pixels, so that encoded files have a realistic size."""
    image = Image.frombytes("RGB", size, random.Random(7).randbytes(size[0] * size[1] * 3))
    return image.convert(mode)


def halves(size: tuple[int, int]) -> Image.Image:
    """Red on the left half, blue on the right half."""
    image = Image.new("RGB", size, "blue")
    image.paste("red", (0, 0, size[0] // 2, size[1]))
    return image


def camera_exif(orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "Camera"
    exif[ExifTags.Base.Artist] = "Jan Janssens"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 3.0, 0.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (3.0, 43.0, 0.0)
    return exif


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares its size and holds next to no pixel data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + checksum

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def rgb(image: Image.Image, xy: tuple[int, int]) -> tuple[int, int, int]:
    pixel = image.getpixel(xy)
    assert isinstance(pixel, tuple)
    red, green, blue = pixel
    return red, green, blue


def with_jpeg_size(data: bytes, width: int, height: int) -> bytes:
    """The same JPEG, its frame header claiming another size."""
    start = data.index(b"\xff\xc0") + 5  # marker, length (2), precision (1)
    return data[:start] + struct.pack(">HH", height, width) + data[start + 4 :]


def assert_clean_webp(path: Path) -> None:
    data = path.read_bytes()
    assert data[:4] == b"RIFF"
    assert data[8:12] == b"WEBP"
    for marker in (b"EXIF", b"XMP ", b"ICCP", b"GPS", b"Camera", b"Janssens"):
        assert marker not in data
    with Image.open(path) as image:
        assert image.format == "WEBP"
        assert image.mode == "RGB"
        assert len(image.getexif()) == 0
        assert not {"exif", "xmp", "icc_profile"} & set(image.info)


def refusal(data: bytes, tmp_path: Path) -> str:
    with use_language("en"), pytest.raises(PhotoError) as raised:
        store_photo(data, tmp_path, "ideas")
    assert not (tmp_path / "ideas").exists() or not any((tmp_path / "ideas").iterdir())
    return raised.value.message


def test_jpeg_loses_exif_gps_and_xmp_and_stays_upright(tmp_path: Path) -> None:
    data = encode(halves((200, 100)), "JPEG", exif=camera_exif(6), xmp=XMP, quality=95)
    with Image.open(io.BytesIO(data)) as source:  # the fixture really carries all of it
        assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert source.getexif()[ExifTags.Base.Orientation] == 6
        assert "xmp" in source.info

    stored = store_photo(data, tmp_path, "ideas")

    path = tmp_path / stored.name
    assert_clean_webp(path)
    with Image.open(path) as image:
        assert image.size == (100, 200) == (stored.width, stored.height)
        # Orientation 6 means "turn 90° clockwise to view": the left half ends up on top.
        top, bottom = rgb(image, (50, 30)), rgb(image, (50, 170))
        assert top[0] > 200  # red
        assert top[2] < 60
        assert bottom[2] > 200  # blue
        assert bottom[0] < 60
    assert_clean_webp(tmp_path / stored.thumb_name)


def test_png_with_transparency_is_flattened_on_white(tmp_path: Path) -> None:
    image = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    image.paste((0, 128, 0, 255), (0, 0, 150, 200))
    stored = store_photo(encode(image, "PNG"), tmp_path, "pacts")

    assert stored.name.startswith("pacts/")
    assert_clean_webp(tmp_path / stored.name)
    with Image.open(tmp_path / stored.name) as result:
        assert result.size == (300, 200)
        assert min(rgb(result, (250, 100))) > 240
        red, green, blue = rgb(result, (50, 100))
        assert green > 100
        assert max(red, blue) < 40


def test_webp_with_exif_and_icc_is_accepted_and_stripped(tmp_path: Path) -> None:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(noise((320, 240)), "WEBP", exif=camera_exif(1), icc_profile=profile)
    stored = store_photo(data, tmp_path, "ideas")
    assert (stored.width, stored.height) == (320, 240)
    assert_clean_webp(tmp_path / stored.name)


@pytest.mark.parametrize(
    ("mode", "fmt", "params"),
    [
        ("L", "JPEG", {}),
        ("CMYK", "JPEG", {}),
        ("1", "PNG", {}),
        ("L", "PNG", {"transparency": 0}),
        ("LA", "PNG", {}),
        ("P", "PNG", {"transparency": 0}),
        ("I;16", "PNG", {}),
        ("RGB", "JPEG", {"progressive": True}),
        ("RGBA", "WEBP", {"lossless": True}),
        # A broken colour profile is ignored rather than refusing the photo.
        ("RGB", "JPEG", {"icc_profile": b"not a profile"}),
    ],
)
def test_all_kinds_of_pixels_become_rgb(
    tmp_path: Path, mode: str, fmt: str, params: dict[str, Any]
) -> None:
    stored = store_photo(encode(noise((120, 90), mode), fmt, **params), tmp_path, "ideas")
    assert (stored.width, stored.height) == (120, 90)
    assert_clean_webp(tmp_path / stored.name)


def test_multi_picture_jpeg_from_a_phone_is_a_jpeg(tmp_path: Path) -> None:
    data = encode(halves((200, 100)), "MPO", save_all=True, append_images=[noise((50, 50))])
    with Image.open(io.BytesIO(data)) as source:
        assert source.format == "MPO"
    stored = store_photo(data, tmp_path, "ideas")
    assert (stored.width, stored.height) == (200, 100)


@pytest.mark.parametrize(
    ("fmt", "params"),
    [("GIF", {}), ("BMP", {}), ("TIFF", {}), ("ICO", {}), ("PDF", {}), ("JPEG2000", {})],
)
def test_other_formats_are_refused(tmp_path: Path, fmt: str, params: dict[str, Any]) -> None:
    assert refusal(encode(noise((64, 64)), fmt, **params), tmp_path) == NOT_A_PHOTO


def test_random_bytes_are_refused(tmp_path: Path) -> None:
    assert refusal(random.Random(8).randbytes(10_000), tmp_path) == NOT_A_PHOTO


def test_html_named_like_a_photo_is_refused(tmp_path: Path) -> None:
    assert refusal(b"<html><script>alert(1)</script></html>", tmp_path) == NOT_A_PHOTO


def test_empty_data_is_refused(tmp_path: Path) -> None:
    assert refusal(b"", tmp_path) == DAMAGED


def test_truncated_jpeg_is_refused(tmp_path: Path) -> None:
    data = encode(noise((400, 300)), "JPEG", quality=90)
    assert refusal(data[: len(data) // 2], tmp_path) == DAMAGED


def test_png_with_a_bad_checksum_is_refused(tmp_path: Path) -> None:
    data = bytearray(encode(noise((100, 100)), "PNG"))
    data[len(data) // 2] ^= 0xFF
    assert refusal(bytes(data), tmp_path) == DAMAGED


def test_oversized_payload_is_refused_before_decoding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def must_not_decode(*args: object, **kwargs: object) -> Image.Image:
        raise AssertionError("decoded an oversized upload")

    monkeypatch.setattr(Image, "open", must_not_decode)
    data = encode(Image.new("RGB", (8, 8)), "PNG")
    data += b"\x00" * (MAX_PHOTO_BYTES + 1 - len(data))
    assert refusal(data, tmp_path) == "This photo is larger than 5 MB."


@pytest.mark.parametrize(
    "size",
    [
        (30_000, 30_000),  # Pillow's own DecompressionBombError
        (10_000, 10_000),  # Pillow's DecompressionBombWarning
        (6_000, 5_000),  # over our own limit for PNG
        (1, 60_000_000),
    ],
)
def test_png_decompression_bombs_are_refused(tmp_path: Path, size: tuple[int, int]) -> None:
    data = png_header(*size)
    assert len(data) < 1000
    assert refusal(data, tmp_path) == "This photo has more than 25 megapixels."


@pytest.mark.parametrize("action", ["error", "ignore", "default"])
def test_a_real_bomb_is_refused_whatever_the_warning_filters(
    tmp_path: Path, action: Literal["error", "ignore", "default"]
) -> None:
    """A small file of one colour that declares 100 megapixels."""
    data = encode(Image.new("1", (10_000, 10_000)), "PNG")
    assert len(data) < 100_000
    with warnings.catch_warnings():
        warnings.simplefilter(action)
        message = refusal(data, tmp_path)
    assert message == "This photo has more than 25 megapixels."


def test_jpeg_may_have_more_pixels_but_not_too_many(tmp_path: Path) -> None:
    data = encode(halves((7000, 5000)), "JPEG", exif=camera_exif(6), quality=50)
    assert len(data) < MAX_PHOTO_BYTES
    stored = store_photo(data, tmp_path, "ideas")  # decoded at half scale, then turned upright
    assert stored.height == MAX_SIDE
    assert stored.width in (1462, 1463)
    with Image.open(tmp_path / stored.name) as image:
        assert rgb(image, (700, 200))[0] > 200
        assert rgb(image, (700, 1800))[2] > 200
    bomb = with_jpeg_size(data, 8000, 8000)
    assert refusal(bomb, tmp_path / "other") == "This photo has more than 50 megapixels."


@pytest.mark.parametrize(
    ("size", "expected"),
    [((4000, 3000), (2048, 1536)), ((1000, 5000), (410, 2048)), ((2048, 100), (2048, 100))],
)
def test_large_photos_are_scaled_down(
    tmp_path: Path, size: tuple[int, int], expected: tuple[int, int]
) -> None:
    data = encode(halves(size), "JPEG", quality=80)
    stored = store_photo(data, tmp_path, "ideas")
    assert (stored.width, stored.height) == expected
    with Image.open(tmp_path / stored.name) as image:
        assert image.size == expected
        assert max(image.size) <= MAX_SIDE
    with Image.open(tmp_path / stored.thumb_name) as thumb:
        assert max(thumb.size) == THUMB_SIDE
        assert thumb.width / thumb.height == pytest.approx(size[0] / size[1], rel=0.05)


def test_small_photos_are_not_enlarged_and_have_a_thumbnail(tmp_path: Path) -> None:
    stored = store_photo(encode(noise((60, 40)), "PNG"), tmp_path, "ideas")
    assert (stored.width, stored.height) == (60, 40)
    assert stored.thumb_name == stored.name.removesuffix(".webp") + "-thumb.webp"
    with Image.open(tmp_path / stored.thumb_name) as thumb:
        assert thumb.size == (60, 40)
    assert_clean_webp(tmp_path / stored.thumb_name)


def test_names_are_random_and_inside_the_folder(tmp_path: Path) -> None:
    data = encode(noise((50, 50)), "JPEG")
    first = store_photo(data, tmp_path, "ideas")
    second = store_photo(data, tmp_path, "ideas")

    assert first.name != second.name
    for stored in (first, second):
        assert re.fullmatch(r"ideas/[0-9a-f]{32}\.webp", stored.name)
        assert re.fullmatch(r"ideas/[0-9a-f]{32}-thumb\.webp", stored.thumb_name)
    names = {first.name, first.thumb_name, second.name, second.thumb_name}
    on_disk = {path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*")}
    assert on_disk == names | {"ideas"}  # and no temporary files left behind


@pytest.mark.parametrize(
    "folder", ["../x", "..", ".", "", "a/b", "a\\b", "/tmp", "Ideas", "ideas/", "x" * 40, "1a"]
)
def test_folder_must_be_a_simple_word(tmp_path: Path, folder: str) -> None:
    uploads = tmp_path / "uploads"
    with pytest.raises(ValueError, match="simple lowercase word"):
        store_photo(encode(noise((20, 20)), "PNG"), uploads, folder)
    assert list(tmp_path.iterdir()) == []


def test_delete_photo_removes_both_files(tmp_path: Path) -> None:
    stored = store_photo(encode(noise((50, 50)), "PNG"), tmp_path, "ideas")
    delete_photo(tmp_path, stored)
    assert not (tmp_path / stored.name).exists()
    assert not (tmp_path / stored.thumb_name).exists()
    delete_photo(tmp_path, stored)  # already gone is fine


def test_delete_photo_refuses_names_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("keep")
    forged = StoredPhoto(name="../keep.txt", thumb_name="ideas/x-thumb.webp", width=1, height=1)
    with pytest.raises(ValueError, match="not the name of a stored photo"):
        delete_photo(tmp_path / "uploads", forged)
    assert (tmp_path / "keep.txt").exists()


def test_read_upload() -> None:
    assert read_upload("") is None
    assert read_upload(None) is None
    assert read_upload(UploadFile(io.BytesIO(b""), filename="")) is None
    assert read_upload(UploadFile(io.BytesIO(b""), filename=None)) is None
    assert read_upload(UploadFile(io.BytesIO(b""), filename="empty.jpg")) == b""
    assert read_upload(UploadFile(io.BytesIO(b"photo"), filename="a.jpg")) == b"photo"
    big = UploadFile(io.BytesIO(b"x" * (MAX_PHOTO_BYTES + 100)), filename="big.jpg")
    data = read_upload(big)
    assert data is not None
    assert len(data) == MAX_PHOTO_BYTES + 1


def upload(data: bytes, name: str = "photo.png") -> UploadFile:
    return UploadFile(io.BytesIO(data), filename=name)


def test_a_forms_uploads_are_stored_and_empty_fields_skipped(tmp_path: Path) -> None:
    form = Form({})
    png = encode(noise((40, 30)), "PNG")
    stored = store_uploaded_photos(["", upload(png), upload(b"", "")], form, tmp_path, "pacts")
    assert form.ok
    assert [photo.name.split("/")[0] for photo in stored] == ["pacts"]
    assert (tmp_path / stored[0].name).exists()


def test_too_many_or_a_refused_upload_stores_none_with_a_message(tmp_path: Path) -> None:
    png = encode(noise((20, 20)), "PNG")
    too_many, refused = Form({}), Form({})
    with use_language("en"):
        assert (
            store_uploaded_photos([upload(png) for _ in range(4)], too_many, tmp_path, "ideas")
            == []
        )
        uploads = [upload(png), upload(b"not a photo", "a.jpg")]
        assert store_uploaded_photos(uploads, refused, tmp_path, "ideas", field="files") == []
    assert too_many.errors == {"photos": "Add at most 3 photos."}
    assert refused.errors == {"files": NOT_A_PHOTO}


def test_messages_are_translated_when_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("participation.photos.gettext", lambda message: f"[{message}]")
    with pytest.raises(PhotoError) as raised:
        store_photo(b"not a photo", tmp_path, "ideas")
    assert raised.value.message == f"[{NOT_A_PHOTO}]"
    assert str(raised.value) == raised.value.message
