"""Claims on a time axis, drawn as server-rendered SVG (no script, no inline style).

A claim dated to a day is a dot; a claim dated only to a month or a year is a
bar across that whole month or year, because that is all that is known; a
claim with an end date spans to the end of its end's month or year. All
coordinates are computed here and handed to the templates as plain strings,
so that no language's number format (a decimal comma) reaches the SVG.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hub.models import DatePrecision

WIDTH = 720
PAD = 12
LANE = 22
AXIS = 28
MAX_LANES = 16
DOT_RADIUS = 6


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
    lane: int = 0
    x: float = 0
    x2: float = 0

    @property
    def is_point(self):
        return self.precision == DatePrecision.DAY and not self.claims[0].date_end

    @property
    def count(self):
        return len(self.claims)

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
    def y(self):
        return _n(PAD + self.lane * LANE + 3)

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
        return f"{ids} · {self.claims[0].when} · {self.claims[0].get_claim_type_display()}"


@dataclass
class Timeline:
    marks: list = field(default_factory=list)
    dated: list = field(default_factory=list)
    undated: list = field(default_factory=list)
    ticks: list = field(default_factory=list)
    minor_ticks: list = field(default_factory=list)
    hidden: int = 0
    lanes: int = 0
    width: int = WIDTH
    first_year: int = 0
    last_year: int = 0

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


def _year_ticks(first_year, last_year, x_of):
    years = last_year - first_year + 1
    step = next(step for step in (1, 2, 5, 10, 20, 50) if years / step <= 12)
    ticks = []
    for year in range(first_year, last_year + 2):
        x = x_of(datetime.date(year, 1, 1))
        major = (year - first_year) % step == 0
        ticks.append({"x": _n(x), "label": str(year) if major and year <= last_year else ""})
    return ticks


def claim_timeline(claims):
    """Lay out `claims` (Claim rows) on one time axis, packed into lanes."""
    timeline = Timeline()
    groups = {}
    for claim in flatten_claims(claims):
        period = claim_period(claim)
        if period is None:
            timeline.undated.append(claim)
            continue
        timeline.dated.append((period, claim))
        key = (*period, claim.date_precision, bool(claim.date_end), claim.claim_type)
        if key not in groups:
            groups[key] = Mark([], period[0], period[1], claim.date_precision, claim.claim_type)
        groups[key].claims.append(claim)
    timeline.dated.sort(key=lambda pair: (pair[0], pair[1].public_id))
    timeline.dated = [claim for _period, claim in timeline.dated]
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
    for mark in sorted(groups.values(), key=lambda m: (m.start, m.end, m.claim_type)):
        mark.x, mark.x2 = x_of(mark.start), x_of(mark.end)
        left = mark.x - (DOT_RADIUS if mark.is_point else 0)
        right = (mark.x + DOT_RADIUS if mark.is_point else max(mark.x2, mark.x + 3)) + (
            8 + 7 * len(str(mark.count)) if mark.count > 1 else 2
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
    timeline.ticks = _year_ticks(first, last, x_of)
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
        return _("No dated claims.")
    return ngettext(
        "Timeline of %(count)s dated claim from %(first)s to %(last)s; "
        "the same claim is listed in the table below.",
        "Timeline of %(count)s dated claims from %(first)s to %(last)s; "
        "the same claims are listed in the table below.",
        len(timeline.dated),
    ) % {"count": len(timeline.dated), "first": timeline.first_year, "last": timeline.last_year}
