"""Search: cross-script names, ranking, snippets, hostile input, and the PostgreSQL indexes.

CI runs this file on PostgreSQL and on SQLite. Where the two backends are
documented to differ (hub.search: trigram similarity exists only on
PostgreSQL), the expectation is chosen by `connection.vendor`.
"""

import importlib
import re

import pytest
from django.db import connection
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from editorial import publishing, staging
from entities.models import Firm, Site
from evidence.models import Claim, Source
from hub import search
from hub.models import Status
from tests.factories import (
    ClaimFactory,
    FirmFactory,
    SiteFactory,
    SourceFactory,
    published_directly,
)

POSTGRESQL = connection.vendor == "postgresql"


def found(client, query, group):
    """The public ids of a search group's hits, best first (read from the page, which may be cached)."""
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200, query
    body = response.content.decode()
    section = re.search(rf'id="group-{group}".*?</section>', body, re.DOTALL).group()
    return re.findall(r'<span class="id">([A-Z]+[0-9]+)</span>', section)


def list_count(client, path, query):
    body = client.get(path, {"q": query}).content.decode()
    return int(re.search(r'role="status">(\d+) ', body).group(1))


CROSS_SCRIPT = [  # (query, group, the small world's record it finds first)
    ("三一", "firms", "sany"),
    ("SANY", "firms", "sany"),
    ("sany", "firms", "sany"),
    ("Sany Heavy", "firms", "sany"),
    ("Сани", "firms", "sany"),
    ("сани", "firms", "sany"),
    ("新兴", "firms", "xinxing"),
    ("Xinxing", "firms", "xinxing"),
    ("Liugon", "firms", "liugong"),
    ("柳工", "firms", "liugong"),
    ("Билоричен", "sites", "bilorichenska"),
    ("Bilorichenska", "sites", "bilorichenska"),
    ("білоріченська", "sites", "bilorichenska"),
    ("Белореченская", "sites", "bilorichenska"),
    ("SANY heading machines", "claims", "supply"),
]


def test_a_name_in_any_script_finds_its_record_first(client, small_world):
    # One world for every case; every miss is reported.
    misses = [
        (query, hits)
        for query, group, name in CROSS_SCRIPT
        if small_world[name].public_id not in (hits := found(client, query, group))[:1]
    ]
    assert misses == []

    # A misspelling: trigram similarity on PostgreSQL; on SQLite the closest
    # name the hub holds (hub.search_suggest), searched in its place.
    hits = found(client, "Liugogn", "firms")
    assert hits[0] == small_world.liugong.public_id
    body = client.get("/search/", {"q": "Liugogn"}).content.decode()
    if POSTGRESQL:
        assert "Nothing holds “Liugogn” as written; these are the closest spellings." in body
    else:
        assert "Showing the results for" in body

    # SANY's group and a firm that mentions SANY in its description come after SANY itself.
    hits = found(client, "SANY", "firms")
    assert hits[0] == small_world.sany.public_id
    assert small_world.dealer.public_id in hits
    if POSTGRESQL:
        assert len(hits) > 1


def test_transliterations_of_the_query_are_searched(db):
    assert search.variants("新兴") == ["新兴", "Xinxing"]
    assert "Bilorichen" in search.variants("Билоричен")
    assert search.variants("SANY") == ["SANY"]


@pytest.mark.django_db
def test_hits_are_escaped_then_marked(client):
    FirmFactory(name_en="<b>Evil</b> Machinery", description="Sells <script>evil</script> kit.")
    body = client.get("/search/", {"q": "evil"}).content.decode()
    assert "&lt;b&gt;<mark>Evil</mark>&lt;/b&gt; Machinery" in body
    assert "<script>evil" not in body


@pytest.mark.django_db
def test_a_snippet_is_cut_around_the_first_hit():
    text = "x " * 300 + "the SANY machine " + "y " * 300
    snippet = search.highlight(text, ["sany"], width=100)
    assert snippet.startswith("…")
    assert snippet.endswith("…")
    assert "<mark>SANY</mark>" in snippet
    assert len(snippet) < 140


