"""Text normalisation shared by the classifier and the safety check."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """Lowercase, drop accents and punctuation: 'Café  DigiD!' -> 'cafe digid'."""
    # NFKD splits 'é' into 'e' + accent; the ASCII encode drops the accent (and any
    # non-Latin script, which the a-z0-9 filter would drop anyway).
    ascii_only = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return _NON_WORD.sub(" ", ascii_only).strip()
