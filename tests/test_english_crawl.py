"""An English crawl: every role, in English, sees no Dutch interface text.

Each role of the authorisation world (tests/factories/authz_world.py) logs in, switches to English
(POST /taal) and visits the GET pages it can reach: from the home page and Mijn Buurtplein, every
same-site link it finds (two pages per endpoint: the states of a page differ, a list's pages and
filters would only multiply the crawl). On each page the visible text outside elements marked lang="nl" (the data people write in
Dutch, see marketplace/data_language.py) may not hold any Dutch interface text: a msgid of the
catalogue of three words or more whose English msgstr differs (the parts between placeholders
count on their own), nor a word only Dutch has (DUTCH_WORDS: Dutch that never went through _()).
A hit is a string outside _(), a missing English msgstr, or Dutch data without |nl.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from babel.messages.pofile import read_po
from werkzeug.exceptions import HTTPException

from marketplace.i18n import TRANSLATIONS
from marketplace.models import ROLES

from .factories import authz_world as aw
from .factories import login

SKIP = {"static", "auth.logout", "moderatie.confirm_listing", "auth.reset_password", "api.suggest",
        "api_docs.openapi_document", "voorzieningen.map_data"}
PER_ENDPOINT = 2  # pages per endpoint: the states differ (own, another's), the pages of a list do not
HREF = re.compile(r'href="([^"#]+)"')
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]+\}")
MIN_WORDS = 3
HIDDEN_TAGS = {"script", "style", "head", "template", "noscript", "textarea"}  # a textarea: what was typed
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
TEXT_ATTRIBUTES = ("alt", "aria-label", "placeholder", "title")


def _dutch_phrases() -> list[str]:
    """The catalogue's Dutch interface text that reads differently in English, cut at placeholders."""
    with open(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    phrases = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid, msgstr in zip(ids, strings + strings[-1:] * len(ids)):
            if msgid == msgstr or "<" in msgid:
                continue
            for part in PLACEHOLDER.split(msgid):
                words = part.split()
                if len(words) >= MIN_WORDS:
                    phrases.add(" ".join(words))
    return sorted(phrases)


class _VisibleText(HTMLParser):
    """The text a reader sees (and alt, aria-label, placeholder, title), without what lies inside
    an element with lang="nl". Each piece stays apart, so no phrase is made across two."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, hides its contents)
        self.pieces: list[str] = []

    def _hidden(self) -> bool:
        return any(hides for _tag, hides in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        hides = tag in HIDDEN_TAGS or attributes.get("lang") == "nl"
        if not hides and not self._hidden():
            self.pieces += [attributes[a] for a in TEXT_ATTRIBUTES if attributes.get(a)]
        if tag not in VOID:
            self.stack.append((tag, hides))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):  # forgiving: close up to the matching tag
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if data.strip() and not self._hidden():
            self.pieces.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return " | ".join(" ".join(piece.split()) for piece in parser.pieces)


def dutch_in(html: str, phrases: list[str], first_words: dict[str, list[str]]) -> list[str]:
    """The catalogue's Dutch phrases on the page, and any piece of text with a word only Dutch has."""
    text = visible_text(html)
    words = set(re.findall(r"\w+", text.lower()))
    found = [p for key, group in first_words.items() if key in words for p in group if p in text]
    return found + [piece for piece in text.split(" | ")
                    if DUTCH_WORDS & set(re.findall(r"\w+", piece.lower())) and not any(p in piece for p in found)]


@pytest.fixture(scope="module")
def crawl_app(base_config, _migrated):
    with aw.world_app(base_config) as app:
        yield app


# Mijn Buurtplein first (breadth first, its links are the role's own), then what no link leads to:
# an unknown page, a search with an unknown postcode, and the advice view answering a question.
SEEDS = ("/mijn/", "/", "/login", "/registreren", "/wachtwoord-vergeten", "/bestaat-niet",
         "/voorzieningen/?postcode=9999ZZ", "/koppelingen/advies?vraag=Mevrouw+is+eenzaam+en+heeft+schulden"
         "&postcode=7541AB")
# Words only Dutch has: Dutch text that never went through _() has no msgid, but it has these.
DUTCH_WORDS = frozenset({"en", "het", "een", "niet", "uw", "wij", "wordt", "zijn", "deze", "geen", "wilt", "kunt",
                         "heeft", "naar", "voor", "mensen", "ongeveer"})


def _crawl(app, client) -> dict[str, str]:
    adapter = app.url_map.bind("localhost")
    per_endpoint: Counter = Counter()
    seen: dict[str, str] = {}
    todo = deque(SEEDS)  # breadth first: what Mijn Buurtplein links to comes before the lists' pages
    while todo:
        url = todo.popleft()
        if url in seen:
            continue
        parts = urlsplit(url)
        try:
            endpoint, _args = adapter.match(parts.path, method="GET")
        except HTTPException:
            endpoint = "(no route)"  # the error page is read too
        if endpoint in SKIP or per_endpoint[endpoint] >= PER_ENDPOINT:
            continue
        per_endpoint[endpoint] += 1
        response = client.get(url)
        if response.mimetype != "text/html" or 300 <= response.status_code < 400:
            continue
        body = response.get_data(as_text=True)
        seen[url] = body
        for href in HREF.findall(body):
            target = urlsplit(urljoin(url, href.replace("&amp;", "&")))
            if target.netloc or not target.path.startswith("/") or target.path.startswith("/static/"):
                continue
            if "lang=" in target.query:  # a link that switches the language back
                continue
            todo.append(target.path + (f"?{target.query}" if target.query else ""))
    return seen


def _english_client(app, role: str):
    client = app.test_client()
    response = login(client, aw.email(role), aw.PASSWORD)
    assert response.status_code == 302
    client.get(response.headers["Location"])  # the welcome is shown here, in Dutch, before the switch
    client.post("/taal", data={"lang": "en"})
    return client


def test_every_role_sees_english_interface_text_only(crawl_app):
    phrases = _dutch_phrases()
    assert len(phrases) > 300  # the catalogue was read
    first_words: dict[str, list[str]] = {}
    for phrase in phrases:  # a phrase can only be on a page that has its first word
        first_words.setdefault(re.findall(r"\w+", phrase.lower())[0], []).append(phrase)
    found = []
    for role in ("anonymous", *ROLES):
        client = crawl_app.test_client() if role == "anonymous" else _english_client(crawl_app, role)
        if role == "anonymous":
            client.post("/taal", data={"lang": "en"})
        pages = _crawl(crawl_app, client)
        assert len(pages) > (15 if role == "anonymous" else 25), role  # the crawl really went round
        assert [url for url, body in pages.items() if '<html lang="en">' not in body] == [], role
        found += [f"{role} {url}: {phrase!r}" for url, body in pages.items()
                  for phrase in dutch_in(body, phrases, first_words)]
    found = sorted(set(found))
    assert not found, "\n".join(found[:80]) + f"\n({len(found)} in all)"


def test_text_inside_lang_nl_is_left_alone_and_text_outside_is_found():
    phrases = ["Kijk en antwoord", "Nog geen berichten."]
    first = {"kijk": ["Kijk en antwoord"], "nog": ["Nog geen berichten."]}
    page = ('<html lang="en"><head><title>Nog geen berichten.</title></head><body>'
            '<p><span lang="nl">Kijk en antwoord</span></p><p>Nog geen\n  berichten.</p>'
            '<img alt="Kijk en antwoord"><script>var s = "Kijk en antwoord";</script></body></html>')
    assert dutch_in(page, phrases, first) == ["Kijk en antwoord", "Nog geen berichten."]
    assert dutch_in(page.replace('<img alt="Kijk en antwoord">', ""), phrases, first) == ["Nog geen berichten."]
    assert dutch_in("<p>Dit is niet vertaald</p><p>Not a word of it, Anna van Dijk</p>", phrases, first) == [
        "Dit is niet vertaald"]
