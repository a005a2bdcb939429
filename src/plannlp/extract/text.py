"""Decoding text files: UTF-8 (with or without BOM), UTF-16 (BOM), CP932/Shift_JIS, EUC-JP.

The order of checks (pdfplumber style: every threshold is named below):

1. A byte-order mark decides: UTF-8 BOM → ``utf-8-sig``; UTF-16 BOM → ``utf-16``.
2. UTF-16 without a BOM: NUL bytes nearly all at odd offsets (little-endian) or at even
   ones (big-endian; :data:`MIN_NUL_PARITY`: the high byte of every ASCII character, the
   newlines and digits of a Japanese text) → decoded as that, if it then reads as text.
   Otherwise NUL bytes (more than :data:`MAX_NUL_SHARE`) or the signature of a known binary
   format (ZIP/Office, images …) → :class:`~plannlp.errors.UnsupportedFormatError`.
3. Strict UTF-8. A long Japanese text in CP932 or EUC-JP essentially never decodes as
   UTF-8, so a strict success is accepted (when it is text: few control characters).
4. Strict CP932, EUC-JP, Shift_JIS-2004 and EUC-JIS-2004. Short files can decode under
   more than one of them, so each result is scored by how much it reads like Japanese
   (:func:`japanese_score`: hiragana and kanji up, half-width katakana and rare symbols
   down — a mis-decoded file is mostly half-width katakana and odd kanji). The best
   scoring decode wins; if none reads as Japanese → :class:`UnknownEncodingError`.

Newlines are normalised to ``\\n`` (CRLF and lone CR). Nothing else changes, so an offset
into ``raw_text`` is an offset into the decoded file with CRLF counted as one character.
"""

from __future__ import annotations

import codecs
import unicodedata

from ..errors import UnknownEncodingError, UnsupportedFormatError

#: Tried in this order after the BOM checks and UTF-8 (ties in score keep this order).
LEGACY_ENCODINGS = ("cp932", "euc_jp", "shift_jis_2004", "euc_jis_2004")
#: Above this share of control/unassigned characters, a decoding is not text.
MAX_CONTROL_SHARE = 0.01
#: Above this share of NUL bytes (and not UTF-16), the file is binary.
MAX_NUL_SHARE = 0.001
#: UTF-16 without a BOM: at least this share of the NUL bytes sit at offsets of one parity
#: (odd: little-endian, even: big-endian). A binary file's NULs fall on both about evenly.
MIN_NUL_PARITY = 0.95
#: A legacy decode must score at least this (see :func:`japanese_score`) to be accepted.
MIN_JAPANESE_SCORE = 0.1
#: Weight of a half-width katakana character in :func:`japanese_score` (they occur in real
#: plans, e.g. ｱﾝｹｰﾄ in seed 002, but a whole file of them is EUC-JP read as CP932).
HALF_WIDTH_KATAKANA_WEIGHT = -0.5
#: A legacy decode must have at least this share of kana (hiragana or full-width katakana)
#: among its non-ASCII characters: Japanese prose is about a third hiragana (seeds: 33–44 %),
#: while Latin-1 or Cyrillic bytes read as CP932 give kanji and half-width katakana only.
MIN_KANA_SHARE = 0.05
#: ...unless the decode is this clean (kanji-only headings such as 行財政経営 have no kana).
MIN_SCORE_WITHOUT_KANA = 0.9

#: Leading bytes of binary formats people may hand us instead of a PDF or a text file.
BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (Word .docx, Excel .xlsx or PowerPoint .pptx are ZIP files)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file (.doc/.xls)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip archive"),
)


#: Latin-1 symbols that JIS also has (× ÷ ° ± ¶ §): neutral in :func:`japanese_score`.
NEUTRAL_SYMBOLS = frozenset("×÷°±¶§¨´")


def _is_control(c: str) -> bool:
    return c not in "\n\r\t\f" and unicodedata.category(c) in {"Cc", "Cn", "Co", "Cs"}


def control_share(text: str) -> float:
    """Share of control, private-use and unassigned characters (0 for clean text)."""
    if not text:
        return 0.0
    return sum(1 for c in text if _is_control(c)) / len(text)


