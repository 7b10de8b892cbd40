"""axe-core on every kind of page: no serious or critical violation.

axe-core is vendored from its npm package (tests/browser/vendor/axe-core-<version>/) and
injected by the test; the browser context bypasses the site's CSP only for that injection.
"""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from tests.browser.conftest import staff_log_in

# Every browser test serves its pages from a live server: a transactional test,
# rolled back by serialization like every other (tests/conftest.py).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

AXE = next((Path(__file__).parent / "vendor").glob("axe-core-*/axe.min.js"))
PUBLIC_PAGES = [
    "/",
    "/firms/",
    "/firms/?stage=1",
    "/sites/",
    "/claims/",
    "/sources/",
    "/methodology/",
    "/privacy/",
    "/search/?q=SANY",
    "/firms/F0001/",
    "/sites/S0001/",
    "/claims/C0001/",
    "/sources/SRC0001/",
    "/relationships/R0001/",
    "/corrections/",
    "/corrections/new/?record=F0001",
    "/updates/",
    "/updates/1/",
    "/downloads/",
    "/history/F0001/",
    "/firms/F9999/",
    # Map, network and timelines.
    "/sites/map/",
    "/sites/S0002/",
    "/network/",
    "/network/?firm=F0013",
    "/firms/F0013/",
    "/timeline/",
    "/firms/F0001/",
    "/sites/map/?kind=quarry",
]
# The pages whose layout changes most on a phone, checked at 360 px too.
PHONE_PAGES = ["/firms/", "/sites/", "/sources/", "/sites/map/", "/network/", "/timeline/"]


def violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def axe_page(browser):
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_public_pages_have_no_serious_accessibility_violations(axe_page, seeded_live):
    found = {}
    for path in PUBLIC_PAGES:
        axe_page.goto(seeded_live.url + path)
        if problems := violations(axe_page):
            found[path] = problems
    assert not found, found


def test_the_phone_layouts_have_no_serious_accessibility_violations(browser, seeded_live):
    context = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 740})
    page = context.new_page()
    found = {}
    for path in PHONE_PAGES:
        page.goto(seeded_live.url + path)
        if problems := violations(page):
            found[path] = problems
    context.close()
    assert not found, found


STAFF_PAGES = [
    "/staff/",
    "/staff/corrections/",
    "/staff/corrections/?assignee=me&status=open",
    "/staff/corrections/{correction}/",
    "/staff/changes/",
    "/staff/changes/{change}/",
    "/staff/stage/C0015/?correction={correction}",
    "/staff/stage/F0001/",
    "/staff/new/firm/",
    "/staff/new/site/",
    "/staff/new/source/",
    "/staff/new/claim/?correction={correction}",
    "/staff/updates/new/",
    "/staff/import/",
    "/staff/sources/dead/",
]


def test_every_staff_page_has_no_serious_accessibility_violations(
    axe_page, seeded_live, django_user_model
):
    from editorial import corrections, staging
    from evidence.models import Claim

    user = django_user_model.objects.create_user(
        "edith", password="a-long-test-password-42", is_staff=True
    )
    user.groups.add(Group.objects.get(name="reviewer"))
    claim = Claim.objects.get(public_id="C0015")
    correction, _token = corrections.submit_correction(
        target=claim,
        what_is_wrong="The year is wrong.",
        proposed_fix="Delivered in 2024.",
        evidence="https://example.org/deliveries",
    )
    corrections.transition(correction=correction, to="accepted", actor=user)
    change = staging.stage_edit(
        record=claim, fields={"statement": "Delivered in 2024."}, user=user, correction=correction
    )
    # Primary keys are not reset between live-server tests: the pages are named by the real ones.
    ids = {"correction": correction.number, "change": change.pk}
    staff_log_in(axe_page, seeded_live.url, user, "a-long-test-password-42", "/staff/corrections/")
    expect(axe_page.get_by_role("heading", level=1)).to_be_visible()
    found = {}
    for path in (page.format(**ids) for page in STAFF_PAGES):
        response = axe_page.goto(seeded_live.url + path)
        assert response.status == 200, path
        if problems := violations(axe_page):
            found[path] = problems
    # The 403 an editor meets at the composer, in the site's style.
    user.groups.set([Group.objects.get(name="editor")])
    assert axe_page.goto(seeded_live.url + "/staff/updates/new/").status == 403
    if problems := violations(axe_page):
        found["403"] = problems
    assert not found, found


def test_the_correction_form_works_by_keyboard_alone_with_visible_focus(page, seeded_live):
    page.goto(seeded_live.url + "/claims/C0001/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Skip to content")
    outline = skip.evaluate(
        "e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).left"
    )
    assert not outline.endswith("-999px")  # the skip link comes into view when focused
    page.goto(seeded_live.url + "/corrections/new/?record=C0001")
    page.locator("#id_what_is_wrong").focus()
    style = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert style != "none"  # focus is visible
    page.keyboard.type("The year is wrong.")
    page.keyboard.press("Tab")
    page.keyboard.type("It was 2023.")
    # Tab on to the submit button and press Enter, as a keyboard user would.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.type") == "submit":
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("COR-00001")


def test_no_page_scrolls_sideways_on_a_phone_and_every_page_reads_without_javascript(
    browser, seeded_live
):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    wide = {}
    for path in PUBLIC_PAGES:
        response = page.goto(seeded_live.url + path)
        assert response.status in (200, 404), path
        expect(page.locator("main h1")).not_to_be_empty()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            wide[path] = overflow
    context.close()
    assert not wide, f"pages wider than a 360 px phone: {wide}"
