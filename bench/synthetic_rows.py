"""The rows of the synthetic data set (bench.synthetic_data): who, where, what and on what evidence.

Each generator yields dicts of column values for one table. The i-th record
always gets the same names (bench.synthetic_names); which firms, sites and
sources a claim names is drawn from skewed (capped log-normal) weights.
"""

import datetime
from array import array
from decimal import Decimal

from django.db.models import Max

from bench import synthetic_names as names
from editorial import staging
from entities.models import Firm, Region, SanctionsDesignation, Site, Stage
from evidence.models import Citation, Claim, ClaimType, Confidence, Reliability, Source, SourceKind
from hub import transliteration
from hub.models import Status

PUBLIC_MODELS = [Firm, SanctionsDesignation, Site, Source, Claim, Citation]


class Plan:
    """Where the new rows' primary keys and public identifiers start, per model."""

    def __init__(self, sizes, update_number, now):
        self.sizes = sizes
        self.update = update_number
        self.now = now
        self.pk = {}
        self.number = {}
        for model in PUBLIC_MODELS:
            self.pk[model] = model.objects.aggregate(n=Max("pk"))["n"] or 0
            self.number[model] = _last_public_number(model)

    def ids(self, model, i):
        """(primary key, public identifier) of the i-th new row of `model`."""
        return self.pk[model] + i + 1, f"{model.ID_PREFIX}{self.number[model] + i + 1:04d}"

    def bookkeeping(self):
        return {
            "status": Status.PUBLISHED,
            "last_update": self.update,
            "created_at": self.now,
            "updated_at": self.now,
        }


def _last_public_number(model):
    return int(staging.next_public_id(model)[len(model.ID_PREFIX) :]) - 1


def skewed_cumulative(rng, n, sigma, cap):
    """Cumulative weights of n items drawn from a capped log-normal: a long tail."""
    total = 0.0
    cumulative = []
    for _ in range(n):
        total += min(rng.lognormvariate(0, sigma), cap)
        cumulative.append(total)
    return cumulative


def latin_names_of(model, row):
    """The row's latin_names, as publishing would derive them (search finds them)."""
    return transliteration.latin_forms(
        (row.get(field) or "", language) for field, language in model.NAME_LANGUAGES.items()
    )


def firm_rows(rng, plan, sectors):
    firms, designations, firm_sectors = [], [], []
    for i in range(plan.sizes.firms):
        pk, public_id = plan.ids(Firm, i)
        name_en, name_zh, name_ru, short = names.firm_names(i)
        ownership = rng.choice(list(Firm.Ownership.values))
        listed = ownership == Firm.Ownership.LISTED
        firms.append(
            {
                "id": pk,
                "public_id": public_id,
                **plan.bookkeeping(),
                "name_en": name_en,
                "name_zh": name_zh if i % 4 else "",
                "name_ru": name_ru if i % 3 else "",
                "name_uk": name_ru.replace("ООО", "ТОВ") if i % 5 == 0 else "",
                "short_name": short,
                "aliases": f"{short}\n{name_zh}" if i % 6 == 0 else "",
                "identified": i % 40 != 0,
                "kind": rng.choice(list(Firm.Kind.values)),
                "ownership": ownership,
                "exchange": "Shanghai Stock Exchange" if listed else "",
                "ticker": f"{600000 + i}.SH" if listed else "",
                "country": rng.choice(["CN", "CN", "CN", "HK", "RU", "AE", ""]),
                "website": f"https://firm{i}.example.cn" if i % 2 else "",
                "stage": rng.choice([None, *Stage.values]),
                "european_presence": rng.choice([None, True, False]),
                "description": f"Synthetic firm {public_id} for load testing; {name_zh}.",
            }
        )
        firms[-1]["latin_names"] = latin_names_of(Firm, firms[-1])
        for sector in rng.sample(sectors, rng.randint(0, 2)):
            firm_sectors.append({"firm_id": pk, "sector_id": sector})
        if i % 50 == 7:
            d_pk, d_public_id = plan.ids(SanctionsDesignation, len(designations))
            authority, programme = rng.choice(names.PROGRAMMES)
            designations.append(
                {
                    "id": d_pk,
                    "public_id": d_public_id,
                    **plan.bookkeeping(),
                    "firm_id": pk,
                    "kind": "sanction",
                    "authority": authority,
                    "programme": programme,
                    "listed_on": names.partial_date(rng, datetime.date(2022, 3, 1), 1300)[0],
                    "ended_on": None,
                    "source_id": plan.pk[Source] + rng.randrange(plan.sizes.sources) + 1,
                    "source_locator": f"entry {rng.randint(1, 900)}",
                }
            )
    return firms, designations, firm_sectors


