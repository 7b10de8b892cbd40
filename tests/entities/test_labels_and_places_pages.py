"""What the firm, site and claim pages say about places, names and sanctions."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from entities.models import SanctionsDesignation
from hub.transliteration import transliterate
from tests.factories import (
    ClaimFactory,
    DesignationFactory,
    FirmFactory,
    SiteFactory,
    SourceFactory,
    published_directly,
)

pytestmark = pytest.mark.django_db

LEGEND = 'id="legend"'
WORDS = [
    "Sanctions designation recorded",
    "Confirmed",
    "Reported",
    "Alleged",
    "Disputed",
    "Withdrawn",
    "Ended",
]


def body_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def outside_legend(html):
    """The page's visible text without the legend itself."""
    html = re.sub(r'<details class="legend".*?</details>', "", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def site():
    return SiteFactory(
        public_id="S0001",
        name_en="Bilorichenska coal mine",
        name_uk="шахта Білоріченська",
        name_ru="шахта Белореченская",
        region="luhansk",
        raion="Luhansk raion",
        locality="Bilorichenskyi",
        locality_uk="Білоріченський",
        occupation_name="пгт Белореченский",
        katotth="UA44000000000018893",
        occupied_since=datetime.date(2014, 1, 1),
        occupied_since_precision="year",
    )


def test_the_site_page_shows_the_place_as_ukraine_names_it(client, site):
    text = outside_legend(body_of(client, site.get_absolute_url()))
    assert "Country Ukraine · Temporarily occupied" in text
    assert "Occupied region Luhansk oblast, Ukraine" in text
    assert "Raion Luhansk raion" in text
    assert "Locality Bilorichenskyi · Білоріченський Bilorichenskyi" in text
    assert "Name used by the occupation authorities пгт Белореченский" in text
    assert "KATOTTH code UA44000000000018893 (oblast level)" in text
    assert "Occupied since 2014" in text
    assert not re.search(r"\bRussia\b", text)  # "Russian:" labels a name, no more


def test_every_non_latin_name_on_site_and_firm_pages_has_its_transliteration_beside_it(
    client, site
):
    firm = FirmFactory(name_zh="华为技术有限公司", name_ru="Хуавей", name_uk="Хуавей")
    for record, names in [
        (site, [("uk", site.name_uk), ("ru", site.name_ru), ("uk", site.locality_uk)]),
        (site, [("ru", site.occupation_name)]),
        (firm, [("zh", firm.name_zh), ("ru", firm.name_ru), ("uk", firm.name_uk)]),
    ]:
        html = body_of(client, record.get_absolute_url())
        for language, name in names:
            latin = transliterate(name, language)
            assert latin, name
            pattern = (
                rf'<span lang="{language}">{re.escape(name)}</span> '
                rf'<span class="translit" lang="en-Latn">{re.escape(latin)}</span>'
            )
            assert re.search(pattern, html), (record, name, latin)


def test_an_ended_designation_shows_as_ended_and_one_in_force_as_a_sanction(client):
    today = timezone.localdate()
    ended = FirmFactory(name_en="Formerly Listed Co")
    DesignationFactory(firm=ended, ended_on=today - datetime.timedelta(days=1))
    listed = FirmFactory(name_en="Listed Co")
    DesignationFactory(
        firm=listed,
        reference="2024/1745",
        source=SourceFactory(title="Official Journal L 2024/1745"),
        source_locator="Annex, entry 12",
        ended_on=today + datetime.timedelta(days=30),  # announced, not yet ended
    )
    text = outside_legend(body_of(client, ended.get_absolute_url()))
    assert (
        "Ended · Sanction (asset freeze or blocking) · European Union : Russia sanctions, "
        "listed 24 June 2024, ended" in text
    )
    text = outside_legend(body_of(client, listed.get_absolute_url()))
    assert (
        "Sanction (asset freeze or blocking) · European Union : Russia sanctions, "
        "listed 24 June 2024; ends" in text
    )
    assert "Legal reference: 2024/1745." in text
    assert "Source: Official Journal L 2024/1745 , Annex, entry 12." in text

    rows = {row.split("</th>")[0]: row for row in body_of(client, "/firms/").split("<tr>")[2:]}
    [ended_row] = [row for key, row in rows.items() if "Formerly Listed Co" in key]
    [listed_row] = [row for key, row in rows.items() if ">Listed Co<" in key]
    assert ">Ended designation recorded</a>" in ended_row
    assert "Sanctions designation recorded" not in ended_row
    assert ">Sanctions designation recorded</a>" in listed_row


def test_a_public_designation_must_cite_a_source_and_say_where(client):
    designation = DesignationFactory()
    designation.source = None
    with pytest.raises(ValidationError) as error:
        designation.full_clean(validate_unique=False, validate_constraints=False)
    assert "source" in error.value.message_dict
    with pytest.raises(IntegrityError), published_directly():
        SanctionsDesignation.objects.filter(pk=designation.pk).update(source=None)
    with pytest.raises(IntegrityError), published_directly():
        SanctionsDesignation.objects.filter(pk=designation.pk).update(source_locator="")


def test_the_legend_is_on_every_page_that_uses_the_words(client, site):
    firm = FirmFactory()
    DesignationFactory(firm=firm, ended_on=datetime.date(2025, 1, 1))
    DesignationFactory(firm=firm)
    alleged = ClaimFactory(firms=[firm], sites=[site], confidence="alleged")
    ClaimFactory(firms=[firm], sites=[site], confidence="disputed")
    pages = [
        "/firms/",
        firm.get_absolute_url(),
        "/claims/",
        alleged.get_absolute_url(),
        site.get_absolute_url(),
    ]
    for url in pages:
        html = body_of(client, url)
        text = outside_legend(html)
        used = [word for word in WORDS if re.search(rf"\b{word}\b", text, re.I)]
        assert html.count(LEGEND) == 1, url  # explained once on each page
        legend = re.search(r'<details class="legend".*?</details>', html, re.S).group()
        for word in used:
            # A confidence level or status links its definition (evidence.glossary).
            assert re.search(rf">{word.capitalize()}(</a>)?</dt>", legend), (url, word)


@pytest.mark.parametrize("count", [3, 30])
def test_firm_list_and_site_page_run_a_fixed_number_of_queries(
    client, site, count, django_assert_max_num_queries
):
    for number in range(count):
        firm = FirmFactory()
        DesignationFactory(firm=firm, ended_on=datetime.date(2025, 1, 1) if number % 2 else None)
        ClaimFactory(firms=[firm], sites=[site])
    # The sanctions standing is two EXISTS in the list's own query: no query per firm.
    with django_assert_max_num_queries(16):
        assert client.get("/firms/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(site.get_absolute_url()).status_code == 200
