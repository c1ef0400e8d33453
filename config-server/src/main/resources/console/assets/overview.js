// The overview's counts, refreshed every 5 s from the JSON summary without reloading the page. Each count's element
// names its place in the summary (data-count="stale.checks"); a box marked data-watch shows as trouble when not zero.
"use strict";
(function () {
  const updated = document.getElementById("updated");
  window.aami.poll("/api/v1/fleet/summary", (summary) => {
    for (const cell of document.querySelectorAll("[data-count]")) {
      const [group, name] = cell.dataset.count.split(".");
      const value = summary[group] ? summary[group][name] : undefined;
      if (typeof value !== "number") {
        continue;
      }
      cell.textContent = String(value);
      const box = cell.closest(".count");
      if (box && box.dataset.watch !== undefined) {
        box.classList.toggle("alert", value > 0);
      }
    }
    updated.textContent = summary.at;
  }, 5000);
})();
