#!/usr/bin/env python3
"""Draws the default theme's icon, static/favicon.ico (16, 32 and 48 px in one file).

The mark is the masthead's seal: a square in 人大红 with a gold frame and the character 评 in
gold, the colours of assets/site.css (--accent-bg, --gold). At 16 px the frame would leave the
character no room: that size is the character alone, as large as it goes.

    pip install pillow
    python3 themes/default/tools/favicon.py [--font FONT.ttc] [--out static/favicon.ico]

The character is drawn with a bold Chinese serif font (Noto Serif CJK, 思源宋体); name another
with --font. The .ico is committed: building a site needs neither Python nor the font.
"""

import argparse
import io
import os
import sys

from PIL import Image, ImageDraw, ImageFont

RED = (180, 28, 33, 255)    # --accent-bg #b41c21
GOLD = (247, 212, 138, 255)  # --gold #f7d48a
SIZES = (16, 32, 48)
SCALE = 8  # drawn this many times larger, then reduced: smooth edges without blur

FONTS = [
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Black.ttc",
    "/usr/share/fonts/noto-cjk/NotoSerifCJK-Bold.ttc",
    "/System/Library/Fonts/Supplemental/Songti.ttc",
    "C:/Windows/Fonts/simsun.ttc",
]


def find_font(named):
    for path in [named] if named else FONTS:
        if path and os.path.exists(path):
            return path
    sys.exit("找不到中文宋体字体，请用 --font 指定（例如 Noto Serif CJK SC Bold）")


def sc_font(path, px):
    """The simplified-Chinese face of `path`: in a .ttc of Noto Serif CJK, index 0 is Japanese."""
    for index in range(10):
        try:
            f = ImageFont.truetype(path, px, index=index)
        except OSError:
            break
        if "SC" in " ".join(f.getname()):
            return f
    return ImageFont.truetype(path, px)


def draw(size, font_path):
    big = size * SCALE
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 8, fill=RED)
    if size < 32:
        # At 16 px the frame would crowd the character out: the character alone, larger.
        d.text((big / 2, big / 2), "评", font=sc_font(font_path, round(big * 0.86)), fill=GOLD, anchor="mm")
        return img.resize((size, size), Image.LANCZOS)
    # The gold frame, a little inside the edge, as on the seal.
    inset = max(1, round(size / 10)) * SCALE
    line = max(1, round(size / 20)) * SCALE
    d.rounded_rectangle(
        (inset, inset, big - 1 - inset, big - 1 - inset),
        radius=big // 14,
        outline=GOLD,
        width=line,
    )
    d.text((big / 2, big / 2), "评", font=sc_font(font_path, round(big * 0.56)), fill=GOLD, anchor="mm")
    return img.resize((size, size), Image.LANCZOS)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--font")
    ap.add_argument("--out", default=os.path.join(here, "..", "static", "favicon.ico"))
    ap.add_argument("--preview", help="also write the sizes side by side, enlarged, to this PNG")
    args = ap.parse_args()
    font = find_font(args.font)
    images = [draw(s, font) for s in SIZES]
    # Pillow writes every size in `sizes` from the largest image; give it each one drawn for
    # its size instead, through append_images.
    buf = io.BytesIO()
    images[-1].save(buf, format="ICO", sizes=[(s, s) for s in SIZES], append_images=images[:-1])
    with open(args.out, "wb") as f:
        f.write(buf.getvalue())
    if args.preview:
        sheet = Image.new("RGBA", (sum(s * 4 for s in SIZES) + 40, 48 * 4 + 20), (255, 255, 255, 255))
        x = 10
        for s, im in zip(SIZES, images):
            sheet.paste(im.resize((s * 4, s * 4), Image.NEAREST), (x, 10))
            x += s * 4 + 10
        sheet.save(args.preview)


if __name__ == "__main__":
    main()
