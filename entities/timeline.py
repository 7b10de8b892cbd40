"""Claims on a time axis, drawn as server-rendered SVG (no script, no inline style).

Dates mean what they say. An event dated to a day is a dot; an event dated
only to a month or a year is a bar across that whole month or year, because
that is all that is known. A period (a claim with an end date) is a bar with
end caps from its start to the end of its end's month or year. A claim the
sources do not date is drawn at its report date (the earliest publication
date of the sources that support it, else the earliest date the hub accessed
one of them) as a hollow mark, "reported on", never as the date of the event.

Nothing is drawn before the occupation of the claim's place: a claim whose
period starts earlier (a quarry "idle since 2008" and revived after the
occupation) is drawn from the occupation on, and its row in the table says
so. The place is the claim's sites (their recorded occupation dates), else
its region (REGION_OCCUPIED_SINCE).

All coordinates are computed here and handed to the templates as plain
strings, so that no language's number format (a decimal comma) reaches the SVG.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hub.models import DatePrecision, format_partial_date

WIDTH = 720
PAD = 12
LANE = 22
AXIS = 28
MAX_LANES = 16
DOT_RADIUS = 6

EVENT, PERIOD, REPORTED = "event", "period", "reported"
# When each region the hub records came under occupation, as far as a date
# serves a timeline: Ukrainian law dates the temporary occupation of Crimea and
# Sevastopol from 20 February 2014; parts of Donetsk and Luhansk oblasts were
# seized from April 2014; Kherson and Zaporizhzhia oblasts from 24 February 2022.
# "Several" regions: the earliest of them.
REGION_OCCUPIED_SINCE = {
    "crimea": datetime.date(2014, 2, 20),
    "sevastopol": datetime.date(2014, 2, 20),
    "donetsk": datetime.date(2014, 4, 1),
    "luhansk": datetime.date(2014, 4, 1),
    "kherson": datetime.date(2022, 2, 24),
    "zaporizhzhia": datetime.date(2022, 2, 24),
    "several": datetime.date(2014, 2, 20),
}


def period_end(value, precision):
    """The first day after the period a partial date stands for."""
    if precision == DatePrecision.YEAR:
        return datetime.date(value.year + 1, 1, 1)
    if precision == DatePrecision.MONTH:
        if value.month == 12:
            return datetime.date(value.year + 1, 1, 1)
        return datetime.date(value.year, value.month + 1, 1)
    return value + datetime.timedelta(days=1)


def claim_period(claim):
    """(start, end exclusive) of what the claim's date says, or None when undated."""
    if claim.date_start is None:
        return None
    start = claim.date_start
    if claim.date_precision == DatePrecision.YEAR:
        start = datetime.date(start.year, 1, 1)
    elif claim.date_precision == DatePrecision.MONTH:
        start = datetime.date(start.year, start.month, 1)
    end = period_end(claim.date_end or claim.date_start, claim.date_precision)
    return start, max(end, period_end(start, claim.date_precision))


def report_date(claim):
    """(date, precision, accessed) the sources reported an undated claim by, or None.

    The earliest publication date of its public citations' sources; when none
    is dated, the earliest date the hub accessed one of them (accessed=True).
    """
    citations = getattr(claim, "public_citations", None) or []
    published = [
        (c.source.published_on, c.source.published_precision)
        for c in citations
        if c.source.published_on
    ]
    if published:
        return (*min(published), False)
    accessed = [c.source.accessed_on for c in citations if c.source.accessed_on]
    if accessed:
        return min(accessed), DatePrecision.DAY, True
    return None


def occupied_since(claim):
    """(date, place name) from which the claim's place is occupied, or None if unknown."""
    sites = [s for s in getattr(claim, "public_sites", None) or [] if s.occupied_since]
    if sites:
        site = min(sites, key=lambda s: s.occupied_since)
        start = claim_period_start(site.occupied_since, site.occupied_since_precision)
        return start, site.name_en
    if claim.region in REGION_OCCUPIED_SINCE:
        return REGION_OCCUPIED_SINCE[claim.region], str(claim.get_region_display())
    return None


def claim_period_start(value, precision):
    if precision == DatePrecision.YEAR:
        return datetime.date(value.year, 1, 1)
    if precision == DatePrecision.MONTH:
        return datetime.date(value.year, value.month, 1)
    return value


