"""Photos that residents upload: checked, made upright, re-encoded as WebP without metadata.

What reaches the uploads folder is never the uploaded file: it is a fresh WebP encoding of its
pixels, so no EXIF, GPS, XMP or ICC data (nor anything hidden after the image data) survives.
The format is decided by the file's content, never by its name or the client's content type.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from starlette.datastructures import UploadFile

from participation.forms import Form
from participation.i18n import gettext

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 3
ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
# Far below Pillow's own bomb limit (89 megapixels). JPEG is decoded at reduced scale, so a
# 50-megapixel phone photo costs little; PNG needs ~10 bytes a pixel and WebP (libwebp) ~16.
MAX_PIXELS = {"JPEG": 50_000_000, "PNG": 25_000_000, "WEBP": 25_000_000}
MAX_SIDE = 2048
THUMB_SIDE = 480
QUALITY = 82

# Pillow reports a JPEG that holds several pictures (many phone cameras write these) as MPO.
_FORMAT_ALIASES = {"MPO": "JPEG"}
_FOLDER = re.compile(r"[a-z][a-z0-9_]{0,31}")
_STORED_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}/[0-9a-f]{32}(-thumb)?\.webp")
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


class PhotoError(Exception):
    """An upload that is not a photo we accept; `message` is translated, for the form."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class StoredPhoto:
    """Names relative to the uploads folder, with forward slashes, as the /uploads URL wants."""

    name: str
    thumb_name: str
    width: int
    height: int


def store_photo(data: bytes, uploads_dir: Path, folder: str) -> StoredPhoto:
    """Check and re-encode one upload into `uploads_dir/folder`; PhotoError says why not."""
    if not _FOLDER.fullmatch(folder):
        raise ValueError(f"photo folder must be a simple lowercase word, got {folder!r}")
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoError(gettext("This photo is larger than 5 MB."))
    if not data:
        raise PhotoError(gettext("This photo could not be read; it may be damaged."))
    photo, thumb = _reencode(data)
    token = secrets.token_hex(16)
    stored = StoredPhoto(
        name=f"{folder}/{token}.webp",
        thumb_name=f"{folder}/{token}-thumb.webp",
        width=photo.width,
        height=photo.height,
    )
    (uploads_dir / folder).mkdir(parents=True, exist_ok=True)
    try:
        _write_atomically(uploads_dir / stored.name, _encode(photo))
        _write_atomically(uploads_dir / stored.thumb_name, _encode(thumb))
    except BaseException:
        delete_photo(uploads_dir, stored)
        raise
    return stored


def store_uploaded_photos(
    uploads: Iterable[object], form: Form, uploads_dir: Path, folder: str, field: str = "photos"
) -> list[StoredPhoto]:
    """A form's chosen files (`form_data.getlist(field)`), each stored as `store_photo` does.

    Too many files, or one that is refused, puts the message on `field` and returns none."""
    chosen = [data for data in (read_upload(u) for u in uploads) if data]
    if len(chosen) > MAX_PHOTOS:
        form.error(field, gettext("Add at most %(num)d photos.") % {"num": MAX_PHOTOS})
        return []
    stored: list[StoredPhoto] = []
    for data in chosen:
        try:
            stored.append(store_photo(data, uploads_dir, folder))
        except PhotoError as problem:
            form.error(field, problem.message)
            return []
    return stored


def delete_photo(uploads_dir: Path, photo: StoredPhoto) -> None:
    """Remove both files; a file that is already gone is fine."""
    for name in (photo.name, photo.thumb_name):
        if not _STORED_NAME.fullmatch(name):
            raise ValueError(f"not the name of a stored photo: {name!r}")
        (uploads_dir / name).unlink(missing_ok=True)


def read_upload(upload: object) -> bytes | None:
    """The bytes of a form's file field (at most one byte over the limit), None if none chosen.

    Starlette gives an UploadFile for a file part and a str for an empty or non-file field.
    """
    if not isinstance(upload, UploadFile):
        return None
    data = upload.file.read(MAX_PHOTO_BYTES + 1)
    if not data and not upload.filename:
        return None
    return data


def _reencode(data: bytes) -> tuple[Image.Image, Image.Image]:
    """The photo upright in RGB within MAX_SIDE, and its thumbnail; PhotoError if refused."""
    with warnings.catch_warnings():
        # Refuse at Pillow's bomb warning whatever the global filters say. Should another
        # thread change the filters meanwhile, _check_header still refuses what is too big.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            photo = _prepare(_decode(data))
            thumb = photo.copy()
            thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
        except PhotoError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PhotoError(_too_many_pixels(min(MAX_PIXELS.values()))) from None
        except UnidentifiedImageError:
            raise PhotoError(_not_a_photo()) from None
        except Exception as error:  # whatever malformed input makes a decoder raise
            raise PhotoError(gettext("This photo could not be read; it may be damaged.")) from error
    return photo, thumb


def _decode(data: bytes) -> Image.Image:
    formats = sorted(ALLOWED_FORMATS)  # Pillow's other decoders never see the bytes
    with Image.open(io.BytesIO(data), formats=formats) as probe:
        _check_header(probe)
        probe.verify()  # checksums, where the format has them (PNG)
    image = Image.open(io.BytesIO(data), formats=formats)
    _check_header(image)
    if image.format in ("JPEG", "MPO"):
        image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # decode big JPEGs at 1/2, 1/4 or 1/8 scale
    image.load()
    return image


def _check_header(image: Image.Image) -> None:
    kind = _FORMAT_ALIASES.get(image.format or "", image.format)
    if kind is None or kind not in ALLOWED_FORMATS:
        raise PhotoError(_not_a_photo())
    limit = MAX_PIXELS[kind]
    if image.width * image.height > limit:
        raise PhotoError(_too_many_pixels(limit))


def _prepare(image: Image.Image) -> Image.Image:
    ImageOps.exif_transpose(image, in_place=True)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if not has_alpha:
        image = _to_srgb(image)
    mode = "RGBA" if has_alpha else "RGB"
    if image.mode != mode:  # converting to the same mode would only copy a big image
        image = image.convert(mode)
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    if has_alpha:  # transparent parts become white
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    return image


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert by the embedded colour profile, as that profile is not kept; else as is."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # a broken profile does not make a broken photo
    return converted if converted is not None else image


def _encode(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "WEBP", quality=QUALITY, method=4, exif=b"", xmp=b"", icc_profile=b"")
    return buffer.getvalue()


def _write_atomically(path: Path, data: bytes) -> None:
    """Readers see the whole file or none: write beside it, then rename over it."""
    draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with draft.open("xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(draft, path)
    finally:
        draft.unlink(missing_ok=True)


def _not_a_photo() -> str:
    return gettext("This file is not a JPEG, PNG or WebP photo.")


def _too_many_pixels(limit: int) -> str:
    return gettext("This photo has more than %(megapixels)d megapixels.") % {
        "megapixels": limit // 1_000_000
    }
