"""Staff handle a "here is a better source" correction from the staff pages alone."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from editorial import corrections, staging
from editorial.models import Change, Correction, Update
from editorial.staff.record_forms import READ_ONLY, RecordForm, candidates
from entities.models import Firm, Site
from evidence.archiving import ArchiveAttempt
from evidence.models import Citation, Claim, Source
from hub.models import Status
from tests.conftest import publish
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    FirmFactory,
    RelationshipFactory,
    SiteFactory,
    SourceFactory,
    login_verified,
)

pytestmark = pytest.mark.django_db

OLD_STATEMENT = "SANY supplied heading machines for four occupied coal mines in 2024 alone."
NEW_STATEMENT = "SANY supplied heading machines for four occupied coal mines delivered in 2024."


@pytest.fixture
def sany():
    return FirmFactory(
        name_en="SANY Heavy Industry Co., Ltd.",
        name_zh="三一重工股份有限公司",
        short_name="SANY",
        aliases="Sany Heavy Industry\n三一重工\nСани",
    )


@pytest.fixture
def claim(sany):
    """A claim like the seed's C0015: one footnote quoting "in 2024 alone"."""
    claim = ClaimFactory(statement=OLD_STATEMENT, firms=[sany], cite=False)
    CitationFactory(
        claim=claim,
        source=SourceFactory(title="Mining equipment in the occupied Donbas"),
        locator="p. 12",
        quote="in 2024 alone",
    )
    return claim


