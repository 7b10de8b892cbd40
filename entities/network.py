"""The network the hub is about: firms, the organisations they belong to, and
the sites and occupied regions their claims place them in.

Laid out here, on the server, in four columns (organisations, firms, sites,
regions), so that every load draws the same picture and no two labels can
overlap: each node has its own row in its column, rows are taller than two
lines of label, and a label is cut to its column's width (the full name is in
its title and in the lists beside the graph). Rows are ordered to put linked
nodes near each other (two passes of the barycentre heuristic, ties broken
by identifier), which is deterministic too.

Plain functions over rows a view or template tag has read; the page draws
the result as server-side SVG.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .vocabularies import FirmKind, Region, RelationshipKind

COLUMN_WIDTH = 250
ROW = 40
TOP = 34
# Room on the left for the arcs between organisations in the first column.
LEFT = 64
DOT = 7
# Characters of label per line, and lines per label: what fits in a column at 12 px.
LINE_CHARS = 30
MAX_LINES = 2
COLUMNS = ("org", "firm", "site", "region")
REGION_ORDER = [value for value, _label in Region.choices]


@dataclass
class Node:
    key: str
    kind: str
    label: str
    url: str
    detail: str = ""
    column: int = 0
    row: int = 0
    links: set = field(default_factory=set)

    @property
    def x(self):
        return LEFT + self.column * COLUMN_WIDTH + DOT

    @property
    def y(self):
        return TOP + self.row * ROW + ROW / 2

    @property
    def lines(self):
        """The label cut into at most two lines that fit the column."""
        words, lines, line = self.label.split(), [], ""
        for word in words:
            candidate = f"{line} {word}".strip()
            if len(candidate) <= LINE_CHARS or not line:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
        if len(lines) > MAX_LINES:
            lines = [*lines[: MAX_LINES - 1], lines[MAX_LINES - 1]]
            lines[-1] = lines[-1][: LINE_CHARS - 1].rstrip() + "…"
        return [text[:LINE_CHARS] for text in lines]

    @property
    def text_x(self):
        return f"{self.x + DOT + 5:.1f}"

    @property
    def text_y(self):
        # The first line's baseline: the block of lines is centred on the dot.
        return f"{self.y - (len(self.lines) - 1) * 7 + 4:.1f}"

    @property
    def box_x(self):
        return f"{self.x - DOT:.1f}"

    @property
    def box_y(self):
        return f"{self.y - DOT:.1f}"

    @property
    def cx(self):
        return f"{self.x:.1f}"

    @property
    def cy(self):
        return f"{self.y:.1f}"


@dataclass
class Edge:
    source: Node
    target: Node
    kind: str
    label: str
    url: str

    @property
    def path(self):
        a, b = self.source, self.target
        if a.column == b.column:
            # A tie between two firms: an arc that bows left of their column.
            bow = a.x - 60
            return (
                f"M{a.x:.1f},{a.y:.1f} C{bow:.1f},{a.y:.1f} {bow:.1f},{b.y:.1f} {b.x:.1f},{b.y:.1f}"
            )
        if a.column > b.column:
            a, b = b, a
        middle = (a.x + b.x) / 2
        return f"M{a.x:.1f},{a.y:.1f} C{middle:.1f},{a.y:.1f} {middle:.1f},{b.y:.1f} {b.x:.1f},{b.y:.1f}"


@dataclass
class Graph:
    nodes: dict = field(default_factory=dict)
    edges: list = field(default_factory=list)
    focus: str = ""
    used: tuple = COLUMNS
    # True when a firm's sites were more than the neighbourhood draws.
    sites_cut: bool = False

    @property
    def columns(self):
        """The columns in use, with their heading and x position, for the SVG."""
        headings = {
            "org": _("Organisations"),
            "firm": _("Firms"),
            "site": _("Sites"),
            "region": _("Occupied regions"),
        }
        return [
            {"label": headings[kind], "x": f"{LEFT + index * COLUMN_WIDTH:.1f}"}
            for index, kind in enumerate(self.used)
        ]

    @property
    def width(self):
        return LEFT + len(self.used) * COLUMN_WIDTH

    @property
    def height(self):
        rows = max((node.row + 1 for node in self.nodes.values()), default=1)
        return TOP + rows * ROW + 8

    @property
    def node_list(self):
        return sorted(self.nodes.values(), key=lambda node: (node.column, node.row))

    def add(self, node):
        return self.nodes.setdefault(node.key, node)

    def link(self, source, target, kind, label, url):
        source.links.add(target.key)
        target.links.add(source.key)
        self.edges.append(Edge(source, target, kind, label, url))

    def count(self, kind):
        return sum(1 for node in self.nodes.values() if node.kind == kind)


def _claims_url(**params):
    return reverse("evidence:claim_list") + "?" + urlencode(params)


def firm_node(firm):
    kind = "org" if firm.kind == FirmKind.NETWORK else "firm"
    return Node(
        key=firm.public_id,
        kind=kind,
        label=firm.name_en,
        url=firm.get_absolute_url(),
        detail=str(firm.get_kind_display()),
    )


def site_node(site):
    return Node(
        key=site.public_id,
        kind="site",
        label=site.name_en,
        url=site.get_absolute_url(),
        detail=str(site.get_kind_display()),
    )


def region_node(region):
    label = dict(Region.choices).get(region, region)
    return Node(
        key=f"region:{region}",
        kind="region",
        label=str(label),
        url=reverse("entities:site_list") + "?" + urlencode({"region": region}),
    )


def build(relationships, firm_sites, firm_regions, *, focus=None):
    """The graph from Relationship rows (firms joined), FirmSite rows (firm and
    site joined) and (firm, region, claims) triples; `focus` a firm's identifier."""
    graph = Graph(focus=focus or "")
    for relationship in relationships:
        source = graph.add(firm_node(relationship.source_firm))
        target = graph.add(firm_node(relationship.target_firm))
        kind = "member" if relationship.kind == RelationshipKind.MEMBER else "tie"
        graph.link(
            source,
            target,
            kind,
            f"{relationship.source_firm.name_en} — {relationship.get_kind_display()} — "
            f"{relationship.target_firm.name_en}",
            relationship.get_absolute_url(),
        )
    firm_site_regions = set()
    for pair in firm_sites:
        firm = graph.add(firm_node(pair.firm))
        site = graph.add(site_node(pair.site))
        graph.link(
            firm,
            site,
            "site",
            ngettext(
                "%(firm)s at %(site)s: %(count)s claim",
                "%(firm)s at %(site)s: %(count)s claims",
                pair.claims,
            )
            % {"firm": pair.firm.name_en, "site": pair.site.name_en, "count": pair.claims},
            _claims_url(firm=pair.firm.public_id, site=pair.site.public_id),
        )
        if pair.site.region:
            firm_site_regions.add((pair.firm.public_id, pair.site.region))
            region = graph.add(region_node(pair.site.region))
            if region.key not in site.links:
                graph.link(
                    site,
                    region,
                    "located",
                    _("%(site)s is in %(region)s")
                    % {"site": pair.site.name_en, "region": region.label},
                    pair.site.get_absolute_url(),
                )
    for firm_row, region_value, claims in firm_regions:
        if (firm_row.public_id, region_value) in firm_site_regions:
            continue  # already reached through one of the firm's sites
        firm = graph.add(firm_node(firm_row))
        region = graph.add(region_node(region_value))
        graph.link(
            firm,
            region,
            "region",
            ngettext(
                "%(firm)s in %(region)s: %(count)s claim",
                "%(firm)s in %(region)s: %(count)s claims",
                claims,
            )
            % {"firm": firm_row.name_en, "region": region.label, "count": claims},
            _claims_url(firm=firm_row.public_id, region=region_value),
        )
    lay_out(graph)
    return graph


