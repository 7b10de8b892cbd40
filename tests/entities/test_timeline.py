"""The timelines: events, periods and report dates, and nothing before the occupation."""

import datetime
import re

import pytest

from entities.timeline import (
    EVENT,
    MAX_LANES,
    PERIOD,
    REPORTED,
    claim_period,
    claim_timeline,
    place,
)
from evidence.models import Claim
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    FirmFactory,
    SiteFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def claim_on(date, precision, **fields):
    return ClaimFactory(date_start=date, date_precision=precision, **fields)


def test_a_claim_dated_to_a_year_or_month_spans_it_and_a_day_is_a_point():
    year = claim_on(datetime.date(2023, 1, 1), "year")
    month = claim_on(datetime.date(2024, 3, 1), "month")
    day = claim_on(datetime.date(2025, 12, 11), "day")
    period = claim_on(datetime.date(2015, 1, 1), "year", date_end=datetime.date(2022, 1, 1))

    assert claim_period(year) == (datetime.date(2023, 1, 1), datetime.date(2024, 1, 1))
    assert claim_period(month) == (datetime.date(2024, 3, 1), datetime.date(2024, 4, 1))
    assert claim_period(day) == (datetime.date(2025, 12, 11), datetime.date(2025, 12, 12))
    assert claim_period(period) == (datetime.date(2015, 1, 1), datetime.date(2023, 1, 1))

    timeline = claim_timeline([year, month, day, period])
    marks = {mark.claims[0].public_id: mark for mark in timeline.marks}
    assert marks[day.public_id].is_point
    assert not marks[year.public_id].is_point
    assert marks[period.public_id].basis == PERIOD
    assert marks[year.public_id].basis == EVENT
    # A year is twelve times as wide as a month on the same axis.
    year_width = float(marks[year.public_id].width)
    month_width = float(marks[month.public_id].width)
    assert year_width == pytest.approx(month_width * 365 / 31, rel=0.05)
    assert (timeline.first_year, timeline.last_year) == (2015, 2025)
    # Every year of the axis is named, in the middle of its band.
    assert [label["label"] for label in timeline.year_labels] == [
        str(year) for year in range(2015, 2026)
    ]


def test_an_undated_claim_is_drawn_at_its_report_date_and_says_so():
    early, late = SourceFactory(published_on=datetime.date(2023, 11, 15)), SourceFactory()
    claim = ClaimFactory(date_start=None, cite=late)
    CitationFactory(claim=claim, source=early)
    undated_source = SourceFactory(published_on=None, accessed_on=datetime.date(2026, 11, 28))
    accessed = ClaimFactory(date_start=None, cite=undated_source)
    nothing = ClaimFactory(date_start=None, cite=SourceFactory(published_on=None, accessed_on=None))

    rows = {
        row.claim.public_id: row
        for row in claim_timeline(
            list(Claim.objects.for_display().filter(pk__in=[claim.pk, accessed.pk, nothing.pk]))
        ).rows
    }

    assert rows[claim.public_id].basis == REPORTED
    assert rows[claim.public_id].start == datetime.date(2023, 11, 15)
    assert rows[claim.public_id].reported == "reported on 15 November 2023"
    assert rows[accessed.public_id].start == datetime.date(2026, 11, 28)
    assert "the date the hub accessed the source" in rows[accessed.public_id].reported
    assert rows[nothing.public_id].start is None
    assert rows[nothing.public_id].note == "No date, and no dated source: not drawn."


def test_nothing_is_drawn_before_the_occupation_of_the_claims_place():
    quarry = SiteFactory(
        name_en="Karan Quarry",
        region="donetsk",
        occupied_since=datetime.date(2022, 1, 1),
        occupied_since_precision="year",
    )
    idle = claim_on(
        datetime.date(2008, 1, 1), "year", date_end=datetime.date(2022, 1, 1), sites=[quarry]
    )
    before = claim_on(datetime.date(2010, 1, 1), "year", sites=[quarry])
    crimea = claim_on(datetime.date(2013, 6, 1), "month", sites=[], region="crimea")

    claims = list(Claim.objects.for_display().filter(pk__in=[idle.pk, before.pk, crimea.pk]))
    rows = {row.claim.public_id: row for row in claim_timeline(claims).rows}

    assert rows[idle.public_id].start == datetime.date(2022, 1, 1)
    assert rows[idle.public_id].note == (
        "Starts before the occupation of Karan Quarry: drawn from 2022."
    )
    assert rows[before.public_id].start is None
    assert rows[before.public_id].note == "Before the occupation of Karan Quarry (2022): not drawn."
    assert rows[crimea.public_id].start is None
    assert place(Claim.objects.for_display().get(pk=crimea.pk)).note.startswith(
        "Before the occupation of Autonomous Republic of Crimea (2014)"
    )


