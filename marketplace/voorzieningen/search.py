"""Full-text search over voorzieningen that forgives spelling, on SQLite and PostgreSQL.

One interface: ``search_voorzieningen(session, text) -> [ids, best first]``.

How it forgives: text and query are folded (lower case, no accents: "Taalcafé" → "taalcafe"),
and every query word is widened with look-alike words from the listings themselves
(difflib: "taalkafe" → "taalcafe", "formulierbrigade" → "formulierenbrigade"; and Dutch
compounds that contain it: "brigade" → "formulierenbrigade"). Words also match as prefixes
("wandel" → "wandelgroep"). The database then ranks the documents; when the words name an
organisation ("Buurtwerk Oost"), that organisation's voorzieningen come first.

Engines:
- PostgreSQL: table ``voorziening_search`` (made by the migration) with a generated
  ``tsvector`` column (config 'dutch') and a GIN index; no pg_trgm needed.
- SQLite: an FTS5 table ``voorziening_fts`` (unicode61 tokenizer, prefix queries) and its state table,
  made by migration d0c0de5e55d0 and shared by every connection (a TEMP table per connection
  was rebuilt by every pooled connection of every worker: 12-20 s each at 10^5 listings).

A search first compares a fingerprint of the listings (the last id and the newest entry of the
supply_change log for a voorziening) with the one its connection saw last; only when it changed does it look for stale rows. The word list
for the forgiving part is read once per process and fingerprint, not per search.

Both indexes are a cache of documents built here. Each row remembers the ``updated_at`` it
was built from, so a search first refreshes only stale rows: writes that bypass the service
(factories, imports, the demo) can never leave the index wrong. ``reindex`` rebuilds all.
"""

from __future__ import annotations

import bisect
import difflib
import logging
import re
import threading
import unicodedata
from collections import defaultdict

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import Integer, bindparam, column, text
from sqlalchemy.engine import Connection
from sqlmodel import Session, select

from ..db import joined_to_test, side_commit, side_connection
from ..models import (Area, Category, Location, Organisation, Voorziening, VoorzieningCategory,
                     VoorzieningLocation)

log = logging.getLogger(__name__)

# Short words that say nothing about what someone looks for.
STOPWORDS = frozenset("""
de het een en of in op te van voor met bij aan om tot naar over uit door als ik u je jij we wij
mijn uw is zijn er die dat dit wat wie waar hoe kan wil help hulp graag ook niet geen
""".split())
MIN_WORD = 3           # "ik", "u": too short to say what someone looks for
FUZZY_CUTOFF = 0.8     # difflib ratio: "taalkafe"/"taalcafe" = 0.875
MAX_VARIANTS = 6       # per query word, so a short word does not match everything
COMPOUND_PART = 5      # "brigade" finds "formulierenbrigade"; "eten" must not find "weten"
CHUNK = 500            # ids per IN (...): far below SQLite's 32,766 bound parameters


# --------------------------------------------------------------------------- text


