"""The machinery shared by every public list: filters, facet counts, pages.

A list page is a django-filter FilterSet over a named queryset, a set of
facets (each filter choice shown with the number of results it would give),
and a page of rows. Everything here runs a fixed number of queries, whatever
the size of the data: one per facet whose filter is in use, one per kind for
the others (see Facet.together), the count when those did not give it (or a
count stopped at a cap, see ListSpec.count_cap), and one page. No list pages
deeper than MAX_PAGES.
"""

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property, partial

from django.conf import settings
from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .cache import cached_count

PAGE_PARAM = re.compile(r"^[0-9]{1,7}$")
# Lists page through their first MAX_PAGES pages. A deeper page makes the
# database walk past every row before it (page 19,999 of a million claims:
# 0.7 s), which anyone could ask for over and over, and no reader pages that
# far: they narrow the filters, or download every row as CSV.
MAX_PAGES = 200


@dataclass
class Facet:
    """A filter whose choices are shown with their result counts.

    `count` maps a queryset of the listed model (already filtered by every
    other facet) to {value: number of results}. By default the facet counts
    a column of the same name as the filter, or `column`; `values` renames
    the counted values to the filter's (True to "yes").

    Facets whose filters are not in use all count over the same rows (the
    list's), so those with the same `together` counter are counted by one
    query: (queryset, facets) -> ({facet name: {value: n}}, the number of
    rows or None). A plain column of the model is counted together with the
    others by default; a facet through a join or with its own `count` is not.
    """

    name: str
    column: str = ""
    count: object = None
    values: dict = None
    together: object = None

    def __post_init__(self):
        if self.together is None and self.count is None and "__" not in self.field:
            self.together = count_columns

    @property
    def field(self):
        return self.column or self.name

    def counts(self, queryset):
        if self.count is not None:
            return self.count(queryset)
        rows = queryset.order_by().values_list(self.field).annotate(n=counted_rows(queryset))
        return self.renamed({value_key(value): n for value, n in rows})

    def renamed(self, counts):
        if not self.values:
            return counts
        return {self.values.get(value, value): n for value, n in counts.items()}


def counted_rows(queryset):
    """COUNT of the rows grouped, DISTINCT only when a filter joined a many-valued relation.

    Without a join each record is one row (grouping by a many-to-many column
    gives one row per pair, each pair once); a DISTINCT count sorts every
    group's rows: 56 ms instead of 10 over 20,000 firms.
    """
    joined = len(queryset.query.alias_map) > 1
    return Count("pk", distinct=joined)


def value_key(value):
    """A counted value as the filter's choices spell it ("" for none)."""
    return str(value) if value is not None else ""


def count_columns(queryset, facets):
    """Count several single-valued columns in one query, grouped by all of them at once.

    Every row has one value of each column, so any column's counts add up
    to the number of rows, which comes back too.
    """
    fields = [facet.field for facet in facets]
    rows = queryset.order_by().values_list(*fields).annotate(n=counted_rows(queryset))
    counts = {facet.name: Counter() for facet in facets}
    total = 0
    for *values, n in rows:
        total += n
        for facet, value in zip(facets, values, strict=True):
            counts[facet.name][value_key(value)] += n
    return {facet.name: facet.renamed(dict(counts[facet.name])) for facet in facets}, total


def filtered_without(filterset, skip, queryset=None):
    """The rows under every filter of a validated filterset but `skip` (and the sort).

    From `queryset` when given (a leaner one than the filterset's own, for counting).
    """
    queryset = (filterset.queryset if queryset is None else queryset).all()
    for name, value in filterset.form.cleaned_data.items():
        if name not in (skip, "sort"):
            queryset = filterset.filters[name].filter(queryset, value)
    return queryset


def apply_facet_counts(filterset, facets, counted=None, tally=None):
    """Label every facet choice of the filterset's form with the count it would give.

    Each facet is counted against the other filters only, so that choosing
    "stage 1" still shows how many results "stage 2" would give. `counted`
    is the queryset to count over, when leaner than the filterset's own;
    `tally`, when given, counts instead (see derived.tally).

    Returns the number of rows the list holds when counting found it on the
    way (see `Facet.together`), else None.
    """
    model = filterset.queryset.model
    in_use = {name for name, _ in filter_params(filterset)}
    counts, together, total = {}, {}, None
    for facet in facets:
        if tally is not None:
            counts[facet.name] = tally.count(filterset, skip=facet.name, by=facet.field)
        elif facet.together is not None and facet.name not in in_use:
            together.setdefault(facet.together, []).append(facet)
        else:
            counts[facet.name] = _counted_facet(filterset, facet, model, counted)
    for counter, members in together.items():
        found, rows = _counted_together(filterset, counter, members, model, counted)
        counts.update(found)
        total = rows if rows is not None else total
    for facet in facets:
        form_field = filterset.form.fields[facet.name]
        # The field adds its own empty choice ("Any") back when choices are set.
        form_field.choices = [
            (value, f"{label} ({counts[facet.name].get(str(value), 0)})")
            for value, label in form_field.choices
            if value != ""
        ]
    return total