@pytest.mark.django_db
def test_group_counts_equal_the_filtered_lists_they_link_to(client):
    firm = FirmFactory(name_en="Zhongyuan Heavy Machinery", aliases="中原重机\nЧжунъюань")
    other = FirmFactory(name_en="Unrelated Trading")
    site = SiteFactory(name_en="Zhongyuan quarry", locality="Zhongyuan village")
    for n in range(3):
        ClaimFactory(firms=[firm], sites=[site], statement=f"Zhongyuan delivered {n} loaders.")
    ClaimFactory(firms=[other], statement="Another firm delivered loaders.")
    SourceFactory(title="Zhongyuan annual report")
    body = client.get("/search/", {"q": "zhongyuan"}).content.decode()
    counts = dict(re.findall(r'id="h-(\w+)">[^<]*<span class="count">\((\d+)\)', body))
    # The claims about the firm found by name are a group of their own, linked by firm.
    assert counts.pop("firm_claims") == "3"
    assert f'href="/claims/?firm={firm.public_id}"' in body
    assert counts == {"firms": "1", "sites": "1", "claims": "3", "sources": "1"}
    for key in counts:
        assert f'href="/{key}/?q=zhongyuan"' in body
        assert list_count(client, f"/{key}/", "zhongyuan") == int(counts[key])


@pytest.mark.django_db
def test_unpublished_records_are_never_found(client):
    FirmFactory(name_en="Quietly Drafted Machinery", status=Status.DRAFT, last_update=None)
    FirmFactory(name_en="Quietly Published Machinery")
    assert len(found(client, "Quietly", "firms")) == 1


@pytest.mark.django_db
def test_every_word_must_match(client):
    FirmFactory(name_en="Hengtai Mining Equipment")
    FirmFactory(name_en="Hengtai Logistics")
    assert len(found(client, "hengtai mining", "firms")) == 1
    assert len(found(client, "hengtai", "firms")) == 2


