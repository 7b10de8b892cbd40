"""The package as FollowTheMoney entities (entities.ftm.jsonl), for investigators' tools.

Made from the package's own JSON Lines files once they are written, so the
entities say exactly what the tables say, streaming one table at a time
(constant memory at any size). Every entity is made with the
`followthemoney` library and every value checked by its property's type: a
value the library would drop is an error, never a silent loss.

How each table maps (the codebook prints MAPPING):
"""

import contextlib
import json
import mmap
import re

from django.utils import translation
from followthemoney import model
from followthemoney.types import registry

from entities.models import Authority, DesignationKind

from . import ftm_copy

# Entity ids: the hub's prefix and the record's public id, so they are stable across updates.
PREFIX = "tot-insights-hub"

FIRM_SCHEMA = {"network": "Organization", "academic": "Organization"}  # else Company
RELATIONSHIP_SCHEMA = {
    "parent": ("Ownership", "owner", "asset"),
    "shareholder": ("Ownership", "owner", "asset"),
    "member": ("Membership", "member", "organization"),
    "distributor": ("Representation", "agent", "client"),
    "intermediary": ("Representation", "agent", "client"),
    "partner": ("UnknownLink", "subject", "object"),
}
# A firm's FtM topics from its designations in force (the lists' own words).
KIND_TOPICS = {
    "sanction": "sanction",
    "export_control": "export.control",
    "trade_restriction": "invest.risk",
}
MAPPING = [
    (
        "firms",
        "Company (Organization for networks and academic institutions): name, every other "
        "name as alias, abbreviation, jurisdiction, uscCode, leiCode, innCode, ogrnCode, ticker, "
        "website, sector, description, topics (sanction, export.control or invest.risk from the "
        "designations in force), sourceUrl = the firm's page on the hub.",
    ),
    (
        "sites",
        "RealEstate: name, alias, country (UA), region and locality in address, latitude, "
        "longitude, description, sourceUrl = the site's page.",
    ),
    (
        "sources",
        "Document: title, publisher, author, publishedAt, language, description, "
        "sourceUrl = the original URL, its archived copy and the source's page; fileName holds the "
        "hub's id (the schema requires one).",
    ),
    (
        "claims, citations",
        "Documentation, one per claim and firm or site it is about: entity = "
        "the firm or site, document = every source the claim cites, summary = the statement, role "
        "= the claim type, date, sourceUrl = the claim's page (its citations, locators and quotes). "
        "A claim about no firm or site has none.",
    ),
    (
        "relationships",
        "Ownership (parent, shareholder: owner, asset), Membership (member: "
        "member, organization), Representation (distributor, intermediary: agent, client) or "
        "UnknownLink (partner: subject, object); startDate, endDate, description, proof = the "
        "sources cited, sourceUrl = the relationship's page.",
    ),
    (
        "sanctions",
        "Sanction: entity = the firm, authority, country = jurisdiction, program, "
        "provisions = the kind (an export control says so), listingDate and startDate, endDate, "
        "summary = the legal reference, proof = the source, sourceUrl = the official reference and "
        "the designation's page.",
    ),
]


# Property types whose values are free text, not codes, dates or identifiers.
FREE_TEXT = {registry.text, registry.string, registry.name}


class InvalidValue(ValueError):
    """A value the FollowTheMoney type of its property refuses."""


def entity_id(public_id, *parts):
    return "-".join([PREFIX, public_id, *parts])


def make(schema, identifier, **properties):
    """An entity of `schema`, every non-empty value checked by its property's type."""
    entity = model.make_entity(schema)
    entity.id = identifier
    for name, values in properties.items():
        prop = entity.schema.get(name)
        if prop is None:
            raise InvalidValue(f"{schema} has no property {name}")
        for value in values if isinstance(values, (list, tuple, set)) else [values]:
            if value in (None, ""):
                continue
            cleaned = prop.type.clean(value, proxy=entity)
            if cleaned is None and prop.type in FREE_TEXT:
                # Text FollowTheMoney reads as empty (blank space, invisible
                # characters) is left out, as an empty value is: the hub stores
                # any text its rule allows (hub.text), and a publish must not
                # fail on it.
                continue
            if cleaned is None:
                raise InvalidValue(f"{identifier}: {name} {value!r} is not a valid {prop.type}")
            entity.add(prop, cleaned, cleaned=True)
    return entity