def test_a_crowded_timeline_draws_a_bounded_number_of_lanes_and_counts_the_rest():
    claims = [
        Claim(
            public_id=f"C{year}",
            statement="Present.",
            claim_type="presence",
            date_start=datetime.date(year, 1, 1),
            date_end=datetime.date(2040, 1, 1),
            date_precision="year",
        )
        for year in range(2000, 2040)
    ]

    timeline = claim_timeline(claims)

    assert timeline.lanes == MAX_LANES
    assert len(timeline.marks) == MAX_LANES
    assert timeline.hidden == 40 - MAX_LANES
    assert len(timeline.rows) == 40  # the table still lists every claim


def test_the_firm_and_site_timelines_draw_every_claim_and_table_them(client):
    firm = FirmFactory()
    site = SiteFactory()
    dated = claim_on(datetime.date(2024, 1, 1), "year", firms=[firm], sites=[site])
    same_year = claim_on(datetime.date(2024, 1, 1), "year", firms=[firm], sites=[site])
    undated = ClaimFactory(date_start=None, firms=[firm], sites=[site])

    for url in (firm.get_absolute_url(), site.get_absolute_url()):
        body = client.get(url).content.decode()
        assert '<svg class="timeline-chart"' in body, url
        # Two claims with the same period and type share a bar with a count.
        assert "×2" in body
        rows = dict(re.findall(r'<tr data-claim="(C\d+)" data-basis="(\w+)">', body))
        assert rows == {
            dated.public_id: "event",
            same_year.public_id: "event",
            undated.public_id: "reported",
        }
        assert re.search(
            rf'class="tl-mark tl-reported [^"]*" data-claims="{undated.public_id}"', body
        )
        assert "reported on 1 March 2025" in body
        assert 'style="' not in body  # the CSP forbids inline styles


def test_the_timeline_page_draws_every_claim_and_counts_claims_per_year(client):
    claim_on(datetime.date(2023, 5, 1), "month", stage=1, claim_type="equipment_supply")
    claim_on(datetime.date(2023, 1, 1), "year", stage=1, claim_type="servicing")
    claim_on(datetime.date(2025, 1, 1), "year", stage=3, claim_type="investment")
    undated = ClaimFactory(date_start=None, stage=None, claim_type="network")
    draft = ClaimFactory(date_start=datetime.date(2025, 1, 1), status="draft")

    response = client.get("/timeline/")

    assert response.status_code == 200
    body = response.content.decode()
    drawn = set(" ".join(re.findall(r'data-claims="([^"]+)"', body)).split())
    assert drawn == set(Claim.objects.public().values_list("public_id", flat=True))
    assert undated.public_id in drawn
    assert draft.public_id not in body
    assert body.count('<svg class="stacked-chart"') == 2
    # The stage table: 2023 has two stage-1 claims, 2024 none, 2025 one stage-3.
    assert re.search(
        r"<th scope=\"row\">2023</th><td>2</td><td>0</td><td>0</td><td>0</td><td>2</td>", body
    )
    assert re.search(r"<th scope=\"row\">2024</th>(<td>0</td>){4}<td>0</td>", body)
    assert re.search(
        r"<th scope=\"row\">2025</th><td>0</td><td>0</td><td>1</td><td>0</td><td>1</td>", body
    )
    assert re.search(r"Undated</th>(<td>0</td>){3}<td>1</td><td>1</td>", body)
    assert "2023 · Stage 1 · private equipment suppliers: 2 claims" in body


def test_the_timeline_page_with_no_claims_says_so(client):
    body = client.get("/timeline/").content.decode()
    assert "No dated claims yet." in body


def test_the_visual_pages_answer_in_ukrainian_with_dot_decimals_in_the_pictures(client):
    SiteFactory(latitude="46.75", longitude="36.80", coordinate_precision="exact")
    claim_on(datetime.date(2024, 3, 1), "month", firms=[FirmFactory()])
    client.cookies["django_language"] = "uk"
    for url in ("/sites/map/", "/timeline/", "/network/"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert not re.search(r'(x|y|width|height|cx|cy)="\d+,\d', body), url
        for path in re.findall(r' d="([^"]+)"', body):
            numbers = [n for n in re.split(r"[MC ,]+", path) if n]
            assert all(re.fullmatch(r"-?\d+\.\d", n) for n in numbers), path
