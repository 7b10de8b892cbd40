"""The journeys a person makes, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

# Every browser test serves its pages from a live server: a transactional test,
# rolled back by serialization like every other (tests/conftest.py).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_visitor_filters_by_stage_opens_sany_and_follows_a_footnote_to_its_source(
    page, seeded_live, shoot
):
    page.goto(seeded_live.url + "/")
    shoot("home")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Firms").click()
    page.get_by_label("Stage").select_option("1")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"stage=1"))
    expect(page.get_by_role("status")).to_contain_text("firms")
    # Only stage-1 firms are listed: no Belt and Road network organisation.
    expect(page.get_by_role("link", name="Silk Road Dialogue Committee")).to_have_count(0)
    shoot("firms-stage-1")

    page.get_by_role("link", name=re.compile(r"^SANY Heavy Industry")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SANY Heavy Industry Co., Ltd.")
    shoot("sany")

    page.get_by_role("link", name="Footnote 1", exact=True).first.click()
    footnote = page.locator("ol.footnotes li:target")
    expect(footnote).to_be_visible()
    source_title = footnote.get_by_role("link").first.inner_text()
    footnote.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(source_title)
    expect(page.locator("body")).to_contain_text("What this source supports")
    shoot("source")

    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("SANY Heavy Industry Co., Ltd.")


def test_pages_read_without_javascript(browser, seeded_live):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    for path in ["/", "/firms/?stage=1", "/firms/F0001/", "/claims/", "/sites/", "/sources/"]:
        response = page.goto(seeded_live.url + path)
        assert response.status == 200, path
        expect(page.locator("main")).not_to_be_empty()
    context.close()


def test_a_reader_switches_sany_s_profile_to_ukrainian_in_one_click(
    page, seeded_history_live, shoot
):
    page.goto(seeded_history_live.url + "/firms/F0001/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Українська").click()
    # The same page, now in Ukrainian: its statements and description in Ukrainian.
    expect(page).to_have_url(re.compile(r"/firms/F0001/$"))
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(page.locator("article.profile")).to_contain_text("Китайський виробник будівельної")
    expect(page.locator("article.profile")).to_contain_text("Не встановлено")
    shoot("sany-uk")
    page.get_by_role("navigation", name="Мова").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
