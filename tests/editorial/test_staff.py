"""The staff side of the corrections workflow: who may do what, and what each step records."""

import io
import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from editorial import corrections, staging, urls
from editorial.models import Change, Correction, StaffNote, Transition, Update
from editorial.staff.record_forms import RecordForm
from entities.models import Firm
from evidence.models import Claim
from hub.models import Status
from tests.factories import ClaimFactory, FirmFactory, login_verified

pytestmark = pytest.mark.django_db

# Every staff URL, with arguments that need not exist: access is checked first.
STAFF_URLS = [
    ("editorial:staff_dashboard", []),
    ("editorial:staff_queue", []),
    ("editorial:staff_correction", [1]),
    ("editorial:staff_changes", []),
    ("editorial:staff_change", [1]),
    ("editorial:staff_stage", ["F0001"]),
    ("editorial:staff_new", ["claim"]),
    ("editorial:staff_pick", ["firm"]),
    ("editorial:staff_compose", []),
    ("editorial:staff_import", []),
    ("editorial:staff_import_job", [1]),
    ("editorial:staff_ftm_import", []),
]
EDITOR_PERMISSIONS = {
    "editorial.moderate_correction",
    "editorial.stage_change",
    "editorial.view_correction",
    "editorial.view_change",
    *[
        f"entities.view_{m}"
        for m in ["firm", "sector", "sanctionsdesignation", "relationship", "site"]
    ],
    *[f"evidence.view_{m}" for m in ["source", "claim", "citation"]],
}


@pytest.fixture
def make_user(django_user_model):
    def make(username, group=None, *, is_staff=True):
        user = django_user_model.objects.create_user(username, is_staff=is_staff)
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    return make


@pytest.fixture
def reviewer(make_user):
    return make_user("rita", "reviewer")


def client_for(user):
    # A staff login is two steps: password and a one-time code (hub.accounts).
    return login_verified(Client(), user)


@pytest.fixture
def firm():
    return FirmFactory(name_en="Harbin Drill Works")


@pytest.fixture
def correction(firm):
    correction, _token = corrections.submit_correction(
        target=firm,
        what_is_wrong="The firm's name is misspelt.",
        proposed_fix="Harbin Drilling Works",
        evidence="https://registry.example.org/harbin javascript:alert(1)",
        name="Wang Lei",
        email="wang.lei@example.org",
    )
    return correction


def staff_url(name, args):
    return reverse(name, args=args)


def steps(correction):
    return list(
        Transition.objects.filter(correction=correction)
        .order_by("pk")
        .values_list("from_status", "to_status", "actor__username")
    )


# Groups and access ---------------------------------------------------------


def test_the_editor_and_reviewer_groups_hold_exactly_their_permissions():
    def perms(name):
        group = Group.objects.get(name=name)
        return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}

    assert perms("editor") == EDITOR_PERMISSIONS
    assert perms("reviewer") == EDITOR_PERMISSIONS | {
        "editorial.publish_update",
        "editorial.view_contact_details",
    }


def test_the_access_tests_cover_every_staff_url():
    names = {f"editorial:{p.name}" for p in urls.urlpatterns if p.name.startswith("staff_")}
    assert names == {name for name, _args in STAFF_URLS}


