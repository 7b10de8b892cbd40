"""The public correction form against bots: rate limits, honeypot, signed form tokens, replay."""

import re
import time

import pytest
from django.test import Client, RequestFactory

from editorial import antispam
from editorial.models import Correction, CorrectionContact
from hub.clientip import client_ip
from tests.factories import correction_form_data

pytestmark = pytest.mark.django_db

URL = "/corrections/new/"
BOT_IP = "192.0.2.66"


def fields(n):
    return {"what_is_wrong": f"Statement {n} is wrong.", "proposed_fix": f"It should say {n}."}


def fresh_token():
    """A token served just now: a post with it is too fast for a person."""
    return antispam.issue_token()


def aged_token(seconds=60):
    return antispam.issue_token(issued_at=time.time() - seconds)


def token_in(response):
    return re.search(r'name="form_token" value="([^"]+)"', response.content.decode()).group(1)


def test_a_thousand_bot_posts_are_refused_and_twenty_people_get_through():
    client = Client()
    outcomes = {"ordinary": [], "bots": []}

    def person(n):
        data = {**fields(f"person-{n}"), "form_token": aged_token(30 + n)}
        response = client.post(URL, data, REMOTE_ADDR=f"198.51.100.{n + 1}")
        outcomes["ordinary"].append(response.status_code)
        return data["form_token"]

    def bot(data, ip, **headers):
        response = client.post(URL, data, REMOTE_ADDR=ip, **headers)
        outcomes["bots"].append(response.status_code)

    used_tokens = [person(n) for n in range(10)]
    for n in range(200):  # fill the hidden field, from 200 addresses
        bot(
            {**fields(n), "form_token": aged_token(), "website": "https://spam.example"},
            f"10.1.{n // 200}.{n % 200 + 1}",
        )
    for n in range(200):  # replay tokens that people have already used, from 200 addresses
        bot({**fields(n), "form_token": used_tokens[n % 10]}, f"10.2.0.{n % 250 + 1}")
    for n in range(200):  # post as soon as the form is served, from one address
        bot({**fields(n), "form_token": fresh_token()}, BOT_IP)
    for n in range(400):  # then wait, and post on and on, claiming a new address each time
        bot(
            {**fields(n), "form_token": aged_token()},
            BOT_IP,
            HTTP_X_FORWARDED_FOR=f"172.16.{n // 250}.{n % 250 + 1}",
        )
    for n in range(10, 20):
        person(n)

    bots = outcomes["bots"]
    assert len(bots) == 1000
    refused = sum(status in (400, 429) for status in bots)
    assert refused / len(bots) >= 0.99
    assert refused == 1000
    assert outcomes["ordinary"] == [302] * 20
    stored = set(Correction.objects.values_list("what_is_wrong", flat=True))
    assert stored == {f"Statement person-{n} is wrong." for n in range(20)}
    assert CorrectionContact.objects.count() == 20


@pytest.mark.parametrize(
    ("reason", "data", "status", "message"),
    [
        (
            "honeypot",
            lambda: {"website": "x", "form_token": aged_token()},
            400,
            "could not be sent",
        ),
        ("too fast", lambda: {"form_token": fresh_token()}, 400, "quicker than a person"),
        ("too old", lambda: {"form_token": aged_token(3601)}, 400, "has expired"),
        ("forged", lambda: {"form_token": aged_token()[:-4] + "abcd"}, 400, "has expired"),
        ("missing", dict, 400, "has expired"),
    ],
)
def test_a_refused_post_says_why_keeps_the_text_and_stores_nothing(
    client, reason, data, status, message
):
    data = data()
    text = "Kept text: the mine is in Luhansk oblast, not Donetsk."
    response = client.post(URL, {"what_is_wrong": text, "proposed_fix": "Luhansk", **data})
    body = response.content.decode()
    assert response.status_code == status, reason
    assert message in body
    assert text in body
    assert "nothing has been sent yet" in body
    assert not Correction.objects.exists()
    assert not CorrectionContact.objects.exists()


