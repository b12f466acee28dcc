"""Reading a QR code out of a photo, as a phone's camera does, so a scanned check-in is a real scan."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image, UnidentifiedImageError


def read(content: bytes) -> list[str]:
    """The texts of the QR codes in an image; empty when there is none or it is no image."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            return [found.text for found in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
    except (UnidentifiedImageError, OSError):
        return []