def fold(value: str | None) -> str:
    """Lower case without accents: 'Taalcafé' → 'taalcafe'."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def words(value: str | None) -> list[str]:
    """Meaningful words of a text, folded."""
    return [w for w in re.findall(r"[a-z0-9]+", fold(value)) if len(w) >= MIN_WORD and w not in STOPWORDS]


def _meaningful(terms) -> set[str]:
    """Index terms that words() would also give: [a-z0-9]+, long enough, not a stopword."""
    return {t for t in terms if len(t) >= MIN_WORD and t not in STOPWORDS and _WORD.fullmatch(t)}


_WORD = re.compile(r"[a-z0-9]+")


def expand(query_words: list[str], vocabulary) -> list[list[str]]:
    """Each query word with the listing words it probably means (the word itself first)."""
    ordered_vocab = vocabulary if isinstance(vocabulary, list) else sorted(vocabulary)
    known = set(ordered_vocab) if not isinstance(vocabulary, (set, frozenset)) else vocabulary
    groups = []
    for word in query_words:
        variants = [word]
        if word not in known:
            variants += difflib.get_close_matches(word, ordered_vocab, n=3, cutoff=FUZZY_CUTOFF)
        if len(word) >= COMPOUND_PART:
            variants += [v for v in ordered_vocab if word in v and v != word][:MAX_VARIANTS]
        groups.append(list(dict.fromkeys(variants))[:MAX_VARIANTS])
    return groups


# --------------------------------------------------------------------------- documents


def build_documents(session: Session, ids: list[int] | None = None) -> dict[int, tuple[str, object]]:
    """{voorziening id: (folded document, updated_at)}: everything a resident might type."""
    if ids is not None:
        documents: dict = {}
        for start in range(0, len(ids), CHUNK):  # never more ids in one IN (...) than SQLite binds
            documents.update(_build_documents(session, ids[start:start + CHUNK]))
        return documents
    return _build_documents(session, None)


def _build_documents(session: Session, ids: list[int] | None) -> dict[int, tuple[str, object]]:
    stmt = select(Voorziening, Organisation.name).join(Organisation, Organisation.id == Voorziening.organisation_id)
    categories = (select(VoorzieningCategory.voorziening_id, Category.name_nl, Category.keywords)
                  .join(Category, Category.id == VoorzieningCategory.category_id))
    locations = (select(VoorzieningLocation.voorziening_id, Location.name, Location.address, Area.name)
                 .join(Location, Location.id == VoorzieningLocation.location_id)
                 .outerjoin(Area, Area.id == Location.buurt_id))
    if ids is not None:
        if not ids:
            return {}
        stmt = stmt.where(Voorziening.id.in_(ids))
        categories = categories.where(VoorzieningCategory.voorziening_id.in_(ids))
        locations = locations.where(VoorzieningLocation.voorziening_id.in_(ids))
    rows = session.exec(stmt).all()
    extra: dict[int, list[str]] = defaultdict(list)
    for vid, name, keywords in session.exec(categories).all():
        extra[vid] += [name, keywords]
    for vid, loc_name, address, buurt in session.exec(locations).all():
        extra[vid] += [loc_name, address, buurt or ""]
    documents = {}
    for v, org_name in rows:
        parts = [v.name, v.name, org_name, v.description, v.eligibility or "", *extra[v.id]]
        documents[v.id] = (" ".join(fold(p) for p in parts if p), v.updated_at)
    return documents


def _fingerprint(connection: Connection) -> tuple:
    """Changes whenever a listing is added, removed or updated: the highest id (rows added in bulk)
    and the newest supply_change entry of a voorziening (every change through the ORM, in the same
    transaction). Two index lookups; ``max(updated_at)`` read every row (28 ms CPU per search at
    10^5 on SQLite, the largest single cost of a warm search)."""
    highest = connection.execute(text("SELECT max(id) FROM voorziening")).scalar()
    latest = connection.execute(text(
        "SELECT id, created_at FROM supply_change WHERE kind = 'voorziening' ORDER BY id DESC LIMIT 1")).first()
    return (highest, *(tuple(latest) if latest else (0, None)))


_VOCABULARY: dict[tuple, tuple[tuple, list[str]]] = {}  # (database, engine) -> (fingerprint, words)
_REFRESHING: set[tuple] = set()
_VOCABULARY_LOCK = threading.Lock()


def _vocabulary(index, connection: Connection, fingerprint: tuple) -> list[str]:
    """The index's words, sorted; read once per process and state of the listings, not per search.

    Reading them takes 0.4 s on SQLite but 8.6 s on PostgreSQL at 10^5 listings (ts_stat folds every
    document again). In production (MATCHER_AT_STARTUP) the words are read at start-up in gunicorn's
    master (``warm_up``) and, after a change to the listings, again on a background thread while the
    previous words answer: the forgiving part then misses a new listing's look-alike words for those
    seconds (the word as typed still matches), and no search waits. Elsewhere they are read at once."""
    key = _vocabulary_key(connection.engine)
    held = _VOCABULARY.get(key)
    if held is not None and held[0] == fingerprint:
        return held[1]
    if held is not None and _in_background():
        engine = connection.engine
        _refresh_later(key, fingerprint, lambda: _read_vocabulary(engine))
        return held[1]
    found = sorted(index.vocabulary())
    _VOCABULARY[key] = (fingerprint, found)
    return found


def vocabulary_state(session: Session):
    """Which words the forgiving part uses now in this process (for the key of a cached text search:
    an answer found with the previous words is not reused once the new ones are in)."""
    bind = session.get_bind()
    return _GENERATION.get(_vocabulary_key(getattr(bind, "engine", bind)), 0)


def _vocabulary_key(engine) -> tuple:
    """Which database's words (one process may serve several: tests, a restore)."""
    return str(engine.url), engine.dialect.name


_GENERATION: dict[tuple, int] = {}  # words replaced beside the requests (a read in a request changes
# nothing here: it comes with a new fingerprint, so with a new supply version in every cache key)


