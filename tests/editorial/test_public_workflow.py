"""The corrections loop and the invariants of publishing (design.md invariants 1, 2, 4, 6)."""

import re

import pytest
from django.core import mail, serializers
from django.urls import reverse
from django.utils.html import strip_tags

from editorial import corrections, publishing, staging, values
from editorial.models import Change, Correction, CorrectionContact, Transition, Update
from entities.models import Firm, Relationship, SanctionsDesignation, Site
from evidence.models import Citation, Claim, Source
from tests.conftest import publish
from tests.factories import correction_form_data

pytestmark = pytest.mark.django_db
PUBLIC_MODELS = [Firm, Relationship, SanctionsDesignation, Site, Source, Claim, Citation]


def text_of(response):
    """A page's visible text, whitespace collapsed."""
    return " ".join(strip_tags(response.content.decode()).split())


def public_state():
    """Everything the public can see, serialised: two equal states are the same site."""
    return {
        model.__name__: serializers.serialize("json", model.objects.reachable().order_by("pk"))
        for model in PUBLIC_MODELS
    }


def test_the_whole_loop_from_a_visitor_to_update_2(
    client, small_world, editor, django_capture_on_commit_callbacks
):
    sany = small_world.sany
    profile = client.get(sany.get_absolute_url()).content.decode()
    link = re.escape(f"/corrections/new/?record={sany.public_id}")
    form_url = re.search(rf'href="({link})"', profile).group(1)

    response = client.post(
        form_url,
        correction_form_data(
            **{
                "record": sany.public_id,
                "what_is_wrong": "The description misspells the founder's name.",
                "proposed_fix": "Say: SANY's founder is Liang Wengen (corrected).",
                "evidence": "https://example.org/sany-annual-report",
                "name": "A. Reader",
                "email": "reader@example.org",
            }
        ),
    )
    assert response.status_code == 302
    tracking_url = response["Location"]
    tracking = client.get(tracking_url).content.decode()
    assert "COR-00001" in tracking
    assert "Received" in tracking

    correction = Correction.objects.get()
    corrections.transition(correction=correction, to="accepted", actor=editor)
    staging.stage_edit(
        record=sany,
        fields={"description": "SANY's founder is Liang Wengen (corrected)."},
        user=editor,
        correction=correction,
    )
    assert "(corrected)" not in client.get(sany.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        update = publish(
            *Change.objects.filter(state="pending"), key="loop", summary="A correction to SANY"
        )
    assert update.number == 2

    assert "(corrected)" in client.get(sany.get_absolute_url()).content.decode()
    changelog = client.get("/updates/2/").content.decode()
    assert "SANY" in changelog
    assert "(corrected)" in changelog
    assert "COR-00001" in changelog
    assert "published in update 2" in text_of(client.get(tracking_url)).lower()
    assert "Last changed in" in client.get(sany.get_absolute_url()).content.decode()
    assert [m.to for m in mail.outbox] == [["reader@example.org"]]
    assert "update 2" in mail.outbox[0].subject


@pytest.mark.parametrize(
    ("model", "list_url", "name_field", "names"),
    [
        (Firm, "/firms/", "name_en", ("sany", "xcmg")),
        (Site, "/sites/", "name_en", ("bilorichenska", "khrustalna")),
        (Source, "/sources/", "title", ("briefing", "daily")),  # no claim left uncited
        (Claim, "/claims/", "statement", ("supply", "presence")),
    ],
)
def test_staged_records_edits_and_withdrawals_stay_private_until_published(
    client, small_world, editor, model, list_url, name_field, names
):
    edited, withdrawn = (small_world[name] for name in names)
    template = dict(values.snapshot(edited))
    template[name_field] = "Brand new staged record"
    staged = [
        staging.stage_new(model=model, fields=template, user=editor),
        staging.stage_edit(record=edited, fields={name_field: "Staged new name"}, user=editor),
        staging.stage_withdrawal(record=withdrawn, reason="Duplicate entry", user=editor),
    ]
    new = model.objects.get(pk=staged[0].object_id)
    if model is Claim:  # a claim is only published with a located citation
        cite = staging.stage_new(
            model=Citation,
            fields={
                "claim": new.public_id,
                "source": small_world.briefing.public_id,
                "locator": "Key points, bullet 1",
            },
            user=editor,
        )
        staged.append(cite)
    old_name = getattr(edited, name_field)

    def seen(url):
        response = client.get(url)
        return response.status_code, response.content.decode()

    listing = seen(list_url + "?q=staged")[1] + seen(list_url)[1]
    assert "Brand new staged record" not in listing
    assert "Staged new name" not in listing
    assert seen(new.get_absolute_url())[0] == 404
    status, body = seen(edited.get_absolute_url())
    assert "Staged new name" not in body
    assert old_name[:40] in body
    assert seen(withdrawn.get_absolute_url())[0] == 200
    assert "Brand new staged record" not in seen("/search/?q=staged")[1]

    publish(*staged)

    listing = seen(list_url + "?q=staged")[1]
    assert "Brand new staged record" in listing
    assert "Staged new name" in listing
    assert seen(new.get_absolute_url())[0] == 200
    assert "Staged new name" in seen(edited.get_absolute_url())[1]
    status, body = seen(withdrawn.get_absolute_url())
    assert status == 410
    assert "Duplicate entry" in body
    assert "update 2" in body


def test_a_failure_half_way_through_publishing_changes_nothing(small_world, editor, monkeypatch):
    before = public_state()
    changes = [
        staging.stage_edit(record=firm, fields={"description": "Changed"}, user=editor)
        for firm in Firm.objects.public()[:3]
    ]
    real_apply = publishing.apply_change
    calls = []

    def failing_apply(change, *, batch):
        calls.append(change.pk)
        if len(calls) == 2:
            raise RuntimeError("the database connection died")
        real_apply(change, batch=batch)

    monkeypatch.setattr(publishing, "apply_change", failing_apply)
    with pytest.raises(RuntimeError):
        publish(*changes)
    assert calls[:1] == [changes[0].pk]  # one change had been applied before the fault
    assert public_state() == before
    assert Update.objects.count() == 1
    assert set(
        Change.objects.filter(pk__in=[c.pk for c in changes]).values_list("state", flat=True)
    ) == {"pending"}


def test_publishing_a_claim_without_a_located_citation_is_refused_and_changes_nothing(
    small_world, editor
):
    before = public_state()
    claim = staging.stage_new(
        model=Claim,
        fields={
            "statement": "An uncited statement.",
            "claim_type": "presence",
            "confidence": "alleged",
        },
        user=editor,
    )
    edit = staging.stage_edit(record=small_world.sany, fields={"description": "x"}, user=editor)
    with pytest.raises(publishing.PublishRefused, match="without a citation"):
        publish(claim, edit)
    assert public_state() == before
    assert Update.objects.count() == 1


def test_withdrawing_a_citation_that_leaves_a_claim_uncited_is_refused(small_world, editor):
    claim = small_world.housing
    assert claim.citations.count() == 2
    changes = [
        staging.stage_withdrawal(record=citation, reason="Wrong page", user=editor)
        for citation in claim.citations.all()
    ]
    with pytest.raises(publishing.PublishRefused, match=claim.public_id):
        publish(*changes)


def test_retrying_a_publish_with_the_same_key_makes_one_update(small_world, editor):
    change = staging.stage_edit(
        record=small_world.sany, fields={"description": "Once"}, user=editor
    )
    first = publish(change, key="retry-me")
    second = publish(change, key="retry-me")
    assert first.pk == second.pk
    assert Update.objects.filter(idempotency_key="retry-me").count() == 1


def test_a_merged_record_redirects_for_good_to_the_one_it_was_merged_into(
    client, small_world, editor
):
    keep, duplicate = small_world.sany, small_world.xcmg
    publish(staging.stage_merge(record=duplicate, into=keep, user=editor))
    response = client.get(duplicate.get_absolute_url())
    assert response.status_code == 301
    assert response["Location"] == keep.get_absolute_url()


def test_identifiers_are_never_reused(small_world, editor):
    last = Firm.objects.order_by("-public_id").first()
    publish(staging.stage_withdrawal(record=last, reason="Withdrawn for test", user=editor))
    assert staging.next_public_id(Firm) > last.public_id
    assert Firm.objects.filter(public_id=last.public_id, status="withdrawn").exists()


def test_every_record_page_links_its_history_and_the_correction_form(client, small_world):
    w = small_world
    for record in [w.sany, w.bilorichenska, w.supply, w.briefing, w.owns]:
        url = record.get_absolute_url()
        body = client.get(url).content.decode()
        assert "Last changed in" in body, url
        assert "/history/" in body, url
        assert "/corrections/new/?record=" in body, url
    history = client.get(f"/history/{w.sany.public_id}/").content.decode()
    assert "Update 1" in history


def test_a_history_names_fields_and_values_as_readers_read_them(client, small_world, editor):
    claim = small_world.supply
    firms = [small_world.sany.public_id, small_world.xcmg.public_id]
    before_region = claim.get_region_display()
    publish(
        staging.stage_edit(
            record=claim, fields={"region": "kherson", "firms": firms, "stage": 3}, user=editor
        )
    )
    history = client.get(f"/history/{claim.public_id}/").content.decode()
    newest = history.split('class="diff"')[1]  # update 2's change, listed first
    rows = {
        label: (before, after)
        for label, before, after in re.findall(
            r'<tr><th scope="row">([^<]+)</th><td>(.*?)</td><td>(.*?)</td></tr>', newest
        )
    }
    assert rows["Occupied region"] == (before_region, "Kherson oblast")
    assert rows["Engagement stage"][1] == "Stage 3 · state capital"
    assert rows["Firms"][1] == ", ".join(firms)
    assert "region" not in rows
    assert "kherson" not in history
    # The stored diff keeps the exact values; only the page reads them out.
    change = Change.objects.get(public_id=claim.public_id, state="published", update__number=2)
    assert {"field": "region", "before": claim.region, "after": "kherson"} in change.diff


def test_right_of_reply_shows_on_the_claim_as_the_firms_response(client, small_world, editor):
    claim = small_world.supply
    correction, _token = corrections.submit_correction(
        target=claim,
        what_is_wrong="Context missing",
        proposed_fix="We sold the machines before 2022.",
        right_of_reply=True,
    )
    corrections.transition(correction=correction, to="accepted", actor=editor)
    publish(staging.stage_firm_response(correction=correction, claim=claim, user=editor))
    body = client.get(claim.get_absolute_url()).content.decode()
    assert "The firm's response" in body
    assert "We sold the machines before 2022." in body


def test_submitters_private_data_never_appears_in_public_pages(client, small_world, editor):
    sany = small_world.sany
    canary_name, canary_email = "Zyxwv Canary", "canary-7731@example.org"
    client.post(
        f"/corrections/new/?record={sany.public_id}",
        correction_form_data(
            record=sany.public_id,
            what_is_wrong="Something",
            proposed_fix="Else",
            name=canary_name,
            email=canary_email,
        ),
        REMOTE_ADDR="203.0.113.77",
    )
    correction = Correction.objects.get()
    assert CorrectionContact.objects.get().ip_hash not in ("", "203.0.113.77")
    corrections.transition(correction=correction, to="accepted", actor=editor)
    publish(
        staging.stage_edit(
            record=sany,
            fields={"description": "New"},
            user=editor,
            correction=correction,
        )
    )
    pages = [
        "/",
        sany.get_absolute_url(),
        "/corrections/",
        "/updates/",
        "/updates/2/",
        "/updates/feed/",
        f"/history/{sany.public_id}/",
        "/firms/",
        "/claims/",
    ]
    for url in pages:
        body = client.get(url).content.decode()
        for secret in (canary_name, canary_email, "203.0.113.77", correction.token_hash):
            assert secret not in body, (url, secret)


def test_the_public_log_shows_statuses_and_the_median_time_to_decision(client, editor):
    first, _ = corrections.submit_correction(what_is_wrong="a", proposed_fix="b")
    corrections.submit_correction(what_is_wrong="c", proposed_fix="d")
    corrections.transition(
        correction=first, to="declined", actor=editor, public_response="The source says otherwise."
    )
    body = client.get("/corrections/").content.decode()
    assert "COR-00001" in body
    assert "COR-00002" in body
    assert "Declined" in body
    assert "The source says otherwise." in body
    assert "median time from receipt to decision" in body
    assert Transition.objects.filter(correction=first).count() == 2


def test_updates_list_and_atom_feed(client, small_world):
    body = client.get("/updates/").content.decode()
    assert "Update 1" in body
    feed = client.get("/updates/feed/")
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert f"Update 1: {small_world.update_1.summary}" in feed.content.decode()


def test_an_unknown_tracking_token_is_a_404(client):
    assert client.get("/corrections/track/not-a-token/").status_code == 404
    assert client.get(reverse("editorial:correction_track", args=["x" * 500])).status_code == 404
