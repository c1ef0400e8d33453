// The target list's bulk actions (operators only: the form is drawn for them alone, and the API refuses the rest):
// the rows' checkboxes (form="bulk") are gathered into one POST /api/v1/targets/bulk after a confirmation, so a bulk
// change keeps the API's validation, role check and per-target audit. Searching, filtering, sorting and paging are
// plain links and a GET form: they work without this script.
"use strict";
(function () {
  const form = document.getElementById("bulk");
  if (!form) {
    return;
  }
  const action = document.getElementById("bulk-action");
  const group = document.getElementById("bulk-group");
  const error = form.querySelector("[data-error]");
  const boxes = () => Array.from(document.querySelectorAll('input[type=checkbox][form="bulk"][name="target"]'));

  function syncGroup() {
    group.disabled = action.value !== "move";
  }
  action.addEventListener("change", syncGroup);
  syncGroup();

  const all = document.getElementById("select-all");
  if (all) {
    all.addEventListener("change", () => boxes().forEach((b) => { b.checked = all.checked; }));
  }

  function fail(message) {
    error.textContent = message;
    error.hidden = false;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    const ids = boxes().filter((b) => b.checked).map((b) => b.value);
    if (ids.length === 0) {
      fail("Select at least one target.");
      return;
    }
    const body = { action: action.value, target_ids: ids };
    let question = "Revoke " + ids.length + " target(s)? Their agents are refused from their next request.";
    if (action.value === "move") {
      if (!group.value) {
        fail("Choose a group to move to.");
        return;
      }
      body.group_id = group.value;
      question = "Move " + ids.length + " target(s) to group " + group.options[group.selectedIndex].text + "?";
    }
    if (!window.confirm(question)) {
      return;
    }
    try {
      const r = await window.aami.api("POST", form.dataset.bulk, body);
      if (r.ok) {
        window.aami.say((r.body.changed || []).length + " target(s) changed.");
        window.location.reload();
      } else {
        fail((r.body && r.body.error) || ("the server answered " + r.status));
      }
    } catch (e) {
      fail("the server cannot be reached");
    }
  });
})();