@pytest.fixture
def reviewer(django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("rita", is_staff=True)
    user.groups.add(Group.objects.get(name="reviewer"))
    return user


def client_for(user):
    return login_verified(Client(), user)


def accepted_correction(claim, editor, evidence):
    correction, _token = corrections.submit_correction(
        target=claim,
        what_is_wrong="The machines were delivered in 2024, not all supplied in that year.",
        proposed_fix=NEW_STATEMENT,
        evidence=evidence,
        email="reader@example.org",
    )
    corrections.transition(correction=correction, to="accepted", actor=editor)
    return correction


def cite_data(**fields):
    data = {
        "action": "cite",
        "cite-source": "",
        "cite-replaces": "",
        "source-url": "",
        "source-title": "Deliveries of mining machinery, 2024",
        "source-publisher": "Donbas Monitor",
        "source-kind": "media",
        "source-published_precision": "day",
        "source-language": "ru",
        "source-reliability": "B",
        "citation-locator": "para. 3",
        "citation-quote": "поставлены в 2024 году",
        "citation-quote_translation": "delivered in 2024",
        "citation-stance": "supports",
    }
    data.update(fields)
    return data


def test_a_better_source_becomes_a_source_a_citation_and_an_edit_published_together(
    claim,
    editor,
    reviewer,
    http_server,
    allow_loopback_fetching,
    django_capture_on_commit_callbacks,
):
    http_server.page("/deliveries", b"<html><body>delivered in 2024</body></html>")
    url = http_server.url("/deliveries")
    correction = accepted_correction(claim, editor, f"See {url}")
    stage_url = reverse("editorial:staff_stage", args=[claim.public_id])
    stage_url += f"?correction={correction.number}"
    client = client_for(editor)

    page = client.get(stage_url).content.decode()
    assert f'value="{url}"' in page  # the submitted URL is offered for the new source

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(stage_url, cite_data(**{"source-url": url}))
    assert response.status_code == 302, response.content.decode()
    source = Source.objects.get(url=url)
    assert source.status == Status.DRAFT
    attempt = ArchiveAttempt.objects.get(source=source)
    assert attempt.outcome == ArchiveAttempt.Outcome.ARCHIVED  # queued, and run by the worker
    source.refresh_from_db()
    assert source.snapshot_id is not None  # the copy is on the draft
    citation = Citation.objects.get(source=source)
    assert (citation.claim, citation.locator, citation.quote_translation) == (
        claim,
        "para. 3",
        "delivered in 2024",
    )

    edit = {"action": "edit", "edit-statement": NEW_STATEMENT}
    assert client.post(stage_url, edit).status_code == 302
    page = client.get(stage_url).content.decode()
    after = page[page.index("Once the pending changes are published") :]
    assert NEW_STATEMENT in after
    assert "Deliveries of mining machinery, 2024" in after
    assert "delivered in 2024</q>" in after
    assert "[2]" in after  # the old footnote and the new one

    changes = Change.objects.filter(state=Change.State.PENDING)
    assert {change.correction for change in changes} == {correction}
    with django_capture_on_commit_callbacks(execute=True):
        update = publish(*changes, published_by=reviewer)
    public = Client().get(claim.get_absolute_url()).content.decode()
    assert NEW_STATEMENT in public
    assert "Deliveries of mining machinery, 2024" in public
    assert correction.reference in Client().get(update.get_absolute_url()).content.decode()
    correction.refresh_from_db()
    assert correction.status == Correction.Status.PUBLISHED
    assert "private tracking link" in mail.outbox[-1].body


def test_replacing_a_citation_withdraws_the_old_one_in_the_same_update(claim, editor):
    correction = accepted_correction(claim, editor, "")
    old = claim.citations.get()
    better = SourceFactory(title="The delivery records")
    url = reverse("editorial:staff_stage", args=[claim.public_id])
    url += f"?correction={correction.number}"
    data = cite_data(**{"cite-source": "the delivery records", "cite-replaces": old.public_id})
    response = client_for(editor).post(url, data)
    assert response.status_code == 302, response.content.decode()
    changes = list(Change.objects.order_by("pk"))
    assert [change.action for change in changes] == ["create", "withdraw"]
    publish(*changes)
    old.refresh_from_db()
    assert old.status == Status.WITHDRAWN
    assert claim.citations.get(status=Status.PUBLISHED).source == better


def test_a_citation_is_withdrawn_with_its_reason(claim, editor):
    CitationFactory(claim=claim)
    first = claim.citations.order_by("public_id").first()
    url = reverse("editorial:staff_stage", args=[claim.public_id])
    client = client_for(editor)
    data = {"action": "uncite", "uncite-citation": first.public_id, "uncite-reason": ""}
    assert client.post(url, data).status_code == 400
    data["uncite-reason"] = "The page does not say this."
    assert client.post(url, data).status_code == 302
    change = Change.objects.get()
    assert (change.public_id, change.action, change.reason) == (
        first.public_id,
        "withdraw",
        "The page does not say this.",
    )


def test_a_relationship_is_given_a_citation_from_its_stage_page(editor):
    relationship = RelationshipFactory()
    source = SourceFactory(title="Shareholder register")
    url = reverse("editorial:staff_stage", args=[relationship.public_id])
    data = cite_data(**{"cite-source": source.public_id, "citation-locator": "Table 2"})
    assert client_for(editor).post(url, data).status_code == 302
    citation = Citation.objects.get(status=Status.DRAFT)
    assert (citation.relationship, citation.source, citation.claim) == (relationship, source, None)


def test_a_citation_is_staged_with_its_text_in_both_languages(editor):
    relationship = RelationshipFactory()
    source = SourceFactory(title="Shareholder register", language="ru")
    url = reverse("editorial:staff_stage", args=[relationship.public_id])
    page = client_for(editor).get(url).content.decode()
    for name in ("quote_translation", "quote_translation_uk", "note", "note_uk"):
        assert f'name="citation-{name}"' in page, name
    data = cite_data(
        **{
            "cite-source": source.public_id,
            "citation-quote_translation_uk": "поставлені 2024 року",
            "citation-note": "The register's own wording.",
            "citation-note_uk": "Власне формулювання реєстру.",
        }
    )
    assert client_for(editor).post(url, data).status_code == 302
    citation = Citation.objects.get(status=Status.DRAFT)
    assert (citation.quote_translation, citation.quote_translation_uk) == (
        "delivered in 2024",
        "поставлені 2024 року",
    )
    assert (citation.note, citation.note_uk) == (
        "The register's own wording.",
        "Власне формулювання реєстру.",
    )


def test_evidence_is_not_staged_for_a_correction_that_is_not_accepted(claim, editor):
    correction, _ = corrections.submit_correction(target=claim, what_is_wrong="x", proposed_fix="y")
    url = reverse("editorial:staff_stage", args=[claim.public_id])
    url += f"?correction={correction.number}"
    data = cite_data(**{"cite-source": claim.citations.get().source.public_id})
    response = client_for(editor).post(url, data)
    assert response.status_code == 400
    assert "accept it before staging" in response.content.decode()
    assert not Change.objects.exists()


def test_a_missing_staff_record_is_the_sites_own_404(editor):
    response = client_for(editor).get(reverse("editorial:staff_stage", args=["C999999"]))
    assert response.status_code == 404
    assert '<link rel="stylesheet"' in response.content.decode()


def test_a_citation_without_a_locator_names_the_field(claim, editor):
    url = reverse("editorial:staff_stage", args=[claim.public_id])
    data = cite_data(**{"cite-source": claim.citations.get().source.public_id})
    data["citation-locator"] = ""
    response = client_for(editor).post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert re.search(
        r"Locator</label>\s*<ul class=\"field-errors\"><li>This field is required", body
    )
    assert not Change.objects.exists()


# Forms that fit the data ---------------------------------------------------------


@pytest.mark.parametrize("model", [Firm, Site, Source, Claim, Citation])
def test_each_vocabulary_field_offers_only_its_choices(model):
    form = RecordForm(model=model)
    html = form.as_div()
    vocabularies = [
        field
        for name, field in form.model_fields.items()
        if field.choices and name not in READ_ONLY
    ]
    assert vocabularies
    for field in vocabularies:
        offered = [str(value) for value, _label in form.fields[field.name].choices if value != ""]
        assert offered == [str(value) for value, _label in field.flatchoices]
        select = re.search(rf'<select name="{field.name}"[^>]*>(.*?)</select>', html, re.S)
        assert select, field.name
        values = re.findall(r'<option value="([^"]*)"', select.group(1))
        assert [value for value in values if value] == offered


def test_the_computed_grade_is_shown_read_only_with_why(claim, editor):
    form = RecordForm(model=Claim, record=claim)
    assert "confidence" not in form.fields
    assert "confidence_override" in form.fields
    page = client_for(editor).get(reverse("editorial:staff_stage", args=[claim.public_id]))
    body = page.content.decode()
    assert 'Confidence <span class="label">(read-only)</span>' in body
    assert "Computed from the evidence when the claim is published" in body
    assert 'name="edit-confidence"' not in body


@pytest.mark.parametrize("text", ["三一", "Сани", "sany", "F"])
def test_the_firm_picker_finds_sany_by_name_in_any_script_or_by_id(sany, text):
    FirmFactory(name_en="Xuzhou Construction Machinery", name_zh="徐工集团")
    query = sany.public_id if text == "F" else text
    assert candidates(Firm, query) == [sany]


def test_the_picker_suggests_records_as_json_and_the_form_takes_a_name(sany, editor):
    client = client_for(editor)
    for text in ("三一", "Сани"):
        found = client.get(reverse("editorial:staff_pick", args=["firm"]), {"q": text}).json()
        assert [item["id"] for item in found["results"]] == [sany.public_id]
        assert "三一重工股份有限公司" in found["results"][0]["label"]
    form = RecordForm({"new-firms": "Сани\n"}, model=Claim, only=["firms"], prefix="new")
    assert form.is_valid(), form.errors
    assert form.new_values() == {"firms": [sany.public_id]}


def test_a_name_that_matches_nothing_or_several_says_so(sany):
    FirmFactory(name_en="SANY Group", aliases="Sany Group")
    several = RecordForm({"firms": "Sany"}, model=Claim, only=["firms"])
    assert not several.is_valid()
    assert "matches several records" in several.errors["firms"][0]
    assert sany.public_id in several.errors["firms"][0]
    none = RecordForm({"firms": "No such firm"}, model=Claim, only=["firms"])
    assert not none.is_valid()
    assert "No firm matches “No such firm”" in none.errors["firms"][0]


def test_a_new_firm_site_and_claim_are_staged_as_drafts_from_the_staff_pages(editor, sany):
    client = client_for(editor)
    site = SiteFactory(name_en="Komsomolska mine")
    response = client.post(
        reverse("editorial:staff_new", args=["claim"]),
        {
            "new-statement": "SANY serviced machines at the Komsomolska mine in 2025.",
            "new-claim_type": "servicing",
            "new-region": "luhansk",
            "new-date_precision": "year",
            "new-date_start": "2025-01-01",
            "new-firms": "三一",
            "new-sites": "Komsomolska",
        },
    )
    assert response.status_code == 302, response.content.decode()
    draft = Claim.objects.get(status=Status.DRAFT)
    assert list(draft.firms.all()) == [sany]
    assert list(draft.sites.all()) == [site]
    response = client.post(
        reverse("editorial:staff_new", args=["firm"]),
        {"new-name_en": "", "new-kind": "company", "new-ownership": "private", "new-country": "CN"},
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


# Staff pages that say what is going on ----------------------------------------------


def test_the_editors_403_names_the_reviewer_role(editor, reviewer):
    response = client_for(editor).get(reverse("editorial:staff_compose"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "<strong>reviewer</strong> role" in body
    assert "only reviewers publish updates" in body
    assert "rita" in body  # who holds it
    assert '<link rel="stylesheet"' in body  # the site's own page


def test_acting_on_a_correction_assigns_it_unless_it_is_someone_elses(claim, editor, reviewer):
    mine, _ = corrections.submit_correction(target=claim, what_is_wrong="x", proposed_fix="y")
    theirs, _ = corrections.submit_correction(target=claim, what_is_wrong="x", proposed_fix="y")
    corrections.assign(correction=theirs, assignee=reviewer, actor=reviewer)
    client = client_for(editor)
    for correction in (mine, theirs):
        url = reverse("editorial:staff_correction", args=[correction.number])
        response = client.post(url, {"action": "accept", "accept-public_response": ""})
        assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.assignee, theirs.assignee) == (editor, reviewer)


def test_the_message_of_a_step_is_shown_once(claim, editor):
    correction, _ = corrections.submit_correction(target=claim, what_is_wrong="x", proposed_fix="y")
    url = reverse("editorial:staff_correction", args=[correction.number])
    response = client_for(editor).post(
        url, {"action": "accept", "accept-public_response": ""}, follow=True
    )
    assert response.content.decode().count("is now accepted") == 1


def test_the_correction_page_shows_the_claim_as_the_public_sees_it(claim, editor):
    correction, _ = corrections.submit_correction(target=claim, what_is_wrong="x", proposed_fix="y")
    body = (
        client_for(editor)
        .get(reverse("editorial:staff_correction", args=[correction.number]))
        .content.decode()
    )
    assert "Equipment supply" in body
    assert "equipment_supply" not in body
    assert "in 2024 alone</q>" in body
    assert "Mining equipment in the occupied Donbas" in body


def test_the_queue_counts_by_state_and_age_and_lists_the_oldest_first(claim, editor):
    import datetime

    from django.utils import timezone

    old, _ = corrections.submit_correction(target=claim, what_is_wrong="x", proposed_fix="y")
    new, _ = corrections.submit_correction(target=claim, what_is_wrong="x", proposed_fix="y")
    Correction.objects.filter(pk=old.pk).update(
        received_at=timezone.now() - datetime.timedelta(days=40)
    )
    body = client_for(editor).get(reverse("editorial:staff_queue")).content.decode()
    received_row = re.search(r"<tr><th scope=\"row\"><a [^>]*>Received</a></th>(.*?)</tr>", body)
    assert re.findall(r"<td>(\d+)</td>", received_row.group(1)) == ["1", "0", "1", "2"]
    assert body.index(old.reference) < body.index(new.reference)
    newest = client_for(editor).get(reverse("editorial:staff_queue"), {"order": "newest"})
    assert newest.content.decode().index(new.reference) < newest.content.decode().index(
        old.reference
    )


def test_an_update_holding_a_new_source_and_its_citation_publishes_both(claim, editor):
    change = staging.stage_citation(
        target=claim,
        new_source={
            "title": "A printed report",
            "publisher": "Archive",
            "kind": "ngo_report",
            "language": "en",
            "reliability": "B",
            "archive_exemption": "Printed document; no online copy.",
        },
        fields={"locator": "p. 1"},
        user=editor,
    )
    update = publish(*change)
    assert Update.objects.filter(number=update.number).exists()
    source = Source.objects.get(title="A printed report")
    assert source.status == Status.PUBLISHED
    assert not ArchiveAttempt.objects.filter(source=source).exists()  # no URL: nothing to fetch