def replace_vocabulary(key: tuple, held: tuple[tuple, list[str]]) -> None:
    """New words read beside the requests: cached text searches found with the old ones are not reused."""
    _VOCABULARY[key] = held
    _GENERATION[key] = _GENERATION.get(key, 0) + 1


def _in_background() -> bool:
    from flask import current_app, has_app_context

    from ..matching_service import builds_at_startup
    return has_app_context() and builds_at_startup(current_app.config)


def _read_vocabulary(engine) -> tuple[tuple, list[str]]:
    with engine.connect() as connection:
        fingerprint = _fingerprint(connection)
        return fingerprint, sorted(_index_for(connection).vocabulary())


def _refresh_later(key: tuple, fingerprint: tuple, read) -> threading.Thread | None:
    """Read the words again on a thread of this worker, one refresh at a time per database."""
    with _VOCABULARY_LOCK:
        if key in _REFRESHING:
            return None
        _REFRESHING.add(key)

    def refresh() -> None:
        try:
            replace_vocabulary(key, read())
        except Exception:  # the old words keep answering; the next search tries again
            log.exception("De woordenlijst van de zoekindex is niet opnieuw gelezen")
        finally:
            with _VOCABULARY_LOCK:
                _REFRESHING.discard(key)

    thread = threading.Thread(target=refresh, name="buurtplein-search-words", daemon=True)
    thread.start()
    return thread


def warm_up(app) -> None:
    """Read the index's words now (gunicorn's master, before the workers fork: they share them)."""
    from ..db import get_engine
    with app.app_context():
        engine = get_engine()
        fingerprint, found = _read_vocabulary(engine)
        _VOCABULARY[_vocabulary_key(engine)] = (fingerprint, found)
        engine.dispose()


# --------------------------------------------------------------------------- engines


class _SQLiteIndex:
    """FTS5 table voorziening_fts (migration d0c0de5e55d0), shared by all connections, refreshed from stale rows."""

    def __init__(self, connection: Connection):
        self.c = connection

    def create(self) -> None:
        self.c.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS voorziening_fts "
                            "USING fts5(document, tokenize='unicode61 remove_diacritics 2')"))
        self.c.execute(text("CREATE TABLE IF NOT EXISTS voorziening_fts_state "
                            "(voorziening_id INTEGER PRIMARY KEY, source_updated_at TEXT)"))

    def ensure(self) -> None:
        stale = [r[0] for r in self.c.execute(text(
            "SELECT v.id FROM voorziening v LEFT JOIN voorziening_fts_state s ON s.voorziening_id = v.id "
            "WHERE s.voorziening_id IS NULL OR s.source_updated_at IS NOT CAST(v.updated_at AS TEXT)"))]
        gone = [r[0] for r in self.c.execute(text(
            "SELECT voorziening_id FROM voorziening_fts_state WHERE voorziening_id NOT IN "
            "(SELECT id FROM voorziening)"))]
        if stale or gone:
            self.write(_documents(self.c, stale), remove=gone)

    def write(self, documents: dict, remove: list[int] = ()) -> None:
        # executemany: one statement per kind of change, not two per listing.
        gone = [{"id": vid} for vid in [*documents, *remove]]
        if gone:
            self.c.execute(text("DELETE FROM voorziening_fts WHERE rowid = :id"), gone)
            self.c.execute(text("DELETE FROM voorziening_fts_state WHERE voorziening_id = :id"), gone)
        if documents:
            self.c.execute(text("INSERT INTO voorziening_fts (rowid, document) VALUES (:id, :doc)"),
                           [{"id": vid, "doc": document} for vid, (document, _at) in documents.items()])
            # The stamp is read back from SQLite, so it compares equal in ensure().
            self.c.execute(text("INSERT INTO voorziening_fts_state (voorziening_id, source_updated_at) "
                                "SELECT id, CAST(updated_at AS TEXT) FROM voorziening WHERE id = :id"),
                           [{"id": vid} for vid in documents])

    def clear(self) -> None:
        self.create()
        self.c.execute(text("DELETE FROM voorziening_fts"))
        self.c.execute(text("DELETE FROM voorziening_fts_state"))

    def vocabulary(self) -> set[str]:
        # fts5vocab reads the index's own term list (C speed); TEMP, so the main schema is untouched.
        self.c.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS temp.voorziening_fts_vocab "
                            "USING fts5vocab(main, voorziening_fts, row)"))
        return _meaningful(term for (term,) in self.c.execute(text("SELECT term FROM temp.voorziening_fts_vocab")))

    @staticmethod
    def terms(groups: list[list[str]]) -> str:
        return " OR ".join(f'"{w}"*' for group in groups for w in group)

    MATCHES = "SELECT rowid FROM voorziening_fts WHERE voorziening_fts MATCH :search_q"
    MATCHES_OR_OWN = ("SELECT rowid FROM voorziening_fts WHERE voorziening_fts MATCH :search_q "
                      "UNION SELECT id FROM voorziening WHERE organisation_id IN :own_orgs")

    def query(self, groups: list[list[str]]) -> list[int]:
        if not groups:
            return []
        rows = self.c.execute(text(self.MATCHES + " ORDER BY bm25(voorziening_fts)"), {"search_q": self.terms(groups)})
        return [r[0] for r in rows]