@pytest.mark.django_db
def test_a_ukrainian_word_of_the_hub_s_text_finds_its_record(client):
    claim = ClaimFactory(
        statement="The quarry gained a crushed-stone line.",
        statement_uk="Кар'єр отримав лінію з переробки щебеню.",
    )
    ClaimFactory(statement="Another quarry was idle.", statement_uk="Інший кар'єр стояв.")
    firm = FirmFactory(description="Maker of cranes.", description_uk="Виробник баштових кранів.")
    source = SourceFactory(description="A customs register.", description_uk="Митний реєстр.")
    # A word of the Ukrainian text, in any case, and the start of one (a prefix).
    for query in ["щебеню", "ЩЕБЕНЮ", "переробки щебеню", "щебен"]:
        assert found(client, query, "claims") == [claim.public_id], query
        assert list_count(client, "/claims/", query) == 1, query
    assert found(client, "баштових", "firms") == [firm.public_id]
    assert found(client, "митний", "sources") == [source.public_id]
    # The hit shows the text that holds the query, marked, in either interface.
    for language in ("en", "uk"):
        body = client.get(
            "/search/", {"q": "щебеню"}, HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()
        assert "лінію з переробки <mark>щебеню</mark>" in body, language
    # An English query still shows the English statement, even in Ukrainian.
    body = client.get("/search/", {"q": "crushed"}, HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "The quarry gained a <mark>crushed</mark>-stone line." in body


HOSTILE = [
    "",
    "   ",
    "\x00",
    "SANY\x00",
    "%",
    "_",
    "%_%",
    "\\",
    "'",
    '"',
    "''",
    "&|!:*()",
    "a:*",
    "!sany",
    "sany & | !",
    "'a' & 'b':*",
    "<->",
    "(((",
    "x" * 200,
    "x" * 201,
    "x" * 10_000,
    "<script>alert(1)</script>",
    "\u200b",
    "карʼєр",  # unaccent folds "ʼ" (U+02BC, a letter) into a quote
    "ʼ",
    "a\\b",
    "％",
]


@pytest.mark.django_db
@pytest.mark.parametrize("query", HOSTILE)
def test_a_hostile_query_gets_a_sensible_page(client, query):
    FirmFactory(name_en="Percent % and_underscore Machinery")
    response = client.get("/search/", {"q": query})
    if "\x00" in query:
        # The NUL-byte middleware answers first (hub.middleware); the engine strips them too.
        assert response.status_code == 400
    else:
        assert response.status_code == (400 if len(query) > search.MAX_LENGTH else 200)
    if len(query) > search.MAX_LENGTH:
        assert "limited to 200 characters" in response.content.decode()
    for path in ["/firms/", "/sites/", "/claims/", "/sources/"]:
        assert client.get(path, {"q": query}).status_code in (200, 400)


@pytest.mark.django_db
def test_wildcards_in_a_query_are_taken_literally(client):
    FirmFactory(name_en="Percent % Machinery")
    FirmFactory(name_en="Plain Machinery")
    assert len(found(client, "%", "firms")) == 1
    assert found(client, "_", "firms") == []


@pytest.mark.django_db
def test_lone_surrogates_and_bad_encodings_get_a_page(client):
    response = client.get("/search/", QUERY_STRING="q=%ED%A0%80%FFsany")
    assert response.status_code == 200
    # Straight into the engine, too: never sent to the database.
    assert list(search.matching(Firm.objects.all(), "\ud800sany\udfff")) == []


@pytest.mark.django_db
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(query=st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=300))
def test_any_text_gets_a_page_never_a_500(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code in (200, 400)


@pytest.mark.django_db
@given(query=st.text(max_size=50))
def test_any_text_with_surrogates_is_cleaned_before_the_database(query):
    cleaned = search.clean_query(query)
    cleaned.encode("utf-8")  # no lone surrogate left
    assert "\x00" not in cleaned
    list(search.matching(Firm.objects.all(), query)[:1])
    # A NUL reaching the engine is dropped (PostgreSQL would refuse the text).
    assert list(search.matching(Firm.objects.all(), "SANY\x00")) == []


# -- the PostgreSQL indexes, and the SQLite fallback's function ----------------

INDEXED = [
    (Firm, "entities_firm"),
    (Site, "entities_site"),
    (Claim, "evidence_claim"),
    (Source, "evidence_source"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "table"), INDEXED)
def test_searches_use_the_migration_s_indexes_on_postgresql(model, table):
    if POSTGRESQL:
        sql = "SELECT indexname FROM pg_indexes WHERE tablename = %s"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [table])
        names = {name for (name,) in cursor.fetchall() if name.startswith(f"{table}_search_")}
    if not POSTGRESQL:
        # Nothing to index on SQLite: the migration is a no-op there.
        assert names == set()
        return
    # Claims find Chinese through their characters and pairs (hub migration 0005),
    # the other tables through the trigrams of their names.
    chinese = "han" if table == "evidence_claim" else "trgm"
    assert names == {f"{table}_search_fts", f"{table}_search_{chinese}"}
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    for text, index in [("zhongyuan machinery", "fts"), ("中原重工", chinese)]:
        plan = search.matching(model.objects.order_by(), text).explain()
        assert f"{table}_search_{index}" in plan, plan


@pytest.mark.django_db
@pytest.mark.django_db
def test_one_or_two_chinese_characters_find_claims_through_the_index_of_pairs():
    together = ClaimFactory(statement="三一重工向工地提供了设备。")
    apart = ClaimFactory(statement="三和一：两家公司。")
    latin = ClaimFactory(statement="Sany supplied 3 machines.")
    claims = Claim.objects.order_by("pk")
    assert list(search.matching(claims, "三一")) == [together]  # a pair, not two characters apart
    assert list(search.matching(claims, "一")) == [together, apart]
    assert list(search.matching(claims, "设备")) == [together]
    assert list(search.matching(claims, "备三")) == []
    assert list(search.matching(claims, "三和")) == [apart]
    # 三 is also searched as its pinyin, "san", with which "Sany" begins.
    assert list(search.matching(claims, "三 ")) == [together, apart, latin]
    assert list(search.matching(claims, "重工")) == [together]
    assert list(search.matching(claims, "三一重工向")) == [together]  # longer: all its pairs
    assert list(search.matching(claims, "三一重向")) == []
    if POSTGRESQL:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = search.matching(Claim.objects.order_by(), "三一").explain()
        assert "evidence_claim_search_han" in plan, plan


@pytest.mark.django_db
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    statement=st.text(alphabet="三一重工中铁ab 𠀀", min_size=1, max_size=12),
    start=st.integers(0, 11),
    size=st.integers(1, 4),
)
# A piece holding a run of spaces, which the query collapses to one.
@example(statement="aaaa一  a", start=4, size=4)
def test_any_piece_of_a_chinese_statement_finds_its_claim(statement, start, size):
    piece = search.clean_query(statement[start : start + size])
    # Any piece holding a Chinese character finds the claim it was cut from
    # (Latin letters inside a word are another matter: word beginnings only).
    assume(search.HAN_RUN.search(piece))
    claim = ClaimFactory(statement=statement)
    assert list(search.matching(Claim.objects.filter(pk=claim.pk), piece)) == [claim], piece


