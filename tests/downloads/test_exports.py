"""CSV and JSON twins of the lists: the page's rows, spreadsheet-safe, read by real consumers."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pandas as pd
import pytest
from django.utils import timezone

from downloads.tables import BY_NAME, TABLES
from downloads.writers import csv_record
from editorial.models import Update
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    FirmFactory,
    SectorFactory,
    SiteFactory,
    SourceFactory,
    published_directly,
)

pytestmark = pytest.mark.django_db


def csv_text(response):
    assert response.status_code == 200
    assert response.streaming  # starts before the query finishes
    return b"".join(response.streaming_content).decode("utf-8")


def page_count(client, url, query):
    body = client.get(url, query).content.decode()
    return int(re.search(r'role="status">(\d+) ', body).group(1))


def page_ids(body):
    """The identifiers of the records a list page shows, in its order."""
    return re.findall(r'<span class="id">([A-Z]+\d+)</span>', body)


# Pages of three rows, so that the small world's lists run to several pages.
PAGE_SIZE = 3


def filled(query, world):
    """`query` with the world's records named in its values ("{sany}") given their ids."""
    return {name: value.format(**world.ids()) for name, value in query.items()}


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/firms/", {}),
        ("/firms/", {"stage": "1"}),
        ("/firms/", {"stage": "1", "region": "luhansk", "sort": "-claims"}),
        ("/firms/", {"q": "sany"}),
        ("/firms/", {"sector": "mining-machinery", "european": "not_established"}),
        ("/firms/", {"sort": "-name"}),
        ("/claims/", {}),
        ("/claims/", {"region": "luhansk"}),
        ("/claims/", {"confidence": "single_source", "stage": "1", "sort": "-date"}),
        ("/claims/", {"firm": "{sany}"}),
        ("/claims/", {"q": "coal"}),
        ("/sites/", {}),
        ("/sites/", {"region": "several"}),
        ("/sources/", {}),
        ("/sources/", {"kind": "media"}),
    ],
)
def test_the_page_and_its_twins_hold_the_same_rows_in_the_same_order(
    client, small_world, settings, url, query
):
    """The JSON twin's ids and count are the page's, page by page; the CSV holds them all, in order."""
    settings.HUB_PAGE_SIZE = PAGE_SIZE
    query = filled(query, small_world)
    table = url.strip("/")
    frame = pd.read_csv(io.StringIO(csv_text(client.get(f"/{table}.csv", query))), dtype=str)
    assert len(frame) == page_count(client, url, query)
    assert frame["id"].is_unique
    pages = max(1, -(-len(frame) // PAGE_SIZE))
    for number in range(1, min(pages, 3) + 1):
        asked = {**query, "page": number}
        response = client.get(url, asked)
        assert response.status_code == 200
        data = client.get(f"/{table}.json", asked).json()
        shown = page_ids(response.content.decode())
        assert [row["id"] for row in data["results"]] == shown, (number, data["results"])
        start = (number - 1) * PAGE_SIZE
        assert shown == list(frame["id"][start : start + PAGE_SIZE])
        assert (data["count"], data["pages"], data["count_exact"]) == (len(frame), pages, True)


def test_the_csv_follows_the_page_order(client, small_world):
    body = client.get("/firms/", {"sort": "-claims"}).content.decode()
    page_ids = re.findall(r'<span class="id">(F\d+)</span>', body)
    frame = pd.read_csv(
        io.StringIO(csv_text(client.get("/firms.csv", {"sort": "-claims"}))), dtype=str
    )
    assert list(frame["id"]) == page_ids


def test_exact_csv_text_of_a_small_table(client):
    sector = SectorFactory(slug="mining-machinery", name="Mining machinery")
    firm = FirmFactory(
        public_id="F0001", name_en='Acme, "Heavy" Co.', name_zh="阿克美", aliases="Acme\nAcme Heavy"
    )
    with published_directly():
        firm.sectors.add(sector)
    site = SiteFactory(
        public_id="S0001",
        name_en="Mine 1",
        latitude="48.45361",
        longitude="39.05",
        coordinate_precision="locality",
    )
    ClaimFactory(
        public_id="C0001",
        statement="Acme supplied 4 machines.",
        firms=[firm],
        sites=[site],
        figure_low=4,
        figure_unit="machines",
        cite=SourceFactory(public_id="SRC0001"),
    )
    Update.objects.create(number=3, summary="x", published_at=timezone.now(), idempotency_key="x")
    assert csv_text(client.get("/claims.csv")) == (
        "id,statement,statement_uk,claim_type,region,date_start,date_end,date_precision,stage,"
        "confidence,confidence_override,confidence_override_reason,"
        "figure_low,figure_high,figure_unit,firms,sites,sources,firm_response,firm_response_date,"
        "firm_response_stance,reply_status,reply_date,last_update,hub_url\r\n"
        "C0001,Acme supplied 4 machines.,,equipment_supply,luhansk,2024-01-01,,year,1,single_source,"
        ",,4,,machines,F0001,S0001,SRC0001,,,,not_contacted,,1,"
        "http://127.0.0.1:8000/claims/C0001/\r\n"
    )
    firms = csv_text(client.get("/firms.csv"))
    assert firms.splitlines()[1].startswith(
        'F0001,"Acme, ""Heavy"" Co.",阿克美,,,,Acme;Acme Heavy,true,company,private,'
    )
    assert ",mining-machinery,1," in firms
    sites = csv_text(client.get("/sites.csv"))
    assert ",48.45361,39.05,locality," in sites


def test_the_file_name_names_the_table_the_update_and_the_date(client):
    Update.objects.create(number=7, summary="x", published_at=timezone.now(), idempotency_key="x")
    response = client.get("/claims.csv")
    today = timezone.localdate().isoformat()
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="tot-insights-hub_claims_update-7_{today}.csv"'
    )


TRIGGERS = ["=", "+", "-", "@", "\t", "\r", "\n", "\0"]


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_the_cell_writer_quotes_every_trigger_in_every_text_column_of_every_table(trigger):
    """Every table, every text column; numbers and dates untouched (no database: NUL included)."""
    for table in TABLES:
        row = []
        for column in table.columns:
            row.append(
                {
                    "string": f"{trigger}SUM(A1)",
                    "integer": -5,
                    "number": Decimal("-1.5"),
                    "date": datetime.date(2024, 1, 2),
                    "boolean": True,
                }[column.type]
            )
        cells = dict(zip(table.column_names, csv_record(table, row), strict=True))
        for column in table.columns:
            if column.is_text:
                assert cells[column.name] == f"'{trigger}SUM(A1)", (table.name, column.name)
        assert all(cells[c.name] == "-5" for c in table.columns if c.type == "integer")
        assert all(cells[c.name] == "-1.5" for c in table.columns if c.type == "number")
        assert all(cells[c.name] == "2024-01-02" for c in table.columns if c.type == "date")


# PostgreSQL cannot store NUL in text; the writer test above covers it.
@pytest.mark.parametrize("trigger", [t for t in TRIGGERS if t != "\0"])
def test_exported_files_quote_every_trigger_stored_in_every_text_field(client, trigger):
    payload = f"{trigger}SUM(A1)"  # short enough for every column, the 12-character INN included
    firm = FirmFactory(
        name_en=payload,
        name_zh=payload,
        name_ru=payload,
        name_uk=payload,
        short_name=payload,
        exchange=payload,
        ticker=payload,
        uscc=payload,
        lei=payload,
        inn=payload,
        ogrn=payload,
        european_presence_note=payload,
        description=payload,
        stage=2,
    )
    ClaimFactory(
        firms=[firm], statement=payload, figure_low=-5, figure_unit=payload, firm_response=payload
    )
    rows = list(csv.DictReader(io.StringIO(csv_text(client.get("/firms.csv")))))
    assert len(rows) == 1
    text_columns = [
        "name_en",
        "name_zh",
        "name_ru",
        "name_uk",
        "short_name",
        "exchange",
        "ticker",
        "uscc",
        "lei",
        "inn",
        "ogrn",
        "european_presence_note",
        "description",
    ]
    for column in text_columns:
        assert rows[0][column] == "'" + payload, column
    assert rows[0]["stage"] == "2"  # numbers untouched
    claim = next(csv.DictReader(io.StringIO(csv_text(client.get("/claims.csv")))))
    for column in ["statement", "figure_unit", "firm_response"]:
        assert claim[column] == "'" + payload, column
    assert claim["figure_low"] == "-5"  # a negative number is a number, not a formula
    assert claim["date_start"] == "2024-01-01"


def test_a_source_cited_twice_by_a_claim_is_listed_once(client):
    source = SourceFactory(public_id="SRC0007")
    claim = ClaimFactory(cite=source)
    CitationFactory(claim=claim, source=source, locator="p. 9")
    row = next(csv.DictReader(io.StringIO(csv_text(client.get("/claims.csv")))))
    assert row["sources"] == "SRC0007"


def test_the_json_twin_is_paginated_with_stable_field_names(client, small_world):
    data = client.get("/claims.json", {"region": "several"}).json()
    assert data["table"] == "claims"
    assert data["update"] == 1
    assert data["license"] == "CC BY 4.0"
    assert data["columns"][0] == "id"
    assert all(list(row) == data["columns"] for row in data["results"])
    assert data["count_exact"] is True
    assert client.get("/claims.json", {"page": "200"}).status_code == 404  # past the end
    assert client.get("/claims.json", {"page": "201"}).status_code == 400  # past any list's pages
    assert client.get("/claims.json", {"stage": "x"}).status_code == 400


def test_a_record_json_twin_and_drafts_are_not_exposed(client):
    firm = FirmFactory(name_zh="三一重工股份有限公司")
    data = client.get(f"/records/{firm.public_id}.json").json()
    assert data["record"]["id"] == firm.public_id
    assert data["record"]["name_zh"] == "三一重工股份有限公司"
    draft = FirmFactory(status="draft")
    assert client.get(f"/records/{draft.public_id}.json").status_code == 404
    assert client.get("/records/nonsense.json").status_code == 404


def test_every_list_page_links_its_csv_and_json_with_its_filters(client):
    ClaimFactory(region="luhansk", stage=1)
    body = client.get("/claims/", {"region": "luhansk", "stage": "1"}).content.decode()
    assert 'href="/claims.csv?region=luhansk&amp;stage=1"' in body
    assert 'href="/claims.json?region=luhansk&amp;stage=1"' in body


def test_exact_csv_text_of_the_sites_table_with_its_places(client):
    """Issue 9: country, occupation status, raion, Ukrainian locality, KATOTTH code."""
    SiteFactory(
        public_id="S0001",
        name_en="Mine 1",
        name_uk="Шахта 1",
        occupation_name="пгт Белореченский",
        region="luhansk",
        raion="Luhansk raion",
        locality="Bilorichenskyi",
        locality_uk="Білоріченський",
        katotth="UA44000000000018893",
        occupied_since=datetime.date(2014, 1, 1),
        occupied_since_precision="year",
    )
    Update.objects.create(number=3, summary="x", published_at=timezone.now(), idempotency_key="x")
    assert csv_text(client.get("/sites.csv")) == (
        "id,name_en,name_uk,name_ru,aliases,occupation_name,kind,region,country,"
        "occupation_status,raion,locality,locality_uk,katotth,latitude,longitude,"
        "coordinate_precision,occupied_since,occupied_since_precision,operating_status,"
        "quantity,description,description_uk,last_update,hub_url\r\n"
        "S0001,Mine 1,Шахта 1,,,пгт Белореченский,coal_mine,luhansk,UA,occupied,Luhansk raion,"
        "Bilorichenskyi,Білоріченський,UA44000000000018893,,,none,2014-01-01,year,unknown,,,,1,"
        "http://127.0.0.1:8000/sites/S0001/\r\n"
    )


def test_the_sanctions_table_carries_the_citation_of_each_designation():
    from downloads.tables import BY_NAME

    columns = BY_NAME["sanctions"].column_names
    assert columns[columns.index("source_id") + 1] == "source_locator"


@pytest.mark.parametrize(
    ("table", "query"),
    [
        ("relationships", {}),
        ("relationships", {"firm": "{alliance}"}),  # at both ends
        ("relationships", {"sort": "-id"}),
        ("sanctions", {}),
        ("sanctions", {"authority": "us_bis"}),
        ("sanctions", {"sort": "-listed"}),
        ("citations", {}),
        ("citations", {"source": "{briefing}"}),
        ("citations", {"sort": "-id"}),
    ],
)
def test_lists_without_a_page_have_csv_and_json_twins_like_every_list(
    client, small_world, settings, table, query
):
    """Relationships, sanctions and citations: the JSON pages through the CSV's rows, in its order."""
    settings.HUB_PAGE_SIZE = PAGE_SIZE
    query = filled(query, small_world)
    frame = pd.read_csv(io.StringIO(csv_text(client.get(f"/{table}.csv", query))), dtype=str)
    assert len(frame) > 0
    if not query:  # every row of the list: the package's rows of the table
        package_rows = list(BY_NAME[table].rows(BY_NAME[table].public_queryset()))
        assert sorted(frame["id"]) == sorted(row[0] for row in package_rows)
    for number in (1, 2):
        data = client.get(f"/{table}.json", {**query, "page": number}).json()
        assert data["count"] == len(frame)
        start = (number - 1) * PAGE_SIZE
        assert [row["id"] for row in data["results"]] == list(
            frame["id"][start : start + PAGE_SIZE]
        )
        if not data["next"]:
            break


def test_the_relationships_twin_filters_by_a_firm_at_either_end(client, small_world):
    # The alliance: Xinxing is its member (its target), it is the dealer's partner (the source).
    alliance = small_world.alliance.public_id
    frame = pd.read_csv(io.StringIO(csv_text(client.get("/relationships.csv", {"firm": alliance}))))
    both = [small_world.joined.public_id, small_world.partners.public_id]
    assert sorted(frame["id"]) == sorted(both)
    assert all(alliance in (row.source_firm_id, row.target_firm_id) for row in frame.itertuples())
    assert client.get("/sanctions.csv?authority=nonsense").status_code == 400