def _counting_base(filterset, skip, model, counted):
    base = filtered_without(filterset, skip, counted)
    if counted is None:
        # The page's own queryset: its annotations' joins stay in a subquery.
        base = model.objects.filter(pk__in=base.values("pk"))
    return base


def _counted_facet(filterset, facet, model, counted):
    base = _counting_base(filterset, facet.name, model, counted)
    # Counted once per published update and combination of the other filters.
    return cached_count(
        ("facet", type(filterset).__qualname__, model._meta.label, facet.name),
        filter_params(filterset, skip=facet.name),
        lambda: facet.counts(base),
    )


def _counted_together(filterset, counter, facets, model, counted):
    # None of these facets' filters is in use: their counts are all over the list's rows.
    base = _counting_base(filterset, None, model, counted)
    names = tuple(facet.name for facet in facets)
    return cached_count(
        ("facets", type(filterset).__qualname__, model._meta.label, names),
        filter_params(filterset),
        lambda: counter(base, facets),
    )


def ordering_labels(fields, labels):
    """``field_labels`` for a django-filter OrderingFilter, translated when shown.

    `fields` are the filter's (field name, parameter) pairs and `labels` maps
    each parameter to its lazy label. django-filter formats its own
    "(descending)" labels once, at import, so they would stay in English.
    """
    field_labels = {}
    for field_name, param in fields:
        field_labels[field_name] = labels[param]
        field_labels[f"-{param}"] = format_lazy(
            gettext_lazy("{label} (descending)"), label=labels[param]
        )
    return field_labels


def with_unique_ordering(queryset):
    """The queryset's ordering (or its model's), ended by the primary key.

    Pages and exports then never repeat or skip a row between two requests,
    however many rows share a sort value.
    """
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    return queryset.order_by(*ordering, "pk")


def filter_params(filterset, skip=None):
    """The validated filters that decide which rows a list holds (not their order)."""
    return sorted(
        (name, repr(value))
        for name, value in filterset.form.cleaned_data.items()
        if name not in (skip, "sort") and value not in (None, "", [])
    )


class CountedPaginator(Paginator):
    """A paginator whose total comes from `count` (e.g. a cached count) when given.

    `more`: the total is a lower bound (a count stopped at a cap, see ListSpec).
    """

    max_pages = MAX_PAGES

    def __init__(self, object_list, per_page, *, count=None, more=False, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._count = count
        self.more = more

    @cached_property
    def count(self):
        return self._count() if self._count is not None else super().count

    def page(self, number):
        if not self.more:
            return super().page(number)
        # The count is a floor: a page is never cut short to fit it.
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)


def requested_page(request):
    """The page number asked for: 400 unless a whole number up to MAX_PAGES."""
    raw = request.GET.get("page", "1")
    if not PAGE_PARAM.match(raw):
        raise BadRequest(_("The page number must be a whole number."))
    number = int(raw)
    if number > MAX_PAGES:
        raise BadRequest(
            _("Pages stop at page %(max)s. Narrow the filters, or download every result as CSV.")
            % {"max": MAX_PAGES}
        )
    return number


def paginate(request, queryset, per_page, *, count=None, more=False):
    """One page of `queryset`: 400 for a malformed page number or one past MAX_PAGES, 404 past the end.

    `count`, when given, is a callable returning the number of rows (cached per update).
    """
    number = requested_page(request)
    paginator = CountedPaginator(queryset, per_page, count=count, more=more)
    if number < 1 or (number > paginator.num_pages):
        raise Http404(_("There is no page %(number)s of these results.") % {"number": number})
    return paginator.page(number)


