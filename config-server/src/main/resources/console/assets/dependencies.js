// The dependency page's group graph (Cytoscape.js, loaded by the layout): the graph JSON from div#graph[data-graph]
// (GET /api/v1/dependencies), groups and names outside the fleet as nodes, edges as wide as the log of their
// connections and dashed when no probe covers them. Selecting a group goes to its targets. The table below the graph
// lists the same edges with links: the graph's text alternative and what works without script.
"use strict";
(function () {
  const box = document.getElementById("graph");
  if (!box || typeof window.cytoscape !== "function") {
    return;
  }

  // Cytoscape inserts a <style> of its own (its container's position) unless an element with this id exists; the
  // CSP refuses inline style, so console.css has that rule (.graph-canvas) and this marker spares the refused attempt.
  if (!document.getElementById("__________cytoscape_stylesheet")) {
    const marker = document.createElement("meta");
    marker.id = "__________cytoscape_stylesheet";
    document.head.appendChild(marker);
  }

  function width(connections) {
    return Math.min(12, 1 + 1.5 * Math.log2(1 + connections));
  }

  function link(node) {
    if (node.kind !== "group") {
      return "";
    }
    return /^[0-9a-f-]{36}$/.test(node.id) ? "/ui/targets?group_id=" + encodeURIComponent(node.id) : "/ui/targets";
  }

  function elements(graph) {
    const out = [];
    for (const n of graph.nodes) {
      out.push({ group: "nodes", data: { id: n.id, label: n.name, kind: n.kind, href: link(n) } });
    }
    graph.edges.forEach((e, i) => {
      out.push({ group: "edges", data: { id: "e" + i, source: e.source, target: e.target, width: width(e.connections),
        label: e.protocol + "/" + e.port + " (" + e.connections + ")", covered: e.covered ? "yes" : "no" } });
    });
    return out;
  }

  function draw(graph) {
    if (graph.nodes.length === 0) {
      box.dataset.nodes = "0";
      box.hidden = true;
      return;
    }
    const cy = window.cytoscape({
      container: box,
      elements: elements(graph),
      layout: { name: graph.nodes.length > 60 ? "grid" : "cose", animate: false, padding: 20 },
      wheelSensitivity: 0.3,
      style: [
        { selector: "node", style: { "label": "data(label)", "font-size": 12, "color": "#1b1f24", "text-valign": "bottom",
          "text-margin-y": 4, "background-color": "#2f5d8a", "width": 22, "height": 22 } },
        { selector: "node[kind = 'external']", style: { "shape": "round-rectangle", "background-color": "#7a4f00" } },
        { selector: "node[kind = 'address']", style: { "shape": "diamond", "background-color": "#4f5b69" } },
        { selector: "node[href != '']", style: { "border-width": 2, "border-color": "#1b1f24" } },
        { selector: "edge", style: { "width": "data(width)", "curve-style": "bezier", "target-arrow-shape": "triangle",
          "line-color": "#6b7785", "target-arrow-color": "#6b7785", "label": "data(label)", "font-size": 10,
          "text-rotation": "autorotate", "text-background-color": "#ffffff", "text-background-opacity": 1 } },
        { selector: "edge[covered = 'no']", style: { "line-style": "dashed", "line-color": "#a40e26", "target-arrow-color": "#a40e26" } },
      ],
    });
    cy.on("tap", "node", (evt) => {
      const href = evt.target.data("href");
      if (href) {
        window.location.assign(href);
      }
    });
    // What was drawn, for a reader of the DOM (and the browser tests: the element keeps the instance as "aamiGraph").
    box.dataset.nodes = String(cy.nodes().length);
    box.dataset.edges = String(cy.edges().length);
    box.aamiGraph = cy;
    box.dataset.drawn = "true";
  }

  window.aami.api("GET", box.dataset.graph).then((r) => {
    if (r.ok && r.body) {
      draw(r.body);
    } else {
      box.dataset.drawn = "error";
    }
  }).catch(() => {
    box.dataset.drawn = "error";
  });
})();
