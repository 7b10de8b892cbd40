/* The network of firms (issue 5): Cytoscape.js, data from a json_script block.
 *
 * Selecting a firm opens its profile, selecting a tie opens the relationship's
 * page with its citations. The same ties are listed as HTML on the page.
 */
(function () {
  "use strict";

  // The same colours as the .firm-kind-* legend swatches in hub.css.
  var KIND_COLOURS = {
    company: "#0072b2", soe: "#d55e00", network: "#e69f00",
    academic: "#009e73", financial: "#cc79a7", intermediary: "#56b4e9"
  };

  // A firm's neighbourhood: the firm in the middle, its partners around it.
  // The whole network: a force-directed layout that separates its parts.
  function layoutFor(data, neighbourhood) {
    if (neighbourhood && data.nodes.length <= 40) {
      return {
        name: "concentric", animate: false, padding: 30, minNodeSpacing: 70,
        concentric: function (node) { return node.hasClass("focus") ? 2 : 1; },
        levelWidth: function () { return 1; }
      };
    }
    return { name: "cose", animate: false, padding: 30, idealEdgeLength: 90, nodeRepulsion: 8000 };
  }

  function draw(container) {
    var script = document.getElementById(container.getAttribute("data-graph-data"));
    if (!script || typeof cytoscape === "undefined") return;
    var data = JSON.parse(script.textContent);
    var block = container.closest(".network-block");
    if (block) block.hidden = false;
    var elements = data.nodes.map(function (node) {
      return { group: "nodes", data: node, classes: node.focus ? "focus" : "" };
    }).concat(data.edges.map(function (edge) {
      return { group: "edges", data: edge };
    }));
    var cy = cytoscape({
      container: container,
      elements: elements,
      wheelSensitivity: 0.3,
      minZoom: 0.2,
      maxZoom: 1.6,
      style: [
        { selector: "node", style: {
          "label": "data(label)", "font-size": 11, "text-wrap": "wrap", "text-max-width": 120,
          "text-valign": "bottom", "text-margin-y": 4, "color": "#1d1f24",
          "background-color": function (node) { return KIND_COLOURS[node.data("kind")] || "#5a6070"; },
          "width": 18, "height": 18
        } },
        { selector: "node.focus", style: { "border-width": 4, "border-color": "#1d1f24", "width": 24, "height": 24 } },
        { selector: "edge", style: {
          "label": "data(label)", "font-size": 9, "color": "#5a6070", "width": 2,
          "line-color": "#8a8f9c", "target-arrow-color": "#8a8f9c", "target-arrow-shape": "triangle",
          "curve-style": "bezier", "text-rotation": "autorotate", "text-background-color": "#fff",
          "text-background-opacity": 1, "text-background-padding": 2
        } }
      ],
      layout: layoutFor(data, container.classList.contains("network-graph-small"))
    });
    cy.on("tap", "node, edge", function (event) {
      var url = event.target.data("url");
      if (url) window.location.assign(url);
    });
    // Keep the whole graph in view when the window changes size (a phone turned).
    var refit = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(refit);
      refit = window.setTimeout(function () { cy.resize(); cy.fit(undefined, 30); }, 150);
    });
    container.setAttribute("data-nodes", String(cy.nodes().length));
    container.setAttribute("data-edges", String(cy.edges().length));
  }

  function start() {
    document.querySelectorAll(".network-graph[data-graph-data]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
