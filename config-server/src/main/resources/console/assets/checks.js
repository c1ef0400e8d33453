// The check and probe forms' exclusive choices. A select[data-toggles="scope"] shows and enables the elements whose
// data-scope is its value and hides and disables the others (likewise data-toggles="dest" with data-dest), so
// console.js sends exactly one of "global": true, group_id or target_id (and one of target or target_group_id);
// the API still refuses any other combination, and its error is shown next to the select.
// A fieldset[data-toggles="kind"] of radios does the same with the checked radio's value: the new-check form's
// script, process and passive fields (a data-kind may list several values, space-separated). A hidden container
// also disables the controls in it, so a process check is never sent a script (the API would refuse it).
"use strict";
(function () {
  const CONTROLS = ["INPUT", "SELECT", "TEXTAREA", "BUTTON"];

  function chosen(chooser) {
    if (chooser.tagName === "SELECT") {
      return chooser.value;
    }
    const on = chooser.querySelector("input:checked");
    return on ? on.value : "";
  }

  function apply(chooser) {
    const name = chooser.dataset.toggles;
    const value = chosen(chooser);
    for (const element of chooser.form.querySelectorAll("[data-" + name + "]")) {
      const on = element.dataset[name].split(" ").includes(value);
      if (CONTROLS.includes(element.tagName)) {
        element.disabled = !on;
      } else {
        element.hidden = !on;
        for (const control of element.querySelectorAll("input, select, textarea")) {
          control.disabled = !on;
        }
      }
    }
  }

  for (const chooser of document.querySelectorAll("[data-toggles]")) {
    chooser.addEventListener("change", () => apply(chooser));
    apply(chooser);
  }
})();
