"""manage.py create_staff: an editor or a reviewer who can sign in with the printed URI alone."""

import base64
import hashlib
import hmac
import io
import re
import struct
import time
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from editorial import corrections
from editorial.models import hash_token

pytestmark = pytest.mark.django_db

LOGIN = "/staff/admin/login/"


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def code_from_uri(uri, at=None):
    """The code an authenticator app shows for an otpauth:// URI (RFC 6238), computed here."""
    parsed = urlparse(uri)
    assert parsed.scheme == "otpauth"
    assert parsed.netloc == "totp"
    query = {key: values[0] for key, values in parse_qs(parsed.query).items()}
    secret = query["secret"]
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digits, period = int(query.get("digits", 6)), int(query.get("period", 30))
    counter = int((time.time() if at is None else at) // period)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 10**digits:0{digits}d}"


def create(*args):
    out = io.StringIO()
    call_command("create_staff", *args, stdout=out)
    return out.getvalue()


def test_create_staff_makes_an_account_that_signs_in_with_a_code_from_the_printed_uri():
    output = create("Olena.Editor@Example.org", "--role", "editor")
    password = re.search(r"^Password: (\S+)$", output, re.M).group(1)
    uri = re.search(r"^(otpauth://\S+)$", output, re.M).group(1)
    assert "▄" in output.split(uri)[1]  # and its QR code, drawn in the terminal
    user = get_user_model().objects.get()
    assert user.get_username() == "Olena.Editor@example.org"
    assert user.is_staff
    assert not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["editor"]

    client = Client()
    step = client.post(LOGIN + "?next=/staff/", {"username": user.username, "password": password})
    assert step.status_code == 302  # on to the code step
    assert client.get("/staff/").status_code == 302  # the password alone opens nothing
    step = client.post(LOGIN + "?next=/staff/", {"otp_token": code_from_uri(uri)})
    assert step.status_code == 302
    assert step["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    assert client.get("/staff/updates/new/").status_code == 403  # an editor does not publish


def test_a_reviewer_may_publish_and_a_bad_role_or_a_second_account_is_refused():
    create("rev@example.org", "--role", "reviewer", "--password", "a-long-given-password-7")
    user = get_user_model().objects.get()
    assert user.check_password("a-long-given-password-7")
    assert user.has_perm("editorial.publish_update")
    with pytest.raises(CommandError, match="already an account"):
        create("REV@example.org", "--role", "editor")
    with pytest.raises(CommandError):
        create("x@example.org", "--role", "admin")
    with pytest.raises(CommandError, match="not an email address"):
        create("not-an-address", "--role", "editor")


def test_the_receipt_carries_the_private_tracking_link_and_later_notices_say_where_it_is(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        correction, token = corrections.submit_correction(
            what_is_wrong="x", proposed_fix="y", email="reader@example.org"
        )
    (receipt,) = mail.outbox
    assert receipt.to == ["reader@example.org"]
    assert f"/corrections/track/{token}/" in receipt.body
    assert correction.token_hash == hash_token(token)
    from editorial import tasks

    sealed = tasks.seal_token(correction.pk, token)
    assert token not in sealed
    assert tasks.open_token(correction.pk, sealed) == token
    tasks.notify_correction_published.call(correction.pk, 2)
    assert "email we sent you when you submitted it" in mail.outbox[-1].body
    assert token not in mail.outbox[-1].body
