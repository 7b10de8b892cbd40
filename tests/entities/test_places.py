"""Places as they are: KATOTTH codes, Ukraine as the country, source labels read."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from entities import places
from entities.models import Site
from entities.places import PlaceReading, read_place_label, read_site_cells
from tests.factories import SiteFactory, published_directly

# First-level codes as the codifier (order No. 290 of 26 November 2020) gives them.
OBLAST_CODES = {
    "crimea": "UA01000000000013043",
    "donetsk": "UA14000000000091971",
    "zaporizhzhia": "UA23000000000064947",
    "luhansk": "UA44000000000018893",
    "kherson": "UA65000000000030969",
    "sevastopol": "UA85000000000065278",
}


@pytest.mark.parametrize(("region", "code"), OBLAST_CODES.items())
def test_the_codifier_codes_of_the_occupied_regions_are_valid_and_match_their_region(region, code):
    places.validate_katotth(code)
    assert places.katotth_matches_region(code, region)
    assert places.katotth_matches_region(code, "several")
    assert places.katotth_level(code) == 1


def test_a_code_from_a_hromada_down_is_read_to_its_level():
    assert places.katotth_level("UA71020010000037786") == 3  # Buzhanska hromada
    assert places.katotth_level("UA71020000000057292") == 2  # Zvenyhorodka raion


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("UA4400000000001889", "'UA' followed by 17 digits"),
        ("ua44000000000018893", "'UA' followed by 17 digits"),
        ("RU44000000000018893", "'UA' followed by 17 digits"),
        ("UA4400000000001889X", "'UA' followed by 17 digits"),
        ("UA99000000000018893", "code of an oblast"),
    ],
)
def test_a_malformed_katotth_code_is_refused_saying_why(value, words):
    with pytest.raises(ValidationError) as error:
        places.validate_katotth(value)
    assert words in error.value.messages[0]
    assert error.value.messages[0].startswith("KATOTTH code:")


@pytest.mark.parametrize(
    ("label", "reading"),
    [
        ("TOT Ukraine", PlaceReading("UA", True, "")),
        ("Occupied Ukraine", PlaceReading("UA", True, "")),
        ("temporarily occupied territories of Ukraine", PlaceReading("UA", True, "")),
        ("Crimea, Russia", PlaceReading("UA", True, "crimea")),
        ("Republic of Crimea, Russian Federation", PlaceReading("UA", True, "crimea")),
        ("Sevastopol, Russia", PlaceReading("UA", True, "sevastopol")),
        ("DNR", PlaceReading("UA", True, "donetsk")),
        ("Donetsk People's Republic, Russia", PlaceReading("UA", True, "donetsk")),
        ("LNR", PlaceReading("UA", True, "luhansk")),
        ("ЛНР", PlaceReading("UA", True, "luhansk")),
        ("Zaporozhye oblast, Russia", PlaceReading("UA", True, "zaporizhzhia")),
        ("occupied Kherson", PlaceReading("UA", True, "kherson")),
        ("DNR / LNR", PlaceReading("UA", True, "")),  # two regions: ambiguous
        ("Ukraine", PlaceReading("UA", None, "")),
        ("Russia", None),  # not a place in Ukraine: left for validation to refuse
        ("Rostov oblast", None),
        ("", None),
    ],
)
def test_source_labels_are_read_as_ukraine_occupied_and_the_oblast_they_name(label, reading):
    assert read_place_label(label) == reading


def test_a_row_of_sites_has_its_labels_read_and_explicit_cells_kept():
    assert read_site_cells({"country": "Crimea, Russia", "region": ""}) == {
        "country": "UA",
        "region": "crimea",
        "occupation_status": "occupied",
    }
    # A region cell given explicitly wins over the one the country label names.
    assert read_site_cells({"country": "LNR", "region": "donetsk"})["region"] == "donetsk"
    assert read_site_cells({"region": "DNR"}) == {"region": "donetsk"}
    assert read_site_cells({"country": "Russia", "region": "luhansk"})["country"] == "Russia"
    liberated = read_site_cells({"country": "TOT Ukraine", "occupation_status": "liberated"})
    assert liberated["occupation_status"] == "liberated"


# The model ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("country", ["RU", "Russia"])
def test_a_site_in_russia_is_refused_with_a_message_naming_the_country(country):
    site = SiteFactory.build(country=country)
    with pytest.raises(ValidationError) as error:
        site.full_clean(validate_unique=False, validate_constraints=False)
    assert "is in Ukraine (UA), not Russia" in " ".join(error.value.message_dict["country"])


@pytest.mark.django_db
def test_the_database_refuses_a_site_whose_country_is_not_ukraine():
    site = SiteFactory()
    with pytest.raises(IntegrityError), published_directly():
        Site.objects.filter(pk=site.pk).update(country="RU")


@pytest.mark.django_db
def test_the_database_refuses_a_katotth_code_of_the_wrong_shape():
    site = SiteFactory()
    with pytest.raises(IntegrityError), published_directly():
        Site.objects.filter(pk=site.pk).update(katotth="UA440000")


@pytest.mark.django_db
def test_a_katotth_code_outside_the_sites_region_is_refused():
    site = SiteFactory.build(region="luhansk", katotth=OBLAST_CODES["donetsk"])
    with pytest.raises(ValidationError) as error:
        site.full_clean(validate_unique=False, validate_constraints=False)
    assert "not in the site's region" in " ".join(error.value.message_dict["katotth"])
    site.katotth = OBLAST_CODES["luhansk"]
    site.full_clean(validate_unique=False, validate_constraints=False)


@pytest.mark.django_db
def test_every_seed_site_is_in_ukraine_with_a_code_of_its_own_region(seeded):
    for site in Site.objects.all():
        assert site.country == "UA"
        site.full_clean(validate_unique=False, validate_constraints=False)
        if site.katotth:
            assert places.katotth_matches_region(site.katotth, site.region)
