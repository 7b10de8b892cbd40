"""Bad correction submissions: a clear form error, no server error, nothing stored."""

import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from editorial.models import Correction, CorrectionContact
from tests.factories import FirmFactory, correction_form_data

VALID = {"what_is_wrong": "The figure is wrong.", "proposed_fix": "It should be 79.", "record": ""}
HOSTILE = [
    "<script>alert(1)</script>",
    "\x00",
    "'; DROP TABLE editorial_correction; --",
    "x" * 6000,
    "javascript:alert(1)",
    "ftp://example.org/file",
    "not a url",
    '=HYPERLINK("http://x")',
]

# Each generated post breaks at least one rule: a missing required field,
# an oversized field, a NUL byte, a bad URL or email, or an unknown record.
breakers = st.sampled_from(
    [
        {"what_is_wrong": ""},
        {"proposed_fix": ""},
        {"what_is_wrong": "x" * 5001},
        {"proposed_fix": "y" * 5001},
        {"what_is_wrong": "nul\x00byte"},
        {"evidence": "not a url"},
        {"evidence": "javascript:alert(1)"},
        {"evidence": "\n".join(f"https://example.org/{n}" for n in range(21))},
        {"email": "not-an-email"},
        {"email": "<script>@x"},
        {"name": "n" * 201},
        {"record": "F9999999"},
        {"record": "<script>"},
        {"record": "x" * 40},
    ]
)
noise = st.fixed_dictionaries(
    {},
    optional={
        "name": st.one_of(st.sampled_from(HOSTILE), st.text(max_size=50)),
        "right_of_reply": st.sampled_from(["on", "yes", "1", "bogus"]),
        "extra": st.text(max_size=20),
    },
)


@pytest.mark.django_db
def test_three_hundred_generated_bad_submissions_store_nothing_and_never_fail():
    FirmFactory(public_id="F0001")
    client = Client(raise_request_exception=False)
    statuses = []

    @settings(max_examples=max(300, settings().max_examples))
    @given(noise, st.lists(breakers, min_size=1, max_size=3))
    def post(extra, broken):
        data = {**VALID, **extra}
        for part in broken:
            data.update(part)
        # Each from its own address: this is about bad data, not the rate limit.
        address = f"198.18.{len(statuses) // 250}.{len(statuses) % 250 + 1}"
        response = client.post(
            "/corrections/new/", correction_form_data(**data), REMOTE_ADDR=address
        )
        statuses.append(response.status_code)
        assert response.status_code == 400, (data, response.status_code)

    post()
    assert len(statuses) >= 300
    assert not Correction.objects.exists()
    assert not CorrectionContact.objects.exists()


@pytest.mark.django_db
def test_script_in_a_valid_submission_is_stored_as_text_and_shown_escaped(client):
    response = client.post(
        "/corrections/new/",
        correction_form_data(
            what_is_wrong="<script>alert('x')</script>", proposed_fix="<b>bold</b>"
        ),
    )
    assert response.status_code == 302
    tracking = client.get(response["Location"]).content.decode()
    assert "<script>alert" not in tracking
    assert "&lt;script&gt;alert" in tracking
    assert "&lt;b&gt;bold&lt;/b&gt;" in tracking


@pytest.mark.django_db
def test_a_form_error_keeps_what_was_typed(client):
    response = client.post(
        "/corrections/new/", correction_form_data(what_is_wrong="Kept text", proposed_fix="")
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Kept text" in body
    assert "nothing has been sent yet" in body
