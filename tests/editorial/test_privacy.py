"""Submitters' private data: kept apart, hashed, purged, and seen nowhere else.

tests/downloads/test_package.py checks every export and data-package file for
contact data handed to the service directly; here a real visitor posts the form,
and the canary is looked for in pages, staff pages without the permission, the
JSON, every file written under the downloads folder, and the logs.
"""

import hashlib
import io
import logging
import zipfile
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from editorial import publishing, staging
from editorial.models import Correction, CorrectionContact
from hub.clientip import ip_hash
from tests.factories import (
    ClaimFactory,
    FirmFactory,
    SiteFactory,
    SourceFactory,
    correction_form_data,
    login_verified,
)

pytestmark = pytest.mark.django_db

EMAIL, NAME, IP = "canary-8842@example.org", "Xylo Canaryson", "198.51.100.231"


@pytest.fixture
def staff(django_user_model):
    def make(username, group):
        user = django_user_model.objects.create_user(username, is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        return login_verified(Client(), user), user

    return make


def submit(client=None, **fields):
    client = client or Client(REMOTE_ADDR=IP)
    data = correction_form_data(
        record="F0001", what_is_wrong="Wrong founder.", proposed_fix="Right founder.", **fields
    )
    response = client.post("/corrections/new/", data)
    assert response.status_code == 302
    return response["Location"]


def files_under(root):
    """The bytes of every file under `root`, and of every member of every zip there."""
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        content = path.read_bytes()
        yield str(path), content
        if path.suffix == ".zip":
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                for name in archive.namelist():
                    yield f"{path}:{name}", archive.read(name)


def test_a_planted_email_name_and_ip_appear_nowhere_outside_their_table(
    staff, downloads_root, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    firm = FirmFactory(public_id="F0001")
    source = SourceFactory(public_id="SRC0001")
    SiteFactory(public_id="S0001")
    ClaimFactory(public_id="C0001", firms=[firm], cite=source)
    tracking_url = submit(name=NAME, email=EMAIL)
    contact = CorrectionContact.objects.get()
    assert (contact.email, contact.name) == (EMAIL, NAME)
    assert contact.ip_hash == ip_hash(IP)

    editor_client, editor = staff("edith", "editor")
    reviewer_client, reviewer = staff("rita", "reviewer")
    correction = Correction.objects.get()
    url = f"/staff/corrections/{correction.number}/"
    assert editor_client.post(url, {"action": "accept"}).status_code == 302
    change = staging.stage_edit(
        record=firm, fields={"description": "Corrected."}, user=editor, correction=correction
    )
    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish_update(
            change_ids=[change.pk], summary="Fix", published_by=reviewer, idempotency_key="p"
        )

    public = Client()
    outputs = {
        path: public.get(path)
        for path in [
            "/",
            "/corrections/",
            tracking_url,
            "/firms/F0001/",
            "/history/F0001/",
            "/updates/",
            "/updates/1/",
            "/updates/feed/",
            "/downloads/",
            "/firms.json",
            "/claims.json",
            "/sources.json",
            "/sites.json",
            "/records/F0001.json",
            "/firms.csv",
        ]
    }
    assert all(r.status_code == 200 for r in outputs.values()), {
        p: r.status_code for p, r in outputs.items()
    }
    bodies = {
        path: b"".join(r.streaming_content) if r.streaming else r.content
        for path, r in outputs.items()
    }
    # Staff without the permission: the queue, the correction, the admin lists.
    for path in [
        "/staff/",
        "/staff/corrections/",
        url,
        "/staff/admin/editorial/correction/",
        f"/staff/admin/editorial/correction/{correction.pk}/change/",
    ]:
        response = editor_client.get(path)
        assert response.status_code == 200, path
        bodies[f"editor {path}"] = response.content
    assert editor_client.get("/staff/admin/editorial/correctioncontact/").status_code == 403
    bodies.update(files_under(downloads_root))
    assert any("update-0001" in name or "update" in name for name in bodies)
    bodies["logs"] = (caplog.text + "".join(str(r.args) for r in caplog.records)).encode()

    canaries = [EMAIL, NAME, IP, contact.ip_hash]
    leaks = [(where, c) for where, body in bodies.items() for c in canaries if c.encode() in body]
    assert leaks == []

    # The control: someone with the permission does see them, so the search can find them.
    assert EMAIL in reviewer_client.get(url).content.decode()
    reviewer_contacts = reviewer_client.get("/staff/admin/editorial/correctioncontact/")
    assert EMAIL in reviewer_contacts.content.decode()


def test_the_ip_is_stored_only_as_a_keyed_hash_with_an_expiry(settings):
    FirmFactory(public_id="F0001")
    settings.HUB_IP_HASH_KEY = "a-separate-key-for-ip-hashes"
    submit()
    contact = CorrectionContact.objects.get()
    assert IP not in contact.ip_hash
    assert contact.ip_hash != hashlib.sha256(IP.encode()).hexdigest()  # keyed, not a bare hash
    assert contact.ip_hash == ip_hash(IP)
    settings.HUB_IP_HASH_KEY = "another-key"
    assert contact.ip_hash != ip_hash(IP)
    expected = timezone.now() + timedelta(days=settings.HUB_IP_HASH_DAYS)
    assert abs((contact.ip_hash_expires_at - expected).total_seconds()) < 60


def test_purge_removes_old_contact_details_and_expired_ip_hashes(settings, caplog):
    FirmFactory(public_id="F0001")
    settings.HUB_CONTACT_RETENTION_DAYS = 180
    for n in range(3):
        submit(Client(REMOTE_ADDR=f"198.51.100.{n + 1}"), email=f"person{n}@example.org")
    old, expired, fresh = CorrectionContact.objects.order_by("pk")
    now = timezone.now()
    CorrectionContact.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=181))
    CorrectionContact.objects.filter(pk=expired.pk).update(
        created_at=now - timedelta(days=40), ip_hash_expires_at=now - timedelta(days=10)
    )

    out = io.StringIO()
    call_command("purge_contact_data", "--dry-run", stdout=out)
    assert "would remove the contact details of 1 correction(s)" in out.getvalue()
    assert CorrectionContact.objects.count() == 3

    out = io.StringIO()
    with caplog.at_level(logging.INFO, logger="hub.audit"):
        call_command("purge_contact_data", stdout=out)
    assert "removed the contact details of 1 correction(s) older than 180 days" in out.getvalue()
    assert "and 1 expired IP hash(es)" in out.getvalue()
    assert "event=contact_data.purged" in caplog.text
    assert not CorrectionContact.objects.filter(pk=old.pk).exists()
    expired.refresh_from_db()
    assert (expired.email, expired.ip_hash, expired.ip_hash_expires_at) == (
        "person1@example.org",
        "",
        None,
    )
    fresh.refresh_from_db()
    assert fresh.ip_hash == ip_hash("198.51.100.3")
    assert Correction.objects.count() == 3  # the corrections themselves stay
    for email in ["person0@example.org", "person1@example.org", "person2@example.org"]:
        assert email not in out.getvalue()

    call_command("purge_contact_data", "--days", "0", stdout=io.StringIO())
    assert not CorrectionContact.objects.exists()
