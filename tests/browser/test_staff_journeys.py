"""A "here is a better source" correction handled from the staff pages alone, at 1280 and 360 px."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, staff_log_in
from tests.factories import CitationFactory, ClaimFactory, FirmFactory, SourceFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a-long-test-password-42"
OLD = "SANY supplied heading machines for four occupied coal mines in 2024 alone."
NEW = "SANY supplied heading machines for four occupied coal mines, delivered in 2024."


@pytest.fixture
def desk(live_server, settings, django_user_model, http_server, allow_loopback_fetching):
    """A claim like C0015 with its one footnote, two staff members, and the new evidence online."""
    settings.HUB_FORM_MIN_SECONDS = 0
    settings.HUB_CORRECTION_RATES = ["1000/m"]
    sany = FirmFactory(name_en="SANY Heavy Industry Co., Ltd.", name_zh="三一重工股份有限公司")
    claim = ClaimFactory(statement=OLD, firms=[sany], cite=False)
    CitationFactory(
        claim=claim,
        source=SourceFactory(title="Mining equipment in the occupied Donbas"),
        locator="p. 12",
        quote="in 2024 alone",
    )
    for username, group in (("edith", "editor"), ("rueben", "reviewer")):
        user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=group))
    http_server.page("/deliveries-2024", b"<html><body><p>delivered in 2024</p></body></html>")
    return {
        "base": live_server.url,
        "claim": claim,
        "evidence": http_server.url("/deliveries-2024"),
    }


def log_in(page, base, username, next_url):
    from django.contrib.auth import get_user_model

    staff_log_in(page, base, get_user_model().objects.get(username=username), PASSWORD, next_url)


# The elements that stick out on the right, outside any scrolling box: what to fix.
WIDEST = """
Array.from(document.querySelectorAll("body *"))
  .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter((e) => {
    for (let x = e.parentElement; x; x = x.parentElement) {
      if (["auto", "scroll", "hidden"].includes(getComputedStyle(x).overflowX)) return false;
    }
    return true;
  })
  .slice(0, 5)
  .map((e) => `${e.tagName}.${e.className}#${e.id} ${Math.round(e.getBoundingClientRect().right)}`)
"""


def no_sideways_scroll(page, name=None):
    if name:  # kept in artifacts/ for a person to look at
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"]
        page.screenshot(path=ARTIFACTS / f"staff-journey-{name}-{width}.png", full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wide = page.evaluate(WIDEST)
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px: {wide}"


@pytest.mark.parametrize("width", [1280, 360])
def test_a_better_source_goes_from_a_correction_to_a_footnote_in_the_next_update(page, desk, width):
    page.set_viewport_size({"width": width, "height": 900})
    base, claim, evidence = desk["base"], desk["claim"], desk["evidence"]

    # A visitor suggests a correction with new evidence on the claim's page.
    page.goto(f"{base}/claims/{claim.public_id}/")
    page.get_by_role("link", name="Suggest a correction").first.click()
    page.get_by_label("What is wrong?").fill("The machines were delivered in 2024.")
    page.get_by_label("What should it say instead?").fill(NEW)
    page.get_by_label("Evidence (optional)").fill(evidence)
    page.get_by_role("button", name="Send the correction").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("COR-00001")
    tracking_url = page.url

    # An editor accepts it (and so takes it on), turns the URL into a source and a citation.
    log_in(page, base, "edith", "/staff/corrections/1/")
    page.get_by_role("button", name="Accept").click()
    expect(page.locator(".staff-messages")).to_have_count(1)
    expect(page.locator("main")).to_contain_text("COR-00001 is now accepted.")
    expect(page.locator("dl.facts").first).to_contain_text("edith")
    no_sideways_scroll(page, "correction")
    page.get_by_role("link", name=re.compile(f"Stage a change to {claim.public_id}")).click()
    expect(page.get_by_label("URL", exact=True)).to_have_value(evidence)
    page.get_by_label("Title", exact=True).fill("Deliveries of mining machinery, 2024")
    page.get_by_label("Publisher", exact=True).fill("Donbas Monitor")
    page.get_by_label("Kind", exact=True).select_option(label="Media")
    page.get_by_role("textbox", name="Language", exact=True).fill("ru")
    page.get_by_label("Reliability grade").select_option("B")
    page.get_by_label("Locator").fill("para. 3")
    page.get_by_label("Quote", exact=True).fill("поставлены в 2024 году")
    page.get_by_label("English translation of the quote").fill("delivered in 2024")
    page.get_by_role("button", name="Stage the citation").click()
    expect(page.locator(".staff-messages")).to_contain_text("Staged")

    # ... edits the statement, and sees the claim as the public will, new footnote and all.
    page.get_by_label("Statement", exact=True).fill(NEW)
    page.get_by_role("button", name="Stage the edit").click()
    after = page.get_by_role("region", name="Once the pending changes are published")
    expect(after).to_contain_text(NEW)
    expect(after.locator("ol.footnotes li")).to_have_count(2)
    expect(after).to_contain_text("Deliveries of mining machinery, 2024")
    expect(after).to_contain_text("delivered in 2024")
    no_sideways_scroll(page, "stage-preview")

    # Only a reviewer publishes, and the editor's 403 says so.
    assert page.goto(f"{base}/staff/updates/new/").status == 403
    expect(page.locator("main")).to_contain_text("reviewer")
    page.context.clear_cookies()

    log_in(page, base, "rueben", "/staff/updates/new/")
    preview = page.get_by_role("region", name=f"{claim.public_id} before and after")
    expect(preview).to_contain_text(NEW)
    expect(preview).to_contain_text("Deliveries of mining machinery, 2024")
    page.get_by_label("Summary").fill("COR-00001: the deliveries of 2024, with their source")
    no_sideways_scroll(page)
    page.get_by_role("button", name=re.compile(r"Publish update \d+")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Update")
    expect(page.locator("main")).to_contain_text("COR-00001")
    page.context.clear_cookies()

    # The public reads the new statement, footnoted to the new source.
    page.goto(f"{base}/claims/{claim.public_id}/")
    expect(page.locator("h1")).to_contain_text(NEW)
    notes = page.locator("ol.footnotes")
    expect(notes).to_contain_text("Deliveries of mining machinery, 2024")
    expect(notes).to_contain_text("para. 3")
    no_sideways_scroll(page, "claim-after")
    page.goto(tracking_url)
    expect(page.locator("main")).to_contain_text("Published in update")
