"""Staff use the investigators' data: a FollowTheMoney file proposes designations and identifiers.

Staff upload a FollowTheMoney file they hold (an OpenSanctions dataset
export, say: one entity per line); the hub fetches nothing. Each company or
organisation in it that matches a published hub firm, by a registry
identifier or by a name in any of the firm's scripts, proposes:

- a designation per Sanction entity naming it (kind, authority, jurisdiction,
  programme, dates, legal reference), unless the firm already has it;
- each registry identifier (LEI, INN, OGRN, USCC) the firm lacks.

They are staged changes (editorial.staging), citing the uploaded file as a
new source whose archived copy is the file itself: staff publish or discard
each, and nothing is public before an update publishes it.

Matching: names are compared as the followthemoney and rigour libraries
normalise them (company-type words such as "Co., Ltd." removed, tokens
transliterated to Latin and sorted) and must be equal: no similarity
threshold, so a name that differs by a letter is not a match.
"""

import datetime
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.types import registry
from normality import ascii_text
from rigour.names import remove_org_types, tokenize_name

from entities.models import AUTHORITY_JURISDICTION, Firm, SanctionsDesignation
from evidence.archiving import store_snapshot
from evidence.models import Source

from . import staging

MAX_BYTES = 10 * 1024 * 1024
# Hub firm field <- FollowTheMoney property.
IDENTIFIERS = {"lei": "leiCode", "inn": "innCode", "ogrn": "ogrnCode", "uscc": "uscCode"}
# A designation's kind from the topics of the entity it names (FtM's own vocabulary).
TOPIC_KINDS = [
    ("sanction", "sanction"),
    ("export.control", "export_control"),
    ("invest.ban", "trade_restriction"),
    ("invest.risk", "trade_restriction"),
]


class FtMFileError(ValueError):
    """The file is not FollowTheMoney entities the hub can read."""


@dataclass
class Match:
    firm: Firm
    entity: object
    by: str  # "identifier" or "name"
    changes: list = field(default_factory=list)
    skipped: list = field(default_factory=list)


@dataclass
class Result:
    source_change: object = None
    matches: list = field(default_factory=list)
    entities: int = 0
    unmatched: int = 0


def read_entities(content):
    """The entities of a FollowTheMoney JSON Lines file (bytes), or FtMFileError."""
    if len(content) > MAX_BYTES:
        raise FtMFileError("The file is larger than 10 MB.")
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FtMFileError("The file is not UTF-8 text.") from error
    entities = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            entities.append(model.get_proxy(data))
        except (ValueError, TypeError, KeyError, InvalidData) as error:
            raise FtMFileError(
                f"Line {number} is not a FollowTheMoney entity (one JSON object per line): {error}"
            ) from error
    if not entities:
        raise FtMFileError("The file holds no entity.")
    return entities


def name_keys(names):
    """The comparable forms of names: company types removed, Latin tokens sorted."""
    keys = set()
    for name in names:
        tokens = tokenize_name(remove_org_types(name.lower()))
        latin = sorted((ascii_text(token) or token) for token in tokens if token)
        if latin:
            keys.add(" ".join(latin))
    return keys


def _firm_names(firm):
    return [
        firm.name_en,
        firm.name_zh,
        firm.name_ru,
        firm.name_uk,
        firm.short_name,
        *firm.alias_list,
    ]


def match_firms(entities):
    """[(firm, entity, by)] for each organisation entity that matches one published firm."""
    firms = list(Firm.objects.public_rows())
    by_key, by_id = {}, {}
    for firm in firms:
        for key in name_keys(name for name in _firm_names(firm) if name):
            by_key.setdefault(key, set()).add(firm)
        for field_name in IDENTIFIERS:
            value = getattr(firm, field_name)
            if value:
                by_id.setdefault(registry.identifier.clean(value), set()).add(firm)
    found = []
    for entity in entities:
        if not entity.schema.is_a("Organization"):
            continue
        identifiers = {
            registry.identifier.clean(value)
            for prop in IDENTIFIERS.values()
            for value in entity.get(prop, quiet=True)
        }
        matched = set().union(*(by_id.get(value, set()) for value in identifiers))
        by = "identifier"
        if not matched:
            matched = set().union(*(by_key.get(key, set()) for key in name_keys(entity.names)))
            by = "name"
        if len(matched) == 1:  # a name two firms share decides nothing
            found.append((matched.pop(), entity, by))
    return found


