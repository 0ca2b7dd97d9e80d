"""Text handling shared by every layer: NFC normalisation, diacritic folding, Vietnamese order.

Vietnamese arrives from keyboards and files in both composed (NFC) and decomposed (NFD)
forms; stored text is always NFC so that equality, hashing and search behave.
"""

import re
import unicodedata

_VI_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
# Tone marks are secondary: "ma" < "mà" < "mả" < "mã" < "má" < "mạ" (the usual dictionary order).
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Marks that make a distinct letter of the Vietnamese alphabet (ă, â, ê, ô, ơ, ư).
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
# Control characters; line separator (U+2028); paragraph separator (U+2029).
_NOT_IN_A_LINE = {"Cc", "Zl", "Zp"}


def nfc(text: str) -> str:
    """Normalise to NFC; every string entering the system goes through this."""
    return unicodedata.normalize("NFC", text)


def clean(text: str) -> str:
    """NFC, with surrounding whitespace removed."""
    return nfc(text).strip()


def not_in_a_line(text: str) -> str | None:
    """The first character of ``text`` that has no place in one line of text, if any: a
    control character (C0 or C1, so CR, LF and TAB too) or a Unicode line or paragraph
    separator."""
    return next((c for c in text if unicodedata.category(c) in _NOT_IN_A_LINE), None)


def fold(text: str) -> str:
    """Lower-case and strip diacritics so that "kiem soat" matches "Kiểm soát"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _letter_and_tone(char: str) -> tuple[str, int]:
    decomposed = unicodedata.normalize("NFD", char.lower())
    base = decomposed[0]
    tone = 0
    for mark in decomposed[1:]:
        if mark in _TONES:
            tone = _TONES[mark]
        elif mark in _LETTER_MARKS:
            base = unicodedata.normalize("NFC", base + mark)
    return base, tone


def sort_key(text: str) -> str:
    """A key whose plain (binary) order is Vietnamese dictionary order.

    Letters compare by their place in the Vietnamese alphabet (a < ă < â < b ... d < đ),
    tones only break ties, then case. The key uses only ``[0-9a-z]`` so it sorts the
    same under any database collation.
    """
    primary: list[str] = []
    secondary: list[str] = []
    for char in nfc(text):
        letter, tone = _letter_and_tone(char)
        position = _VI_ALPHABET.find(letter)
        if position >= 0:
            primary.append("l" + _base36(position + 10, 2))
        elif letter.isdigit():
            primary.append("d" + _base36(int(letter) if letter.isascii() else 0, 2))
        elif letter.isalpha():
            primary.append("m" + _base36(min(ord(letter), 36**4 - 1), 4))
        elif letter.isspace():
            primary.append("a00")
        else:
            primary.append("b" + _base36(min(ord(letter), 36**2 - 1), 2))
        secondary.append(str(tone))
    return "".join(primary) + "0" + "".join(secondary)


def _base36(number: int, width: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    for _ in range(width):
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out


def shorten(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters, cut at a word boundary with an ellipsis."""
    line = re.sub(r"\s+", " ", text).strip()
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-–") + "…"