def lay_out(graph):
    """Give every node its column and row (deterministic; see the module's docstring)."""
    columns = {kind: [] for kind in COLUMNS}
    for node in graph.nodes.values():
        columns[node.kind].append(node)
    # Only the columns in use take room (a firm with ties but no sites has two).
    graph.used = tuple(kind for kind in COLUMNS if columns[kind])
    for node in graph.nodes.values():
        node.column = graph.used.index(node.kind)
    columns["region"].sort(key=lambda n: REGION_ORDER.index(n.key.split(":", 1)[1]))
    for kind in ("org", "firm", "site"):
        columns[kind].sort(key=lambda n: (n.label.casefold(), n.key))
    _number(columns)
    for _sweep in range(2):
        for kind in ("site", "firm", "org"):
            columns[kind].sort(key=lambda n: (_barycentre(graph, n), n.label.casefold(), n.key))
            _number(columns)
    # Centre each column on the tallest one.
    tallest = max((len(nodes) for nodes in columns.values()), default=0)
    for nodes in columns.values():
        offset = (tallest - len(nodes)) // 2
        for index, node in enumerate(nodes):
            node.row = offset + index


def _number(columns):
    for nodes in columns.values():
        for index, node in enumerate(nodes):
            node.row = index


def _barycentre(graph, node):
    rows = [graph.nodes[key].row for key in node.links]
    return sum(rows) / len(rows) if rows else float("inf")


def whole_network(relationships, *, focus=None):
    """The graph of the /network/ page: every public tie, site and region link."""
    from derived.models import FirmClaimFact, FirmSite

    firm_sites = (
        FirmSite.objects.filter(firm__status="published", site__status="published")
        .select_related("firm", "site")
        .order_by("firm__public_id", "site__public_id")
    )
    facts = (
        FirmClaimFact.objects.filter(facet=FirmClaimFact.Facet.REGION, firm__status="published")
        .select_related("firm")
        .order_by("firm__public_id", "value")
    )
    return build(
        relationships, firm_sites, [(f.firm, f.value, f.claims) for f in facts], focus=focus
    )


def around(relationships, firms, *, focus=None, site_limit=None):
    """The graph of some firms: their ties (`relationships`), sites and regions.

    With `site_limit`, only that many sites are drawn, those with the most of
    the firms' claims (a firm can be at thousands: no reader can follow such a
    diagram, and laying it out took most of a profile's time); the graph's
    `sites_cut` says so. Every region stays: there are few.
    """
    from derived.models import FirmClaimFact, FirmSite

    ids = [firm.pk for firm in firms]
    firm_sites = (
        FirmSite.objects.filter(firm_id__in=ids, site__status="published")
        .select_related("firm", "site")
        .order_by("-claims", "firm__public_id", "site__public_id")
    )
    sites_cut = False
    if site_limit is not None:
        firm_sites = list(firm_sites[: site_limit + 1])
        sites_cut = len(firm_sites) > site_limit
        firm_sites = firm_sites[:site_limit]
    facts = (
        FirmClaimFact.objects.filter(facet=FirmClaimFact.Facet.REGION, firm_id__in=ids)
        .select_related("firm")
        .order_by("firm__public_id", "value")
    )
    graph = build(
        relationships, firm_sites, [(f.firm, f.value, f.claims) for f in facts], focus=focus
    )
    graph.sites_cut = sites_cut
    return graph