def _kind(entity, sanction):
    """The kind, from the listing's own provisions, else the topics of the entity it names."""
    topics = set(entity.get("topics", quiet=True))
    provisions = " ".join(sanction.get("provisions")).lower()
    if "export" in provisions:
        return "export_control"
    if "freeze" in provisions or "blocking" in provisions:
        return "sanction"
    for topic, kind in TOPIC_KINDS:
        if topic in topics:
            return kind
    return "other"


def _authority(sanction):
    """(authority, jurisdiction) of a Sanction entity, by the country it names."""
    countries = [code.upper() for code in sanction.get("country")]
    country = countries[0] if countries else ""
    words = " ".join(sanction.get("authority")).lower()
    if country == "US":
        return ("us_bis" if "commerce" in words or "bis" in words.split() else "us_ofac"), ""
    for authority, code in AUTHORITY_JURISDICTION.items():
        if code == country and not authority.startswith("us"):
            return authority, ""
    return "other", (country if len(country) == 2 else "")


def _date(values):
    for value in sorted(values):
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            continue
    return None


def _designation_fields(firm, entity, sanction, source_id):
    authority, jurisdiction = _authority(sanction)
    listed = _date(sanction.get("listingDate") or sanction.get("startDate"))
    if listed is None:
        return None, "no listing or start date"
    if authority == "other" and not jurisdiction:
        return None, "no jurisdiction"
    ended = _date(sanction.get("endDate"))
    reference = (sanction.get("unscId") or sanction.get("authorityId") or [""])[0]
    fields = {
        "firm": firm.public_id,
        "kind": _kind(entity, sanction),
        "authority": authority,
        "jurisdiction": jurisdiction,
        "programme": (sanction.get("program") or sanction.get("authority") or ["—"])[0][:255],
        "listed_on": listed.isoformat(),
        "ended_on": ended.isoformat() if ended else None,
        "reference": reference[:255],
        "reference_url": next(
            (url for url in sanction.get("sourceUrl") if url.startswith("https://")), ""
        ),
        "source": source_id,
        "source_locator": f"FollowTheMoney entity {sanction.id} (naming {entity.id})"[:255],
    }
    already = SanctionsDesignation.objects.filter(
        firm=firm, authority=authority, listed_on=listed, programme=fields["programme"]
    ).exclude(status="withdrawn")
    if already.exists():
        return None, "already recorded"
    return fields, ""


@transaction.atomic
def stage_from_ftm(*, content, filename, user):
    """Stage the designations and identifiers the file proposes for matched firms (a Result)."""
    entities = read_entities(content)
    sanctions = {}
    for entity in entities:
        if entity.schema.is_a("Sanction"):
            for target in entity.get("entity"):
                sanctions.setdefault(target, []).append(entity)
    result = Result(entities=len(entities))
    matches = match_firms(entities)
    result.unmatched = sum(1 for e in entities if e.schema.is_a("Organization")) - len(matches)
    if not matches:
        return result
    publishers = sorted({p for e in entities for p in e.get("publisher", quiet=True)})
    snapshot = store_snapshot(
        content=content,
        media_type="application/x-ndjson",
        retrieved_at=timezone.now(),
        original_name=filename,
    )
    result.source_change = staging.stage_new(
        model=Source,
        fields={
            "title": f"FollowTheMoney file {filename}"[:500],
            "publisher": (", ".join(publishers) or "FollowTheMoney file uploaded by staff")[:255],
            "kind": "register",
            "language": "en",
            "reliability": "B",
            "accessed_on": timezone.localdate().isoformat(),
            "snapshot": snapshot.sha256,
            "description": (
                "A FollowTheMoney file staff uploaded; the hub holds it as this source's "
                "archived copy. Each designation or identifier taken from it names the entity."
            ),
        },
        user=user,
    )
    source = Source.objects.get(public_id=result.source_change.public_id)
    for firm, entity, by in matches:
        match = Match(firm, entity, by)
        for sanction in sanctions.get(entity.id, []):
            fields, why = _designation_fields(firm, entity, sanction, source.public_id)
            if fields is None:
                match.skipped.append(f"{sanction.id}: {why}")
                continue
            try:
                match.changes.append(
                    staging.stage_new(model=SanctionsDesignation, fields=fields, user=user)
                )
            except staging.StagingRefused as error:
                match.skipped.append(f"{sanction.id}: {error}")
        identifiers = {
            field_name: entity.first(prop, quiet=True)
            for field_name, prop in IDENTIFIERS.items()
            if entity.first(prop, quiet=True) and not getattr(firm, field_name)
        }
        if identifiers:
            try:
                match.changes.append(staging.stage_edit(record=firm, fields=identifiers, user=user))
            except staging.StagingRefused as error:
                match.skipped.append(f"identifiers: {error}")
        result.matches.append(match)
    return result