def querystring_without(request, *names):
    """The current query string less `names`, for links that change one parameter."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


@dataclass(frozen=True)
class ListSpec:
    """One public list: its page, and the CSV and JSON twins that share its rows.

    The page and its JSON twin are validated, ordered, counted and paged by
    one function (list_page), and the CSV twin writes the same filtered,
    ordered rows (list_rows), so they cannot disagree.
    """

    table: str  # the downloads table its rows are written as
    template: str
    filterset_class: type
    queryset: object  # a callable returning the public queryset the list shows
    facets: object = list  # a callable returning the list's facets
    # A callable returning the same rows without what only the page shows
    # (annotations, prefetches), for facet counts; default: `queryset`.
    counted: object = None
    # A module with covers(filterset) and count(filterset, skip=, by=) that
    # counts from stored totals when it covers the filters in use (derived.tally).
    tally: object = None
    # For a list too large to count whatever its filters (a million claims):
    # when the stored totals do not cover the filters in use, the rows are
    # first counted up to this many, and past it the list says "more than"
    # and shows its facets without counts. Counting every match of a common
    # word, or of a date filter, by facet took 0.9 s at a million claims.
    count_cap: int = 0

    def filterset(self, request):
        return self.filterset_class(request.GET, queryset=self.queryset())


class InvalidFilters(BadRequest):
    """A list's filters do not validate (status 400); `filterset` holds the form's errors."""

    def __init__(self, filterset):
        self.filterset = filterset
        errors = "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in filterset.form.errors.items()
        )
        super().__init__(f"Invalid filters: {errors}")


@dataclass
class Listed:
    """What a list shows for one request: its validated filters, its rows in order, a page of them."""

    filterset: object
    rows: object  # the filtered queryset, in the list's order ended by the primary key
    page: object = None
    more: bool = False  # the count is the spec's count_cap, and there are more rows

    @property
    def count(self):
        return self.page.paginator.count


def list_rows(request, spec):
    """The list's validated filters and its rows in order, for the page and both its twins.

    Raises InvalidFilters. The CSV twin writes every one of these rows; the
    page and the JSON twin page through them (list_page).
    """
    filterset = spec.filterset(request)
    if not filterset.is_valid():
        raise InvalidFilters(filterset)
    return Listed(filterset, with_unique_ordering(filterset.qs))


def list_page(request, spec, *, facets=False):
    """Validate, order, count (up to the spec's cap) and page: the list page's and its JSON twin's.

    Both call this, so they cannot disagree on the rows, their order or their
    count. `facets`: also label the filterset's facet choices with their
    counts, as the page shows them (the count of rows may then come from them).
    Raises InvalidFilters, and BadRequest or Http404 for the page number.
    """
    listed = list_rows(request, spec)
    requested_page(request)  # a bad page number is refused before anything is counted
    filterset, rows = listed.filterset, listed.rows
    tally, capped, more = counting_plan(spec, filterset, rows)
    total = None
    if facets and not more:
        counted = spec.counted and spec.counted()
        total = apply_facet_counts(filterset, spec.facets(), counted, tally)
    count = row_count(spec, filterset, rows, tally, capped, more, total)
    listed.page = paginate(request, rows, settings.HUB_PAGE_SIZE, count=count, more=more)
    listed.more = more
    return listed


def render_list(request, spec, context=None):
    """Render a filtered, faceted, paginated list page.

    Invalid filters give the page back with the form's errors and status 400,
    so that a reader sees what to fix and a crawler sees a client error.
    """
    context = {
        "querystring": querystring_without(request, "page"),
        "export_query": querystring_without(request, "page"),
        **(context or {}),
    }
    try:
        listed = list_page(request, spec, facets=True)
    except InvalidFilters as invalid:
        return render(
            request,
            spec.template,
            {"filterset": invalid.filterset, **context, "page": None, "count": 0},
            status=400,
        )
    return render(
        request,
        spec.template,
        {
            "filterset": listed.filterset,
            **context,
            "page": listed.page,
            "count": listed.count,
            "count_more": listed.more,
        },
    )


def counting_plan(spec, filterset, rows):
    """How a list is counted: (stored totals covering its filters or None, capped count or None, more).

    `more` is true when the rows, counted up to the spec's count_cap, passed it.
    """
    tally = spec.tally if spec.tally is not None and spec.tally.covers(filterset) else None
    capped = None
    if tally is None and spec.count_cap:
        capped = cached_count(
            ("capped", type(filterset).__qualname__, spec.count_cap),
            filter_params(filterset),
            lambda: count_up_to(rows, spec.count_cap),
        )
    return tally, capped, capped is not None and capped > spec.count_cap


def count_up_to(queryset, cap):
    """The rows of `queryset`, counted until there are more than `cap` (then cap + 1).

    The database stops reading at the first cap + 1 rows, however many match.
    """
    return queryset.order_by()[: cap + 1].count()


def row_count(spec, filterset, rows, tally, capped, more, total=None):
    """A callable giving the list's number of rows (the cap when there are more).

    From the stored totals, the cap, the capped count, the facets' total (found
    while counting them), or else a count of its own, cached per update.
    """
    if tally is not None:
        return partial(tally.count, filterset)
    if more:
        return partial(int, spec.count_cap)
    known = capped if capped is not None else total
    if known is not None:
        return partial(int, known)
    return partial(
        cached_count,
        ("count", type(filterset).__qualname__, filterset.queryset.model._meta.label),
        filter_params(filterset),
        rows.count,
    )
