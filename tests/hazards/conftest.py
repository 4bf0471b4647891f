import io

import pytest
from PIL import Image

from anlan.core.uploads import check_upload


def jpeg_bytes(colour=(200, 40, 40)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(buf, "JPEG")
    return buf.getvalue()


@pytest.fixture
def photo():
    return check_upload(jpeg_bytes(), "现场照片.jpg")


@pytest.fixture
def evidence():
    return check_upload(jpeg_bytes((40, 160, 40)), "整改后.jpg")
