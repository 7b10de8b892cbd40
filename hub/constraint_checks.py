"""A record's check constraints, asked of the database in one query.

Model validation (``full_clean``) asks the database about every
``CheckConstraint`` of a model so that a staged value the database would
refuse is refused first, with a message that names the rule. Django asks with
one query per constraint (``Q.check``: a SELECT, and a savepoint when inside a
transaction). A claim has seventeen, so checking one staged row took seventeen
round trips and an import of a thousand rows seventeen thousand.

``OneQueryChecks.validate_constraints`` asks them all at once: each condition
becomes one column of a single SELECT over the instance's values, wrapped as
Django wraps it (a condition that evaluates to NULL passes, as it does in the
database). Which constraints apply, and the error each failure raises, are
Django's own; unique and other constraints keep Django's validation. If the
combined query cannot run, Django's one-by-one path answers instead.
"""

import logging
from contextlib import nullcontext

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import BooleanField, CheckConstraint, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE

logger = logging.getLogger("hub.constraint_checks")


def failed_checks(instance, *, exclude=None, using):
    """The check constraints `instance`'s values break, found with one query.

    None when they could not be asked together (the caller then asks Django,
    one constraint at a time).
    """
    exclude = set(exclude or ())
    checks = [
        constraint
        for model, constraints in instance.get_constraints()
        for constraint in constraints
        if isinstance(constraint, CheckConstraint)
        # Django skips a condition that refers to an excluded field.
        and not (
            exclude and constraint._expression_refs_exclude(model, constraint.condition, exclude)
        )
    ]
    if not checks:
        return []
    query = Query(None)
    # The instance's values stand in for the columns, as in Q.check.
    for name, value in instance._get_field_expression_map(
        meta=instance._meta, exclude=exclude
    ).items():
        if not hasattr(value, "resolve_expression"):
            value = Value(value)
        query.add_annotation(value, name, select=False)
    for number, constraint in enumerate(checks):
        query.add_annotation(
            Coalesce(constraint.condition, True, output_field=BooleanField()), f"_check_{number}"
        )
    connection = connections[using]
    try:
        # Inside a transaction a failing query must not break it.
        with transaction.atomic(using=using) if connection.in_atomic_block else nullcontext():
            row = query.get_compiler(using=using).execute_sql(SINGLE)
    except DatabaseError as error:
        logger.warning("Checking %s's constraints in one query failed: %s", instance, error)
        return None
    return [constraint for constraint, passed in zip(checks, row, strict=True) if not passed]


class OneQueryChecks(models.Model):
    """A model whose ``full_clean`` asks all its check constraints in one query."""

    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None):
        using = router.db_for_write(type(self), instance=self)
        failed = failed_checks(self, exclude=exclude, using=using)
        if failed is None:
            return super().validate_constraints(exclude=exclude)
        errors = {}
        for constraint in failed:
            error = ValidationError(
                constraint.get_violation_error_message(), code=constraint.violation_error_code
            )
            errors = error.update_error_dict(errors)
        for model, constraints in self.get_constraints():
            for constraint in constraints:
                if isinstance(constraint, CheckConstraint):
                    continue
                try:
                    constraint.validate(model, self, exclude=exclude, using=using)
                except ValidationError as error:
                    # As Django files a one-field unique error under that field.
                    if error.code == "unique" and len(constraint.fields) == 1:
                        errors.setdefault(constraint.fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
