"""A reader walks the evidence chain of the seed data in a real browser.

statement → footnote → the source in its own words, with the hub's translation
→ the source page and its archive state; and the outside fact check answered
in the public correction log and update 2's changelog. These read the seed
data itself (seeds/ and seeds/updates/), as a reader of a fresh `make run` meets it.
"""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
FACT_CHECK = Path(settings.BASE_DIR) / "seeds" / "updates" / "0002-fact-check.json"


def test_a_reader_sees_which_footnotes_are_the_hubs_own_and_reads_translated_quotes(
    page, seeded_history_live, shoot
):
    page.goto(seeded_history_live.url + "/claims/C0012/")
    notes = page.locator("ol.footnotes > li")
    hub_note = notes.filter(has_text="The hub's own briefing, not an independent source.")
    expect(hub_note).to_have_count(1)
    translated = notes.filter(has_text="The hub's translation:")
    expect(translated.first).to_be_visible()
    # The quote keeps its own language; the translation is marked as English.
    expect(translated.first.locator("q[lang='en']")).to_have_count(1)
    expect(translated.first.locator("q").first).not_to_have_attribute("lang", "en")
    shoot("claim-translated-footnotes")

    translated.first.get_by_role("link").first.click()
    expect(page.locator("body")).to_contain_text("The hub tried to archive this page on")
    expect(page.locator("body")).to_contain_text("What this source supports")
    shoot("source-archive-state")

    page.goto(seeded_history_live.url + "/sources/SRC0001/")
    expect(page.locator("p.hub-own")).to_contain_text("The hub's own briefing.")


def test_the_fact_check_is_answered_in_the_public_log_and_update_2(
    page, seeded_history_live, shoot
):
    answers = json.loads(FACT_CHECK.read_text(encoding="utf-8"))["corrections"]
    declined = next(answer for answer in answers if answer["decision"] == "declined")
    # The log holds the corrections of every later update too.
    logged = sum(
        len(json.loads(path.read_text(encoding="utf-8"))["corrections"])
        for path in FACT_CHECK.parent.glob("*.json")
    )
    page.goto(seeded_history_live.url + "/corrections/")
    expect(page.get_by_role("status")).to_contain_text(f"{logged} corrections")
    expect(page.locator("table.records")).to_contain_text(declined["public_response"][:60])
    expect(page.locator("table.records")).to_contain_text("Published in update 2")
    shoot("correction-log")

    page.goto(seeded_history_live.url + "/updates/2/")
    answered = page.get_by_role("region", name="Corrections this update answers")
    accepted = sum(answer["decision"] == "accepted" for answer in answers)
    expect(answered.get_by_role("listitem")).to_have_count(accepted)
    expect(page.locator("main")).to_contain_text(re.compile(r"answers COR-\d+"))
    shoot("update-2")