def site_rows(rng, plan):
    for i in range(plan.sizes.sites):
        pk, public_id = plan.ids(Site, i)
        kind, name_en, name_uk, name_ru = names.site_names(i)
        precision = rng.choice(["exact", "locality", "region", "none"])
        latitude = longitude = None
        if precision != "none":
            latitude = Decimal(f"{rng.uniform(44.4, 49.9):.5f}")
            longitude = Decimal(f"{rng.uniform(32.5, 40.2):.5f}")
        occupied, occupied_precision = names.partial_date(rng, days=3200)
        row = {
            "id": pk,
            "public_id": public_id,
            **plan.bookkeeping(),
            "name_en": name_en,
            "name_uk": name_uk,
            "name_ru": name_ru,
            "kind": kind,
            "region": Region.values[i % len(Region.values)],
            "locality": name_uk.split(" ")[-1].rsplit("-", 1)[0],
            "latitude": latitude,
            "longitude": longitude,
            "coordinate_precision": precision,
            "occupied_since": occupied,
            "occupied_since_precision": occupied_precision,
            "operating_status": rng.choice(list(Site.OperatingStatus.values)),
            "quantity": rng.choice([None, None, rng.randint(2, 400)]),
            "description": f"Synthetic site {public_id}: {name_en} / {name_ru}.",
        }
        yield {**row, "latin_names": latin_names_of(Site, row)}


def source_rows(rng, plan):
    for i in range(plan.sizes.sources):
        pk, public_id = plan.ids(Source, i)
        publisher, language = names.PUBLISHERS[i % len(names.PUBLISHERS)]
        published_on, precision = names.partial_date(rng)
        yield {
            "id": pk,
            "public_id": public_id,
            **plan.bookkeeping(),
            "title": f"{publisher}: report {i + 1} on deliveries to the occupied territories",
            "publisher": publisher,
            "author": rng.choice(names.AUTHORS),
            "kind": SourceKind.values[i % len(SourceKind.values)],
            "url": f"https://sources.example.org/synthetic/{public_id}",
            "archived_url": f"https://archive.example.org/{public_id}",
            "published_on": published_on,
            "published_precision": precision,
            "accessed_on": datetime.date(2025, 12, 1),
            "language": language,
            "reliability": Reliability.values[i % len(Reliability.values)],
        }