@dataclass
class Placed:
    """Where one claim goes on the axis, and what its table row says about it."""

    claim: object
    basis: str
    start: datetime.date | None = None
    end: datetime.date | None = None
    precision: str = DatePrecision.DAY
    note: str = ""
    reported: str = ""

    @property
    def fragment_key(self):
        # Its table row (entities/_timeline_row.html, a per-record fragment)
        # follows from the claim alone: its dates, sources and places.
        return self.claim.pk


def place(claim):
    """A claim's Placed: event, period or reported, clamped to its place's occupation."""
    period = claim_period(claim)
    if period is None:
        reported = report_date(claim)
        if reported is None:
            return Placed(claim, REPORTED, note=_("No date, and no dated source: not drawn."))
        day, precision, accessed = reported
        start = claim_period_start(day, precision)
        text = format_partial_date(day, precision)
        label = (
            _("reported by %(date)s (the date the hub accessed the source)")
            if accessed
            else _("reported on %(date)s")
        ) % {"date": text}
        return Placed(
            claim, REPORTED, start, period_end(start, precision), precision, reported=label
        )
    basis = PERIOD if claim.date_end else EVENT
    placed = Placed(claim, basis, *period, claim.date_precision)
    occupation = occupied_since(claim)
    if occupation and placed.start < occupation[0]:
        since, where = occupation
        if placed.end <= since:
            placed.start = None
            placed.note = _("Before the occupation of %(place)s (%(date)s): not drawn.") % {
                "place": where,
                "date": since.year,
            }
        else:
            placed.note = _("Starts before the occupation of %(place)s: drawn from %(date)s.") % {
                "place": where,
                "date": since.year,
            }
            placed.start = since
    return placed


def _n(value):
    """A coordinate as SVG wants it: a dot decimal, one place."""
    return f"{value:.1f}"


@dataclass
class Mark:
    claims: list
    start: datetime.date
    end: datetime.date
    precision: str
    claim_type: str
    basis: str = EVENT
    lane: int = 0
    x: float = 0
    x2: float = 0

    @property
    def is_point(self):
        return self.precision == DatePrecision.DAY and self.basis != PERIOD

    @property
    def count(self):
        return len(self.claims)

    @property
    def claim_ids(self):
        return " ".join(claim.public_id for claim in self.claims)

    @property
    def cx(self):
        return _n(self.x)

    @property
    def width(self):
        return _n(max(self.x2 - self.x, 3))

    @property
    def left(self):
        return _n(self.x)

    @property
    def right(self):
        return _n(max(self.x2, self.x + 3))

    @property
    def y(self):
        return _n(PAD + self.lane * LANE + 3)

    @property
    def cap_top(self):
        return _n(PAD + self.lane * LANE)

    @property
    def cap_bottom(self):
        return _n(PAD + self.lane * LANE + 18)

    @property
    def cy(self):
        return _n(PAD + self.lane * LANE + 9)

    @property
    def label_x(self):
        return _n((self.x + DOT_RADIUS if self.is_point else self.x2) + 4)

    @property
    def label_y(self):
        return _n(PAD + self.lane * LANE + 13)

    @property
    def title(self):
        ids = ", ".join(claim.public_id for claim in self.claims[:6])
        if self.count > 6:
            ids += " …"
        first = self.claims[0]
        when = (
            first.when
            if self.basis != REPORTED
            else _("undated; reported %(date)s")
            % {"date": format_partial_date(self.start, self.precision)}
        )
        return f"{ids} · {when} · {first.get_claim_type_display()}"


@dataclass
class Timeline:
    marks: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    year_labels: list = field(default_factory=list)
    ticks: list = field(default_factory=list)
    minor_ticks: list = field(default_factory=list)
    hidden: int = 0
    lanes: int = 0
    width: int = WIDTH
    first_year: int = 0
    last_year: int = 0

    @property
    def drawn(self):
        return [row for row in self.rows if row.start is not None]

    @property
    def not_drawn(self):
        return [row for row in self.rows if row.start is None]

    @property
    def reported_count(self):
        return sum(1 for row in self.drawn if row.basis == REPORTED)

    @property
    def height(self):
        return PAD + max(self.lanes, 1) * LANE + AXIS

    @property
    def axis_y(self):
        return PAD + max(self.lanes, 1) * LANE + 4

    @property
    def types(self):
        from evidence.models import ClaimType

        seen = {mark.claim_type for mark in self.marks}
        return [(value, label) for value, label in ClaimType.choices if value in seen]


