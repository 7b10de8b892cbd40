"""What the profile pages remember to render faster still follows each request.

Record links are filled into a URL reversed once, choice labels come from a
dictionary built once, and partial dates are remembered by their text: each
must still give what reverse(), Django's get_FOO_display() and a fresh
format would give, in the language and under the script prefix of the moment.
"""

import datetime

import pytest
from django.urls import reverse, set_script_prefix
from django.utils import translation

from evidence.models import Claim
from hub.models import DatePrecision, format_partial_date
from tests.factories import ClaimFactory, FirmFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_record_links_are_what_reverse_gives():
    claim = ClaimFactory()
    citation = claim.citations.get()
    for record in (claim, citation, citation.source, FirmFactory()):
        expected = reverse(record.DETAIL_URL_NAME, args=[record.public_id])
        assert record.get_absolute_url() == expected


def test_record_links_follow_the_script_prefix():
    firm = FirmFactory(public_id="F0042")
    assert firm.get_absolute_url() == "/firms/F0042/"
    set_script_prefix("/hub/")
    try:
        assert firm.get_absolute_url() == "/hub/firms/F0042/"
    finally:
        set_script_prefix("/")
    assert firm.get_absolute_url() == "/firms/F0042/"


def test_an_unusual_identifier_is_quoted_as_reverse_would():
    source = SourceFactory.build(public_id="SRC 1é")
    assert source.get_absolute_url() == "/sources/SRC%201%C3%A9/"


def test_choice_labels_follow_the_active_language():
    claim = ClaimFactory.build(confidence=Claim.Confidence.SINGLE_SOURCE)
    with translation.override("uk"):
        ukrainian = str(Claim.Confidence.SINGLE_SOURCE.label)
    assert ukrainian != "Reported"
    assert claim.get_confidence_display() == "Reported"
    with translation.override("uk"):
        assert claim.get_confidence_display() == ukrainian
    assert claim.get_confidence_display() == "Reported"


def test_a_value_outside_the_choices_is_shown_as_it_is():
    claim = ClaimFactory.build(confidence="unheard_of")
    assert claim.get_confidence_display() == "unheard_of"


def test_remembered_dates_follow_the_active_language():
    day = datetime.date(2024, 3, 12)
    assert format_partial_date(day, DatePrecision.MONTH) == "March 2024"
    with translation.override("uk"):
        assert format_partial_date(day, DatePrecision.MONTH) == "березень 2024"
        assert format_partial_date(day, DatePrecision.DAY).startswith("12 березня 2024")
    assert format_partial_date(day, DatePrecision.MONTH) == "March 2024"
    assert format_partial_date(day, DatePrecision.DAY) == "12 March 2024"


def test_a_profile_in_ukrainian_after_one_in_english(client):
    firm = FirmFactory()
    source = SourceFactory(published_on=datetime.date(2025, 3, 1), published_precision="month")
    ClaimFactory(firms=[firm], cite=source, confidence=Claim.Confidence.CONFIRMED)
    english = client.get(firm.get_absolute_url()).content.decode()
    assert "Confirmed" in english
    assert "March 2025" in english
    client.post("/i18n/setlang/", {"language": "uk", "next": "/"})
    ukrainian = client.get(firm.get_absolute_url()).content.decode()
    with translation.override("uk"):
        confirmed = str(Claim.Confidence.CONFIRMED.label)
    assert confirmed in ukrainian
    assert "березень 2025" in ukrainian
    assert "March 2025" not in ukrainian