class _PostgresIndex:
    """Table voorziening_search (see the migration): generated tsvector ('dutch') + GIN index."""

    def __init__(self, connection: Connection):
        self.c = connection

    def ensure(self) -> None:
        stale = [r[0] for r in self.c.execute(text(
            "SELECT v.id FROM voorziening v LEFT JOIN voorziening_search s ON s.voorziening_id = v.id "
            "WHERE s.voorziening_id IS NULL OR s.source_updated_at IS DISTINCT FROM v.updated_at"))]
        if stale:
            self.write(_documents(self.c, stale))

    def write(self, documents: dict, remove: list[int] = ()) -> None:
        if not documents:
            return
        self.c.execute(text(
            "INSERT INTO voorziening_search (voorziening_id, document, source_updated_at) "
            "VALUES (:id, :doc, :at) ON CONFLICT (voorziening_id) DO UPDATE "
            "SET document = EXCLUDED.document, source_updated_at = EXCLUDED.source_updated_at"),
            [{"id": vid, "doc": document, "at": updated_at} for vid, (document, updated_at) in documents.items()])

    def clear(self) -> None:
        self.c.execute(text("DELETE FROM voorziening_search"))

    def vocabulary(self) -> set[str]:
        # ts_stat lists the distinct words in the database; 'simple' keeps them unstemmed, as typed.
        return _meaningful(word for (word,) in self.c.execute(text(
            "SELECT word FROM ts_stat('SELECT to_tsvector(''simple'', document) FROM voorziening_search')")))

    @staticmethod
    def terms(groups: list[list[str]]) -> str:
        # Words are [a-z0-9]+ (see words()), so they are safe inside a tsquery; ':*' adds prefixes.
        return " | ".join(f"{w}:*" for group in groups for w in group)

    MATCHES = "SELECT voorziening_id FROM voorziening_search WHERE tsv @@ to_tsquery('dutch', :search_q)"
    MATCHES_OR_OWN = ("SELECT voorziening_id FROM voorziening_search WHERE tsv @@ to_tsquery('dutch', :search_q) "
                      "UNION SELECT id FROM voorziening WHERE organisation_id IN :own_orgs")

    def query(self, groups: list[list[str]]) -> list[int]:
        if not groups:
            return []
        rows = self.c.execute(text(
            "SELECT voorziening_id FROM voorziening_search, to_tsquery('dutch', :q) AS q "
            "WHERE tsv @@ q ORDER BY ts_rank(tsv, q) DESC, voorziening_id"), {"q": self.terms(groups)})
        return [r[0] for r in rows]


def _documents(connection: Connection, ids: list[int] | None = None) -> dict:
    with Session(bind=connection) as session:
        return build_documents(session, ids)


def _index_for(connection: Connection):
    return _PostgresIndex(connection) if connection.dialect.name == "postgresql" else _SQLiteIndex(connection)


# --------------------------------------------------------------------------- public interface


def search_voorzieningen(session: Session, query: str, among: set[int] | None = None) -> list[int]:
    """Ids of voorzieningen matching ``query``, best first; only those in ``among`` when given.

    Visibility is the caller's business (pass the ids of approved, active listings as ``among``).
    """
    ranked, _matches = search_with_filter(session, query)
    return [vid for vid in ranked if among is None or vid in among]


