#!/usr/bin/env python3
"""Synthetic 2x2 grids like the ones image models return, with the cell boxes
a correct split and trim must find (issue 11). Needs numpy only; PNGs are
written by the small encoder below (any colour type, 8 or 16 bits, Adam7).

  grid_corpus.py corpus OUTDIR        every case + OUTDIR/expected.json
  grid_corpus.py photo OUT.png [SIZE] one photo-like grid (smooth gradients and
                                      noise) for `make bench`; SIZE default 1024

expected.json: {"cases": [{"name", "file", "width", "height", "channels",
"cells": [[x, y, w, h] x4] (top-left, top-right, bottom-left, bottom-right)
or "not_a_grid": true, "what"}]}. Boxes are exact here; tests allow 2 px.
"""
import json
import struct
import sys
import zlib

import numpy as np

# ---------------------------------------------------------------- PNG writer


def _chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def _raw_rows(a, bitdepth):
    """a: HxWxC uint8/uint16 -> scanlines with filter byte 0."""
    h = a.shape[0]
    if bitdepth == 16:
        a = a.astype(">u2")
    flat = a.reshape(h, -1).view(np.uint8).reshape(h, -1)
    out = np.zeros((h, flat.shape[1] + 1), np.uint8)
    out[:, 1:] = flat
    return out.tobytes()


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def write_png(path, a, colour_type, bitdepth=8, palette=None, interlace=False, extra_chunks=()):
    """a: HxWxC array already in the file's sample layout (indices for palette)."""
    if a.ndim == 2:
        a = a[:, :, None]
    h, w = a.shape[:2]
    if interlace:
        raw = b""
        for x0, y0, dx, dy in ADAM7:
            sub = a[y0::dy, x0::dx]
            if sub.shape[0] and sub.shape[1]:
                raw += _raw_rows(sub, bitdepth)
    else:
        raw = _raw_rows(a, bitdepth)
    data = b"\x89PNG\r\n\x1a\n"
    data += _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bitdepth, colour_type, 0, 0, 1 if interlace else 0))
    for kind, payload in extra_chunks:
        data += _chunk(kind, payload)
    if palette is not None:
        data += _chunk(b"PLTE", palette.astype(np.uint8).tobytes())
    data += _chunk(b"IDAT", zlib.compress(raw, 6))
    data += _chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)


# ---------------------------------------------------------------- painting


def smooth_noise(rng, h, w, cells=6):
    """Low-frequency noise in 0..1: a coarse random grid, bilinearly upsampled."""
    g = rng.random((cells + 1, cells + 1))
    ys = np.linspace(0, cells, h, endpoint=False)
    xs = np.linspace(0, cells, w, endpoint=False)
    y0, x0 = ys.astype(int), xs.astype(int)
    fy, fx = (ys - y0)[:, None], (xs - x0)[None, :]
    a = g[y0][:, x0] * (1 - fx) + g[y0][:, x0 + 1] * fx
    b = g[y0 + 1][:, x0] * (1 - fx) + g[y0 + 1][:, x0 + 1] * fx
    return a * (1 - fy) + b * fy


