"""Phone numbers and e-mail addresses typed into public text.

A resident who writes "Bel mij op 06-98765432" in a request makes that number public once
the request is approved, and it is printed on the board. Contact details travel only through
the contact-sharing step of a match, so posts keep a mask in their place: the text is masked
when it is written (every page, feed, board, mail, API and export then shows the mask), the
writer is told why, and the post is flagged for the preventiemakelaar.
"""

from __future__ import annotations

import re

MASK = "[contactgegevens verborgen]"

_SEP = r"[\s.\-/]*"
# Dutch numbers: 0 + 9 digits (06-12345678, 053 123 45 67), or +31 / 0031 and 9 digits.
_PHONE = re.compile(
    rf"(?<![\d+])(?:(?:\+|00){_SEP}31{_SEP}(?:\(0\){_SEP})?[1-9](?:{_SEP}\d){{8}}|0[1-9](?:{_SEP}\d){{8}})(?!\d)")
_EMAIL = re.compile(r"[\w.+\-]+\s*(?:@|\(at\)|\[at\])\s*[\w\-]+(?:\.[\w\-]+)*\.[a-z]{2,}", re.IGNORECASE)


def find(text: str | None) -> list[str]:
    """The phone numbers and e-mail addresses in ``text``."""
    if not text:
        return []
    return [m.group(0) for m in _EMAIL.finditer(text)] + [m.group(0) for m in _PHONE.finditer(text)]


def mask(text: str | None) -> str | None:
    if not text:
        return text
    return _PHONE.sub(MASK, _EMAIL.sub(MASK, text))