def flatten_claims(claims):
    """Claims from a list, or from a profile's (label, claims) groups."""
    flat = []
    for item in claims:
        if isinstance(item, tuple | list):
            flat.extend(item[1])
        else:
            flat.append(item)
    return flat


def _year_axis(first_year, last_year, x_of):
    """Year boundaries as tick lines, and each labelled year's name in the middle of its band."""
    years = last_year - first_year + 1
    step = next(step for step in (1, 2, 5, 10, 20, 50) if years / step <= 12)
    ticks = [_n(x_of(datetime.date(year, 1, 1))) for year in range(first_year, last_year + 2)]
    labels = [
        {
            "x": _n((x_of(datetime.date(year, 1, 1)) + x_of(datetime.date(year + 1, 1, 1))) / 2),
            "label": str(year),
        }
        for year in range(first_year, last_year + 1)
        if (year - first_year) % step == 0
    ]
    return ticks, labels


def claim_timeline(claims):
    """Lay out `claims` (Claim rows) on one time axis, packed into lanes."""
    timeline = Timeline()
    groups = {}
    for claim in flatten_claims(claims):
        placed = place(claim)
        timeline.rows.append(placed)
        if placed.start is None:
            continue
        key = (placed.start, placed.end, placed.precision, placed.basis, claim.claim_type)
        if key not in groups:
            groups[key] = Mark(
                [], placed.start, placed.end, placed.precision, claim.claim_type, placed.basis
            )
        groups[key].claims.append(claim)
    timeline.rows.sort(
        key=lambda row: (row.start is None, row.start or datetime.date.min, row.claim.public_id)
    )
    if not groups:
        return timeline
    first = min(mark.start for mark in groups.values()).year
    last = max(mark.end - datetime.timedelta(days=1) for mark in groups.values()).year
    t0, t1 = datetime.date(first, 1, 1), datetime.date(last + 1, 1, 1)
    span = (t1 - t0).days
    plot = WIDTH - 2 * PAD - 40  # room on the right for a count label

    def x_of(day):
        return PAD + (day - t0).days / span * plot

    lane_ends = []
    for mark in sorted(groups.values(), key=lambda m: (m.start, m.end, m.basis, m.claim_type)):
        mark.x, mark.x2 = x_of(mark.start), x_of(mark.end)
        left = mark.x - (DOT_RADIUS if mark.is_point else 0)
        right = (mark.x + DOT_RADIUS if mark.is_point else max(mark.x2, mark.x + 3)) + (
            # Room for the "×n" label: 4 px gap, the sign and digits at about 7 px each.
            6 + 7 * (len(str(mark.count)) + 1) if mark.count > 1 else 2
        )
        lane = next((i for i, end in enumerate(lane_ends) if end <= left), None)
        if lane is None:
            if len(lane_ends) >= MAX_LANES:
                timeline.hidden += mark.count
                continue
            lane = len(lane_ends)
            lane_ends.append(right)
        lane_ends[lane] = right
        mark.lane = lane
        timeline.marks.append(mark)
    timeline.lanes = len(lane_ends)
    timeline.ticks, timeline.year_labels = _year_axis(first, last, x_of)
    if last - first < 3:
        # A short axis also marks the months, so that a month's bar reads as one.
        timeline.minor_ticks = [
            _n(x_of(datetime.date(year, month, 1)))
            for year in range(first, last + 1)
            for month in range(2, 13)
        ]
    timeline.first_year, timeline.last_year = first, last
    return timeline


def describe(timeline):
    """A one-sentence text alternative for the timeline's picture."""
    if not timeline.marks:
        return _("No claim can be placed in time.")
    drawn = len(timeline.drawn)
    return ngettext(
        "Timeline of %(count)s claim from %(first)s to %(last)s, %(reported)s of them "
        "undated and drawn at their report date; the same claim is listed in the table below.",
        "Timeline of %(count)s claims from %(first)s to %(last)s, %(reported)s of them "
        "undated and drawn at their report date; the same claims are listed in the table below.",
        drawn,
    ) % {
        "count": drawn,
        "first": timeline.first_year,
        "last": timeline.last_year,
        "reported": timeline.reported_count,
    }