@pytest.mark.django_db
def test_similar_spellings_are_offered_only_when_nothing_holds_the_query_as_written(client):
    FirmFactory(public_id="F9301", name_en="Liugong Machinery", aliases="")
    # Similar names on PostgreSQL; on SQLite the search for the closest name.
    assert found(client, "Liugogn", "firms") == ["F9301"]
    # The firm list's ?q= alike.
    assert ("F9301" in client.get("/firms/?q=Liugogn").content.decode()) == POSTGRESQL
    FirmFactory(public_id="F9302", name_en="Liugogn Holdings", aliases="")
    # Now one firm holds it as written: that one alone, and no note.
    assert found(client, "Liugogn", "firms") == ["F9302"]
    assert "closest spellings" not in client.get("/search/", {"q": "Liugogn"}).content.decode()
    assert list_count(client, "/firms/", "Liugogn") == 1


@pytest.mark.django_db
def test_claims_past_the_cap_are_counted_as_more_than_it(client, monkeypatch):
    from hub import search_results

    monkeypatch.setattr(search_results, "COUNT_CAP", 3)
    for n in range(5):
        ClaimFactory(statement=f"Zhenhua cranes delivered, batch {n}.")
    body = client.get("/search/", {"q": "zhenhua"}).content.decode()
    assert '<span class="count">(3+)</span>' in body
    assert "More than 3 results for “zhenhua”" in body
    assert "Claims: all of them in the filtered list" in body
    assert len(found(client, "zhenhua", "claims")) == 5  # the page lists its first ten
    assert list_count(client, "/claims/", "zhenhua") == 5  # the list counts them all
    monkeypatch.setattr(search_results, "COUNT_CAP", 5)
    body = client.get("/search/", {"q": "zhenhua"}).content.decode()
    assert '<span class="count">(5)</span>' in body
    assert "5 results for “zhenhua”" in body


@pytest.mark.django_db
def test_a_renamed_record_is_found_by_its_new_name_and_not_its_old_one():
    # On PostgreSQL the searched vectors and names are columns the database
    # generates from the record's texts whenever it is written (hub migration 0003).
    firm = FirmFactory(name_en="Qingyuan Heavy Lift", aliases="")
    site = SiteFactory(name_en="Qingyuan wharf")
    source = SourceFactory(title="Qingyuan shipping ledger")
    for record, field in [(firm, "name_en"), (site, "name_en"), (source, "title")]:
        model = type(record)
        assert list(search.matching(model.objects.all(), "qingyuan")) == [record]
        setattr(record, field, "Tongling Cranes")
        with published_directly():
            record.save()
        assert list(search.matching(model.objects.all(), "qingyuan")) == []
        assert list(search.matching(model.objects.all(), "tongling")) == [record]
        assert list(search.matching(model.objects.all(), "tonglin")) == [record]  # a prefix


