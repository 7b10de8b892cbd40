"""Places as Ukraine's own registers name them.

KATOTTH (Кодифікатор адміністративно-територіальних одиниць та територій
територіальних громад, order No. 290 of the Ministry for Communities and
Territories Development, 26 November 2020) gives every administrative unit a
code "UA" + 17 digits, read as UA|OO|RR|HHH|PPP|MM|IIIII: the first level
(oblast, the Autonomous Republic of Crimea, Kyiv, Sevastopol), the raion, the
hromada, the settlement, the city district, then a five-digit identifier. A
level the code does not reach is written as zeros: Luhansk oblast itself is
UA44000000000018893. The category letter (O, K, P, H, M, X, C, B) is a
separate column of the codifier, not part of the code.

The sources the hub reads often name a place the way the occupier does
("Crimea, Russia", "LNR"). The importer turns such a label into what the hub
records: the country is Ukraine, the place is occupied, and the oblast is
the one the label names when it names one (``read_place_label``).
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

KATOTTH_SHAPE = re.compile(r"UA(\d{2})(\d{2})(\d{3})(\d{3})(\d{2})(\d{5})")

# First-level codes of the codifier, for the regions the hub records.
REGION_KATOTTH = {
    "crimea": "01",
    "donetsk": "14",
    "zaporizhzhia": "23",
    "luhansk": "44",
    "kherson": "65",
    "sevastopol": "85",
}
# Every first-level unit of the codifier: 24 oblasts, Crimea, Kyiv, Sevastopol.
FIRST_LEVEL_CODES = frozenset(
    [
        "01",
        "05",
        "07",
        "12",
        "14",
        "18",
        "21",
        "23",
        "26",
        "32",
        "35",
        "44",
        "46",
        "48",
        "51",
        "53",
        "56",
        "59",
        "61",
        "63",
        "65",
        "68",
        "71",
        "73",
        "74",
        "80",
        "85",
    ]
)
LEVEL_NAMES = (
    _("oblast level"),
    _("raion level"),
    _("hromada level"),
    _("settlement level"),
    _("city-district level"),
)


def katotth_parts(code):
    """The level codes of a KATOTTH code (first level to city district), or None."""
    match = KATOTTH_SHAPE.fullmatch(code or "")
    return match.groups()[:5] if match else None


def katotth_level(code):
    """How deep the code reaches: 1 (oblast) to 5 (city district); 0 if it is not a code."""
    parts = katotth_parts(code)
    if not parts:
        return 0
    return max(index for index, part in enumerate(parts, start=1) if int(part) or index == 1)


def validate_katotth(value):
    if not KATOTTH_SHAPE.fullmatch(value):
        raise ValidationError(
            f"KATOTTH code: {value!r} is not 'UA' followed by 17 digits "
            "(for example UA44000000000018893).",
            code="invalid_shape",
        )
    if value[2:4] not in FIRST_LEVEL_CODES:
        raise ValidationError(
            f"KATOTTH code: {value!r} does not start with the code of an oblast, "
            "of Crimea, of Kyiv or of Sevastopol.",
            code="invalid_first_level",
        )


def katotth_matches_region(code, region):
    """Whether the code lies in `region` ("several" accepts any occupied region's code)."""
    first = code[2:4]
    if region == "several":
        return first in REGION_KATOTTH.values()
    return REGION_KATOTTH.get(region) == first


def validate_site_country(value):
    """A site in the occupied territories is in Ukraine, whoever holds it now."""
    if value == "UA":
        return
    if value.strip().upper() in {"RU", "RUS", "RUSSIA", "RUSSIAN FEDERATION"}:
        raise ValidationError(
            "Country: a site in the occupied territories is in Ukraine (UA), not Russia; "
            "the occupation is recorded in the occupation status.",
            code="occupied_is_ukraine",
        )
    raise ValidationError(
        f"Country: {value!r} is not allowed: a site in the occupied territories is in "
        "Ukraine (UA).",
        code="not_ukraine",
    )


# Source labels --------------------------------------------------------------


@dataclass(frozen=True)
class PlaceReading:
    country: str  # always "UA": the hub records no other country for a place
    occupied: bool | None  # None when the label does not say
    region: str  # a Region value, or "" when the label names no oblast


def _key(text):
    return re.sub(r"[\s.,;:()\"'«»“”/_-]+", " ", text).strip().casefold()


# Labels, compared after `_key`: lower case, punctuation as spaces. Each label
# maps to the region it names unambiguously ("" when it names none).
_REGION_WORDS = {
    "crimea": "crimea",
    "krym": "crimea",
    "arc": "crimea",
    "republic of crimea": "crimea",
    "autonomous republic of crimea": "crimea",
    "крым": "crimea",
    "крим": "crimea",
    "республика крым": "crimea",
    "sevastopol": "sevastopol",
    "севастополь": "sevastopol",
    "donetsk": "donetsk",
    "donetsk oblast": "donetsk",
    "donetsk region": "donetsk",
    "dnr": "donetsk",
    "dpr": "donetsk",
    "днр": "donetsk",
    "donetsk people s republic": "donetsk",
    "донецкая народная республика": "donetsk",
    "luhansk": "luhansk",
    "lugansk": "luhansk",
    "luhansk oblast": "luhansk",
    "luhansk region": "luhansk",
    "lnr": "luhansk",
    "lpr": "luhansk",
    "лнр": "luhansk",
    "luhansk people s republic": "luhansk",
    "lugansk people s republic": "luhansk",
    "луганская народная республика": "luhansk",
    "zaporizhzhia": "zaporizhzhia",
    "zaporozhye": "zaporizhzhia",
    "zaporizhzhia oblast": "zaporizhzhia",
    "zaporozhye oblast": "zaporizhzhia",
    "запорожская область": "zaporizhzhia",
    "kherson": "kherson",
    "kherson oblast": "kherson",
    "херсонская область": "kherson",
}
# Words that say "occupied Ukraine" without naming a region.
_OCCUPIED_WORDS = {
    "tot",
    "tot ukraine",
    "tot of ukraine",
    "totu",
    "occupied ukraine",
    "occupied territories",
    "occupied territories of ukraine",
    "temporarily occupied territories",
    "temporarily occupied territories of ukraine",
    "тот",
    "тот україни",
    "окупована україна",
    "окуповані території",
    "new regions",
    "new territories",
    "новые регионы",
    "новые территории",
    "ukraine occupied",
}
# Words that add nothing once the place is known to be occupied Ukraine: the
# occupier's claim ("Russia"), the country itself, "occupied".
_FILLER_WORDS = {
    "russia",
    "russian federation",
    "rf",
    "россия",
    "российская федерация",
    "рф",
    "росія",
    "ukraine",
    "україна",
    "украина",
    "ua",
    "ru",
    "occupied",
    "temporarily occupied",
}
_UKRAINE_WORDS = {"ukraine", "україна", "украина", "ua"}


def read_place_label(text):
    """What a source's place label means for the hub, or None if it is not one it knows.

    "Ukraine" → Ukraine (occupation not stated); "TOT Ukraine" → Ukraine, occupied, no region; "Crimea, Russia" → Ukraine,
    occupied, Crimea; "DNR" → Ukraine, occupied, Donetsk oblast. A label that
    names two regions ("DNR / LNR") keeps the region empty: it is ambiguous.
    """
    parts = [_key(part) for part in re.split(r"[,;/|]+", text or "")]
    parts = [part for part in parts if part]
    if not parts:
        return None
    regions, occupied, known = set(), None, True
    for part in parts:
        if part in _REGION_WORDS:
            regions.add(_REGION_WORDS[part])
            occupied = True
        elif part in _OCCUPIED_WORDS:
            occupied = True
        elif part in _FILLER_WORDS:
            continue
        elif part.removeprefix("occupied ").removeprefix("temporarily occupied ") in _REGION_WORDS:
            regions.add(_REGION_WORDS[part.split("occupied ", 1)[1]])
            occupied = True
        else:
            known = False
    if not known:
        return None
    if not occupied:
        # Only filler words: "Ukraine" is a country; "Russia" alone is not a place in Ukraine.
        return PlaceReading("UA", None, "") if _UKRAINE_WORDS.intersection(parts) else None
    return PlaceReading("UA", True, regions.pop() if len(regions) == 1 else "")


def read_site_cells(cells):
    """A spreadsheet row of sites with its place labels read: a new dict of cells.

    A `country` cell such as "TOT Ukraine" or "Crimea, Russia" becomes "UA",
    with the occupation status "occupied" and the region it names filled in
    where those cells are empty; a `region` cell such as "DNR" becomes its
    oblast. A label the hub does not know ("Russia" alone) is left as it is,
    for validation to refuse with a message naming the field.
    """
    cells = dict(cells)

    def filled(name):
        value = cells.get(name)
        return value is not None and str(value).strip() != ""

    region = str(cells.get("region") or "").strip()
    if filled("region") and region not in REGION_KATOTTH and region != "several":
        reading = read_place_label(region)
        if reading is not None and reading.region:
            cells["region"] = reading.region
    if filled("country") and str(cells["country"]).strip() != "UA":
        reading = read_place_label(str(cells["country"]))
        if reading is not None:
            cells["country"] = reading.country
            if reading.occupied and not filled("occupation_status"):
                cells["occupation_status"] = "occupied"
            if reading.region and not filled("region"):
                cells["region"] = reading.region
    return cells
