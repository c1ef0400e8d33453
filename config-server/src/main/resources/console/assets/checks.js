// The check and probe forms' exclusive choices. A select[data-toggles="scope"] shows and enables the elements whose
// data-scope is its value and hides and disables the others (likewise data-toggles="dest" with data-dest), so
// console.js sends exactly one of "global": true, group_id or target_id (and one of target or target_group_id);
// the API still refuses any other combination, and its error is shown next to the select.
"use strict";
(function () {
  function apply(select) {
    const name = select.dataset.toggles;
    for (const element of select.form.querySelectorAll("[data-" + name + "]")) {
      const on = element.dataset[name] === select.value;
      if (element.tagName === "DIV") {
        element.hidden = !on;
      } else {
        element.disabled = !on;
      }
    }
  }

  for (const select of document.querySelectorAll("select[data-toggles]")) {
    select.addEventListener("change", () => apply(select));
    apply(select);
  }
})();
