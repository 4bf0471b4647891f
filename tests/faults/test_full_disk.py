"""The disk that holds the uploads is full: the upload is refused with a clear error that names
the file and its field, and nothing of the submission is kept — no record, no partial file, not
even the photos of the same report that did fit. The disk is a real filesystem of 256 KiB
(tmpfs, mounted for the test; that needs root, as CI has)."""

import io
import os
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from anlan.hazards.models import Hazard, HazardAttachment

pytestmark = pytest.mark.django_db


def jpeg(size: int = 32, noise: bool = False) -> bytes:
    """A JPEG; with noise, one that does not compress (about size² × 2 bytes)."""
    if noise:
        image = Image.frombytes("RGB", (size, size), os.urandom(size * size * 3))
    else:
        image = Image.new("RGB", (size, size), (200, 40, 40))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


@pytest.fixture
def small_disk(settings, tmp_path):
    folder = tmp_path / "small-disk"
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs the tests as root)")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k,mode=0755", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"this machine does not allow mounting a tmpfs: {mounted.stderr.strip()}")
    settings.MEDIA_ROOT = folder
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def files_in(folder) -> list[str]:
    return [os.path.join(d, f) for d, _, names in os.walk(folder) for f in names]


@pytest.fixture
def regulator(client, lingshi_regulator):
    client.force_login(lingshi_regulator)
    return client


def report(enterprise, photos):
    return {
        "enterprise": enterprise.pk,
        "description": "配电室电缆沟积水",
        "category": "equipment",
        "level": "general",
        "channel": "law_enforcement",
        "found_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "photos": [SimpleUploadedFile(name, content, "image/jpeg") for name, content in photos],
    }


def test_a_report_whose_photo_does_not_fit_is_refused_whole_with_storage_full_on_the_field(
    regulator, lingshi_mine, small_disk
):
    big = jpeg(600, noise=True)
    assert len(big) > 256 * 1024
    response = regulator.post(
        reverse("hazards:report"),
        report(lingshi_mine, [("现场.jpg", jpeg()), ("全景大图.jpg", big)]),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["photos"]
    assert any("存储空间已满" in e and "全景大图.jpg" in e for e in errors), errors
    assert "存储空间已满" in response.content.decode()
    assert Hazard.objects.count() == 0 and HazardAttachment.objects.count() == 0
    assert files_in(small_disk) == []  # neither the partial big one nor the small one

    # What fits is still accepted.
    response = regulator.post(
        reverse("hazards:report"), report(lingshi_mine, [("现场.jpg", jpeg())])
    )
    assert response.status_code == 302
    attachment = HazardAttachment.objects.get()
    assert files_in(small_disk) == [attachment.file.path]


def test_the_api_answers_storage_full_as_a_field_error_and_keeps_no_file(
    regulator, lingshi_mine, small_disk
):
    from anlan.hazards import services

    hazard = services.report_hazard(
        user=None,
        data={
            "enterprise": lingshi_mine,
            "description": "安全出口堵塞",
            "category": "management",
            "channel": "law_enforcement",
        },
    )
    response = regulator.post(
        f"/api/hazards/{hazard.pk}/photos",
        {"files": [SimpleUploadedFile("整改前.jpg", jpeg(600, noise=True), "image/jpeg")]},
    )

    assert response.status_code == 422, response.content
    (error,) = response.json()["detail"]
    assert error["loc"][-1] == "files"
    assert "存储空间已满" in error["msg"] and "整改前.jpg" in error["msg"]
    assert hazard.attachments.count() == 0
    assert files_in(small_disk) == []
