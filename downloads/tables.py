"""The published tables, column by column: the one description of every download.

List CSVs, JSON twins, the frozen per-update data package, its Table Schema
and its codebook are all generated from the tables listed here (defined in
entity_tables, evidence_tables and link_tables), so a column means the same
thing everywhere it appears. How rows are read is in downloads.columns.

Every field a confidence grade depends on is here (evidence.confidence): the
citations' stance, the sources' publisher, reliability, hub_publication,
issuer_id and the sources they relay (source_relays), the claims' firms
(claim_firms), firm_response_stance and the editors' override, so that a
reader can recompute every grade from a package alone.
"""

from .columns import SEPARATOR, Column, Table
from .entity_tables import FIRMS, RELATIONSHIPS, SANCTIONS, SITES
from .evidence_tables import CITATIONS, CLAIMS, SOURCES
from .link_tables import CLAIM_FIRMS, CLAIM_SITES, SOURCE_RELAYS

__all__ = ["BY_MODEL", "BY_NAME", "SEPARATOR", "TABLES", "Column", "Table"]

TABLES = [
    FIRMS,
    SITES,
    SOURCES,
    CLAIMS,
    CITATIONS,
    RELATIONSHIPS,
    SANCTIONS,
    CLAIM_FIRMS,
    CLAIM_SITES,
    SOURCE_RELAYS,
]
BY_NAME = {table.name: table for table in TABLES}
BY_MODEL = {table.model: table for table in TABLES}
