"""A record's check constraints are asked in one query, with Django's answers."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from hypothesis import given, settings
from hypothesis import strategies as st

from entities.models import Firm, Site
from evidence.models import Citation, Claim, Source

pytestmark = pytest.mark.django_db


def errors_of(validate):
    try:
        validate()
    except ValidationError as error:
        return {field: sorted(messages) for field, messages in error.message_dict.items()}
    return {}


def djangos_answer(instance, exclude=None):
    """What Django's own validation says: one query per constraint."""
    return errors_of(lambda: models.Model.validate_constraints(instance, exclude=exclude))


def one_query_answer(instance, exclude=None):
    return errors_of(lambda: instance.validate_constraints(exclude=exclude))


def a_claim(**values):
    return Claim(
        public_id="C0001",
        statement="A statement.",
        claim_type=Claim.Type.PRESENCE,
        confidence=Claim.Confidence.SINGLE_SOURCE,
        **values,
    )


def test_a_claim_breaking_several_rules_gets_every_message_django_gives():
    claim = a_claim(
        figure_low=10,
        figure_high=5,
        date_start=datetime.date(2024, 5, 1),
        date_end=datetime.date(2023, 1, 1),
        region="narnia",
        stage=9,
    )
    claim.statement = ""
    answer = one_query_answer(claim)
    assert answer == djangos_answer(claim)
    messages = " ".join(answer["__all__"])
    for name in [
        "claim_figure_range_ordered",
        "claim_period_ordered",
        "claim_region_valid",
        "claim_stage_valid",
        "claim_has_statement",
    ]:
        assert name in messages, name


def test_a_condition_that_is_null_passes_as_in_the_database():
    # figure_high NULL: the range rule holds, as a NULL check does in SQL.
    claim = a_claim(figure_low=10, figure_high=None, stage=None)
    assert one_query_answer(claim) == {}
    assert djangos_answer(claim) == {}


def test_a_rule_on_an_excluded_field_is_not_asked():
    claim = a_claim(figure_low=10, figure_high=5)
    assert one_query_answer(claim, exclude={"figure_high"}) == {}
    assert djangos_answer(claim, exclude={"figure_high"}) == {}


@pytest.mark.parametrize(
    "record",
    [
        Firm(public_id="F0001", name_en="", status="nonsense"),
        Site(public_id="S0001", name_en="A site", region="nowhere", country="RU"),
        Source(public_id="SRC0001", title="", kind="rumour", reliability="Z"),
        Citation(public_id="CIT0001", locator="", stance="maybe"),
    ],
    ids=["firm", "site", "source", "citation"],
)
def test_every_kind_of_record_gets_django_s_answer(record):
    answer = one_query_answer(record)
    assert answer, "the record breaks at least one rule"
    assert answer == djangos_answer(record)


def test_all_check_constraints_of_a_claim_cost_one_query(django_assert_num_queries):
    claim = a_claim(figure_low=1, figure_high=2)
    unique_rules = sum(
        not isinstance(constraint, models.CheckConstraint)
        for _, constraints in claim.get_constraints()
        for constraint in constraints
    )
    checks = sum(
        isinstance(constraint, models.CheckConstraint)
        for _, constraints in claim.get_constraints()
        for constraint in constraints
    )
    assert checks > 10
    # Inside the test's transaction each query is wrapped in a savepoint
    # (two more statements), as Django's own checks are.
    with django_assert_num_queries(3 * (1 + unique_rules)):
        claim.validate_constraints()


# The space is small (eight fields of a few values each): sixty cases cover its kinds.
@settings(max_examples=60)
@given(
    figure_low=st.none() | st.integers(-5, 5),
    figure_high=st.none() | st.integers(-5, 5),
    start=st.none() | st.dates(datetime.date(2020, 1, 1), datetime.date(2020, 1, 5)),
    end=st.none() | st.dates(datetime.date(2020, 1, 1), datetime.date(2020, 1, 5)),
    stage=st.none() | st.integers(0, 4),
    region=st.sampled_from(["", "luhansk", "crimea", "atlantis"]),
    confidence=st.sampled_from([*Claim.Confidence.values, "sure"]),
    statement=st.sampled_from(["", "Said.", " "]),
)
def test_whatever_the_values_the_one_query_and_django_agree(
    figure_low, figure_high, start, end, **values
):
    claim = a_claim(figure_low=figure_low, figure_high=figure_high, date_start=start, date_end=end)
    for name, value in values.items():
        setattr(claim, name, value)
    assert one_query_answer(claim) == djangos_answer(claim)
