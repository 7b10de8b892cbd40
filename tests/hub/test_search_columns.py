"""The search's columns, indexes and functions that no model declares (hub.search's docstring).

On PostgreSQL each listed one exists, and the models' fields plus the list
account for every column of every table of the project's models. On SQLite
none of them exists and the search takes its fallback path: the Python
hub_search_fold on the connection, no stored column in the SQL.
"""

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hub import search, search_sql
from tests.factories import FirmFactory

ROOT_APPS = {"hub", "entities", "evidence", "editorial", "downloads", "derived", "pages", "bench"}
POSTGRESQL = connection.vendor == "postgresql"


def project_models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in ROOT_APPS and model._meta.managed
    ]


def table_columns(table):
    """Every column of the table, generated ones included (read from the catalogue)."""
    with connection.cursor() as cursor:
        if POSTGRESQL:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = %s",
                [table],
            )
        else:
            # table_xinfo: hidden and generated columns too.
            cursor.execute(f"SELECT name FROM pragma_table_xinfo('{table}')")
        return {row[0] for row in cursor.fetchall()}


def table_indexes(table):
    with connection.cursor() as cursor:
        if POSTGRESQL:
            cursor.execute(
                "SELECT indexname FROM pg_indexes "
                "WHERE schemaname = current_schema() AND tablename = %s",
                [table],
            )
        else:
            cursor.execute(f"SELECT name FROM pragma_index_list('{table}')")
        return {row[0] for row in cursor.fetchall()}


def test_the_list_names_each_searched_model_and_only_those():
    assert set(search.UNDECLARED_COLUMNS) == set(search.SPECS)
    assert set(search.UNDECLARED_INDEXES) == set(search.SPECS)


@pytest.mark.django_db
def test_declared_fields_and_the_list_account_for_every_column_of_every_table():
    models = project_models()
    assert {model._meta.label for model in models} >= set(search.UNDECLARED_COLUMNS)
    for model in models:
        declared = {field.column for field in model._meta.concrete_fields}
        listed = set(search.UNDECLARED_COLUMNS.get(model._meta.label, ()))
        assert not declared & listed, model._meta.label
        expected = declared | listed if POSTGRESQL else declared
        assert table_columns(model._meta.db_table) == expected, model._meta.label


@pytest.mark.django_db
def test_the_listed_indexes_exist_on_postgresql_only():
    for label, names in search.UNDECLARED_INDEXES.items():
        indexes = table_indexes(apps.get_model(label)._meta.db_table)
        if POSTGRESQL:
            assert set(names) <= indexes, label
        else:
            assert not set(names) & indexes, label


@pytest.mark.django_db
def test_the_listed_columns_are_generated_by_the_database_on_postgresql():
    if not POSTGRESQL:
        # The fallback: no stored column, hub_search_fold is Python's on this connection.
        search_sql.register_sqlite_functions(connection)
        with connection.cursor() as cursor:
            cursor.execute("SELECT hub_search_fold(%s)", ["Ćírkus ÉLEVÉ"])
            assert cursor.fetchone()[0] == search.fold("Ćírkus ÉLEVÉ") == "cirkus eleve"
        return
    with connection.cursor() as cursor:
        for label, columns in search.UNDECLARED_COLUMNS.items():
            cursor.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = %s "
                "AND is_generated = 'ALWAYS'",
                [apps.get_model(label)._meta.db_table],
            )
            assert {row[0] for row in cursor.fetchall()} == set(columns), label
        cursor.execute(
            "SELECT DISTINCT proname FROM pg_proc WHERE proname = ANY(%s)",
            [list(search.SQL_FUNCTIONS)],
        )
        assert {row[0] for row in cursor.fetchall()} == set(search.SQL_FUNCTIONS)


@pytest.mark.django_db
def test_each_backend_searches_through_its_own_path():
    from entities.models import Firm

    FirmFactory(public_id="F9401", name_en="Électro Ćirkus", aliases="")
    with CaptureQueriesContext(connection) as queries:
        found = list(
            search.matching(Firm.objects.public(), "electro cirkus").values_list(
                "public_id", flat=True
            )
        )
    assert found == ["F9401"]
    sql = " ".join(query["sql"] for query in queries)
    assert ("search_vector" in sql) == POSTGRESQL
    assert "hub_search_fold" in sql