def test_a_replayed_token_is_refused_and_the_page_offers_a_fresh_one(client):
    data = correction_form_data(**fields(1))
    assert client.post(URL, data).status_code == 302
    response = client.post(URL, {**data, **fields(2)})
    assert response.status_code == 400
    assert "already been sent once" in response.content.decode()
    assert Correction.objects.count() == 1
    retry = {**fields(2), "form_token": token_in(response)}
    assert client.post(URL, retry).status_code == 302
    assert Correction.objects.count() == 2


def test_the_rate_limit_counts_each_client_apart(client, settings):
    settings.HUB_CORRECTION_RATES = ["5/m"]
    statuses = [
        client.post(URL, correction_form_data(**fields(n)), REMOTE_ADDR=BOT_IP).status_code
        for n in range(7)
    ]
    assert statuses == [302] * 5 + [429] * 2
    limited = client.post(URL, correction_form_data(**fields(8)), REMOTE_ADDR=BOT_IP)
    assert "several corrections in a short time" in limited.content.decode()
    assert fields(8)["what_is_wrong"] in limited.content.decode()
    other = client.post(URL, correction_form_data(**fields(9)), REMOTE_ADDR="198.51.100.200")
    assert other.status_code == 302
    assert Correction.objects.count() == 6


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(client, settings):
    settings.HUB_CORRECTION_RATES = ["2/m"]
    settings.HUB_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]

    def via_proxy(n, claimed, real):
        # The client may send any X-Forwarded-For; our proxy appends the real address.
        return client.post(
            URL,
            correction_form_data(**fields(n)),
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"{claimed}, {real}",
        ).status_code

    assert [via_proxy(n, f"1.2.3.{n}", "198.51.100.7") for n in range(3)] == [302, 302, 429]
    assert via_proxy(3, "1.2.3.9", "198.51.100.8") == 302


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        ("198.51.100.1", "", [], "198.51.100.1"),
        ("198.51.100.1", "203.0.113.5", [], "198.51.100.1"),  # untrusted: header ignored
        ("10.0.0.2", "203.0.113.5", ["10.0.0.0/8"], "203.0.113.5"),
        ("10.0.0.2", "6.6.6.6, 203.0.113.5, 10.0.0.3", ["10.0.0.0/8"], "203.0.113.5"),
        ("10.0.0.2", "not-an-ip, 203.0.113.5", ["10.0.0.0/8"], "203.0.113.5"),
        ("10.0.0.2", "203.0.113.5, garbage", ["10.0.0.0/8"], "10.0.0.2"),
        ("10.0.0.2", "10.0.0.9", ["10.0.0.0/8"], "10.0.0.9"),
        ("", "203.0.113.5", [], "0.0.0.0"),
        ("2001:db8::1", "", [], "2001:db8::1"),
    ],
)
def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy(
    settings, remote, forwarded, trusted, expected
):
    settings.HUB_TRUSTED_PROXIES = trusted
    request = RequestFactory().post(URL, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_the_form_serves_a_token_and_a_hidden_honeypot(client):
    body = client.get(URL).content.decode()
    assert antispam.read_token(token_in(client.get(URL))) is not None
    assert re.search(r'<div hidden><label for="id_website">', body)
    assert client.get(URL)["Cache-Control"].count("no-store") == 1


def test_an_empty_post_gets_the_form_back_not_an_error(client):
    # Found by tests/hub/test_fuzz.py: an empty POST once made an unbound form.
    response = client.post(URL, {})
    assert response.status_code == 400
    assert "has expired" in response.content.decode()


def test_the_form_and_a_refused_post_run_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(1):
        client.get(URL)
    with django_assert_max_num_queries(1):  # refused before anything is looked up
        client.post(URL, {"what_is_wrong": "x", "website": "spam"})
