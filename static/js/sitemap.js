/* The maps of sites (issue 5): Leaflet, data from a json_script block, no inline code.
 *
 * A site with an exact location is a filled dot; a site known only to its
 * locality is a dashed ring around the locality plus a circle of the
 * plausible area; sites known only by region never reach this script (the
 * server leaves their coordinates out). Without a tile server configured the
 * markers are drawn on a plain background.
 */
(function () {
  "use strict";

  var OCCUPIED_CENTRE = [47.2, 35.5];

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function popupFor(marker) {
    var box = el("div", "map-popup");
    marker.sites.forEach(function (site) {
      var item = el("p");
      var link = el("a", null, site.name);
      link.href = site.url;
      item.appendChild(link);
      item.appendChild(el("br"));
      item.appendChild(document.createTextNode(site.kind + " · " + site.region));
      box.appendChild(item);
    });
    box.appendChild(el("p", "map-popup-precision", marker.precision_label));
    return box;
  }

  function draw(container) {
    var script = document.getElementById(container.getAttribute("data-map-data"));
    if (!script || typeof L === "undefined") return;
    var data = JSON.parse(script.textContent);
    var block = container.closest(".map-block");
    if (block) block.hidden = false;
    var map = L.map(container, { scrollWheelZoom: false, attributionControl: !!data.tiles.url });
    if (data.tiles.url) {
      L.tileLayer(data.tiles.url, { attribution: data.tiles.attribution, maxZoom: 18 }).addTo(map);
    }
    L.control.scale({ imperial: false }).addTo(map);
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
      layer.bindPopup(popupFor(marker));
      layer.bindTooltip(marker.sites.map(function (s) { return s.name; }).join("; "));
      layer.addTo(map);
      bounds.push(point);
    });
    if (bounds.length) {
      map.fitBounds(bounds, { padding: [40, 40], maxZoom: 9 });
    } else {
      map.setView(OCCUPIED_CENTRE, 6);
    }
    container.setAttribute("data-markers", String(data.markers.length));
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
