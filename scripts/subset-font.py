#!/usr/bin/env python3
"""Makes the CJK font the apps carry: Noto Sans CJK SC (SIL OFL 1.1), cut down
to GB2312, ASCII, common punctuation and every character the project itself
uses, and renamed "Yimen Sans SC" so that it is never mistaken for a font the
machine has installed.

Needs fonttools (pip install fonttools) and Debian's fonts-noto-cjk.
Run from the repository root: python3 scripts/subset-font.py
"""
import glob
import pathlib

from fontTools import subset
from fontTools.ttLib import TTCollection

SOURCES = {
    "Regular": "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "Bold": "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
}
SC = 2  # index of Noto Sans CJK SC in the collections
FAMILY = "Yimen Sans SC"


def characters():
    chars = set(chr(c) for c in range(0x20, 0x7F))
    # GB2312: rows 0xA1-0xF7, columns 0xA1-0xFE.
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.update(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    chars.update("，。、；：？！“”‘’（）《》【】—…·￥％＋－×÷＝～℃№→←↑↓✓✗●○★☆■□◆◇▲△▼")
    for pattern in ["kiosk-config/**/*.toml", "ui/**/*.slint", "src/**/*.rs", "bench/**/*.toml"]:
        for path in glob.glob(pattern, recursive=True):
            chars.update(pathlib.Path(path).read_text(encoding="utf-8"))
    return "".join(sorted(c for c in chars if c.isprintable()))


def main():
    text = characters()
    out = pathlib.Path("ui/fonts")
    out.mkdir(parents=True, exist_ok=True)
    for style, source in SOURCES.items():
        font = TTCollection(source).fonts[SC]
        options = subset.Options()
        options.hinting = False
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=text)
        subsetter.subset(font)
        name = font["name"]
        for record in name.names:
            if record.nameID in (1, 16):
                record.string = FAMILY
            elif record.nameID in (4,):
                record.string = f"{FAMILY} {style}"
            elif record.nameID == 6:
                record.string = f"YimenSansSC-{style}"
        target = out / f"YimenSansSC-{style}.otf"
        font.save(target)
        print(f"{target}: {len(text)} characters, {target.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
