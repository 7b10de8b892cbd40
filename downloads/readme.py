"""The package explains itself: README.md (what each file is, the update, how to cite) and LICENSE.txt.

Written with the package, from the same table definitions as the codebook,
so a reader who has only the zip knows what they hold and under which terms.
"""

from django.conf import settings

from .tables import TABLES

# The canonical notice of the licence (creativecommons.org's "how to give
# attribution" form): the full legal code is at the address it names.
LICENSE = """\
TOT Insights Hub data package, update {number}
Copyright the TOT Insights Hub research team.

This work is licensed under the Creative Commons Attribution 4.0 International License.
To view a copy of this license, visit https://creativecommons.org/licenses/by/4.0/
or send a letter to Creative Commons, PO Box 1866, Mountain View, CA 94042, USA.

In short: anyone may copy, share and adapt the data, for any purpose, provided
they credit the TOT Insights Hub, link to the licence and say what they changed.
The legal code at the address above is what binds.

Credit: "TOT Insights Hub, update {number}, {url}", as CITATION.cff gives it.
Quotations of sources in citations.csv remain their authors' and are given
as short quotations for the purpose of citation.
"""

OTHER_FILES = [
    (
        "delta.jsonl",
        "What changed since the previous update: each row added, changed or "
        "withdrawn, with the corrections it answers (link tables excepted: their pairs are the "
        "lists in the claims' and sources' own rows).",
    ),
    (
        "entities.ftm.jsonl",
        "The same data as FollowTheMoney entities (one JSON object per "
        "line), for Aleph, OpenSanctions tools and `ftm`; the codebook says how each table maps.",
    ),
    (
        "datapackage.json",
        "Frictionless Data Package: every table's columns, types, primary "
        "key and foreign keys (`frictionless validate datapackage.json`).",
    ),
    ("codebook.md", "Every column of every table, with its meaning."),
    ("CITATION.cff", "How to cite this update."),
    ("manifest.json", "Rows, bytes and SHA-256 of every file."),
    ("LICENSE.txt", "The licence: CC BY 4.0."),
]


def license_text(update):
    return LICENSE.format(
        number=update.number, url=f"{settings.HUB_SITE_URL}/updates/{update.number}/"
    )


def readme_text(update, counts):
    url = f"{settings.HUB_SITE_URL}/updates/{update.number}/"
    lines = [
        f"# TOT Insights Hub, update {update.number}",
        "",
        "Foreign (first of all Chinese) firms in the Russian-occupied territories of Ukraine:",
        "which firms, at which sites, on what evidence. Every claim cites at least one source,",
        "with where in it.",
        "",
        f"Update {update.number}, published {update.published_at:%Y-%m-%d}: {update.summary}",
        f"({update.added} added, {update.changed} changed, {update.withdrawn} withdrawn; the",
        f"changelog is at {url}).",
        "",
        "## Files",
        "",
        "Each table is given as `<table>.csv` (spreadsheet-safe: a text cell starting with",
        "=, +, -, @, tab, CR or LF is prefixed with a single quote) and `<table>.jsonl` (exact",
        "values; lists are JSON arrays). In the CSV a list is one cell joined with `;`, for",
        "reading; join on the link tables instead.",
        "",
        "| file | rows | what it is |",
        "|---|---|---|",
    ]
    for table in TABLES:
        lines.append(
            f"| `{table.name}.csv`, `.jsonl` | {counts.get(table.name, '')} | "
            f"{table.title}: {table.description} |"
        )
    lines += [f"| `{name}` |  | {meaning} |" for name, meaning in OTHER_FILES]
    lines += [
        "",
        "## Reading it",
        "",
        "```python",
        "import pandas as pd",
        'claims = pd.read_csv("claims.csv", keep_default_na=False)',
        'links = pd.read_csv("claim_firms.csv")',
        'firms = pd.read_csv("firms.csv", keep_default_na=False)',
        'claims.merge(links, left_on="id", right_on="claim_id").merge(firms, left_on="firm_id", right_on="id")',
        "```",
        "",
        "A claim's confidence grade can be recomputed from the package alone: the methodology",
        f"({settings.HUB_SITE_URL}/methodology/#confidence) gives the rules, and every field they",
        "read is here (citations.stance; sources.publisher, reliability, hub_publication,",
        "issuer_id and source_relays; claim_firms; claims.firm_response_stance and the",
        "editors' confidence_override).",
        "",
        "## How to cite",
        "",
        f"TOT Insights Hub, update {update.number} ({update.published_at:%Y-%m-%d}), {url}.",
        "Licence: CC BY 4.0 (LICENSE.txt). CITATION.cff has the same in machine-readable form.",
        "",
    ]
    return "\n".join(lines)


def write(folder, update, counts):
    (folder / "README.md").write_text(readme_text(update, counts), encoding="utf-8")
    (folder / "LICENSE.txt").write_text(license_text(update), encoding="utf-8")
