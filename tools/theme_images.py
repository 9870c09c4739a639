#!/usr/bin/env python3
"""Draws the default theme's images once: the favicon as PNG (and inside favicon.ico) and the
link-preview image (1200x630). Run from the repository root; the files are committed, so a
build never runs this. The shapes are the same as in builtin/theme/static/favicon.svg: a
rounded square in the theme's brand colour with three lines of a page on it. No text, no
facts: the default theme belongs to any site."""
import struct
import zlib

BRAND = (0x0B, 0x35, 0x60)
GOLD = (0xC8, 0x96, 0x2E)
WHITE = (0xFF, 0xFF, 0xFF)


def png(width, height, pixel, alpha):
    """A PNG of width x height, pixel(x, y) -> (r, g, b, a) or (r, g, b)."""
    mode = 6 if alpha else 2
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            rows.extend(pixel(x, y))
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    head = struct.pack(">IIBBBBB", width, height, 8, mode, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head)
            + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b""))


def inside_mark(u, v):
    """The mark on a 32x32 grid (as favicon.svg): 0 outside, 1 brand square, 2 white line, 3 gold line."""
    # Rounded square 0..32 with radius 6.
    cx = min(max(u, 6), 26)
    cy = min(max(v, 6), 26)
    if (u - cx) ** 2 + (v - cy) ** 2 > 36:
        return 0
    for top, left, right, kind in ((8, 7, 25, 2), (14, 7, 25, 2), (20, 7, 19, 2), (25, 7, 14, 3)):
        if top <= v < top + 3 and left <= u < right:
            return kind
    return 1


COLOURS = {1: BRAND, 2: WHITE, 3: GOLD}


def favicon_pixel(x, y):
    # 4x4 samples per pixel for smooth corners.
    hits = [inside_mark(x + (i + 0.5) / 4, y + (j + 0.5) / 4) for i in range(4) for j in range(4)]
    inside = [h for h in hits if h]
    if not inside:
        return (0, 0, 0, 0)
    r = sum(COLOURS[h][0] for h in inside) // len(inside)
    g = sum(COLOURS[h][1] for h in inside) // len(inside)
    b = sum(COLOURS[h][2] for h in inside) // len(inside)
    return (r, g, b, 255 * len(inside) // 16)


def preview_pixel(x, y):
    # The mark, 8x (256 px), centred; a gold rule along the foot; the rest brand blue.
    if y >= 600:
        return GOLD
    u, v = (x - 472) / 8, (y - 172) / 8
    if 0 <= u < 32 and 0 <= v < 32:
        kind = inside_mark(u, v)
        if kind == 2:
            return WHITE
        if kind == 3:
            return GOLD
        if kind == 1:
            return (0x12, 0x47, 0x7E)
    return BRAND


def ico(png_bytes, size):
    entry = struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(png_bytes), 6 + 16)
    return struct.pack("<HHH", 0, 1, 1) + entry + png_bytes


if __name__ == "__main__":
    icon = png(32, 32, favicon_pixel, True)
    open("builtin/theme/static/favicon.png", "wb").write(icon)
    open("builtin/theme/static/favicon.ico", "wb").write(ico(icon, 32))
    open("builtin/theme/static/img/preview.png", "wb").write(png(1200, 630, preview_pixel, False))
