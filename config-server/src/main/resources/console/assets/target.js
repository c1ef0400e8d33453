// The target page's history charts (uPlot, loaded by the layout): for each figure[data-history], the last 24 hours
// of results (at most 500) from the JSON history route, drawn as status (or success) over time and duration (or
// latency) over time. The figure's caption is replaced by a summary of the same data: the chart's text alternative.
// Charts load one after another, so a target with many checks does not fire every request at once.
"use strict";
(function () {
  const DAY_MS = 24 * 3600 * 1000;
  const STATUS = ["ok", "warning", "critical", "unknown"];

  function width(figure) {
    return Math.max(260, Math.min(figure.clientWidth - 16, 900));
  }

  function checkSeries(rows) {
    const t = [], status = [], ms = [];
    const counts = { ok: 0, warning: 0, critical: 0, unknown: 0 };
    for (const r of rows) {
      t.push(Date.parse(r.executed_at) / 1000);
      const s = STATUS.indexOf(r.status);
      status.push(s < 0 ? 3 : s);
      ms.push(r.duration_ms);
      counts[r.status] = (counts[r.status] || 0) + 1;
    }
    const summary = rows.length + " results in 24 h: " + STATUS.map((s) => counts[s] + " " + s).join(", ");
    return { data: [t, status, ms], summary, left: "status", right: "duration ms", names: STATUS };
  }

  function probeSeries(rows, destination) {
    const t = [], ok = [], ms = [];
    let failed = 0;
    for (const r of rows) {
      if (destination && r.destination_target_id !== destination && r.target !== destination) {
        continue;
      }
      t.push(Date.parse(r.executed_at) / 1000);
      ok.push(r.success ? 1 : 0);
      ms.push(r.total_ms);
      if (!r.success) {
        failed++;
      }
    }
    const summary = t.length + " results in 24 h: " + (t.length - failed) + " succeeded, " + failed + " failed";
    return { data: [t, ok, ms], summary, left: "success", right: "latency ms", names: ["failed", "success"] };
  }

  function draw(figure, s) {
    const plot = figure.querySelector(".plot");
    const caption = figure.querySelector("figcaption");
    caption.textContent = s.summary + (s.data[0].length ? "; " + s.right + " min " + Math.min(...s.data[2]) + ", max "
      + Math.max(...s.data[2]) : "") + ".";
    if (s.data[0].length === 0 || typeof uPlot === "undefined") {
      return;
    }
    const names = s.names;
    new uPlot({
      width: width(figure),
      height: 180,
      series: [
        {},
        { label: s.left, scale: "state", stroke: "#0b4f9c", width: 2, paths: uPlot.paths.stepped({ align: 1 }),
          value: (u, v) => (v == null ? "" : names[v]) },
        { label: s.right, scale: "ms", stroke: "#a40e26", width: 1 },
      ],
      scales: { state: { range: [0, names.length - 1] } },
      axes: [
        {},
        { scale: "state", values: (u, vals) => vals.map((v) => (Number.isInteger(v) ? names[v] || "" : "")) },
        { scale: "ms", side: 1, grid: { show: false } },
      ],
    }, s.data, plot);
  }

  async function load(figure) {
    const since = new Date(Date.now() - DAY_MS).toISOString();
    const sep = figure.dataset.history.includes("?") ? "&" : "?";
    const r = await window.aami.api("GET", figure.dataset.history + sep + "since=" + encodeURIComponent(since) + "&limit=500");
    if (!r.ok) {
      figure.querySelector("figcaption").textContent = "History unavailable: " + ((r.body && r.body.error) || r.status);
      return;
    }
    // The route answers newest first; a chart reads left to right.
    const rows = (r.body || []).slice().reverse();
    draw(figure, figure.dataset.kind === "probe" ? probeSeries(rows, figure.dataset.destination) : checkSeries(rows));
  }

  (async function () {
    for (const figure of document.querySelectorAll("figure[data-history]")) {
      try {
        await load(figure);
      } catch (e) {
        figure.querySelector("figcaption").textContent = "History unavailable: the server cannot be reached.";
      }
    }
  })();
})();
