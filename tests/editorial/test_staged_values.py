"""A staged change's values cannot break a publish, and a bad one stays visible and discardable."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.urls import reverse

from editorial import publishing, staging
from editorial.models import Change, Update
from entities.models import Firm
from evidence.models import Citation, Claim
from tests.conftest import publish
from tests.factories import ClaimFactory, FirmFactory, SourceFactory, login_verified

pytestmark = pytest.mark.django_db

BAD_VALUES = ["nul\x00here", "surrogate \ud800 here", "bell\x07", "   "]


@pytest.fixture
def reviewer(django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("rita", is_staff=True)
    user.groups.add(Group.objects.get(name="reviewer"))
    return user


def test_a_publish_of_many_changes_is_not_broken_by_one_changes_values(reviewer):
    firms = FirmFactory.create_batch(40)
    claim = ClaimFactory()
    good = [
        staging.stage_edit(record=firm, fields={"name_en": f"Renamed firm {n}"}, user=reviewer)
        for n, firm in enumerate(firms)
    ]
    # Each bad value on each kind of record is refused when staged: nothing is kept.
    citation = claim.citations.get()
    for record, name, bad in [
        (firms[0], "name_en", [*BAD_VALUES, "two\nlines"]),
        (claim, "statement", BAD_VALUES),
        (citation, "locator", [*BAD_VALUES, "two\nlines"]),
    ]:
        for value in bad:
            with pytest.raises(staging.StagingRefused, match=rf"^{name}: "):
                staging.stage_edit(record=record, fields={name: value}, user=reviewer)
    assert Change.objects.filter(state=Change.State.PENDING).count() == len(good)

    update = publish(*good, published_by=reviewer)
    assert update.changed == len(good)
    assert sorted(Firm.objects.values_list("name_en", flat=True)) == sorted(
        f"Renamed firm {n}" for n in range(40)
    )


def test_a_citation_locator_of_only_blank_space_is_refused(reviewer):
    citation = ClaimFactory().citations.get()
    with pytest.raises(staging.StagingRefused, match=r"^locator: .*only blank space"):
        staging.stage_edit(record=citation, fields={"locator": " \u3000 "}, user=reviewer)
    with pytest.raises(staging.StagingRefused, match=r"^locator: .*only blank space"):
        staging.stage_new(
            model=Citation,
            fields={
                "claim": citation.claim.public_id,
                "source": SourceFactory().public_id,
                "locator": "\u3000",
            },
            user=reviewer,
            public_id="CIT7000001",
        )


def test_staged_text_is_stored_in_nfc(reviewer):
    firm = FirmFactory()
    change = staging.stage_edit(
        record=firm, fields={"name_en": "Cafe\u0301 Machinery"}, user=reviewer
    )
    assert change.proposed == {"name_en": "Caf\u00e9 Machinery"}
    draft = staging.stage_new(
        model=Claim,
        fields={"statement": "A\u030a firm sold a\u0301 machine.", "claim_type": "presence"},
        user=reviewer,
    )
    assert Claim.objects.get(pk=draft.object_id).statement == "\u00c5 firm sold \u00e1 machine."


def test_a_withdrawal_reason_follows_the_text_rule(reviewer):
    firm = FirmFactory()
    with pytest.raises(staging.StagingRefused, match=r"^withdrawn_reason: Character 4 "):
        staging.stage_withdrawal(record=firm, reason="Dup\x00licate", user=reviewer)
    change = staging.stage_withdrawal(
        record=firm, reason="Cafe\u0301 was a duplicate.", user=reviewer
    )
    assert change.reason == "Caf\u00e9 was a duplicate."


def legacy_change(record, value):
    """A pending change holding `value`, staged before the rule (written straight to the table)."""
    return Change.objects.create(
        action=Change.Action.EDIT,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        public_id=record.public_id,
        label=str(record),
        proposed={"name_en": value},
    )


def legacy_values():
    # PostgreSQL could never hold a NUL or a lone surrogate; SQLite could.
    found = ["bell\x07", "escape\x1b[31m", "two\nlines"]
    if connection.vendor == "sqlite":
        found += ["nul\x00here", "surrogate \ud800 here"]
    return found


def test_a_change_staged_before_the_rule_can_be_viewed_refused_and_discarded(reviewer):
    firm = FirmFactory()
    good = staging.stage_edit(record=firm, fields={"name_en": "Fine name"}, user=reviewer)
    other = FirmFactory()
    bad = [legacy_change(other, value) for value in legacy_values()]
    client = login_verified(Client(), reviewer)
    for url in [
        reverse("editorial:staff_changes"),
        reverse("editorial:staff_compose"),
        reverse("editorial:staff_stage", args=[other.public_id]),
        *[reverse("editorial:staff_change", args=[change.pk]) for change in bad],
    ]:
        assert client.get(url).status_code == 200, url
    listing = client.get(reverse("editorial:staff_changes")).content.decode()
    assert "bell\ufffd" in listing  # each refused character shown as the replacement character

    # Publishing it is refused with the reason, and nothing changes.
    page = client.get(reverse("editorial:staff_compose")).content.decode()
    key = page.split('name="idempotency_key" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        reverse("editorial:staff_compose"),
        {"summary": "Both", "changes": [good.pk, bad[0].pk], "idempotency_key": key},
    )
    assert response.status_code == 409
    assert "name_en: Character" in response.content.decode()
    assert not Update.objects.exists()
    with pytest.raises(publishing.PublishRefused):
        publish(bad[-1])

    # Discarded, one by one, from the list; then the good change publishes alone.
    for change in bad:
        response = client.post(
            reverse("editorial:staff_changes"), {"action": "discard", "change": change.pk}
        )
        assert response.status_code == 302
    assert list(Change.objects.filter(state=Change.State.PENDING)) == [good]
    publish(good, key="after")
    firm.refresh_from_db()
    assert firm.name_en == "Fine name"


def test_an_update_summary_follows_the_text_rule(reviewer):
    change = staging.stage_edit(record=FirmFactory(), fields={"name_en": "New"}, user=reviewer)
    with pytest.raises(publishing.PublishRefused, match=r"^summary: Character 5 "):
        publish(change, summary="Name\x1bfix")
    assert not Update.objects.exists()