def portrait(rng, h, w, bg=None, touch=False, noise=3.0, transparent=False):
    """A photo-like portrait: a gradient background, shoulders, a head with hair
    and eyes, smooth shading and noise. Returns (rgb float HxWx3, subject mask).
    bg: (c0, c1) two background colours for a vertical gradient, or None for a
    random mid-tone one. touch: the subject reaches the top and bottom edges."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if bg is None:
        c0 = rng.uniform(60, 170, 3)
        c1 = np.clip(c0 + rng.uniform(-50, 50, 3), 40, 190)
    else:
        c0, c1 = np.array(bg[0], float), np.array(bg[1], float)
    t = (yy / max(1, h - 1))[..., None]
    img = c0 * (1 - t) + c1 * t
    img += (smooth_noise(rng, h, w)[..., None] - 0.5) * (8 if bg is not None else 30)
    cx = w * rng.uniform(0.45, 0.55)
    head_r = min(h, w) * (0.30 if touch else 0.22)
    cy = h * (0.38 if not touch else 0.36)
    skin = rng.uniform([170, 120, 90], [230, 180, 150])
    shirt = rng.uniform(20, 140, 3)
    hair = rng.uniform(10, 90, 3)
    body_top = cy + head_r * 1.05
    body = ((xx - cx) ** 2 / (w * 0.42) ** 2 + (yy - h * 1.05) ** 2 / (h - body_top + h * 0.05) ** 2) < 1
    if touch:
        body |= (yy > h * 0.8) & (np.abs(xx - cx) < w * 0.3)
    head = ((xx - cx) / (head_r * 0.8)) ** 2 + ((yy - cy) / head_r) ** 2 < 1
    top = cy - head_r * (1.7 if touch else 1.12)
    hair_m = (((xx - cx) / (head_r * 0.9)) ** 2 + ((yy - cy + head_r * 0.2) / (cy - top)) ** 2 < 1) & ~head
    hair_m |= head & (yy < cy - head_r * 0.55)
    shade = (1.0 - 0.25 * ((xx - cx) / (w * 0.5)) ** 2)[..., None]
    img = np.where(body[..., None], shirt * shade + (smooth_noise(rng, h, w, 4)[..., None] - 0.5) * 25, img)
    img = np.where(hair_m[..., None], hair * shade, img)
    img = np.where(head[..., None], skin * (1.05 - 0.3 * ((yy - cy) / head_r)[..., None] ** 2) * shade, img)
    for ex in (-0.35, 0.35):
        eye = ((xx - cx - ex * head_r) ** 2 + (yy - cy + 0.05 * head_r) ** 2) < (head_r * 0.09) ** 2
        img[eye] = (30, 25, 20)
    mouth = (np.abs(yy - cy - head_r * 0.5) < head_r * 0.04) & (np.abs(xx - cx) < head_r * 0.3)
    img[mouth] = (150, 60, 60)
    img += rng.normal(0, noise, img.shape)
    subject = body | head | hair_m
    if touch:
        subject |= (yy < 2) & (np.abs(xx - cx) < head_r * 0.5)
        img[(yy < 2) & (np.abs(xx - cx) < head_r * 0.5)] = hair
    return np.clip(img, 0, 255), subject


def rotated(rng, h, w, degrees, corner):
    """A portrait rotated by `degrees` inside an h x w box; what the rotation
    leaves uncovered is `corner` (an RGB colour, or None for transparent).
    Returns (rgba float HxWx4)."""
    a = np.radians(degrees)
    c, s = np.cos(a), np.sin(a)
    # The largest photo whose rotation fits the box.
    sa = abs(s)
    pw = (w * c - h * sa) / (c * c - sa * sa)
    ph = (h * c - w * sa) / (c * c - sa * sa)
    pw, ph = int(pw), int(ph)
    photo, _ = portrait(rng, ph, pw)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    dx, dy = xx - w / 2, yy - h / 2
    sx = c * dx + s * dy + pw / 2
    sy = -s * dx + c * dy + ph / 2
    inside = (sx >= 0) & (sx < pw) & (sy >= 0) & (sy < ph)
    out = np.zeros((h, w, 4), np.float32)
    out[..., :3] = photo[np.clip(sy.astype(int), 0, ph - 1), np.clip(sx.astype(int), 0, pw - 1)]
    out[..., 3] = 255
    if corner is None:
        out[~inside] = 0
    else:
        out[~inside, :3] = corner
    return out


# ---------------------------------------------------------------- layouts


def layout(W, H, margin, hy, hg, top_v, bottom_v):
    """Cell boxes: margin around, a horizontal gutter of hg rows at y=hy, a
    vertical gutter (x, width) in the top band and one in the bottom band."""
    (tx, tg), (bx, bg) = top_v, bottom_v
    bottom_y = hy + hg
    return [
        [margin, margin, tx - margin, hy - margin],
        [tx + tg, margin, W - margin - tx - tg, hy - margin],
        [margin, bottom_y, bx - margin, H - margin - bottom_y],
        [bx + bg, bottom_y, W - margin - bx - bg, H - margin - bottom_y],
    ]


def centred(W, H, margin, gutter):
    hy = (H - gutter) // 2
    vx = (W - gutter) // 2
    return layout(W, H, margin, hy, gutter, (vx, gutter), (vx, gutter))


def background(rng, W, H, colour, noise):
    img = np.empty((H, W, 3), np.float32)
    img[...] = colour
    if noise:
        img += rng.uniform(-noise, noise, img.shape)
    return img


def paint_cells(rng, img, cells, **kw):
    for x, y, w, h in cells:
        cell, _ = portrait(rng, h, w, **kw)
        img[y:y + h, x:x + w, :3] = cell


class Case:
    def __init__(self, name, what, W, H, cells=None, not_a_grid=False):
        self.name, self.what, self.W, self.H = name, what, W, H
        self.cells, self.not_a_grid = cells, not_a_grid
        self.channels = 3


def build_cases(rng):
    """Yields (case, pixels, writer kwargs)."""
    # 1. the classic: near-white gutter with noise, centred
    W = H = 1024
    cells = centred(W, H, 0, 16)
    img = background(rng, W, H, 246, 4)
    paint_cells(rng, img, cells)
    yield Case("near-white-16", "near-white noisy gutter, 16 px, no margin", W, H, cells), img, {}

    # 2. no gutter at all, cells touching at an off-centre seam
    cells = layout(W, H, 0, 530, 0, (500, 0), (500, 0))
    img = background(rng, W, H, 0, 0)
    paint_cells(rng, img, cells)
    yield Case("none-seam", "no gutter: four photos touching at a seam off the middle", W, H, cells), img, {}

    # 3. no gutter, no seam: one backdrop continues across the cells
    cells = centred(W, H, 0, 0)
    img = background(rng, W, H, 0, 0)
    t = np.linspace(0, 1, W)[None, :, None]
    backdrop = np.array([90, 110, 150]) * (1 - t) + np.array([120, 100, 140]) * t
    img[...] = backdrop + rng.normal(0, 3, img.shape)
    for x, y, w, h in cells:
        _, subj = portrait(np.random.default_rng(7), h, w)
        cell, _ = portrait(np.random.default_rng(7), h, w)
        region = img[y:y + h, x:x + w]
        region[subj] = cell[subj]
    yield Case("none-noseam", "no gutter and no seam: split at the middle", W, H, cells), img, {}

    # 4. thin white gutter
    cells = centred(W, H, 0, 4)
    img = background(rng, W, H, 255, 0)
    paint_cells(rng, img, cells)
    yield Case("thin-white", "pure white gutter, 4 px", W, H, cells), img, {}

    # 5. thick gutter and margin
    cells = centred(W, H, 40, 72)
    img = background(rng, W, H, 250, 2)
    paint_cells(rng, img, cells)
    yield Case("thick-margin", "72 px gutter, 40 px outer margin", W, H, cells), img, {}

    # 6. uneven: the bottom band's vertical gutter is elsewhere and wider
    cells = layout(W, H, 12, 500, 24, (480, 20), (540, 36))
    img = background(rng, W, H, 244, 4)
    paint_cells(rng, img, cells)
    yield Case("uneven", "uneven gutters: bands split at different x, widths 20/24/36", W, H, cells), img, {}

    # 7. off-centre, unequal cells
    cells = layout(W, H, 0, 400, 14, (620, 14), (620, 14))
    img = background(rng, W, H, 255, 0)
    paint_cells(rng, img, cells)
    yield Case("off-centre", "gutters at 39 % and 61 %: cells of unequal size", W, H, cells), img, {}

    # 8. near-white, 1536x1024
    W, H = 1536, 1024
    cells = centred(W, H, 16, 24)
    img = background(rng, W, H, 240, 5)
    paint_cells(rng, img, cells)
    yield Case("near-white-1536x1024", "near-white gutter, landscape 1536x1024", W, H, cells), img, {}

    # 9. pure white, 1024x1536
    W, H = 1024, 1536
    cells = centred(W, H, 0, 20)
    img = background(rng, W, H, 255, 0)
    paint_cells(rng, img, cells)
    yield Case("white-1024x1536", "pure white gutter, portrait 1024x1536", W, H, cells), img, {}

    # 10. light grey, 2048x2048
    W = H = 2048
    cells = centred(W, H, 24, 40)
    img = background(rng, W, H, 205, 3)
    paint_cells(rng, img, cells, bg=((120, 90, 70), (80, 70, 60)))
    yield Case("light-grey-2048", "light grey gutter, 2048x2048", W, H, cells), img, {}

    # 11. black gutter
    W = H = 1024
    cells = centred(W, H, 20, 24)
    img = background(rng, W, H, 0, 0)
    paint_cells(rng, img, cells)
    yield Case("black", "black gutter and margin", W, H, cells), img, {}

    # 12. dark grey, 1280x768
    W, H = 1280, 768
    cells = layout(W, H, 0, 370, 18, (650, 18), (650, 18))
    img = background(rng, W, H, 45, 3)
    paint_cells(rng, img, cells)
    yield Case("dark-grey-1280x768", "dark grey gutter, 1280x768", W, H, cells), img, {}

    # 13. coloured gutter, 1792x1024
    W, H = 1792, 1024
    cells = centred(W, H, 0, 30)
    img = background(rng, W, H, (30, 150, 160), 2)
    paint_cells(rng, img, cells, bg=((200, 170, 120), (160, 140, 110)))
    yield Case("teal-1792x1024", "coloured (teal) gutter, 1792x1024", W, H, cells), img, {}

    # 14. rotated cells, dark corners, near-white gutter and margin (the example)
    W = H = 1024
    cells = layout(W, H, 35, 495, 30, (494, 36), (494, 36))
    img = background(rng, W, H, 246, 4)
    for (x, y, w, h), deg in zip(cells, (3, -2, 4, -3)):
        img[y:y + h, x:x + w] = rotated(rng, h, w, deg, (15, 15, 18))[..., :3]
    yield Case("rotated-dark", "cells rotated 2-4 degrees, dark corners, near-white gutter and margin", W, H, cells), img, {}

    # 15. rotated cells, transparent corners (RGBA), white gutter
    cells = centred(W, H, 24, 32)
    img = np.concatenate([background(rng, W, H, 255, 0), np.full((H, W, 1), 255.0)], axis=2)
    for (x, y, w, h), deg in zip(cells, (-3, 2, 3, -4)):
        img[y:y + h, x:x + w] = rotated(rng, h, w, deg, None)
    case = Case("rotated-transparent", "cells rotated, transparent corners, white gutter (RGBA)", W, H, cells)
    case.channels = 4
    yield case, img, {}

    # 16. studio portraits on white, white gutter and margin
    cells = centred(W, H, 28, 36)
    img = background(rng, W, H, 255, 0)
    paint_cells(rng, img, cells, bg=((236, 234, 230), (226, 224, 222)), noise=2)
    yield Case("studio-white", "studio portraits on an off-white backdrop, pure white gutter", W, H, cells), img, {}

    # 17. studio portraits, light grey gutter
    cells = centred(W, H, 0, 24)
    img = background(rng, W, H, 200, 0)
    paint_cells(rng, img, cells, bg=((245, 245, 244), (238, 238, 236)), noise=1.5)
    yield Case("studio-grey-gutter", "white-backdrop portraits, light grey gutter", W, H, cells), img, {}

    # 18. the subject touches the cell edges
    cells = centred(W, H, 20, 20)
    img = background(rng, W, H, 248, 3)
    paint_cells(rng, img, cells, touch=True)
    yield Case("touching", "subjects reaching the top and bottom of their cells", W, H, cells), img, {}

    # 19-20. small sizes
    for side, gutter in ((512, 8), (256, 6)):
        cells = centred(side, side, 0, gutter)
        img = background(rng, side, side, 247, 3)
        paint_cells(rng, img, cells)
        yield Case(f"small-{side}", f"{side}x{side}, {gutter} px gutter", side, side, cells), img, {}

    # 21. RGBA, transparent background: the subjects' bounding boxes
    W = H = 1024
    img = np.zeros((H, W, 4), np.float32)
    boxes = []
    for x, y, w, h in centred(W, H, 0, 0):
        cell, subj = portrait(rng, h - 120, w - 160)
        ys, xs = np.nonzero(subj)
        oy, ox = y + 60, x + 80
        region = img[oy:oy + h - 120, ox:ox + w - 160]
        region[subj, :3] = cell[subj]
        region[subj, 3] = 255
        boxes.append([int(ox + xs.min()), int(oy + ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)])
    case = Case("rgba-transparent", "RGBA, transparent background: transparent margins trimmed, alpha kept", W, H, boxes)
    case.channels = 4
    yield case, img, {}

    # 22. grayscale
    cells = centred(W, H, 16, 20)
    img = background(rng, W, H, 250, 2)
    paint_cells(rng, img, cells)
    yield Case("grey", "grayscale PNG (colour type 0)", W, H, cells), img, {"mode": "grey"}

    # 23. palette
    cells = centred(W, H, 0, 18)
    img = background(rng, W, H, 255, 0)
    paint_cells(rng, img, cells, noise=0)
    yield Case("palette", "palette PNG (colour type 3)", W, H, cells), img, {"mode": "palette"}

    # 24. 16-bit
    cells = centred(W, H, 10, 22)
    img = background(rng, W, H, 246, 4)
    paint_cells(rng, img, cells)
    yield Case("rgb16", "16-bit RGB PNG", W, H, cells), img, {"mode": "rgb16"}

    # 25. interlaced
    cells = layout(W, H, 0, 520, 16, (490, 16), (470, 16))
    img = background(rng, W, H, 250, 2)
    paint_cells(rng, img, cells)
    yield Case("interlaced", "Adam7-interlaced PNG, uneven gutters", W, H, cells), img, {"interlace": True}

    # 26. grey + alpha, 16-bit, interlaced, transparent gutter
    W = H = 768
    cells = centred(W, H, 0, 16)
    img = np.zeros((H, W, 4), np.float32)
    for x, y, w, h in cells:
        cell, _ = portrait(rng, h, w)
        img[y:y + h, x:x + w, :3] = cell
        img[y:y + h, x:x + w, 3] = 255
    case = Case("grey-alpha16", "grey + alpha, 16-bit, interlaced, transparent gutter", W, H, cells)
    case.channels = 4
    yield case, img, {"mode": "greyalpha16", "interlace": True}

    # 27. large: 3840x2160, near-white
    W, H = 3840, 2160
    cells = centred(W, H, 0, 48)
    img = background(rng, W, H, 245, 4)
    paint_cells(rng, img, cells)
    yield Case("uhd-3840x2160", "3840x2160, 48 px gutter", W, H, cells), img, {}

    # 28. not a grid: one portrait fills the image
    W = H = 1024
    photo, _ = portrait(rng, H, W, bg=((70, 90, 120), (110, 120, 140)))
    yield Case("not-a-grid", "one portrait filling the image", W, H, not_a_grid=True), photo, {}


def save(path, img, mode="rgb", interlace=False):
    a = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    if mode == "grey":
        g = np.rint(a[..., :3].astype(float) @ [0.299, 0.587, 0.114]).astype(np.uint8)
        write_png(path, g, 0, interlace=interlace)
    elif mode == "greyalpha16":
        g = np.rint(a[..., :3].astype(float) @ [0.299, 0.587, 0.114]).astype(np.uint16) * 257
        write_png(path, np.stack([g, a[..., 3].astype(np.uint16) * 257], axis=2), 4, 16, interlace=interlace)
    elif mode == "palette":
        q = (a[..., :3] // 43).astype(np.int32)  # 6 levels per channel: 216 colours
        index = q[..., 0] * 36 + q[..., 1] * 6 + q[..., 2]
        levels = np.array([0, 51, 102, 153, 204, 255])
        palette = np.array([[levels[i // 36], levels[i // 6 % 6], levels[i % 6]] for i in range(216)])
        write_png(path, index.astype(np.uint8), 3, palette=palette, interlace=interlace)
    elif mode == "rgb16":
        write_png(path, a[..., :3].astype(np.uint16) * 257, 2, 16, interlace=interlace)
    elif a.shape[2] == 4:
        write_png(path, a, 6, interlace=interlace)
    else:
        write_png(path, a, 2, interlace=interlace)


def corpus(outdir):
    rng = np.random.default_rng(11)
    cases = []
    for case, img, opts in build_cases(rng):
        file = case.name + ".png"
        save(f"{outdir}/{file}", img, opts.get("mode", "rgb"), opts.get("interlace", False))
        entry = {"name": case.name, "file": file, "what": case.what, "width": case.W, "height": case.H,
                 "channels": case.channels}
        if case.not_a_grid:
            entry["not_a_grid"] = True
        else:
            entry["cells"] = case.cells
        cases.append(entry)
    with open(f"{outdir}/expected.json", "w") as f:
        json.dump({"cases": cases}, f, indent=1)
    print(f"{len(cases)} grids in {outdir}")


def photo(out, side):
    """A photo-like grid for the benchmark: portraits with smooth gradients
    and noise (sd 6), a near-white noisy gutter, as an image model returns."""
    rng = np.random.default_rng(5)
    cells = centred(side, side, 0, max(4, side // 64))
    img = background(rng, side, side, 245, 4)
    paint_cells(rng, img, cells, noise=6)
    save(out, img)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "corpus":
        corpus(sys.argv[2])
    elif len(sys.argv) >= 3 and sys.argv[1] == "photo":
        photo(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 1024)
    else:
        sys.exit(__doc__)
