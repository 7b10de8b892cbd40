"""Record field values as plain JSON, and back.

Staged edits, changelog diffs and seed files all speak this one format: a
foreign key is the related record's public identifier (a sector's slug), a
many-to-many field a sorted list of them, a date an ISO string, a decimal a
string. Keeping one format means a diff shows exactly what a reader sees.
"""

import datetime
from decimal import Decimal

# Bookkeeping that only the publishing service sets; never edited directly.
BOOKKEEPING = {
    "id",
    "public_id",
    "status",
    "withdrawn_reason",
    "withdrawn_at",
    "merged_into",
    "last_update",
    "latin_names",  # derived from the names when published, never staged
    "claim_count",  # derived from the claims when published (evidence.claim_counts)
    "created_at",
    "updated_at",
}


def natural_key_name(model):
    # A model may name its own natural key (a source snapshot: its SHA-256).
    if getattr(model, "NATURAL_KEY", None):
        return model.NATURAL_KEY
    return "public_id" if any(f.name == "public_id" for f in model._meta.fields) else "slug"


def editable_fields(model):
    """The fields a staged change may set, in the model's order."""
    fields = [
        field
        for field in model._meta.get_fields()
        if (field.concrete or field.many_to_many)
        and not field.auto_created
        and field.name not in BOOKKEEPING
    ]
    return {field.name: field for field in fields}


def serialize(instance, field):
    if field.many_to_many:
        key = natural_key_name(field.related_model)
        return sorted(getattr(instance, field.name).values_list(key, flat=True))
    if field.is_relation:
        related = getattr(instance, field.name)
        return None if related is None else getattr(related, natural_key_name(field.related_model))
    return to_json(getattr(instance, field.attname))


def to_json(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return value


def snapshot(instance):
    """Every editable field of `instance`, serialised."""
    return {
        name: serialize(instance, field) for name, field in editable_fields(type(instance)).items()
    }


def resolve(model, key):
    """The primary key of the `model` record whose natural key is `key`."""
    name = natural_key_name(model)
    pk = model.objects.filter(**{name: key}).values_list("pk", flat=True).first()
    if pk is None:
        raise LookupError(f"no {model._meta.verbose_name} {key!r}")
    return pk


def deserialize(model, name, value):
    """The Python value (a primary key, or a list of them, for relations) for `name`."""
    field = editable_fields(model).get(name)
    if field is None:
        raise LookupError(f"{model.__name__} has no editable field {name!r}")
    if field.many_to_many:
        return [resolve(field.related_model, key) for key in value or []]
    if field.is_relation:
        return None if value in (None, "") else resolve(field.related_model, value)
    if name == "aliases" and isinstance(value, list):
        return "\n".join(value)
    if isinstance(value, float):
        value = str(value)  # 47.45361 must not become 47.4536099999…
    if value is None:
        return field.get_default() if not field.null else None
    return field.to_python(value)


def assign(instance, values):
    """Set serialised `values` on `instance`; return the many-to-many ones to set after saving."""
    many = {}
    model = type(instance)
    fields = editable_fields(model)
    for name, value in values.items():
        python = deserialize(model, name, value)
        field = fields[name]
        if field.many_to_many:
            many[name] = python
        else:
            setattr(instance, field.attname, python)
    return many


def normalise(model, values):
    """`values` in canonical serialised form (what `snapshot` would give)."""
    canonical = {}
    for name, value in values.items():
        field = editable_fields(model)[name]
        python = deserialize(model, name, value)
        if field.many_to_many:
            canonical[name] = sorted(value or [])
        elif field.is_relation:
            canonical[name] = value or None
        else:
            canonical[name] = to_json(python)
    return canonical
