/* The maps of sites: Leaflet, data from a json_script block, no inline code.
 *
 * The base layer is the hub's own file (static/geo/ukraine.geojson: Ukraine's
 * internationally recognised border, Crimea and Sevastopol included, its
 * oblasts, their names and major cities), so the map needs no tile server and
 * no network. A site with an exact location is a filled dot; a site known only
 * to its locality is a dashed ring around the locality plus a circle of the
 * plausible area; sites known only by region shade the region, with their
 * number. A tile server (HUB_MAP_TILE_URL) is drawn under all of it when set.
 */
(function () {
  "use strict";

  var UKRAINE = [[44.38, 22.13], [52.38, 40.23]];

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function popupFor(sites, note) {
    var box = el("div", "map-popup");
    sites.forEach(function (site) {
      var item = el("p");
      var link = el("a", null, site.name);
      link.href = site.url;
      item.appendChild(link);
      item.appendChild(el("br"));
      item.appendChild(document.createTextNode(site.kind + " · " + site.region));
      box.appendChild(item);
    });
    box.appendChild(el("p", "map-popup-precision", note));
    return box;
  }

  function label(point, text, className) {
    var icon = L.divIcon({ className: "map-label " + className, html: "", iconSize: null });
    var marker = L.marker(point, { icon: icon, interactive: false, keyboard: false, pane: "labels" });
    marker.on("add", function () { marker.getElement().textContent = text; });
    return marker;
  }

  // Hides every label that would overlap one placed before it (the list is in priority order).
  function declutter(labels) {
    var placed = [];
    labels.forEach(function (marker) {
      var node = marker.getElement();
      if (!node) return;
      node.classList.remove("map-label-hidden");
      var box = node.getBoundingClientRect();
      var clash = placed.some(function (other) {
        return box.left < other.right + 2 && box.right + 2 > other.left &&
          box.top < other.bottom + 1 && box.bottom + 1 > other.top;
      });
      if (clash) node.classList.add("map-label-hidden");
      else placed.push(box);
    });
  }

  function drawBase(map, geo, data, compact) {
    var regions = {};
    data.regions.forEach(function (region) { regions[region.region] = region; });
    var name = data.labels === "uk" ? "name_uk" : "name_en";
    var first = [], second = [], third = [];
    L.geoJSON(geo, {
      pane: "base",
      filter: function (feature) { return feature.geometry.type !== "Point"; },
      style: function (feature) {
        var p = feature.properties;
        if (p.layer === "border") return { className: "basemap-border", fill: false };
        var names = "basemap-oblast";
        if (p.region) names += " basemap-occupied";
        if (regions[p.region]) names += " basemap-region-shade";
        return { className: names };
      },
      interactive: false
    }).addTo(map);
    geo.features.forEach(function (feature) {
      var p = feature.properties;
      if (feature.geometry.type !== "Point") return;
      var point = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
      if (p.layer === "oblast-label") {
        var region = regions[regionOf(geo, p.katotth)];
        if (region) {
          var count = label(point, region.count + " · " + region.label, "region-count");
          count.addTo(map);
          first.push(count);
          var marker = L.circleMarker(point, { radius: 14, className: "region-count-target", opacity: 0, fillOpacity: 0 });
          marker.bindPopup(popupFor(region.sites, region.label));
          marker.addTo(map);
        } else if (!compact) {
          var text = label(point, p[name], "oblast-name");
          text.addTo(map);
          third.push(text);
        }
      } else if (p.layer === "city") {
        L.circleMarker(point, { radius: 2, className: "basemap-city", interactive: false, pane: "base" }).addTo(map);
        var city = label(point, p[name], "city-name");
        city.addTo(map);
        second.push(city);
      }
    });
    var labels = first.concat(second, third);
    map.on("zoomend moveend", function () { declutter(labels); });
    declutter(labels);
  }

  function regionOf(geo, katotth) {
    var found = "";
    geo.features.forEach(function (feature) {
      if (feature.properties.layer === "oblast" && feature.properties.katotth === katotth) {
        found = feature.properties.region;
      }
    });
    return found;
  }

  function drawSites(map, data) {
    var bounds = [];
    data.markers.forEach(function (marker) {
      var point = [marker.lat, marker.lng];
      var kind = "site-kind-" + marker.kind;
      var layer;
      if (marker.precision === "locality") {
        L.circle(point, { radius: marker.radius, className: "site-area " + kind, interactive: false }).addTo(map);
        layer = L.circleMarker(point, { radius: 9, className: "site-marker site-marker-locality " + kind });
      } else {
        layer = L.circleMarker(point, { radius: 7, className: "site-marker site-marker-exact " + kind });
      }
      layer.bindPopup(popupFor(marker.sites, marker.precision_label));
      layer.bindTooltip(marker.sites.map(function (s) { return s.name; }).join("; "));
      layer.addTo(map);
      bounds.push(point);
    });
    return bounds;
  }

  function draw(container) {
    var script = document.getElementById(container.getAttribute("data-map-data"));
    if (!script || typeof L === "undefined") return;
    var data = JSON.parse(script.textContent);
    var compact = container.classList.contains("site-map-small");
    var block = container.closest(".map-block");
    if (block) block.hidden = false;
    var map = L.map(container, { scrollWheelZoom: false, attributionControl: !!data.tiles.url, zoomSnap: 0.25 });
    map.createPane("base").classList.add("basemap-pane");
    map.createPane("labels").classList.add("labels-pane");
    if (data.tiles.url) {
      L.tileLayer(data.tiles.url, { attribution: data.tiles.attribution, maxZoom: 18 }).addTo(map);
    }
    L.control.scale({ imperial: false }).addTo(map);
    var bounds = drawSites(map, data);
    function fit() {
      if (compact && bounds.length) map.fitBounds(bounds, { padding: [40, 40], maxZoom: 8 });
      else map.fitBounds(UKRAINE, { padding: [8, 8] });
    }
    fit();
    // A phone turned, or a window resized: the whole picture again.
    var refit = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(refit);
      refit = window.setTimeout(function () { map.invalidateSize(); fit(); }, 150);
    });
    container.setAttribute("data-markers", String(data.markers.length));
    container.setAttribute("data-regions", String(data.regions.length));
    fetch(data.basemap, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("base layer: HTTP " + response.status);
        return response.json();
      })
      .then(function (geo) {
        drawBase(map, geo, data, compact);
        container.setAttribute("data-basemap", "drawn");
      })
      .catch(function () {
        container.setAttribute("data-basemap", "missing");
      });
  }

  function start() {
    document.querySelectorAll(".site-map[data-map-data]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