def _rows(folder, table):
    with (folder / f"{table}.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


# The key of a citation's relationship when it has one: JSON escapes every
# quote inside a value, so these bytes occur only as the key itself.
RELATIONSHIP_KEY = re.compile(rb'"relationship_id": "')


def _relationship_citations(folder):
    """The citations rows that cite for a relationship, found without parsing the others.

    Millions of citations cite for a claim; parsing each line to find the few
    that back a relationship would be most of the time of writing the file.
    """
    path = folder / "citations.jsonl"
    if path.stat().st_size == 0:
        return
    with path.open("rb") as lines, mmap.mmap(lines.fileno(), 0, access=mmap.ACCESS_READ) as data:
        for match in RELATIONSHIP_KEY.finditer(data):
            start = data.rfind(b"\n", 0, match.start()) + 1
            end = data.find(b"\n", match.end())
            row = json.loads(data[start : end if end >= 0 else len(data)])
            if row["relationship_id"]:
                yield row


def firm_entity(row, topics):
    names = [row["name_zh"], row["name_ru"], row["name_uk"], *row["aliases"]]
    return make(
        FIRM_SCHEMA.get(row["kind"], "Company"),
        entity_id(row["id"]),
        name=row["name_en"],
        alias=[name for name in names if name and name != row["name_en"]],
        abbreviation=row["short_name"],
        jurisdiction=row["country"],
        uscCode=row["uscc"],
        leiCode=row["lei"],
        innCode=row["inn"],
        ogrnCode=row["ogrn"],
        website=row["website"],
        sector=row["sectors"],
        description=row["description"],
        topics=sorted(topics),
        sourceUrl=row["hub_url"],
        **({"ticker": row["ticker"]} if FIRM_SCHEMA.get(row["kind"]) is None else {}),
    )


def site_entity(row):
    return make(
        "RealEstate",
        entity_id(row["id"]),
        name=row["name_en"],
        alias=[row["name_uk"], row["name_ru"], *row["aliases"]],
        country=row["country"],
        address=", ".join(part for part in [row["locality"], row["raion"], row["region"]] if part),
        latitude=row["latitude"],
        longitude=row["longitude"],
        description=row["description"],
        sourceUrl=row["hub_url"],
    )


def source_entity(row):
    return make(
        "Document",
        entity_id(row["id"]),
        name=row["title"],
        title=row["title"],
        fileName=row["id"],
        publisher=row["publisher"],
        author=row["author"],
        publishedAt=_partial(row["published_on"], row["published_precision"]),
        # BCP 47 (zh-Hans): the primary subtag is the language FtM knows.
        language=row["language"].split("-")[0],
        description=row["description"],
        sourceUrl=[row["url"], row["archived_url"], row["hub_url"]],
    )


def claim_entities(row):
    for subject in [*row["firms"], *row["sites"]]:
        yield make(
            "Documentation",
            entity_id(row["id"], subject),
            entity=entity_id(subject),
            document=[entity_id(source) for source in row["sources"]],
            summary=row["statement"],
            role=row["claim_type"],
            date=_partial(row["date_start"], row["date_precision"]),
            endDate=row["date_end"],
            sourceUrl=row["hub_url"],
        )


def relationship_entity(row, proof):
    schema, source, target = RELATIONSHIP_SCHEMA[row["kind"]]
    return make(
        schema,
        entity_id(row["id"]),
        **{source: entity_id(row["source_firm_id"]), target: entity_id(row["target_firm_id"])},
        role=row["kind"],
        description=row["description"],
        startDate=_partial(row["start_date"], row["start_precision"]),
        endDate=_partial(row["end_date"], row["end_precision"]),
        proof=[entity_id(source_id) for source_id in sorted(proof)],
        sourceUrl=row["hub_url"],
    )


def designation_entity(row):
    return make(
        "Sanction",
        entity_id(row["id"]),
        entity=entity_id(row["firm_id"]),
        authority=_english(Authority(row["authority"]).label),
        country=row["jurisdiction"],
        program=row["programme"],
        provisions=_english(DesignationKind(row["kind"]).label),
        listingDate=row["listed_on"],
        startDate=row["listed_on"],
        endDate=row["ended_on"],
        summary=row["reference"],
        proof=entity_id(row["source_id"]) if row["source_id"] else "",
        sourceUrl=[row["reference_url"], row["hub_url"]],
    )


def _english(label):
    """A vocabulary's label as the package gives it: in English, whoever publishes."""
    with translation.override("en"):
        return str(label)


def _partial(date, precision):
    """A date as precise as it is known (FtM dates may be 2024 or 2024-03)."""
    if not date:
        return ""
    return date[: {"year": 4, "month": 7}.get(precision, 10)]


FILE = "entities.ftm.jsonl"
# The tables whose entities depend on their own row alone, with the schema of
# every entity they make: the next update copies them from this file when the
# row is unchanged (ftm_copy). The others are made afresh every time: firms
# (their topics come from the designations in force today), relationships
# (their proofs from the citations) and the small tables of sites and
# designations.
COPIED = {"sources": "Document", "claims": "Documentation"}


def write(folder, today, old=None, tables=None):
    """Write entities.ftm.jsonl from the package's tables in `folder`.

    With `old` (update N-1's ftm_copy.Earlier) and `tables` (N's
    TableFiles by name), the entities of each run of source or claim rows the
    incremental build copied from N-1 are one copied byte range of N-1's file,
    and only the rows written anew have their entities made: the bytes of
    making them all, without the time (at a million claims, making every
    entity took minutes of each publish). Returns ({schema: count},
    {table: ftm_copy.Offsets} for the index).
    """
    topics, proofs = {}, {}
    for row in _rows(folder, "sanctions"):
        in_force = not row["ended_on"] or row["ended_on"] > today.isoformat()
        if in_force and row["kind"] in KIND_TOPICS:
            topics.setdefault(row["firm_id"], set()).add(KIND_TOPICS[row["kind"]])
    for row in _relationship_citations(folder):
        proofs.setdefault(row["relationship_id"], set()).add(row["source_id"])
    counts, offsets = {}, {}
    stack = contextlib.ExitStack()
    out = stack.enter_context(ftm_copy.Out(folder / FILE))
    old_file = stack.enter_context(old.path.open("rb")).fileno() if old is not None else None

    def emit(entity):
        line = json.dumps(entity.to_dict(), ensure_ascii=False, sort_keys=True) + "\n"
        out.write(line.encode("utf-8"))
        counts[entity.schema.name] = counts.get(entity.schema.name, 0) + 1

    def section(table, entities_of):
        if table not in COPIED:
            for row in _rows(folder, table):
                for entity in entities_of(row):
                    emit(entity)
            return
        table_offsets = offsets[table] = ftm_copy.Offsets()
        made = 0

        def make_rows(rows):
            nonlocal made
            for row in rows:
                table_offsets.add(out.at, made)
                for entity in entities_of(row):
                    emit(entity)
                    made += 1

        files = (tables or {}).get(table)
        if old is not None and table in old.tables and files is not None and files.runs is not None:
            starts, numbers = old.tables[table]
            lines = stack.enter_context((folder / f"{table}.jsonl").open("rb"))
            k = 0
            for new_k, old_k, length in files.runs:
                make_rows(_rows_between(lines, files, k, new_k))
                first, last = int(starts[old_k]), int(starts[old_k + length])
                table_offsets.extend(
                    starts[old_k : old_k + length] - first + out.at,
                    numbers[old_k : old_k + length] - numbers[old_k] + made,
                )
                out.copy(old_file, first, last - first)
                copied = int(numbers[old_k + length] - numbers[old_k])
                if copied:
                    counts[COPIED[table]] = counts.get(COPIED[table], 0) + copied
                made += copied
                k = new_k + length
            make_rows(_rows_between(lines, files, k, files.rows))
        else:
            make_rows(_rows(folder, table))
        table_offsets.add(out.at, made)

    with stack:
        section("firms", lambda row: [firm_entity(row, topics.get(row["id"], ()))])
        section("sites", lambda row: [site_entity(row)])
        section("sources", lambda row: [source_entity(row)])
        section("relationships", lambda row: [relationship_entity(row, proofs.get(row["id"], ()))])
        section("sanctions", lambda row: [designation_entity(row)])
        section("claims", claim_entities)
    return counts, offsets


def _rows_between(lines, files, k0, k1):
    """Rows k0..k1 of a table's JSON Lines file (open as `lines`), found by its offsets."""
    if k1 <= k0:
        return
    lines.seek(int(files.jsonl[k0]))
    for _ in range(k1 - k0):
        yield json.loads(lines.readline())


def codebook_section():
    lines = [
        "## entities.ftm.jsonl: FollowTheMoney entities",
        "",
        "The same data as FollowTheMoney entities (https://followthemoney.tech), one JSON object",
        f"per line, made and checked with the followthemoney library. Entity ids are `{PREFIX}-`",
        "followed by the record's id (and, for a claim's Documentation, the firm's or site's id).",
        "",
        "| table | FollowTheMoney |",
        "|---|---|",
    ]
    lines += [f"| {table} | {mapping} |" for table, mapping in MAPPING]
    lines.append("")
    return "\n".join(lines)
