// The overview's counts, refreshed every 5 s from the JSON summary without reloading the page.
"use strict";
(function () {
  const updated = document.getElementById("updated");
  window.aami.poll("/api/v1/fleet/summary", (summary) => {
    for (const group of ["targets", "checks"]) {
      for (const [name, count] of Object.entries(summary[group] || {})) {
        const cell = document.querySelector('[data-count="' + group + "." + name + '"]');
        if (cell) {
          cell.textContent = String(count);
        }
      }
    }
    updated.textContent = summary.at;
  }, 5000);
})();