def japanese_score(text: str) -> float:
    """How much the non-ASCII part of ``text`` reads like Japanese, in [-1, 1].

    Hiragana, katakana, common kanji (U+4E00–U+9FFF), Japanese punctuation and full-width
    forms count +1; general punctuation and symbols (U+2000–U+27BF: ● ◆ ① ※ →) are
    neutral and not counted; half-width katakana (U+FF61–U+FF9F: what EUC-JP bytes become when read
    as CP932) count :data:`HALF_WIDTH_KATAKANA_WEIGHT`; everything else -1. The sum is
    divided by the number of characters counted; a text with none scores 1.
    """
    plus = minus = 0.0
    total = 0
    for c in text:
        if c < "\x80" or c in NEUTRAL_SYMBOLS or "\u2000" <= c <= "\u27bf":
            continue  # ASCII, and symbols plans use (● ◆ ① ※ × °)
        total += 1
        if "\uff61" <= c <= "\uff9f":
            minus -= HALF_WIDTH_KATAKANA_WEIGHT
        elif ("\u3000" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" or "\uff01" <= c <= "\uff5e"):
            plus += 1
        else:
            minus += 1
    return 1.0 if total == 0 else (plus - minus) / total


def kana_share(text: str) -> float:
    """Share of hiragana and full-width katakana among the non-ASCII characters (1 if none)."""
    non_ascii = [c for c in text if c >= "\x80"]
    if not non_ascii:
        return 1.0
    return sum(1 for c in non_ascii if "\u3041" <= c <= "\u30ff") / len(non_ascii)


def looks_japanese(text: str) -> bool:
    """True when a decode reads as Japanese text (see the thresholds above)."""
    score = japanese_score(text)
    if score < MIN_JAPANESE_SCORE:
        return False
    return score >= MIN_SCORE_WITHOUT_KANA or kana_share(text) >= MIN_KANA_SHARE


def binary_kind(data: bytes) -> str | None:
    """What binary format ``data`` is, if it starts like one we know (else None)."""
    for signature, kind in BINARY_SIGNATURES:
        if data.startswith(signature):
            return kind
    return None


def utf16_byte_order(data: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when the NUL bytes sit at alternating offsets as in UTF-16
    text without a BOM (see :data:`MIN_NUL_PARITY`); None otherwise."""
    nuls = data.count(0)
    if len(data) < 4 or len(data) % 2 or nuls <= MAX_NUL_SHARE * len(data):
        return None
    odd = data[1::2].count(0)
    if odd >= MIN_NUL_PARITY * nuls:
        return "utf-16-le"
    if nuls - odd >= MIN_NUL_PARITY * nuls:
        return "utf-16-be"
    return None


def decode_utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) for UTF-16 text without a BOM that reads as text; None otherwise."""
    encoding = utf16_byte_order(data)
    if encoding is None:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    if "\x00" in text or control_share(text) > MAX_CONTROL_SHARE or not looks_japanese(text):
        return None
    return text, encoding


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Decode ``data``; return (text, encoding name). Raises a typed error otherwise."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as e:
            raise UnknownEncodingError(
                f"The file starts with a UTF-8 mark but byte {e.start} is not UTF-8.", path=path
            ) from e
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as e:
            raise UnknownEncodingError(
                "The file starts like UTF-16 but does not decode as it.", path=path
            ) from e
    kind = binary_kind(data)
    if kind is not None:
        raise UnsupportedFormatError(f"This is {kind}, not a PDF or text file.", path=path)
    utf16 = decode_utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    if data.count(0) > MAX_NUL_SHARE * len(data):
        raise UnsupportedFormatError("This is a binary file, not text or PDF.", path=path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if control_share(text) <= MAX_CONTROL_SHARE:
            return text, "utf-8"
        raise UnsupportedFormatError(
            "This file holds control characters, not text (a binary file?).", path=path
        )
    best: tuple[float, str, str] | None = None
    for encoding in LEGACY_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if control_share(text) > MAX_CONTROL_SHARE or not looks_japanese(text):
            continue
        score = japanese_score(text)
        if best is None or score > best[0]:
            best = (score, text, encoding)
    if best is None:
        raise UnknownEncodingError(
            "The text is not in UTF-8, Shift_JIS/CP932 or EUC-JP (or it is not Japanese text).",
            path=path,
        )
    return best[1], best[2]


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR → LF (the only change made to a decoded text file)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def extract_text(data: bytes, path: str) -> tuple[str, str]:
    """Decoded, newline-normalised text and the encoding detected."""
    text, encoding = decode(data, path)
    return normalise_newlines(text), encoding
