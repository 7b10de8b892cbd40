"""Journeys 2-5: a correction from a claim page to a published update, and a researcher's downloads."""

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from tests.browser.conftest import staff_log_in

# Every browser test serves its pages from a live server: a transactional test,
# rolled back by serialization like every other (tests/conftest.py).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a-long-test-password-42"


@pytest.fixture
def staff(django_user_model, seeded_live):
    def make(username, group):
        user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        return user

    return make("edith", "editor"), make("rueben", "reviewer")


def log_in(page, base, username, next_url):
    user = get_user_model().objects.get(username=username)
    staff_log_in(page, base, user, PASSWORD, next_url)


def log_out(page):
    page.context.clear_cookies()


def test_a_correction_goes_from_a_claim_page_to_a_published_update(page, seeded_live, staff, shoot):
    base = seeded_live.url
    # 2. A visitor suggests a correction from a claim page and opens the tracking link.
    page.goto(f"{base}/claims/C0015/")
    page.get_by_role("complementary", name="About this record").get_by_role(
        "link", name="Suggest a correction"
    ).click()
    page.get_by_label("What is wrong?").fill(
        "The statement should say the machines were tunnelling machines."
    )
    page.get_by_label("What should it say instead?").fill(
        "SANY supplied tunnelling machines for four occupied coal mines in 2024."
    )
    shoot("correction-form")
    page.get_by_role("button", name="Send the correction").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("COR-00001")
    tracking_url = page.url
    expect(page.locator("main")).to_contain_text("Received")
    shoot("tracking")

    # 3. An editor accepts it and stages the edit; a reviewer publishes the next update.
    log_in(page, base, "edith", "/staff/corrections/1/")
    page.get_by_role("button", name="Accept").click()
    expect(page.locator("main")).to_contain_text("accepted")
    page.get_by_role("link", name=re.compile("Stage a change to C0015")).click()
    page.get_by_label("Statement", exact=True).fill(
        "SANY supplied tunnelling machines for four occupied coal mines in 2024."
    )
    page.get_by_role("button", name="Stage the edit").click()
    expect(page.locator("main")).to_contain_text("Staged")
    assert page.goto(f"{base}/staff/updates/new/").status == 403  # an editor cannot publish
    log_out(page)

    page.goto(f"{base}/claims/C0015/")
    expect(page.locator("h1")).not_to_contain_text("tunnelling")  # nothing public yet

    log_in(page, base, "rueben", "/staff/updates/new/")
    page.get_by_label("Summary").fill("Correction COR-00001 to claim C0015")
    shoot("composer")
    page.get_by_role("button", name=re.compile("Publish update 2")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Update 2")
    log_out(page)

    # 4. The visitor sees the change, the changelog and "published in update 2".
    page.goto(f"{base}/claims/C0015/")
    expect(page.locator("h1")).to_contain_text("tunnelling machines")
    expect(page.locator(".record-meta")).to_contain_text("Last changed in update 2")
    shoot("claim-after")
    page.goto(f"{base}/updates/2/")
    expect(page.locator("main")).to_contain_text("C0015")
    expect(page.locator("main")).to_contain_text("COR-00001")
    page.goto(tracking_url)
    expect(page.locator("main")).to_contain_text("Published in update 2")
    shoot("tracking-published")


def test_a_researcher_downloads_the_filtered_claims_and_the_latest_update(page, seeded_live, shoot):
    base = seeded_live.url
    page.goto(f"{base}/claims/?region=luhansk")
    count = int(re.search(r"(\d+) claims", page.get_by_role("status").inner_text()).group(1))
    with page.expect_download() as download_info:
        page.locator(".export-links").get_by_role("link", name="CSV").click()
    download = download_info.value
    assert re.match(
        r"tot-insights-hub_claims_update-1_\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename
    )
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert len(rows) == count
    assert {row["region"] for row in rows} == {"luhansk"}

    page.goto(f"{base}/downloads/")
    shoot("downloads")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download everything (zip)").click()
    archive = zipfile.ZipFile(download_info.value.path())
    names = archive.namelist()
    assert "tot-insights-hub-update-1/claims.csv" in names
    assert "tot-insights-hub-update-1/datapackage.json" in names
    claims = list(
        csv.DictReader(io.StringIO(archive.read("tot-insights-hub-update-1/claims.csv").decode()))
    )
    assert len(claims) > count
