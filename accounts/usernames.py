"""Usernames that look alike are one username: `skeleton` is what a reader sees.

NFKC folds compatibility forms (fullwidth letters, ligatures), casefold folds case, and a small
map folds the Cyrillic and Greek letters that are drawn like Latin ones (the common spoofs; the
full Unicode confusables table is far larger). Capitals are mapped before case folding, since
Greek Ν looks like N while its small ν looks like v.
"""

from __future__ import annotations

import unicodedata

_CAPITALS = str.maketrans(
    {
        # Cyrillic
        "А": "A", "В": "B", "Е": "E", "Ѕ": "S", "І": "I", "Ј": "J", "К": "K", "М": "M",
        "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ү": "Y",
        # Greek
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
        "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    }
)  # fmt: skip
_SMALL = str.maketrans(
    {
        # Cyrillic
        "а": "a", "е": "e", "ё": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x",
        "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w",
        "ӏ": "l", "к": "k", "м": "m", "ү": "y",
        # Greek
        "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
        "υ": "u", "χ": "x", "ϲ": "c", "ϳ": "j",
        # Latin look-alikes
        "ı": "i", "ȷ": "j",
    }
)  # fmt: skip


def skeleton(username: str) -> str:
    """The form two usernames share when a reader cannot tell them apart."""
    folded = unicodedata.normalize("NFKC", username).translate(_CAPITALS).casefold()
    return unicodedata.normalize("NFKC", folded.translate(_SMALL))
