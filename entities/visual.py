"""Shaping sites, relationships and claims for the map and the network graph.

Plain functions over rows already read by a view (no queries of their own):
the templates hand the result to the page's script with ``json_script`` and
render the same rows as HTML tables for readers without JavaScript. The
timelines are in ``entities.timeline``.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.templatetags.static import static
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import gazetteer
from .models import CoordinatePrecision, SiteKind
from .vocabularies import Region

# A town or village is placed at its centre; the site is somewhere within
# about this distance of it, and the map says so with a circle, not a pin.
LOCALITY_RADIUS_METRES = 5000
MAPPED_PRECISIONS = {CoordinatePrecision.EXACT, CoordinatePrecision.LOCALITY}


@dataclass
class SiteMap:
    """The sites of a page, split by what the map may honestly show."""

    markers: list = field(default_factory=list)
    # Sites known only to one region (or to a locality with no published
    # point): the region is shaded, with the number of such sites.
    regions: dict = field(default_factory=dict)
    # Sites the map cannot draw at all, each with the reason: (site, reason).
    not_drawn: list = field(default_factory=list)

    @property
    def placed_count(self):
        return sum(len(marker["sites"]) for marker in self.markers)

    @property
    def region_list(self):
        return [self.regions[key] for key in sorted(self.regions)]

    @property
    def drawable(self):
        return bool(self.markers or self.regions)

    @property
    def kinds(self):
        """The site kinds drawn, for the legend: (value, label)."""
        seen = {marker["kind"] for marker in self.markers}
        kinds = [(value, label) for value, label in SiteKind.choices if value in seen]
        if "several" in seen:
            kinds.append(("several", _("Sites of several kinds at one point")))
        return kinds

    def payload(self):
        return {
            "markers": self.markers,
            "regions": self.region_list,
            "basemap": static("geo/ukraine.geojson"),
            "labels": "uk" if get_language() == "uk" else "en",
            "tiles": tile_config(),
        }


def map_placement(site):
    """How a site appears on a map: "exact", "locality" or None (not drawn at a point)."""
    if site.latitude is None or site.longitude is None:
        return CoordinatePrecision.LOCALITY if gazetteer.locate(site) else None
    if site.coordinate_precision in MAPPED_PRECISIONS:
        return site.coordinate_precision
    return None


def _site_row(site):
    return {
        "id": site.public_id,
        "name": site.name_en,
        "url": site.get_absolute_url(),
        "kind": site.get_kind_display(),
        "region": site.get_region_display(),
        "locality": site.locality,
    }


def not_drawn_reason(site):
    if site.region == Region.SEVERAL:
        return _("The sources place it in several occupied regions, or in one they do not name.")
    return _("No region or place is recorded.")


def site_map(sites):
    """Group `sites` (public Site rows) into map markers, shaded regions and the rest.

    Sites at the same point with the same precision share one marker, whose
    popup lists them all, so that no site hides another. A site with no
    coordinates of its own is placed at its locality's point when the
    gazetteer has one (entities.gazetteer), as a ring.
    """
    result = SiteMap()
    by_point = {}
    for site in sites:
        placement = map_placement(site)
        if placement is None:
            if site.region and site.region != Region.SEVERAL:
                region = result.regions.setdefault(
                    site.region,
                    {"region": site.region, "label": str(site.get_region_display()), "sites": []},
                )
                region["sites"].append(_site_row(site))
                region["count"] = len(region["sites"])
            else:
                result.not_drawn.append((site, not_drawn_reason(site)))
            continue
        place = gazetteer.locate(site) if site.latitude is None else None
        latitude = place.latitude if place else site.latitude
        longitude = place.longitude if place else site.longitude
        key = (latitude, longitude, placement)
        marker = by_point.get(key)
        if marker is None:
            marker = by_point[key] = {
                "lat": float(latitude),
                "lng": float(longitude),
                "precision": placement,
                "precision_label": _precision_label(placement),
                "radius": LOCALITY_RADIUS_METRES if placement == "locality" else 0,
                "kind": site.kind,
                "place_source": place.source if place else "",
                "sites": [],
            }
            result.markers.append(marker)
        elif marker["kind"] != site.kind:
            marker["kind"] = "several"
        marker["sites"].append(_site_row(site))
    return result


def _precision_label(placement):
    if placement == CoordinatePrecision.EXACT:
        return _("Exact location")
    return _("Locality only: somewhere within about %(km)s km of this point") % {
        "km": LOCALITY_RADIUS_METRES // 1000
    }


def tile_config():
    """The tile layer for the maps, from settings; an empty URL means no tiles."""
    url = getattr(settings, "HUB_MAP_TILE_URL", "")
    return {
        "url": url,
        "attribution": getattr(settings, "HUB_MAP_TILE_ATTRIBUTION", ""),
    }


# The network graph (laid out in entities.network).


# The sites a profile's network draws: those with the firm's most claims.
SITES_IN_NEIGHBOURHOOD = 12


def firm_neighbourhood(firm):
    """A firm's own ties both ways (prefetched by Firm.objects.for_profile()), sites and regions."""
    from .network import around

    relationships = [*firm.public_relationships_out, *firm.public_relationships_in]
    graph = around(relationships, [firm], focus=firm.public_id, site_limit=SITES_IN_NEIGHBOURHOOD)
    return relationships, graph


def connected_to(relationships, public_id):
    """The relationships in the connected part of the graph that holds `public_id`."""
    neighbours = defaultdict(set)
    for relationship in relationships:
        source = relationship.source_firm.public_id
        target = relationship.target_firm.public_id
        neighbours[source].add(target)
        neighbours[target].add(source)
    reached, frontier = {public_id}, [public_id]
    while frontier:
        current = frontier.pop()
        for other in neighbours[current] - reached:
            reached.add(other)
            frontier.append(other)
    return [
        relationship
        for relationship in relationships
        if relationship.source_firm.public_id in reached
    ]
