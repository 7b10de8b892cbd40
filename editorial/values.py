"""Record field values as plain JSON, and back.

Staged edits, changelog diffs and seed files all speak this one format: a
foreign key is the related record's public identifier (a sector's slug), a
many-to-many field a sorted list of them, a date an ISO string, a decimal a
string. Keeping one format means a diff shows exactly what a reader sees.
"""

import datetime
from decimal import Decimal

from django.utils.hashable import make_hashable
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from hub.chunks import chunks
from hub.models import choice_labels

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
    "claim_count",  # derived from the claims when published (derived.claim_counts)
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


# In bulk, for publishing many changes at once (editorial.publishing.apply.PublishBatch) ---

# Other editorial modules read in chunks through this name too.
_chunks = chunks


def fetch(model, pks):
    """{pk: instance} of `model`, read in chunks (a relationship with its two firms)."""
    queryset = model.objects.all()
    related = [
        field.name
        for field in model._meta.concrete_fields
        if field.is_relation and field.name in ("source_firm", "target_firm")
    ]
    if related:
        queryset = queryset.select_related(*related)
    records = {}
    for chunk in chunks(set(pks)):
        records.update((record.pk, record) for record in queryset.filter(pk__in=chunk))
    return records


def _natural_keys(model, pks, field_name="pk"):
    """{value of `field_name`: natural key} of the `model` records with those values."""
    key = natural_key_name(model)
    found = {}
    for chunk in chunks({pk for pk in pks if pk is not None}):
        found.update(
            model._base_manager.filter(**{f"{field_name}__in": chunk}).values_list(field_name, key)
        )
    return found


class Snapshots:
    """`snapshot` of many instances of one model, from one query per relation.

    The foreign keys' natural keys and the many-to-many values are read for
    all instances at once; `of(instance)` then gives what `snapshot` gives.
    """

    def __init__(self, model, instances):
        instances = list(instances)
        self.fields = editable_fields(model)
        self.keys = {}  # field name -> {stored value: natural key}
        self.many = {}  # field name -> {instance pk: sorted natural keys}
        for name, field in self.fields.items():
            if field.many_to_many:
                through = field.remote_field.through
                owner, other = field.m2m_field_name(), field.m2m_reverse_field_name()
                key = natural_key_name(field.related_model)
                values = {instance.pk: [] for instance in instances}
                for chunk in chunks(values):
                    rows = through._base_manager.filter(**{f"{owner}_id__in": chunk}).values_list(
                        f"{owner}_id", f"{other}__{key}"
                    )
                    for pk, natural in rows:
                        values[pk].append(natural)
                self.many[name] = {pk: sorted(keys) for pk, keys in values.items()}
            elif field.is_relation:
                self.keys[name] = _natural_keys(
                    field.related_model,
                    {getattr(instance, field.attname) for instance in instances},
                    field.target_field.attname,
                )

    def of(self, instance):
        result = {}
        for name, field in self.fields.items():
            if field.many_to_many:
                result[name] = list(self.many[name].get(instance.pk, []))
            elif field.is_relation:
                value = getattr(instance, field.attname)
                result[name] = None if value is None else self._key(name, field, value)
            else:
                result[name] = to_json(getattr(instance, field.attname))
        return result

    def _key(self, name, field, value):
        known = self.keys[name]
        if value not in known:  # a target the bulk read did not see (set since)
            known.update(_natural_keys(field.related_model, [value], field.target_field.attname))
        return known.get(value)

    def after(self, instance, many, resolver):
        """The snapshot once `many` ({name: pks}) is set; remembered for a later change."""
        for name, pks in many.items():
            reverse = resolver.reverse[name]
            self.many[name][instance.pk] = sorted({reverse[pk] for pk in pks})
        return self.of(instance)

    def existing_foreign_keys(self, instance):
        """Names of the foreign keys whose target is known to exist (no query needed to check)."""
        return [
            name
            for name, field in self.fields.items()
            if field.is_relation
            and not field.many_to_many
            and not field.get_limit_choices_to()
            and getattr(instance, field.attname) in self.keys[name]
        ]


class Resolver:
    """`assign` for many staged edits of one model, resolving natural keys in one query per relation."""

    def __init__(self, model, proposals):
        self.model = model
        self.fields = editable_fields(model)
        self.pks = {}  # field name -> {natural key: pk}
        self.reverse = {}  # field name -> {pk: natural key}
        wanted = {}
        for proposed in proposals:
            for name, value in proposed.items():
                field = self.fields.get(name)
                if field is None or not field.is_relation:
                    continue
                keys = (
                    value or []
                    if field.many_to_many
                    else [value]
                    if value not in (None, "")
                    else []
                )
                wanted.setdefault(name, set()).update(keys)
        for name, keys in wanted.items():
            related = self.fields[name].related_model
            key = natural_key_name(related)
            pairs = {}
            for chunk in chunks(keys):
                pairs.update(related.objects.filter(**{f"{key}__in": chunk}).values_list(key, "pk"))
            self.pks[name] = pairs
            self.reverse[name] = {pk: natural for natural, pk in pairs.items()}

    def _resolve(self, name, key):
        pk = self.pks.get(name, {}).get(key)
        if pk is None:
            related = self.fields[name].related_model
            raise LookupError(f"no {related._meta.verbose_name} {key!r}")
        return pk

    def assign(self, instance, values):
        """As `assign`: set the plain and foreign-key values, return the many-to-many ones."""
        many = {}
        for name, value in values.items():
            field = self.fields.get(name)
            if field is None:
                raise LookupError(f"{self.model.__name__} has no editable field {name!r}")
            if field.many_to_many:
                many[name] = [self._resolve(name, key) for key in value or []]
            elif field.is_relation:
                python = None if value in (None, "") else self._resolve(name, value)
                setattr(instance, field.attname, python)
            else:
                setattr(instance, field.attname, deserialize(self.model, name, value))
        return many


def readable(field, value):
    """A serialised value as a reader reads it: a choice's label, yes or no, a list joined."""
    if value is None or value == [] or value == "":
        return None
    if isinstance(value, list):
        return ", ".join(str(readable(field, item) or "") for item in value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field is not None and field.choices and not field.is_relation:
        return choice_labels(field).get(make_hashable(value), value)
    return value


def readable_diff(model, diff):
    """[{"field", "label", "before", "after"}] for a changelog diff, named and valued for readers.

    The stored diff keeps the exact serialised values; this is only how they are shown.
    A field the model no longer has keeps its raw name and values.
    """
    fields = {field.name: field for field in model._meta.get_fields()} if model else {}
    rows = []
    for entry in diff:
        field = fields.get(entry["field"])
        label = getattr(field, "verbose_name", None) or entry["field"]
        rows.append(
            {
                "field": entry["field"],
                "label": capfirst(label),
                "before": readable(field, entry["before"]),
                "after": readable(field, entry["after"]),
            }
        )
    return rows
