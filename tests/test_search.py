"""Full-text search that forgives spelling: same answers on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

from sqlmodel import select

from marketplace.voorzieningen import search
from marketplace.models import Voorziening, utcnow

from .factories import make_organisation, make_voorziening, make_world


def _listings(session):
    world = make_world(session)
    org = make_organisation(session, name="Bibliotheek Oost")
    cafe = make_voorziening(session, org, world.velve, name="Taalcafé De Velve",
                            description="Samen Nederlands oefenen met koffie en thee.")
    brigade = make_voorziening(session, org, world.pathmos, name="Formulierenbrigade Pathmos",
                               categories=("administratie",),
                               description="Vrijwilligers helpen met brieven van de belasting en toeslagen.")
    walk = make_voorziening(session, org, world.velve, name="Wandelgroep Velve", categories=("bewegen",),
                            description="Elke week een uur lopen door het park.")
    return world, cafe, brigade, walk


def test_fold_and_words():
    assert search.fold("Taalcafé ÉÉN") == "taalcafe een"
    assert search.words("Ik zoek een taalcafé in de wijk") == ["zoek", "taalcafe", "wijk"]


def test_expand_uses_listing_words():
    vocab = {"taalcafe", "formulierenbrigade", "wandelgroep", "weten", "eten"}
    assert "taalcafe" in search.expand(["taalkafe"], vocab)[0]
    assert "formulierenbrigade" in search.expand(["formulierbrigade"], vocab)[0]
    assert "formulierenbrigade" in search.expand(["brigade"], vocab)[0]
    assert "weten" not in search.expand(["eten"], vocab)[0]  # short words do not swallow others


def test_misspellings_and_accents_find_the_listing(session):
    _world, cafe, brigade, walk = _listings(session)
    assert search.search_voorzieningen(session, "taalkafe")[0] == cafe.id
    assert search.search_voorzieningen(session, "TAALCAFE")[0] == cafe.id
    assert search.search_voorzieningen(session, "taalcafé")[0] == cafe.id
    assert search.search_voorzieningen(session, "formulierbrigade")[0] == brigade.id
    assert search.search_voorzieningen(session, "formulieren")[0] == brigade.id
    assert search.search_voorzieningen(session, "wandelen")[0] == walk.id
    assert search.search_voorzieningen(session, "belasting") == [brigade.id]


def test_organisation_category_and_place_are_searchable(session):
    _world, cafe, brigade, walk = _listings(session)
    assert set(search.search_voorzieningen(session, "bibliotheek")) == {cafe.id, brigade.id, walk.id}
    assert search.search_voorzieningen(session, "pathmos") == [brigade.id]


def test_nothing_for_empty_or_unknown_words_and_among_limits(session):
    _world, cafe, brigade, _walk = _listings(session)
    assert search.search_voorzieningen(session, "") == []
    assert search.search_voorzieningen(session, "de en ik") == []
    assert search.search_voorzieningen(session, "xylofoonles") == []
    assert search.search_voorzieningen(session, "taalcafe formulieren", among={brigade.id}) == [brigade.id]


def test_index_follows_changes_made_anywhere(session):
    _world, cafe, _brigade, _walk = _listings(session)
    assert search.search_voorzieningen(session, "thee") == [cafe.id]
    row = session.get(Voorziening, cafe.id)
    row.name, row.description, row.updated_at = "Koffieochtend", "Gewoon samen koffie drinken.", utcnow()
    session.add(row)
    session.commit()
    assert search.search_voorzieningen(session, "thee") == []
    assert search.search_voorzieningen(session, "koffieochtend") == [cafe.id]
    session.delete(row)
    session.commit()
    assert search.search_voorzieningen(session, "koffieochtend") == []


def test_reindex_and_cli(app, session, runner):
    _listings(session)
    assert search.reindex(session) == 3
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "3 voorzieningen" in result.output


def _two_organisations(session):
    """'Buurtwerk Oost' runs a coffee morning with a long text; another organisation's listing is
    called 'Buurtwerkplaats Oost' and so wins on words alone."""
    world = make_world(session)
    buurtwerk = make_organisation(session, name="Buurtwerk Oost")
    koffie = make_voorziening(session, buurtwerk, world.velve, name="Koffieochtend",
                              description="Elke dinsdag staat de koffie klaar. " * 20)
    spreekuur = make_voorziening(session, buurtwerk, world.pathmos, name="Spreekuur",
                                 description="Met vragen over geld, post of wonen kunt u hier terecht. " * 10)
    other = make_organisation(session, name="Stichting Samen")
    plaats = make_voorziening(session, other, world.velve, name="Buurtwerkplaats Oost",
                              description="Samen klussen in de Buurtwerkplaats Oost.")
    return koffie, spreekuur, plaats


def test_an_organisations_name_finds_its_voorzieningen_first(session):
    koffie, spreekuur, plaats = _two_organisations(session)
    for query in ("Buurtwerk Oost", "buurtwerk oost", "Buurtwerk", "buurtwerk ost"):  # also with a typo
        found = search.search_voorzieningen(session, query)
        assert set(found[:2]) == {koffie.id, spreekuur.id}, query
        assert plaats.id in found[2:], query  # still found, after the organisation's own
    # Words that are not the organisation's name keep the ordinary ranking.
    assert search.search_voorzieningen(session, "buurtwerkplaats")[0] == plaats.id


def test_the_organisation_first_also_on_the_sociale_kaart(client, session):
    koffie, spreekuur, plaats = _two_organisations(session)
    page = client.get("/voorzieningen/?q=Buurtwerk+Oost").get_data(as_text=True)
    first, second, third = (page.index(name) for name in ("Koffieochtend", "Spreekuur", "Buurtwerkplaats Oost</span></a>"))
    assert max(first, second) < third


def test_the_sql_operand_selects_the_same_ids(session):
    """Long result lists are filtered in the database through the operand: it must hold the
    organisation's listings as well as the word matches."""
    koffie, spreekuur, plaats = _two_organisations(session)
    ranked, operand = search.search_with_filter(session, "Buurtwerk Oost")
    in_sql = set(session.exec(select(Voorziening.id).where(Voorziening.id.in_(operand))).all())
    assert in_sql == set(ranked) == {koffie.id, spreekuur.id, plaats.id}
    ranked, operand = search.search_with_filter(session, "klussen")
    assert set(session.exec(select(Voorziening.id).where(Voorziening.id.in_(operand))).all()) == {plaats.id} == set(ranked)
