"""PostgreSQL's CSV lines are byte for byte the Python writer's, hostile values included."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from downloads.sqlcsv import sql_csv_lines
from downloads.tables import BY_NAME, TABLES
from downloads.writers import FORMULA_TRIGGERS, csv_header, csv_lines
from entities.models import Firm
from evidence.models import Claim
from evidence.views import CITATION_LIST, CLAIM_LIST, SOURCE_LIST
from hub.listing import with_unique_ordering
from hub.models import Status
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    DesignationFactory,
    FirmFactory,
    RelationshipFactory,
    SiteFactory,
    SourceFactory,
    counts_deferred,
    published_directly,
)

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"

# Every formula trigger PostgreSQL can store (it cannot store NUL), every
# character that makes csv.writer quote, and the scripts the hub holds.
HOSTILE = [
    *(f"{trigger}SUM(A1:A9)" for trigger in FORMULA_TRIGGERS if trigger != "\0"),
    'He said "no", then left',
    "two\r\nlines",
    "bare\rreturn",
    "trailing comma,",
    '"',
    "'already quoted",
    " leading space",
    "三一重工 · Сани · Білоріченська",
    "",
]


def python_csv(table, queryset):
    return "".join(csv_lines(table, table.rows(queryset)))


def sql_csv(table, queryset):
    lines = sql_csv_lines(table, queryset, csv_header(table))
    return None if lines is None else "".join(lines)


@pytest.fixture
def hostile_records():
    """Published records whose text cells hold every hostile value, and a few that stay private."""
    with counts_deferred():  # the stored counts once, not per record
        firms = [FirmFactory(name_en=f"Firm {i}") for i in range(3)]
        sites = [SiteFactory(name_en=f"Site {i}") for i in range(2)]
        shared_source = SourceFactory(title='=HYPERLINK("http://evil")', publisher="-Agency")
        for i, text in enumerate(HOSTILE):
            claim = ClaimFactory(
                statement=text or "A statement",
                figure_unit=text,
                figure_low=[None, Decimal("8.50"), Decimal("0"), Decimal("6000")][i % 4],
                figure_high=[None, Decimal("15.00"), Decimal("0.25"), Decimal("6000")][i % 4],
                firm_response=text,
                firm_response_date=datetime.date(2025, 2, 3) if i % 2 else None,
                date_start=datetime.date(2000 + i, 1 + i % 12, 1) if i % 3 else None,
                region=["luhansk", "donetsk", "crimea"][i % 3],
                stage=1 + i % 3,
                firms=firms[: 1 + i % 3],
                sites=sites[: i % 3],
                cite=shared_source,
            )
            # The same source cited twice is listed once; a second source is listed too.
            CitationFactory(claim=claim, source=shared_source, locator=text or "p. 1", quote=text)
            relay = SourceFactory(title=text or "Title", author=text)
            with published_directly():
                relay.derived_from.add(shared_source)  # a row of source_relays, and a relays cell
            CitationFactory(claim=claim, source=relay)
        RelationshipFactory(
            source_firm=firms[0], target_firm=firms[1], description="=cmd|' /C calc'!A0"
        )
        DesignationFactory(firm=firms[2], programme="@SUM(1)", reference='"ref", 2')
        # Private records appear in neither writer.
        ClaimFactory(status=Status.DRAFT, statement="draft claim", firms=firms[:1])
        hidden = FirmFactory(status=Status.DRAFT, name_en="Draft firm")
        ClaimFactory(statement="links a draft firm", firms=[hidden, firms[0]])


WRITTEN_BY_POSTGRESQL = [
    "sources",
    "claims",
    "citations",
    "relationships",
    "sanctions",
    "claim_firms",
    "claim_sites",
    "source_relays",
]


@pytest.mark.parametrize("name", [table.name for table in TABLES])
def test_postgresql_writes_each_table_it_supports_exactly_as_python_does(hostile_records, name):
    table = BY_NAME[name]
    queryset = table.public_queryset()
    written = sql_csv(table, queryset)
    if ON_POSTGRESQL and name in WRITTEN_BY_POSTGRESQL:
        assert written == python_csv(table, queryset)
        assert written.count("\r\n") >= 2  # the header and at least one row
    else:
        # SQLite, or a table with a cell only Python writes (the alias lists): Python writes it.
        assert written is None


@pytest.mark.parametrize(
    ("spec", "query"),
    [
        (CLAIM_LIST, {}),
        (CLAIM_LIST, {"region": "luhansk"}),
        (CLAIM_LIST, {"firm": "F0001", "sort": "-date"}),
        (CLAIM_LIST, {"stage": "2", "sort": "date"}),
        (SOURCE_LIST, {"sort": "-title"}),
        (SOURCE_LIST, {"sort": "-claims"}),
        (CITATION_LIST, {}),
    ],
)
def test_a_filtered_sorted_list_gives_the_same_bytes_from_either_writer(
    hostile_records, spec, query
):
    FirmFactory(public_id="F0001", name_en="Listed firm")
    with published_directly():
        Claim.objects.filter(stage=1).first().firms.add(Firm.objects.get(public_id="F0001"))
    filterset = spec.filterset(RequestFactory().get("/", query))
    assert filterset.is_valid(), filterset.errors
    table = BY_NAME[spec.table]
    queryset = with_unique_ordering(filterset.qs)
    expected = python_csv(table, queryset)
    assert expected.count("\r\n") > 1
    written = sql_csv(table, queryset)
    assert written == (expected if ON_POSTGRESQL else None)


def test_the_claims_download_is_the_python_writers_text_on_either_database(client, hostile_records):
    response = client.get("/claims.csv", {"region": "donetsk"})
    table = BY_NAME["claims"]
    queryset = with_unique_ordering(Claim.objects.public().for_list().filter(region="donetsk"))
    body = b"".join(response.streaming_content).decode()
    assert body == python_csv(table, queryset)
    assert "'+SUM(A1:A9)" in body or "'-SUM(A1:A9)" in body or "'=SUM(A1:A9)" in body


# Text PostgreSQL can store: anything but NUL (and lone surrogates, which are not UTF-8).
storable_text = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=40
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(statement=storable_text, unit=storable_text, low=st.decimals(-999, 99999, places=2))
def test_any_text_and_figure_is_written_identically(hostile_records, statement, unit, low):
    with published_directly():
        Claim.objects.filter(region="crimea").update(
            statement=statement or "x", figure_unit=unit, figure_low=low, figure_high=None
        )
    table = BY_NAME["claims"]
    queryset = table.public_queryset()
    written = sql_csv(table, queryset)
    assert written == (python_csv(table, queryset) if ON_POSTGRESQL else None)


def test_a_filter_no_row_can_match_gives_the_header_alone(client, hostile_records):
    # An empty IN list: Django sends no query and raises EmptyResultSet when compiling.
    table = BY_NAME["claims"]
    queryset = with_unique_ordering(Claim.objects.public().filter(pk__in=[]))
    assert python_csv(table, queryset) == csv_header(table)
    assert sql_csv(table, queryset) == (csv_header(table) if ON_POSTGRESQL else None)