def search_with_filter(session: Session, query: str):
    """(ids best first, a SQL ``IN`` operand selecting the same ids) so callers can filter in the database.

    When the words name an organisation, its voorzieningen come first: someone who types
    "Buurtwerk Oost" looks for what that organisation offers, not for the best word match."""
    query_words = words(query)
    if not query_words:
        return [], None
    # The index lives beside the request's transaction: its upkeep is committed on its own, so a
    # read-only page does not throw it away again.
    with side_connection(session) as connection:
        index = _index_for(connection)
        with side_commit(connection):
            fingerprint = _fingerprint(connection)  # when it changed, this connection's index may be stale
            stale = connection.info.get("search_fingerprint") != fingerprint
            if stale:
                index.ensure()
        if stale and not joined_to_test(session):  # there the request's savepoint may undo the upkeep
            connection.info["search_fingerprint"] = fingerprint
        groups = expand(query_words, _vocabulary(index, connection, fingerprint))
        ranked = index.query(groups)
    terms = index.terms(groups)
    org_ids = organisations_named(session, groups)
    if not org_ids:
        return ranked, text(index.MATCHES).bindparams(search_q=terms).columns(column("id", Integer))
    own = _listings_of(session, org_ids)
    first = set(own)
    ranked = [vid for vid in ranked if vid in first] + [vid for vid in own if vid not in set(ranked)] \
        + [vid for vid in ranked if vid not in first]
    operand = text(index.MATCHES_OR_OWN)  # the word matches and the named organisations' listings
    return ranked, operand.bindparams(bindparam("own_orgs", value=org_ids, expanding=True),
                                      search_q=terms).columns(column("id", Integer))


def organisations_named(session: Session, groups: list[list[str]]) -> list[int]:
    """Organisations whose name holds every query word (or a look-alike, or as a prefix), the
    shortest names first ("Buurtwerk Oost" before "Buurtwerk Oost en Noord")."""
    names = _organisation_words(session)
    found: set[int] | None = None
    for group in groups:
        ids = set().union(*(names.starting_with(variant) for variant in group))
        found = ids if found is None else found & ids
        if not found:
            return []
    return sorted(found or (), key=lambda org_id: (names.length[org_id], org_id))


class _NameIndex:
    """The folded words of all organisation names: word → organisations, sorted for prefix look-ups."""

    def __init__(self, rows):
        self.orgs: dict[str, set[int]] = defaultdict(set)
        self.length: dict[int, int] = {}
        for org_id, name in rows:
            name_words = _WORD.findall(fold(name))
            self.length[org_id] = len(name_words)
            for word in name_words:
                self.orgs[word].add(org_id)
        self.sorted = sorted(self.orgs)

    def starting_with(self, prefix: str) -> set[int]:
        found: set[int] = set()
        for word in self.sorted[bisect.bisect_left(self.sorted, prefix):]:
            if not word.startswith(prefix):
                break
            found |= self.orgs[word]
        return found


_NAMES: dict[tuple, _NameIndex] = {}


def _organisation_words(session: Session) -> _NameIndex:
    """Read once per process and state of the organisations (names are set when one registers)."""
    connection = session.connection()
    state = tuple(connection.execute(text(
        "SELECT count(*), max(id), sum(length(name)), min(name), max(name) FROM organisation")).one())
    key = (str(connection.engine.url), state)
    if key not in _NAMES:
        _NAMES.clear()
        _NAMES[key] = _NameIndex(session.exec(select(Organisation.id, Organisation.name)).all())
    return _NAMES[key]


def _listings_of(session: Session, org_ids: list[int]) -> list[int]:
    """The voorzieningen of these organisations, per organisation in the given order."""
    rows = session.exec(select(Voorziening.id, Voorziening.organisation_id)
                        .where(Voorziening.organisation_id.in_(org_ids)).order_by(Voorziening.id)).all()
    order = {org_id: n for n, org_id in enumerate(org_ids)}
    return [vid for vid, org_id in sorted(rows, key=lambda row: (order[row[1]], row[0]))]


def index_voorziening(session: Session, voorziening_id: int) -> None:
    """Refresh one listing in the caller's transaction (PostgreSQL; SQLite's TEMP index
    notices the new ``updated_at`` on the next search)."""
    session.flush()
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        _PostgresIndex(connection).write(build_documents(session, [voorziening_id]))


def reindex(session: Session) -> int:
    """Rebuild the whole index; returns the number of listings indexed."""
    with side_connection(session) as connection, side_commit(connection):
        index = _index_for(connection)
        index.clear()
        documents = _documents(connection)
        index.write(documents)
    return len(documents)


search_cli = AppGroup("search", help="Zoekindex van de sociale kaart.")


@search_cli.command("reindex", help="Bouw de zoekindex van alle voorzieningen opnieuw op.")
def reindex_command() -> None:
    from ..db import session_scope
    with session_scope() as session:
        count = reindex(session)
    click.echo(f"Zoekindex bijgewerkt: {count} voorzieningen.")


def register_cli(app: Flask) -> None:
    if "search" not in app.cli.commands:
        app.cli.add_command(search_cli)
