"""Compact copies of the two Noto Serif CJK SC faces the documents use.

Why: a Noto CJK face has 65,535 glyphs. WeasyPrint subsets the fonts of every PDF but keeps the
glyph ids, so each PDF still carries metric tables sized for 65k glyphs, and copying and
compressing them is most of the render time. A copy cut down to GB 2312 (every hanzi of ordinary
official text), Latin and CJK punctuation, without the layout and vertical tables, has ~8k glyphs: documents render about twice as fast
and are half the size. Characters outside it (a rare character in a name) fall back to the full
system font through the CSS font list, so they still print as glyphs, never as boxes.

The copies are made once per machine with HarfBuzz's subsetter (the library WeasyPrint itself
uses) into settings.DOCUMENTS_FONT_DIR, named after the source file's size and date and the recipe
below, so a font package upgrade or a changed recipe makes new ones. If anything is missing (no fonts, no libharfbuzz-subset), the
documents use the system fonts directly: slower, same result.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import tempfile
import threading
from functools import cache
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

FAMILY = "DocSerif"
SYSTEM_FAMILY = "Noto Serif CJK SC"
SOURCE_FACES = {"normal": f"{SYSTEM_FAMILY}:style=Regular", "bold": f"{SYSTEM_FAMILY}:style=Bold"}
# Latin, Latin-1, general punctuation, number forms, arrows, box drawing, CJK symbols (〔〕《》、。),
# enclosed numerals, full-width forms.
RANGES = [
    (0x0020, 0x007E),
    (0x00A0, 0x017F),
    (0x2000, 0x206F),
    (0x2100, 0x218F),
    (0x2190, 0x21FF),
    (0x2460, 0x24FF),
    (0x2500, 0x257F),
    (0x25A0, 0x25FF),
    (0x3000, 0x303F),
    (0xFF00, 0xFFEF),
]

# Layout and vertical-writing tables: horizontal Chinese needs neither (WeasyPrint drops GSUB and
# GPOS from every PDF anyway). Without them the copy has ~8k glyphs instead of ~13k, which makes
# every PDF's subset smaller and faster.
DROP_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "vhea", "vmtx", "VORG")
HB_SUBSET_SETS_DROP_TABLE_TAG = 3

_lock = threading.Lock()


def _gb2312() -> list[int]:
    codepoints = []
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                codepoints.append(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return codepoints


def _locate(pattern: str) -> tuple[Path, int] | None:
    """(file, face index) of a system face: fontconfig's answer, else the Debian file names."""
    return _locate_fontconfig(pattern) or _locate_debian(pattern)


def _locate_debian(pattern: str) -> tuple[Path, int] | None:
    from fontTools.ttLib import TTCollection

    style = pattern.rsplit("=", 1)[-1]
    for source in Path("/usr/share/fonts").glob(f"**/NotoSerifCJK-{style}.ttc"):
        for index, face in enumerate(TTCollection(str(source), lazy=True).fonts):
            if face["name"].getDebugName(1) == SYSTEM_FAMILY:
                return source, index
    return None


def _locate_fontconfig(pattern: str) -> tuple[Path, int] | None:
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}\t%{index}\t%{family}", pattern],
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, index, family = [*out.split("\t"), "", "", ""][:3]
    if SYSTEM_FAMILY not in family or not path:
        return None
    return Path(path), int(index or 0)


def _harfbuzz():
    from cffi import FFI

    ffi = FFI()
    ffi.cdef(
        """
        typedef struct hb_blob_t hb_blob_t;
        typedef struct hb_face_t hb_face_t;
        typedef struct hb_set_t hb_set_t;
        typedef struct hb_subset_input_t hb_subset_input_t;
        hb_blob_t *hb_blob_create_from_file_or_fail(const char *file_name);
        void hb_blob_destroy(hb_blob_t *blob);
        const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
        hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
        void hb_face_destroy(hb_face_t *face);
        hb_blob_t *hb_face_reference_blob(hb_face_t *face);
        hb_subset_input_t *hb_subset_input_create_or_fail(void);
        void hb_subset_input_destroy(hb_subset_input_t *input);
        hb_set_t *hb_subset_input_unicode_set(hb_subset_input_t *input);
        void hb_set_add_range(hb_set_t *set, uint32_t first, uint32_t last);
        void hb_set_add(hb_set_t *set, uint32_t codepoint);
        hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
        hb_set_t *hb_subset_input_set(hb_subset_input_t *input, int set_type);
        uint32_t hb_tag_from_string(const char *str, int len);
        """
    )
    return ffi, ffi.dlopen("libharfbuzz-subset.so.0")


