"""An oversized query string is the hub's own 400, before anything reads it, in debug mode too."""

import pytest
from django.test import Client


@pytest.fixture(params=[False, True], ids=["production", "debug"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/firms/", "/claims.json", "/staff/changes/", "/no-such-page/"])
def test_more_parameters_than_django_reads_is_the_hubs_400(debug, settings, path):
    query = "&".join(f"p{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = Client(raise_request_exception=False).get(f"{path}?{query}")
    assert response.status_code == 400
    page = response.content.decode()
    assert "too many or too long parameters" in page
    assert "Traceback" not in page  # the hub's page, not Django's debug page


@pytest.mark.django_db
def test_a_query_string_longer_than_the_hubs_limit_is_a_400(debug, settings):
    query = "q=" + "a" * settings.HUB_MAX_QUERY_STRING
    response = Client(raise_request_exception=False).get(f"/search/?{query}")
    assert response.status_code == 400
    assert "too many or too long parameters" in response.content.decode()


@pytest.mark.django_db
def test_as_many_parameters_as_django_reads_are_still_read(debug, settings):
    query = "&".join(f"p{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS))
    # Read, not refused: the list answers (redirecting to its address without unknown parameters).
    assert Client().get(f"/firms/?{query}").status_code in (200, 301)
