// The overview's counts, refreshed every 5 s from the JSON summary; logout with the session's CSRF token.
// The refresh says X-AAMI-Poll: 1, so it does not count as use and the session still times out when left open.
"use strict";
(function () {
  const csrf = document.getElementById("session").dataset.csrf;
  const updated = document.getElementById("updated");

  async function refresh() {
    try {
      const r = await fetch("/api/v1/fleet/summary", { credentials: "same-origin", headers: { "Accept": "application/json", "X-AAMI-Poll": "1" } });
      if (r.status === 401) {
        window.location.assign("/ui/login");
        return;
      }
      if (!r.ok) {
        return;
      }
      const summary = await r.json();
      for (const group of ["targets", "checks"]) {
        for (const [name, count] of Object.entries(summary[group] || {})) {
          const cell = document.querySelector('[data-count="' + group + "." + name + '"]');
          if (cell) {
            cell.textContent = String(count);
          }
        }
      }
      updated.textContent = summary.at;
    } catch (e) {
      // The next tick tries again; the page keeps the last counts.
    }
  }

  setInterval(refresh, 5000);

  const logout = document.getElementById("logout");
  if (logout) {
    logout.addEventListener("click", async () => {
      await fetch("/api/v1/login/session", { method: "DELETE", credentials: "same-origin", headers: { "X-CSRF-Token": csrf } });
      window.location.assign("/ui/login");
    });
  }
})();
