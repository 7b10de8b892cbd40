"""Staff accounts: two-factor login, lockout per (username, address), session lifetime, audit log."""

import logging
import time

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.test import Client

from editorial import publishing, staging
from editorial.models import Correction
from hub.middleware import LOGIN_AT, SEEN_AT
from tests.factories import (
    FirmFactory,
    correction_form_data,
    login_verified,
    totp_code,
    totp_device,
)

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple-91"
LOGIN = "/staff/admin/login/"
IP_A, IP_B = "198.51.100.10", "203.0.113.20"


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    """Many logins here: a cheap hasher keeps the module fast (the flow is the same)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reviewer(django_user_model):
    user = django_user_model.objects.create_user("rita", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="reviewer"))
    return user


def password_step(client, username="rita", password=PASSWORD, **extra):
    return client.post(
        LOGIN + "?next=/staff/", {"username": username, "password": password}, **extra
    )


def code_step(client, code, **extra):
    return client.post(LOGIN + "?next=/staff/", {"otp_token": code}, **extra)


def session_key(client):
    return client.cookies["sessionid"].value


# Two factors ---------------------------------------------------------------


def test_the_password_alone_opens_no_staff_page_and_the_code_does(client, reviewer):
    device = totp_device(reviewer)
    response = password_step(client)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    for url in ["/staff/", "/staff/corrections/", "/staff/admin/", "/staff/admin/auth/user/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(LOGIN), url
    assert "Code from your authenticator app" in client.get(LOGIN).content.decode()

    response = code_step(client, totp_code(device))
    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    assert client.get("/staff/admin/").status_code == 200


def test_a_wrong_code_is_refused(client, reviewer):
    device = totp_device(reviewer)
    password_step(client)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = code_step(client, wrong)
    assert response.status_code == 400
    assert "wrong, already used or expired" in response.content.decode()
    assert client.get("/staff/").status_code == 302


def test_a_code_cannot_be_used_twice(reviewer):
    device = totp_device(reviewer)
    code = totp_code(device)
    first = Client()
    password_step(first)
    assert code_step(first, code).status_code == 302

    second = Client()  # someone who saw the code, with the password
    password_step(second)
    response = code_step(second, code)
    assert response.status_code == 400
    assert second.get("/staff/").status_code == 302


def test_an_unverified_user_may_cancel_and_start_again(client, reviewer):
    totp_device(reviewer)
    password_step(client)
    key = session_key(client)
    response = client.post(LOGIN + "?next=/staff/", {"action": "cancel"})
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert 'name="password"' in client.get(LOGIN).content.decode()


# Lockout -------------------------------------------------------------------


def test_five_failures_from_one_address_lock_that_address_out_but_not_the_real_user(reviewer):
    device = totp_device(reviewer)
    attacker = Client(REMOTE_ADDR=IP_A)
    for _attempt in range(5):
        assert password_step(attacker, password="guess").status_code in (400, 429)
    # Now even the right password from A is refused.
    response = password_step(attacker)
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert attacker.get("/staff/").status_code == 302

    # The real user, from B, logs in as usual.
    real = Client(REMOTE_ADDR=IP_B)
    response = password_step(real)
    assert response.status_code == 302
    assert code_step(real, totp_code(device)).status_code == 302
    assert real.get("/staff/").status_code == 200


def test_failures_for_one_user_do_not_lock_another_user_at_the_same_address(
    reviewer, django_user_model
):
    other = django_user_model.objects.create_user("otto", password=PASSWORD, is_staff=True)
    totp_device(other)
    client = Client(REMOTE_ADDR=IP_A)
    for _attempt in range(6):
        password_step(client, password="guess")
    assert password_step(client, username="otto").status_code == 302


# Session lifetime ------------------------------------------------------------


def test_the_session_key_changes_at_each_login_step(client, reviewer):
    device = totp_device(reviewer)
    session = client.session
    session["before"] = "login"
    session.save()
    before = session.session_key
    password_step(client)
    after_password = session_key(client)
    code_step(client, totp_code(device))
    after_code = session_key(client)
    assert len({before, after_password, after_code}) == 3
    assert not Session.objects.filter(session_key__in=[before, after_password]).exists()


def age_session(client, **seconds_ago):
    session = client.session
    for name, ago in seconds_ago.items():
        session[name] = time.time() - ago
    session.save()


@pytest.mark.parametrize(
    ("ages", "reason"),
    [
        ({SEEN_AT: 31 * 60}, "idle"),
        ({LOGIN_AT: 12 * 3600 + 60, SEEN_AT: 10}, "absolute"),
    ],
)
def test_a_session_ends_after_30_idle_minutes_or_12_hours(reviewer, ages, reason, caplog):
    client = login_verified(Client(), reviewer)
    assert client.get("/staff/").status_code == 200  # starts the clocks
    age_session(client, **ages)
    key = session_key(client)
    with caplog.at_level(logging.INFO, logger="hub.audit"):
        response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert not Session.objects.filter(session_key=key).exists()
    assert "event=session.expired actor=rita" in caplog.text
    assert f"reason={reason}" in caplog.text


def test_a_session_in_use_stays_open(reviewer):
    client = login_verified(Client(), reviewer)
    client.get("/staff/")
    age_session(client, **{SEEN_AT: 29 * 60, LOGIN_AT: 11 * 3600})
    assert client.get("/staff/").status_code == 200


def test_logout_ends_the_session_on_the_server(reviewer):
    client = login_verified(Client(), reviewer)
    assert client.get("/staff/").status_code == 200
    key = session_key(client)
    assert client.post("/staff/admin/logout/").status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies["sessionid"] = key  # the old cookie, kept by an attacker
    assert replay.get("/staff/").status_code == 302


# Audit log -------------------------------------------------------------------


def test_logins_failures_lockouts_decisions_and_publishing_are_logged_without_secrets(
    reviewer, caplog
):
    canary_email, canary_name, canary_ip = "canary-5521@example.org", "Qwerty Canary", "192.0.2.55"
    firm = FirmFactory(public_id="F0001")
    device = totp_device(reviewer)
    code = totp_code(device)
    caplog.set_level(logging.INFO)

    visitor = Client(REMOTE_ADDR=canary_ip)
    response = visitor.post(
        "/corrections/new/",
        correction_form_data(
            record="F0001",
            what_is_wrong="Wrong",
            proposed_fix="Right",
            name=canary_name,
            email=canary_email,
        ),
    )
    assert response.status_code == 302
    tracking_token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    attacker = Client(REMOTE_ADDR=IP_A)
    for _attempt in range(6):
        password_step(attacker, password="wrong-password-canary")
    staff = Client(REMOTE_ADDR=IP_B)
    password_step(staff)
    code_step(staff, code)
    correction = Correction.objects.get()
    assert (
        staff.post(f"/staff/corrections/{correction.number}/", {"action": "accept"}).status_code
        == 302
    )
    change = staging.stage_edit(
        record=firm, fields={"description": "Corrected"}, user=reviewer, correction=correction
    )
    publishing.publish_update(
        change_ids=[change.pk], summary="Fix", published_by=reviewer, idempotency_key="audit"
    )
    staff.post("/staff/admin/logout/")

    audit = [r.getMessage() for r in caplog.records if r.name == "hub.audit"]
    text = "\n".join(audit)
    for expected in [
        "event=login.failed actor=rita ip=198.51.100.10 step=password",
        "event=login.locked_out actor=rita ip=198.51.100.10",
        "event=login.password_ok actor=rita ip=203.0.113.20",
        "event=login actor=rita ip=203.0.113.20",
        f"event=correction.decision actor=rita correction={correction.reference} to=accepted",
        "event=change.staged actor=rita action=edit",
        "event=update.published actor=rita changes=1 update=",
        "event=logout actor=rita ip=203.0.113.20",
    ]:
        assert expected in text, expected
    everything = caplog.text + "\n".join(str(r.args) for r in caplog.records)
    for secret in [
        PASSWORD,
        "wrong-password-canary",
        code,
        tracking_token,
        canary_email,
        canary_name,
        canary_ip,
    ]:
        assert secret not in everything, secret


def test_the_login_steps_run_a_fixed_number_of_queries(
    client, reviewer, django_assert_max_num_queries
):
    device = totp_device(reviewer)
    with django_assert_max_num_queries(1):
        client.get(LOGIN)
    with django_assert_max_num_queries(14):  # axes' bookkeeping, the session, the user
        password_step(client)
    with django_assert_max_num_queries(3):
        client.get(LOGIN)
    with django_assert_max_num_queries(16):
        code_step(client, totp_code(device))
    # The dashboard: counts by status and age, the time to decide, my work, staged changes.
    with django_assert_max_num_queries(9):
        client.get("/staff/")