class ClaimRows:
    """Claims, their firms and sites, and their citations.

    Which firms, sites and sources each claim names are drawn first into
    compact arrays, so that the four tables can be streamed one after the
    other (COPY writes one table at a time) and still agree.
    """

    def __init__(self, rng, plan):
        self.rng = rng
        self.plan = plan
        n = plan.sizes.claims
        # A few firms with thousands of claims, most with a handful.
        firm_weights = skewed_cumulative(rng, plan.sizes.firms, sigma=1.9, cap=600)
        self.firms = array("l", rng.choices(range(plan.sizes.firms), cum_weights=firm_weights, k=n))
        self.second_firms = array(
            "l",
            (
                rng.choices(range(plan.sizes.firms), cum_weights=firm_weights)[0]
                if rng.random() < 0.25
                else -1
                for _ in range(n)
            ),
        )
        self.site_counts = array(
            "b", (rng.randint(0, 2) if plan.sizes.sites else 0 for _ in range(n))
        )
        site_weights = skewed_cumulative(rng, plan.sizes.sites, sigma=1.0, cap=50)
        self.sites = array(
            "l",
            rng.choices(range(plan.sizes.sites), cum_weights=site_weights, k=sum(self.site_counts))
            if plan.sizes.sites
            else [],
        )
        self.citation_counts = array("b", (rng.randint(1, 4) for _ in range(n)))
        source_weights = skewed_cumulative(rng, plan.sizes.sources, sigma=0.8, cap=20)
        self.sources = array(
            "l",
            rng.choices(
                range(plan.sizes.sources), cum_weights=source_weights, k=sum(self.citation_counts)
            ),
        )

    def claims(self):
        rng, plan = self.rng, self.plan
        regions = ["", *Region.values]
        site_at = 0
        for i in range(plan.sizes.claims):
            pk, public_id = plan.ids(Claim, i)
            region = regions[i % len(regions)]
            first_site = self.sites[site_at] if self.site_counts[i] else i
            site_at += self.site_counts[i]
            date_start, precision = names.partial_date(rng)
            date_end = None
            if rng.random() < 0.3:
                date_end = date_start + datetime.timedelta(days=rng.randrange(1, 900))
            figure_low = figure_high = None
            unit = ""
            if rng.random() < 0.4:
                figure_low = Decimal(rng.randint(1, 500_000))
                unit = rng.choice(names.UNITS)
                if rng.random() < 0.25:
                    figure_high = figure_low + rng.randint(1, 10_000)
            response = names.RESPONSES[(i // 10) % len(names.RESPONSES)] if i % 10 == 0 else ""
            yield {
                "id": pk,
                "public_id": public_id,
                **plan.bookkeeping(),
                "statement": names.statement(rng, i, self.firms[i], first_site, region),
                "claim_type": ClaimType.values[i % len(ClaimType.values)],
                "region": region,
                "date_start": date_start,
                "date_end": date_end,
                "date_precision": precision,
                "stage": rng.choice([None, *Stage.values]),
                "confidence": rng.choice(Confidence.values),
                "figure_low": figure_low,
                "figure_high": figure_high,
                "figure_unit": unit,
                "firm_response": response,
                "firm_response_date": date_start + datetime.timedelta(days=90)
                if response
                else None,
            }

    def claim_firms(self):
        claim_pk, firm_pk = self.plan.pk[Claim], self.plan.pk[Firm]
        for i, (first, second) in enumerate(zip(self.firms, self.second_firms, strict=True)):
            yield {"claim_id": claim_pk + i + 1, "firm_id": firm_pk + first + 1}
            if second >= 0 and second != first:
                yield {"claim_id": claim_pk + i + 1, "firm_id": firm_pk + second + 1}

    def claim_sites(self):
        claim_pk, site_pk = self.plan.pk[Claim], self.plan.pk[Site]
        at = 0
        for i, count in enumerate(self.site_counts):
            for site in set(self.sites[at : at + count]):
                yield {"claim_id": claim_pk + i + 1, "site_id": site_pk + site + 1}
            at += count

    def citations(self):
        rng, plan = self.rng, self.plan
        claim_pk, source_pk = plan.pk[Claim], plan.pk[Source]
        number = 0
        for i, count in enumerate(self.citation_counts):
            for source in self.sources[number : number + count]:
                pk, public_id = plan.ids(Citation, number)
                number += 1
                yield {
                    "id": pk,
                    "public_id": public_id,
                    **plan.bookkeeping(),
                    "locator": rng.choice(names.LOCATORS).format(n=rng.randint(1, 60)),
                    "quote": "如报告所述" if number % 7 == 0 else "",
                    "claim_id": claim_pk + i + 1,
                    "source_id": source_pk + source + 1,
                }
