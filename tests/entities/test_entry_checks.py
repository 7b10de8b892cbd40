"""Bad identifiers and places are refused wherever records are entered: the
admin, the staff edit (staging) and the spreadsheet import."""

import pytest

from editorial import imports, staging
from entities.models import Firm, Site
from tests.factories import FirmFactory, SiteFactory, csv_file, login_verified

pytestmark = pytest.mark.django_db

HUAWEI_USCC = "914403001922038216"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "x")


def run(table, headers, rows, user, commit=True):
    sheet = imports.read_table(csv_file(headers, rows), f"{table}.csv")
    imports.check_columns(table, sheet)
    return imports.run_import(table=table, sheet=sheet, user=user, commit=commit)


FIRM_HEADERS = ["public_id", "name_en", "kind", "uscc", "lei", "inn"]


def test_an_import_row_with_a_wrong_check_character_is_an_error_naming_the_field(staff):
    report = run(
        "firms",
        FIRM_HEADERS,
        [
            ["", "Good Co", "company", HUAWEI_USCC, "", ""],
            ["", "Typo Co", "company", "914403001922038217", "", ""],
            ["", "Lei Co", "company", "", "506700GE1G29325QX364", ""],
            ["", "Inn Co", "company", "", "", "7707083894"],
        ],
        staff,
    )
    errors = {error["row"]: error["reason"] for error in report["errors"]}
    assert set(errors) == {3, 4, 5}
    assert errors[3].startswith("uscc: Unified Social Credit Code: the check character")
    assert errors[4].startswith("lei: LEI: the check character")
    assert errors[5].startswith("inn: INN: the check character")
    assert report["staged"] == 0  # all or nothing
    assert not Firm.objects.filter(name_en="Good Co").exists()


def test_an_import_of_valid_identifiers_stages_them(staff):
    report = run(
        "firms",
        FIRM_HEADERS,
        [["", "Good Co", "company", HUAWEI_USCC, "506700GE1G29325QX363", "7707083893"]],
        staff,
    )
    assert report["errors"] == []
    firm = Firm.objects.get(name_en="Good Co")
    assert (firm.uscc, firm.lei, firm.inn) == (HUAWEI_USCC, "506700GE1G29325QX363", "7707083893")


SITE_HEADERS = ["public_id", "name_en", "kind", "country", "region"]


@pytest.mark.parametrize(
    ("country", "region", "expected_region"),
    [
        ("TOT Ukraine", "luhansk", "luhansk"),
        ("Occupied Ukraine", "kherson", "kherson"),
        ("Crimea, Russia", "", "crimea"),
        ("DNR", "", "donetsk"),
        ("LNR", "", "luhansk"),
        ("UA", "DNR", "donetsk"),
    ],
)
def test_the_importer_reads_source_labels_as_ukraine_and_occupied(
    staff, country, region, expected_region
):
    report = run("sites", SITE_HEADERS, [["", "Mine X", "coal_mine", country, region]], staff)
    assert report["errors"] == []
    site = Site.objects.get(name_en="Mine X")
    assert (site.country, site.occupation_status, site.region) == (
        "UA",
        "occupied",
        expected_region,
    )


def test_the_importer_refuses_russia_as_the_country_of_a_site(staff):
    report = run(
        "sites", SITE_HEADERS, [["", "Mine X", "coal_mine", "Russia", "luhansk"]], staff, False
    )
    [error] = report["errors"]
    assert error["row"] == 2
    assert error["reason"].startswith("country: Country: a site in the occupied territories")


def test_a_label_naming_two_regions_leaves_the_region_to_be_given(staff):
    report = run("sites", SITE_HEADERS, [["", "Mine X", "coal_mine", "DNR / LNR", ""]], staff)
    [error] = report["errors"]
    assert error["reason"].startswith("region:")


def test_a_staged_edit_with_a_bad_lei_is_refused_naming_the_field(staff):
    firm = FirmFactory()
    with pytest.raises(staging.StagingRefused, match=r"^lei: LEI: the check character"):
        staging.stage_edit(record=firm, fields={"lei": "506700GE1G29325QX364"}, user=staff)
    site = SiteFactory()
    with pytest.raises(staging.StagingRefused, match=r"^country: Country: a site in the occ"):
        staging.stage_edit(record=site, fields={"country": "RU"}, user=staff)


def test_the_admin_form_refuses_a_wrong_check_character_beside_the_field(client, staff):
    login_verified(client, staff)
    data = {
        "public_id": "F0900",
        "name_en": "Typo Co",
        "kind": "company",
        "ownership": "private",
        "country": "CN",
        "identified": "on",
        "uscc": "914403001922038217",
        "designations-TOTAL_FORMS": "0",
        "designations-INITIAL_FORMS": "0",
        "designations-MIN_NUM_FORMS": "0",
        "designations-MAX_NUM_FORMS": "1000",
    }
    response = client.post("/staff/admin/entities/firm/add/", data)
    assert response.status_code == 200
    assert "Unified Social Credit Code: the check character" in response.content.decode()
    assert not Firm.objects.filter(name_en="Typo Co").exists()
    data["uscc"] = HUAWEI_USCC
    assert client.post("/staff/admin/entities/firm/add/", data).status_code == 302
    assert Firm.objects.get(name_en="Typo Co").uscc == HUAWEI_USCC
