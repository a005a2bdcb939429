"""Decoding text files: UTF-8 (with or without BOM), UTF-16 (BOM), CP932/Shift_JIS, EUC-JP.

Strict decoding is tried in a fixed order; a candidate is accepted only when the result
looks like text (few control characters). CP932 and EUC-JP byte sequences rarely decode
as each other *and* look like Japanese, so the order below is safe for plan documents.
"""

from __future__ import annotations

import codecs
import unicodedata

from ..errors import UnknownEncodingError, UnsupportedFormatError

#: Tried in this order after the BOM checks.
CANDIDATE_ENCODINGS = ("utf-8", "cp932", "euc_jp")
#: Above this share of control/unassigned characters, a decoding is not text.
MAX_CONTROL_SHARE = 0.01
#: Above this share of NUL bytes (without a UTF-16 BOM), the file is binary.
MAX_NUL_SHARE = 0.001


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(
        1 for c in text
        if (unicodedata.category(c) in {"Cc", "Cn", "Co", "Cs"} and c not in "\n\r\t\f")
    )
    return bad / len(text)


def _japanese_share(text: str) -> float:
    if not text:
        return 0.0
    jp = sum(1 for c in text if "\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef")
    return jp / len(text)


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Decode ``data``; return (text, encoding name). Raises a typed error otherwise."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as e:
            raise UnknownEncodingError("The file starts like UTF-16 but does not decode as it.", path=path) from e
    if data.count(0) > MAX_NUL_SHARE * len(data):
        raise UnsupportedFormatError("This is a binary file, not text or PDF.", path=path)
    candidates: list[tuple[str, str]] = []
    for encoding in CANDIDATE_ENCODINGS:
        try:
            text = data.decode(encoding, errors="strict")
        except UnicodeDecodeError:
            continue
        if _control_share(text) <= MAX_CONTROL_SHARE:
            candidates.append((text, encoding))
    if not candidates:
        raise UnknownEncodingError(
            "The text is not in UTF-8, Shift_JIS/CP932 or EUC-JP (or it is not text).", path=path
        )
    if len(candidates) == 1 or candidates[0][1] == "utf-8":
        return candidates[0]
    # Both CP932 and EUC-JP decoded: keep the one that reads more like Japanese.
    return max(candidates, key=lambda c: _japanese_share(c[0]))


def extract_text(data: bytes, path: str) -> tuple[str, str]:
    text, encoding = decode(data, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, encoding
