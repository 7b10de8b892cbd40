"""Template tags behind the map, network and timeline partials.

They shape rows the profile views have already read (no queries of their
own), so that a profile gains a map or a timeline with one include line.
"""

from django import template

from entities.models import Site
from entities.timeline import claim_timeline, describe
from entities.visual import SITES_IN_NEIGHBOURHOOD, firm_neighbourhood, site_map

register = template.Library()


@register.simple_tag
def map_of(sites):
    """The map data of a site, or of an iterable of sites."""
    if isinstance(sites, Site):
        sites = [sites]
    return site_map(sites or [])


@register.simple_tag
def network_of(firm):
    """A firm's neighbourhood: its relationships and the graph of them."""
    relationships, graph = firm_neighbourhood(firm)
    return {"relationships": relationships, "graph": graph, "site_limit": SITES_IN_NEIGHBOURHOOD}


@register.simple_tag
def timeline_of(claims):
    """Claims (a list, or a profile's (label, claims) groups) laid out on a time axis."""
    timeline = claim_timeline(claims or [])
    timeline.description = describe(timeline)
    return timeline
