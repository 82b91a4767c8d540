"""The suggest API's answers, cached for anonymous callers (the view in api/ stays thin: issue 8).

An answer is public (public listings, no viewer in it) and the same for every caller who asks the
same text about the same place, with the same limit, in the same language and minute, at the same
supply version (every kind a suggestion depends on, ``matching_service.ANSWER_KINDS``, the
gazetteer's included: a postcode's point) and with the same classifier. So it is kept in
result_cache (this worker's own LRU of SUGGEST_CACHE_ENTRIES answers, or Redis shared by every
worker) under all of that, and a listing change is in the next answer after its commit, in every
worker (tests/test_suggest_cache.py). A signed-in caller is always answered without it: nothing
personal can enter or leave the cache.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from . import matching_service, result_cache
from .formatting import current_locale

NAMESPACE = "suggest"


def question(text: str, where: tuple, limit: int, minute: datetime, complete: bool = False) -> dict:
    """What an answer depends on besides the supply version: the key's own parts."""
    return {"text": text, "where": list(where), "limit": limit, "complete": complete, "locale": str(current_locale()),
            "minute": minute.isoformat(), "model": matching_service.model_version()}


def answer(session, text: str, where: tuple, limit: int, minute: datetime, compute: Callable[[], str],
           signed_in: bool, complete: bool = False) -> str:
    """The JSON body of the answer: ``compute()``'s, from the cache when it may be (anonymous callers)."""
    if signed_in:
        return compute()
    return result_cache.cached(session, NAMESPACE, question(text, where, limit, minute, complete), compute,
                               kinds=matching_service.ANSWER_KINDS,
                               backend=result_cache.own_memory("suggest_answers", "SUGGEST_CACHE_ENTRIES", 1024))
