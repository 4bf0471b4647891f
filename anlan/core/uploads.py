"""Checking uploaded files by their content, never by their name."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

IMAGE_OR_PDF = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/heic": ".heic",
    "application/pdf": ".pdf",
}


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content: bytes
    content_type: str
    extension: str
    sha256: str
    field: str = "file"

    @property
    def size(self) -> int:
        return len(self.content)


def check_upload(
    content: bytes, name: str, *, allowed: dict[str, str] = IMAGE_OR_PDF, field: str = "file"
) -> CheckedUpload:
    """Accept a file only if its bytes are one of the allowed kinds and it is not too large;
    otherwise raise ValidationError on ``field`` naming the file and the reason."""
    limit = settings.ANLAN_MAX_UPLOAD_BYTES
    if not content:
        raise ValidationError({field: _("%(name)s is empty.") % {"name": name}})
    if len(content) > limit:
        raise ValidationError(
            {
                field: _("%(name)s is %(size).1f MB; the limit is %(limit).1f MB.")
                % {"name": name, "size": len(content) / 1e6, "limit": limit / 1e6}
            }
        )
    kind = filetype.guess(content)
    content_type = kind.mime if kind else ""
    if content_type not in allowed:
        raise ValidationError(
            {
                field: _("%(name)s is not a photo (JPEG, PNG, WebP, HEIC) or a PDF by its content.")
                % {"name": name}
            }
        )
    return CheckedUpload(
        name=name[-255:],
        content=content,
        content_type=content_type,
        extension=allowed[content_type],
        sha256=hashlib.sha256(content).hexdigest(),
        field=field,
    )


def check_uploaded_files(files, field: str) -> list[CheckedUpload]:
    """Check Django UploadedFile objects (from a form or the API) by content."""
    return [check_upload(f.read(), f.name or "upload", field=field) for f in files]


def storage_full_error(name: str, field: str = "file") -> ValidationError:
    return ValidationError(
        {
            field: _(
                "Storage is full: %(name)s could not be saved, and nothing of this submission "
                "was kept. Please tell the system administrator and try again later."
            )
            % {"name": name}
        }
    )


def keep_file(field_file, upload: CheckedUpload, name: str | None = None, **kwargs) -> None:
    """Store a checked upload in a FileField (``field_file.save``); a full disk becomes a
    ValidationError on the upload's field that names the file (nothing partial is left: see
    ``core.storage``)."""
    from .storage import is_storage_full

    try:
        field_file.save(name or upload.name, ContentFile(upload.content), **kwargs)
    except OSError as exc:
        if is_storage_full(exc):
            raise storage_full_error(upload.name, upload.field) from exc
        raise
