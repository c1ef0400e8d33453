// Secrets shown once (bootstrap tokens, API tokens). A form with data-secret="<panel id>" that the API accepted puts
// the answer's token into the panel's [data-secret-value] and shows the panel. The secret lives only in this page's
// DOM, from the POST's answer: never in the server-rendered HTML, a URL or the browser's storage; it is wiped when
// the page is left (so the back/forward cache keeps no copy), and a reload shows the list without it.
//  button[data-copy="<element id>"] copies that element's text: navigator.clipboard where the browser allows it
//  (a secure context), else the text is selected for Ctrl+C.
"use strict";
(function () {
  document.addEventListener("aami:done", (event) => {
    const form = event.target;
    const panelId = form.dataset ? form.dataset.secret : undefined;
    if (!panelId) {
      return;
    }
    const panel = document.getElementById(panelId);
    panel.querySelector("[data-secret-value]").textContent = (event.detail && event.detail.token) || "";
    form.reset();
    panel.hidden = false;
    panel.focus();
  });

  function select(element) {
    const range = document.createRange();
    range.selectNodeContents(element);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  document.addEventListener("click", async (event) => {
    const button = event.target.closest ? event.target.closest("button[data-copy]") : null;
    if (!button) {
      return;
    }
    const source = document.getElementById(button.dataset.copy);
    try {
      await navigator.clipboard.writeText(source.textContent);
      window.aami.say("Copied to the clipboard.");
    } catch (e) {
      select(source);
      window.aami.say("Selected: press Ctrl+C (or \u2318C) to copy.");
    }
  });

  window.addEventListener("pagehide", () => {
    for (const value of document.querySelectorAll("[data-secret-value]")) {
      value.textContent = "";
    }
  });
})();
