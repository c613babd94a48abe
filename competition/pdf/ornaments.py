"""What a printed document draws rather than writes: QR codes, the frame's gems and rules, in
a document's colours.

Pure drawing: text or colours in, a PNG `data:` URI out (the only kind of resource the PDF
fetcher of `competition.pdf.render` accepts).  No database, no Flask, no models, so it can be
tested and cached on its own and any slice may use it.  Pillow and zxing-cpp are imported
inside the functions: an app that never prints a certificate never loads them.
"""

from __future__ import annotations

import base64
import functools
import io
import re
from typing import Any

#: A colour as stored and drawn: "#rrggbb", lower case.  Checked where colours are set and
#: again where they are drawn, so nothing else ever reaches a style sheet.
COLOUR = re.compile(r"^#[0-9a-f]{6}$")


def qr_data_uri(text: str) -> str:
    """A QR code (error correction M) as a PNG `data:` URI the PDF fetcher accepts.

    One pixel per module, scaled up in the PDF without smoothing (`image-rendering:
    pixelated`), so it is drawn as one small image and stays sharp.  Made by zxing-cpp, whose
    encoder picks the mask by the standard's penalty rules in C++ in about 0.6 ms; segno does
    the same in pure Python in about 4.5 ms, a quarter of a second per 50 certificates.
    """
    import zxingcpp
    from PIL import Image

    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    modules = code.to_image(scale=1, add_quiet_zones=False)
    height, width = modules.shape[:2]
    image = Image.frombuffer("L", (width, height), bytes(modules), "raw", "L", 0, 1)
    buffer = io.BytesIO()
    image.convert("1").save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


# The frame's ornaments are raster images drawn once per pair of colours: embedded once, each
# page draws them by reference, where an SVG would be drawn anew on every page (several ms a
# certificate).  Drawn 4 × larger and scaled down, so their edges are smooth.
_SUPERSAMPLE = 4


def _png_data_uri(image: Any) -> str:
    from PIL import Image

    small = image.resize(
        (image.width // _SUPERSAMPLE, image.height // _SUPERSAMPLE), Image.Resampling.LANCZOS
    )
    buffer = io.BytesIO()
    small.save(buffer, "PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _diamond(draw: Any, cx: float, cy: float, r: float, fill: str) -> None:
    draw.polygon([(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)], fill=fill)


@functools.lru_cache(maxsize=64)
def gem_data_uri(primary: str, accent: str) -> str:
    """A gold diamond with a heart in the contest's colour (8 mm, 240 px)."""
    from PIL import Image, ImageDraw

    size = 240 * _SUPERSAMPLE
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    _diamond(draw, size / 2, size / 2, size / 2, accent)
    _diamond(draw, size / 2, size / 2, size * 0.21, primary)
    return _png_data_uri(image)


@functools.lru_cache(maxsize=64)
def ornament_data_uri(primary: str, accent: str) -> str:
    """Rule, gem, rule: the line under the title (104 × 4 mm, 1230 × 48 px, 300 dpi)."""
    from PIL import Image, ImageDraw

    width, height = 1230 * _SUPERSAMPLE, 48 * _SUPERSAMPLE
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    middle, gap, thickness = height / 2, height * 2.2, height // 8
    draw.rectangle([0, middle - thickness / 2, width / 2 - gap, middle + thickness / 2], accent)
    draw.rectangle([width / 2 + gap, middle - thickness / 2, width, middle + thickness / 2], accent)
    _diamond(draw, width / 2, middle, height / 2, primary)
    return _png_data_uri(image)
