"""Generated hostile input against every public list, the JSON endpoints and the public form.

The only claim tested: no request gets a server error (status ≥ 500). CI runs
FUZZ_EXAMPLES cases per endpoint (50); `HYPOTHESIS_PROFILE=thorough` runs the
profile's larger number for a local soak.
"""

import inspect
import os
from urllib.parse import quote, urlencode

import django_filters
import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from entities import filters as entity_filters
from evidence import filters as evidence_filters
from tests.factories import (
    ClaimFactory,
    DesignationFactory,
    FirmFactory,
    RelationshipFactory,
    SiteFactory,
    SourceFactory,
    correction_form_data,
)

pytestmark = pytest.mark.django_db

FUZZ_EXAMPLES = (
    hypothesis_settings().max_examples if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 50
)
FUZZ = hypothesis_settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

PAGES = [
    "/firms/",
    "/sites/",
    "/claims/",
    "/sources/",
    "/corrections/",
    "/updates/",
    "/search/",
    "/sites/map/",
    "/network/",
    "/timeline/",
]
TABLES = ["firms", "sites", "claims", "sources", "citations"]
JSON_LISTS = [f"/{table}.json" for table in TABLES]
CSV_LISTS = [f"/{table}.csv" for table in TABLES]


def filter_names():
    """Every parameter any public FilterSet reads, and the list machinery's own."""
    names = {"page", "sort", "order", "q", "per_page", "format", "record", "lang", "cursor"}
    for module in (entity_filters, evidence_filters):
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, django_filters.FilterSet) and cls is not django_filters.FilterSet:
                names.update(cls.base_filters)
    return sorted(names)


HOSTILE = st.sampled_from(
    [
        "",
        "0",
        "-1",
        "99999999999999999999999",
        "1e308",
        "NaN",
        "null",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "\x00",
        "%00",
        "..%2f..%2fetc/passwd",
        "x" * 5000,
        "三一重工",
        "Сані",
        "🙂",
        "2024-13-45",
        "F0001",
        "luhansk",
        "1,2,3",
        "[]",
        "{}",
    ]
)
VALUES = st.one_of(HOSTILE, st.text(max_size=60), st.integers().map(str))
KEYS = st.one_of(st.sampled_from(filter_names()), st.text(min_size=1, max_size=20))
QUERIES = st.lists(st.tuples(KEYS, VALUES), max_size=8).map(lambda pairs: urlencode(pairs))
RAW_QUERIES = st.sampled_from(
    ["%zz", "&&&==", "a=%ff%fe", "page=1&page=2&page=x", "=" * 50, "q=%C0%AF", ";;;", "a[]=1"]
)


@pytest.fixture
def records():
    firm = FirmFactory(public_id="F0001")
    other = FirmFactory(public_id="F0002")
    site = SiteFactory(public_id="S0001")
    source = SourceFactory(public_id="SRC0001")
    ClaimFactory(public_id="C0001", firms=[firm], sites=[site], cite=source)
    RelationshipFactory(public_id="R0001", source_firm=firm, target_firm=other)
    DesignationFactory(public_id="D0001", firm=firm)
    return firm


def fetch(client, url):
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


@pytest.mark.parametrize("path", PAGES + JSON_LISTS + CSV_LISTS)
def test_no_query_string_makes_a_list_fail(records, path):
    client = Client(raise_request_exception=False)

    @FUZZ
    @given(st.one_of(QUERIES, RAW_QUERIES))
    def request(query):
        status = fetch(client, f"{path}?{query}")
        assert status < 500, (path, query, status)

    request()


def test_no_record_identifier_makes_the_json_fail(records):
    client = Client(raise_request_exception=False)
    assert fetch(client, "/records/F0001.json") == 200

    @FUZZ
    @given(st.one_of(st.text(min_size=1, max_size=40), HOSTILE.filter(bool)))
    def request(public_id):
        url = f"/records/{quote(public_id, safe='')}.json"
        status = fetch(client, url)
        assert status < 500, (url, status)

    request()


FORM_FIELDS = st.fixed_dictionaries(
    {},
    optional=dict.fromkeys(
        [
            "record",
            "what_is_wrong",
            "proposed_fix",
            "evidence",
            "right_of_reply",
            "name",
            "email",
            "website",
            "form_token",
        ],
        VALUES,
    ),
)


def test_no_post_makes_the_correction_form_fail(records):
    client = Client(raise_request_exception=False)
    sent = []

    @FUZZ
    @given(FORM_FIELDS, st.booleans(), st.sampled_from(["", "?record=F0001", "?record=%00"]))
    def post(fields, with_token, query):
        data = correction_form_data(**fields) if with_token else fields
        sent.append(1)
        # Many addresses, so that the rate limit does not answer every post.
        address = f"198.18.{len(sent) // 250}.{len(sent) % 250 + 1}"
        response = client.post(f"/corrections/new/{query}", data, REMOTE_ADDR=address)
        assert response.status_code < 500, (fields, response.status_code)
        assert response.status_code in (302, 400, 429)

    post()


@pytest.mark.parametrize(
    "url", ["/network/?firm=%00", "/firms/?q=a%00b", "/firms/%00/", "/claims/?%00=1"]
)
def test_a_nul_byte_in_the_address_is_a_bad_request(records, url):
    # Found by the fuzzing on PostgreSQL, which cannot hold NUL in text.
    assert Client().get(url).status_code == 400