def _subset(source: Path, index: int) -> bytes:
    ffi, hb = _harfbuzz()
    blob = hb.hb_blob_create_from_file_or_fail(str(source).encode())
    if blob == ffi.NULL:
        raise OSError(f"cannot read {source}")
    face = hb.hb_face_create(blob, index)
    subset_input = hb.hb_subset_input_create_or_fail()
    try:
        unicodes = hb.hb_subset_input_unicode_set(subset_input)
        for first, last in RANGES:
            hb.hb_set_add_range(unicodes, first, last)
        for codepoint in _gb2312():
            hb.hb_set_add(unicodes, codepoint)
        dropped = hb.hb_subset_input_set(subset_input, HB_SUBSET_SETS_DROP_TABLE_TAG)
        for tag in DROP_TABLES:
            hb.hb_set_add(dropped, hb.hb_tag_from_string(tag.encode("ascii"), -1))
        result = hb.hb_subset_or_fail(face, subset_input)
        if result == ffi.NULL:
            raise OSError(f"HarfBuzz could not subset {source}")
        out_blob = hb.hb_face_reference_blob(result)
        length = ffi.new("unsigned int *")
        data = hb.hb_blob_get_data(out_blob, length)
        content = ffi.buffer(data, length[0])[:]
        hb.hb_blob_destroy(out_blob)
        hb.hb_face_destroy(result)
        return content
    finally:
        hb.hb_subset_input_destroy(subset_input)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)


def _build(weight: str, directory: Path) -> Path | None:
    located = _locate(SOURCE_FACES[weight])
    if located is None:
        return None
    source, index = located
    stat = source.stat()
    recipe = f"{source}:{index}:{stat.st_size}:{stat.st_mtime_ns}:{RANGES}:{DROP_TABLES}"
    tag = hashlib.sha256(recipe.encode()).hexdigest()[:12]
    target = directory / f"{FAMILY}-{weight}-{tag}.otf"
    if target.exists():
        return target
    content = _subset(source, index)
    directory.mkdir(parents=True, exist_ok=True)
    # Written beside and renamed: two workers building at once both end with a whole file.
    with tempfile.NamedTemporaryFile(dir=directory, suffix=".part", delete=False) as handle:
        handle.write(content)
    os.chmod(handle.name, 0o644)
    os.replace(handle.name, target)
    return target


@cache
def compact_fonts() -> dict[str, Path]:
    """{"normal": path, "bold": path}, or {} when the compact copies cannot be made here."""
    directory = Path(settings.DOCUMENTS_FONT_DIR)
    with _lock:
        try:
            files = {weight: _build(weight, directory) for weight in SOURCE_FACES}
        except Exception:  # a missing library must not stop documents: fall back to system fonts
            logger.warning("documents: compact fonts unavailable, using system fonts", exc_info=True)
            return {}
    if not all(files.values()):
        logger.warning("documents: %s not found by fontconfig, using system fonts", SYSTEM_FAMILY)
        return {}
    return files


def font_face_css() -> str:
    return "".join(
        f'@font-face {{ font-family: "{FAMILY}"; src: url("{path.as_uri()}"); font-weight: {weight}; }}\n'
        for weight, path in compact_fonts().items()
    )


def font_stack() -> str:
    families = [f'"{FAMILY}"'] if compact_fonts() else []
    return ", ".join([*families, f'"{SYSTEM_FAMILY}"', '"Noto Serif CJK"', "serif"])
