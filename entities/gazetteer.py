"""Coordinates of localities the sites name, each from a named public source.

A site whose own coordinates are not recorded but whose locality is in
``gazetteer.csv`` is drawn at the locality's point, as a ring (locality
precision), never as a dot. The file is reference data kept beside the code:
one row per locality with the source it was read from, so a reader can
check every point the map draws.
"""

import csv
import functools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

GAZETTEER = Path(__file__).with_name("gazetteer.csv")


@dataclass(frozen=True)
class Locality:
    region: str
    name: str
    katotth: str
    latitude: Decimal
    longitude: Decimal
    source: str
    source_url: str


@functools.cache
def localities():
    """{(region, locality name, case-folded): Locality} from gazetteer.csv."""
    with GAZETTEER.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        (row["region"], row["locality"].casefold()): Locality(
            region=row["region"],
            name=row["locality"],
            katotth=row["katotth"],
            latitude=Decimal(row["latitude"]),
            longitude=Decimal(row["longitude"]),
            source=row["source"],
            source_url=row["source_url"],
        )
        for row in rows
    }


def locate(site):
    """The gazetteer's Locality for `site`'s recorded locality, or None."""
    if not site.locality:
        return None
    return localities().get((site.region, site.locality.casefold()))