@pytest.mark.django_db
def test_the_search_columns_are_generated_by_postgresql_and_absent_on_sqlite():
    with connection.cursor() as cursor:
        if POSTGRESQL:
            cursor.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE column_name IN ('search_vector', 'search_names', 'search_han') "
                "AND is_generated = 'ALWAYS'"
            )
            columns = set(cursor.fetchall())
        else:
            columns = set()
            for _, table in INDEXED:
                cursor.execute(f"PRAGMA table_info({table})")
                columns |= {
                    (table, row[1]) for row in cursor.fetchall() if row[1].startswith("search_")
                }
    expected = {
        ("entities_firm", "search_vector"),
        ("entities_firm", "search_names"),
        ("entities_site", "search_vector"),
        ("entities_site", "search_names"),
        ("evidence_claim", "search_vector"),
        ("evidence_claim", "search_han"),
        ("evidence_source", "search_vector"),
        ("evidence_source", "search_names"),
    }
    assert columns == (expected if POSTGRESQL else set())


def test_the_migrations_index_the_columns_the_engine_searches():
    # Each table as the latest search migration that indexes it left it.
    tables = importlib.import_module("hub.migrations.0006_search_ukrainian_text").TABLES
    for model, table in INDEXED:
        spec = search.spec_for(model)
        weights, names = tables[table]
        assert weights == (spec.names, spec.aliases, spec.texts, spec.extra)
        assert names == spec.name_fields


@pytest.mark.django_db
def test_the_sqlite_fallback_folds_every_script():
    FirmFactory(name_en="ТОВ «Білоріченська Техніка»", aliases="ÉCOLE Machinery")
    for query in ["білоріченська", "БІЛОРІЧЕНСЬКА", "ecole", "École"]:
        assert search.matching(Firm.objects.all(), query).count() == 1, query
    assert search.fold("ÉCOLE Straße") == "ecole strasse"


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 60])
def test_the_search_page_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, size
):
    for n in range(size):
        firm = FirmFactory(name_en=f"Kaiyuan Trading {n}", aliases=f"开元{n}\nКайюань {n}")
        site = SiteFactory(name_en=f"Kaiyuan port {n}")
        ClaimFactory(firms=[firm], sites=[site], statement=f"Kaiyuan Trading {n} shipped coal.")
        SourceFactory(title=f"Kaiyuan customs record {n}")
    client.get("/")  # the site's update number is read once, then cached (hub.cache)
    # A count and a page of hits per group, and of the claims about the firms
    # found by name: 10, whatever the number of hits.
    for query in ["kaiyuan", "开元", "Кайюань"]:
        with django_assert_max_num_queries(10):
            response = client.get("/search/", {"q": query})
        assert response.status_code == 200
    # A misspelling that nothing holds: the search, the names of firms, sites and
    # sources (once per update), and the search again for the closest name.
    with django_assert_max_num_queries(10 + 3 + 10):
        response = client.get("/search/", {"q": "Kaiyaun Tradng"})
    assert "Kaiyuan Trading" in response.content.decode()
    # The page really did count every hit, and listed ten of each kind at most.
    body = client.get("/search/", {"q": "kaiyuan"}).content.decode()
    counts = dict(re.findall(r'id="h-(\w+)">[^<]*<span class="count">\((\d+)\)', body))
    # The claims about the firms shown (ten at most), one claim each here.
    assert counts.pop("firm_claims") == str(min(size, 10))
    assert counts == {kind: str(size) for kind in ("firms", "sites", "claims", "sources")}
    assert len(found(client, "kaiyuan", "claims")) == min(size, 10)


@pytest.mark.django_db
def test_a_name_is_found_by_its_transliteration_once_published(client):
    # Only the stored names' pinyin can find 三一重工 from "Sanyi Zhonggong".
    change = staging.stage_new(
        model=Firm,
        fields={"name_en": "Sany Heavy Industry Co.", "name_zh": "三一重工", "kind": "company"},
        user=None,
    )
    publishing.publish_update(
        change_ids=[change.pk], summary="A firm with a Chinese name", idempotency_key="latin"
    )
    firm = Firm.objects.get(public_id=change.public_id)
    assert "sanyi zhonggong" in firm.latin_names.lower()
    for query in ["Sanyi Zhonggong", "sanyi zhonggong"]:
        assert list(Firm.objects.public().matching(query)) == [firm], query