@pytest.mark.parametrize(("name", "args"), STAFF_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_the_staff_login(client, name, args, method):
    url = staff_url(name, args)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"] == f"/staff/admin/login/?next={url}"


@pytest.mark.parametrize(("name", "args"), STAFF_URLS)
def test_a_logged_in_user_who_is_not_staff_is_forbidden(make_user, name, args):
    outsider = make_user("visitor", "reviewer", is_staff=False)
    assert client_for(outsider).get(staff_url(name, args)).status_code == 403


@pytest.mark.parametrize(("name", "args"), STAFF_URLS)
def test_a_staff_user_without_an_editorial_role_is_forbidden(make_user, name, args):
    assert client_for(make_user("clerk")).get(staff_url(name, args)).status_code == 403


def test_staff_pages_are_never_cached(editor, correction):
    response = client_for(editor).get(reverse("editorial:staff_dashboard"))
    assert response.status_code == 200
    assert set(response["Cache-Control"].replace(" ", "").split(",")) >= {"private", "no-store"}


def test_an_editor_cannot_open_or_use_the_composer(editor, firm):
    change = staging.stage_edit(record=firm, fields={"ticker": "X1"}, user=editor)
    client = client_for(editor)
    url = reverse("editorial:staff_compose")
    assert client.get(url).status_code == 403
    response = client.post(
        url, {"summary": "x", "changes": [change.pk], "idempotency_key": "k" * 32}
    )
    assert response.status_code == 403
    assert Update.objects.count() == 0


# Moderating a correction -------------------------------------------------


def test_an_editor_assigns_asks_and_accepts_and_every_step_names_the_actor(editor, correction):
    client = client_for(editor)
    url = reverse("editorial:staff_correction", args=[correction.number])
    assert client.post(url, {"action": "assign", "assign-assignee": ""}).status_code == 302
    response = client.post(
        url, {"action": "needs_info", "needs_info-public_response": "Which register entry?"}
    )
    assert response.status_code == 302
    assert client.post(url, {"action": "accept"}).status_code == 302

    correction.refresh_from_db()
    assert correction.assignee == editor
    assert correction.status == Correction.Status.ACCEPTED
    assert correction.public_response == "Which register entry?"
    assert steps(correction) == [
        ("", "received", None),
        ("received", "in_review", "edith"),
        ("in_review", "needs_info", "edith"),
        ("needs_info", "accepted", "edith"),
    ]
    page = client.get(url).content.decode()
    assert page.count("<td>edith</td>") == 3
    assert f"/staff/stage/{correction.target_public_id}/?correction={correction.number}" in page


def test_an_editor_declines_with_a_public_reason(editor, correction):
    url = reverse("editorial:staff_correction", args=[correction.number])
    response = client_for(editor).post(
        url, {"action": "decline", "decline-public_response": "The register agrees with us."}
    )
    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.status == Correction.Status.DECLINED
    assert correction.public_response == "The register agrees with us."
    assert steps(correction)[-1] == ("received", "declined", "edith")


def test_declining_without_a_reason_is_refused_and_changes_nothing(editor, correction):
    url = reverse("editorial:staff_correction", args=[correction.number])
    response = client_for(editor).post(url, {"action": "decline", "decline-public_response": "  "})
    assert response.status_code == 400
    assert "Give the public a reason for declining." in response.content.decode()
    correction.refresh_from_db()
    assert correction.status == Correction.Status.RECEIVED
    assert correction.public_response == ""
    assert len(steps(correction)) == 1


def test_a_step_the_status_no_longer_allows_is_a_conflict_with_the_reason(editor, correction):
    corrections.transition(
        correction=correction, to="declined", actor=editor, public_response="No."
    )
    url = reverse("editorial:staff_correction", args=[correction.number])
    response = client_for(editor).post(url, {"action": "accept"})
    assert response.status_code == 409
    assert "is declined and cannot become accepted" in response.content.decode()
    correction.refresh_from_db()
    assert correction.status == Correction.Status.DECLINED


def test_marking_a_duplicate_names_the_original(editor, correction, firm):
    original, _token = corrections.submit_correction(
        target=firm, what_is_wrong="Name wrong.", proposed_fix="Fix it."
    )
    url = reverse("editorial:staff_correction", args=[correction.number])
    client = client_for(editor)
    response = client.post(url, {"action": "duplicate", "duplicate-duplicate_of": "99999"})
    assert response.status_code == 400
    response = client.post(url, {"action": "duplicate", "duplicate-duplicate_of": original.number})
    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.status == Correction.Status.DUPLICATE
    assert correction.duplicate_of == original


def test_private_notes_are_kept_with_their_author(editor, correction):
    url = reverse("editorial:staff_correction", args=[correction.number])
    client = client_for(editor)
    assert (
        client.post(url, {"action": "note", "note-text": "Call the registry."}).status_code == 302
    )
    note = StaffNote.objects.get(correction=correction)
    assert (note.author, note.text) == (editor, "Call the registry.")
    assert "Call the registry." in client.get(url).content.decode()


def test_contact_details_are_shown_to_a_reviewer_but_not_to_an_editor(editor, reviewer, correction):
    url = reverse("editorial:staff_correction", args=[correction.number])
    for_editor = client_for(editor).get(url).content.decode()
    for_reviewer = client_for(reviewer).get(url).content.decode()
    for page in (for_editor, for_reviewer):
        assert "Harbin Drill Works" in page  # the record as published
        assert "Harbin Drilling Works" in page  # the proposed fix
    assert "wang.lei@example.org" not in for_editor
    assert "Wang Lei" not in for_editor
    assert "wang.lei@example.org" in for_reviewer
    assert "Wang Lei" in for_reviewer


def test_only_web_addresses_in_the_evidence_become_links(editor, correction):
    url = reverse("editorial:staff_correction", args=[correction.number])
    page = client_for(editor).get(url).content.decode()
    assert 'href="https://registry.example.org/harbin"' in page
    assert 'href="javascript' not in page
    assert "javascript:alert(1)" in page


# The queue ---------------------------------------------------------------


def test_the_queue_filters_by_status_target_and_assignee(editor, correction):
    other, _token = corrections.submit_correction(
        what_is_wrong="General.", proposed_fix="Something."
    )
    corrections.assign(correction=correction, assignee=editor, actor=editor)
    client = client_for(editor)
    url = reverse("editorial:staff_queue")

    def listed(**params):
        body = client.get(url, params).content.decode()
        return {c.reference for c in (correction, other) if c.reference in body}

    assert listed() == {correction.reference, other.reference}
    assert listed(status="in_review") == {correction.reference}
    assert listed(target="firm") == {correction.reference}
    assert listed(target="none") == {other.reference}
    assert listed(assignee="me") == {correction.reference}
    assert listed(assignee="unassigned") == {other.reference}
    assert listed(assignee=str(editor.pk)) == {correction.reference}
    assert listed(age="7") == set()


def test_a_bad_queue_filter_is_a_400_with_the_form_errors(editor):
    response = client_for(editor).get(
        reverse("editorial:staff_queue"), {"status": "bogus", "age": "abc", "assignee": "x"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'class="form-errors"' in body
    assert body.count("Select a valid choice") == 3


# Staging and publishing ----------------------------------------------------


def edit_form_data(record):
    """Every field of the edit form as a browser sends it back unchanged."""
    form = RecordForm(model=type(record), record=record, prefix="edit")
    data = {}
    for name, field in form.fields.items():
        value = field.prepare_value(form[name].value())
        if isinstance(value, list):  # a multiple choice (sectors): one value each
            data[form.add_prefix(name)] = [str(item) for item in value]
        else:
            data[form.add_prefix(name)] = "" if value is None else str(value)
    return data


def compose_key(client):
    page = client.get(reverse("editorial:staff_compose")).content.decode()
    return re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)


def test_a_staged_edit_shows_before_and_after_and_goes_live_only_when_published(
    small_world, editor, reviewer
):
    sany = small_world.sany
    old_name = sany.name_en
    editing = client_for(editor)
    stage_url = reverse("editorial:staff_stage", args=[sany.public_id])
    form = editing.get(stage_url).content.decode()
    assert f'value="{old_name}"' in form

    # Every field is sent back, as a browser does; only the one that differs is staged.
    data = {"action": "edit", **edit_form_data(sany), "edit-name_en": "SANY Heavy Industries"}
    response = editing.post(stage_url, data)
    assert response.status_code == 302
    change = Change.objects.get(state=Change.State.PENDING)
    assert change.proposed == {"name_en": "SANY Heavy Industries"}  # only what differs

    listing = editing.get(reverse("editorial:staff_changes")).content.decode()
    assert re.search(
        rf'<td class="before">{re.escape(old_name)}</td><td class="after">SANY Heavy Industries</td>',
        listing,
    )
    public = Client()
    assert "SANY Heavy Industries<" not in public.get(sany.get_absolute_url()).content.decode()

    publishing = client_for(reviewer)
    key = compose_key(publishing)
    data = {"summary": "Name fixed", "notes": "", "changes": [change.pk], "idempotency_key": key}
    response = publishing.post(reverse("editorial:staff_compose"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("editorial:update_detail", args=[2])
    update = Update.objects.get(number=2)
    assert update.published_by == reviewer
    assert "<h1>SANY Heavy Industries</h1>" in public.get(sany.get_absolute_url()).content.decode()

    # The same form sent again (a double click) publishes nothing more.
    again = publishing.post(reverse("editorial:staff_compose"), data)
    assert again["Location"] == response["Location"]
    assert Update.objects.count() == 2


def test_a_publish_that_would_leave_a_claim_uncited_is_refused_and_changes_nothing(reviewer):
    firm = FirmFactory()
    change = staging.stage_new(
        model=Claim,
        fields={
            "statement": "The firm opened an office in Donetsk.",
            "claim_type": "presence",
            "confidence": "alleged",
            "firms": [firm.public_id],
        },
        user=reviewer,
    )
    client = client_for(reviewer)
    data = {"summary": "New claim", "changes": [change.pk], "idempotency_key": compose_key(client)}
    response = client.post(reverse("editorial:staff_compose"), data)
    assert response.status_code == 409
    assert "would be published without a citation" in response.content.decode()
    assert Update.objects.count() == 0
    change.refresh_from_db()
    assert change.state == Change.State.PENDING
    assert Claim.objects.get(public_id=change.public_id).status == Status.DRAFT


def test_staging_nothing_new_is_refused_on_the_form(editor, firm):
    response = client_for(editor).post(
        reverse("editorial:staff_stage", args=[firm.public_id]),
        {"action": "edit", "edit-name_en": firm.name_en},
    )
    assert response.status_code == 400
    assert "The proposed values are the ones already published." in response.content.decode()
    assert not Change.objects.exists()


def test_withdrawal_and_merge_are_staged_with_their_reason(editor, firm):
    other = FirmFactory()
    client = client_for(editor)
    url = reverse("editorial:staff_stage", args=[firm.public_id])
    assert client.post(url, {"action": "withdraw", "withdraw-reason": ""}).status_code == 400
    assert client.post(url, {"action": "merge", "merge-into": "F0"}).status_code == 400
    response = client.post(url, {"action": "withdraw", "withdraw-reason": "Not a real firm."})
    assert response.status_code == 302
    response = client.post(url, {"action": "merge", "merge-into": other.public_id})
    assert response.status_code == 302
    staged = Change.objects.order_by("pk")
    assert [(c.action, c.reason, c.merge_into) for c in staged] == [
        ("withdraw", "Not a real firm.", ""),
        ("merge", f"Merged into {other.public_id} ({other}).", other.public_id),
    ]
    assert Firm.objects.get(pk=firm.pk).status == Status.PUBLISHED
    page = client.get(reverse("editorial:staff_change", args=[staged[0].pk])).content.decode()
    assert "Not a real firm." in page


def test_a_right_of_reply_is_staged_as_the_firms_response_on_the_claim(editor):
    claim = ClaimFactory()
    correction, _token = corrections.submit_correction(
        target=claim,
        what_is_wrong="We never supplied this mine.",
        proposed_fix="The firm denies any supply to the mine.",
        right_of_reply=True,
    )
    url = (
        reverse("editorial:staff_stage", args=[claim.public_id])
        + f"?correction={correction.number}"
    )
    client = client_for(editor)
    assert client.post(url, {"action": "firm_response"}).status_code == 400  # not accepted yet
    corrections.transition(correction=correction, to="accepted", actor=editor)
    assert "Stage as the firm's response" in client.get(url).content.decode()
    assert client.post(url, {"action": "firm_response"}).status_code == 302
    change = Change.objects.get()
    assert change.correction == correction
    assert change.proposed["firm_response"] == "The firm denies any supply to the mine."


def test_a_pending_change_can_be_discarded_once(editor, firm):
    change = staging.stage_edit(record=firm, fields={"ticker": "X1"}, user=editor)
    client = client_for(editor)
    url = reverse("editorial:staff_changes")
    assert client.post(url, {"action": "discard", "change": change.pk}).status_code == 302
    change.refresh_from_db()
    assert change.state == Change.State.DISCARDED
    assert client.post(url, {"action": "discard", "change": change.pk}).status_code == 409


def test_after_the_seed_and_its_later_updates_the_composer_offers_the_next_one(reviewer):
    call_command("load_seeds", stdout=io.StringIO())
    number = Update.objects.count() + 1
    page = client_for(reviewer).get(reverse("editorial:staff_compose")).content.decode()
    assert f"Publish update {number}" in page
    assert "Nothing is staged" in page


# The admin -----------------------------------------------------------------


def test_the_admin_shows_corrections_read_only_and_contacts_only_to_reviewers(
    editor, reviewer, correction
):
    contacts = reverse("admin:editorial_correctioncontact_changelist")
    assert client_for(editor).get(contacts).status_code == 403
    assert "wang.lei@example.org" in client_for(reviewer).get(contacts).content.decode()

    client = client_for(editor)
    page = client.get(reverse("admin:editorial_correction_change", args=[correction.pk]))
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()  # view only
    assert "wang.lei@example.org" not in page.content.decode()
    delete = client.post(reverse("admin:editorial_correction_delete", args=[correction.pk]))
    assert delete.status_code == 403
    listing = client.get(reverse("admin:editorial_correction_changelist"), {"q": "abc"})
    assert listing.status_code == 200
    assert Correction.objects.filter(pk=correction.pk).exists()
