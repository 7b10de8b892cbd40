"""The dataset-wide chart: published claims per year, by stage and by claim type.

Two aggregate queries (one per breakdown) over the stored claim tally
(derived.tally), whatever the number of claims. A
claim is counted in the year it starts (a claim dated only "2023" counts in
2023; a presence from 2008 to 2022 counts in 2008); undated claims are
counted apart. Drawn as stacked bars in server-rendered SVG, with a table of
the same numbers.
"""

from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from derived.models import ClaimTally
from evidence.models import ClaimType

from .models import Stage

WIDTH = 720
HEIGHT = 260
LEFT = 44
RIGHT = 12
TOP = 12
BOTTOM = 28


def _n(value):
    return f"{value:.1f}"


@dataclass
class StackedChart:
    """Years on x, one stacked bar per year, one colour per series."""

    title: str
    css_prefix: str
    series: list  # (key, label)
    counts: dict = field(default_factory=dict)  # year -> {key: n}
    undated: dict = field(default_factory=dict)  # key -> n

    @property
    def years(self):
        if not self.counts:
            return []
        return list(range(min(self.counts), max(self.counts) + 1))

    @property
    def rows(self):
        """The table: one row per year, a cell per series, and the total."""
        rows = []
        for year in self.years:
            cells = [self.counts.get(year, {}).get(key, 0) for key, _label in self.series]
            rows.append({"year": year, "cells": cells, "total": sum(cells)})
        return rows

    @property
    def totals(self):
        return [
            sum(self.counts.get(year, {}).get(key, 0) for year in self.years)
            for key, _label in self.series
        ]

    @property
    def undated_cells(self):
        return [self.undated.get(key, 0) for key, _label in self.series]

    @property
    def undated_total(self):
        return sum(self.undated.values())

    @property
    def width(self):
        return WIDTH

    @property
    def height(self):
        return HEIGHT

    @property
    def baseline(self):
        return _n(HEIGHT - BOTTOM)

    @property
    def left(self):
        return _n(LEFT)

    @property
    def right(self):
        return _n(WIDTH - RIGHT)

    def _scale(self):
        peak = max((sum(row["cells"]) for row in self.rows), default=0)
        step = next(
            s
            for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 10**4, 10**5, 10**6)
            if peak / s <= 5
        )
        top = max(step, -(-peak // step) * step)
        return top, step

    @property
    def gridlines(self):
        top, step = self._scale()
        plot = HEIGHT - TOP - BOTTOM
        return [
            {"y": _n(HEIGHT - BOTTOM - value / top * plot), "label": str(value)}
            for value in range(0, top + 1, step)
        ]

    @property
    def bars(self):
        """Per year: its label position and its stacked segments."""
        years = self.years
        if not years:
            return []
        top, _step = self._scale()
        plot_h = HEIGHT - TOP - BOTTOM
        slot = (WIDTH - LEFT - RIGHT) / len(years)
        label_every = next(k for k in (1, 2, 5, 10, 20, 50) if len(years) / k <= 14)
        bars = []
        for index, row in enumerate(self.rows):
            x = LEFT + index * slot + slot * 0.15
            y = HEIGHT - BOTTOM
            segments = []
            for (key, label), count in zip(self.series, row["cells"], strict=True):
                if not count:
                    continue
                height = count / top * plot_h
                y -= height
                segments.append(
                    {
                        "key": key,
                        "y": _n(y),
                        "height": _n(height),
                        "title": ngettext(
                            "%(year)s · %(series)s: %(count)s claim",
                            "%(year)s · %(series)s: %(count)s claims",
                            count,
                        )
                        % {"year": row["year"], "series": label, "count": count},
                    }
                )
            bars.append(
                {
                    "year": row["year"],
                    "x": _n(x),
                    "width": _n(slot * 0.7),
                    "label_x": _n(x + slot * 0.35),
                    "label": str(row["year"]) if index % label_every == 0 else "",
                    "segments": segments,
                }
            )
        return bars


def _count_by_year(column):
    """({year: {value: n}}, {value: n} for undated claims) from the stored tally."""
    counts, undated = {}, {}
    rows = ClaimTally.objects.values("year", column).annotate(n=Sum("claims")).order_by()
    for row in rows:
        key = row[column] if row[column] is not None else ""
        if row["year"] is None:
            undated[key] = undated.get(key, 0) + row["n"]
        else:
            counts.setdefault(row["year"], {})
            counts[row["year"]][key] = counts[row["year"]].get(key, 0) + row["n"]
    return counts, undated


def claims_over_time():
    """The two charts of the /timeline/ page: by stage, then by claim type."""
    by_stage = StackedChart(
        title=_("Claims per year, by engagement stage"),
        css_prefix="chart-stage-",
        series=[*((str(value), label) for value, label in Stage.choices), ("", _("No stage"))],
    )
    counts, undated = _count_by_year("stage")
    by_stage.counts = {
        year: {str(key): n for key, n in cells.items()} for year, cells in counts.items()
    }
    by_stage.undated = {str(key): n for key, n in undated.items()}
    by_type = StackedChart(
        title=_("Claims per year, by type"),
        css_prefix="claim-type-",
        series=list(ClaimType.choices),
    )
    by_type.counts, by_type.undated = _count_by_year("claim_type")
    return [by_stage, by_type]
