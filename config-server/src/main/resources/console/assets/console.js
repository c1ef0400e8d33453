// The console's shared behaviour. No page has inline script (the Content-Security-Policy forbids it): pages declare
// what they need with data- attributes and this file wires them, so every change goes through the JSON API with its
// validation, roles and audit, and the session's CSRF token (body[data-csrf]) goes with every write.
//
//  form[data-api="/api/v1/…"] [data-method="PUT"] [data-next="/ui/checks/{id}"] [data-stay]
//      Sent as JSON. Each named control gives one field; data-type on the control says how:
//        (none) string · number · bool (checkbox) · lines (textarea, one item a line → array)
//        · map (textarea, key=value a line → object) · json (parsed as is).
//      A dotted name nests (process.name_regex → {"process": {"name_regex": …}}); a fieldset's name only lets an
//      error on the whole object (field "process") be shown after it.
//      An empty control without data-keep-empty is left out. On 2xx an "aami:done" event (detail: the answer)
//      is sent to the form; then the browser goes to data-next ({id} from the answer) or reloads, unless data-stay.
//      On an error the API's message is shown next to the control its `field` names, else in the form's
//      [data-error] element, else in #status.
//  button[data-api] [data-method] [data-body='{"…"}'] [data-confirm="Revoke this?"] [data-next]
//      One action, after a confirmation when data-confirm is set.
//  window.aami.api(method, path, body) → {status, body}; window.aami.poll(url, onData, ms) (a background poll:
//      X-AAMI-Poll keeps it from counting as use of the session).
"use strict";
(function () {
  const csrf = document.body.dataset.csrf || "";

  async function api(method, path, body) {
    const headers = { "Accept": "application/json" };
    if (method !== "GET" && csrf) {
      headers["X-CSRF-Token"] = csrf;
    }
    const init = { method, headers, credentials: "same-origin" };
    if (body !== undefined && body !== null) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const r = await fetch(path, init);
    if (r.status === 401) {
      window.location.assign("/ui/login");
    }
    const text = await r.text();
    let parsed = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch (e) {
      parsed = { error: text };
    }
    return { status: r.status, ok: r.ok, body: parsed };
  }

  function poll(url, onData, ms) {
    async function tick() {
      try {
        const r = await fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json", "X-AAMI-Poll": "1" } });
        if (r.status === 401) {
          window.location.assign("/ui/login");
          return;
        }
        if (r.ok) {
          onData(await r.json());
        }
      } catch (e) {
        // The next tick tries again; the page keeps what it shows.
      }
    }
    return setInterval(tick, ms || 5000);
  }

  function say(message) {
    const status = document.getElementById("status");
    if (status) {
      status.textContent = message;
    }
  }

  function value(control) {
    const type = control.dataset.type || "";
    const raw = control.value;
    if (type === "bool") {
      return control.checked;
    }
    if (raw === "" && control.dataset.keepEmpty === undefined) {
      return undefined;
    }
    if (type === "number") {
      return Number(raw);
    }
    if (type === "lines") {
      return raw.split("\n").map((l) => l.trim()).filter((l) => l !== "");
    }
    if (type === "map") {
      const map = {};
      for (const line of raw.split("\n")) {
        const at = line.indexOf("=");
        if (line.trim() !== "") {
          map[(at < 0 ? line : line.slice(0, at)).trim()] = at < 0 ? "" : line.slice(at + 1).trim();
        }
      }
      return map;
    }
    if (type === "json") {
      try {
        return JSON.parse(raw);
      } catch (e) {
        return raw;
      }
    }
    return raw;
  }

  function body(form) {
    const out = {};
    for (const control of form.elements) {
      if (!control.name || control.disabled || control.type === "submit" || control.type === "button"
          || control.tagName === "FIELDSET") {
        continue;
      }
      if (control.type === "radio" && !control.checked) {
        continue;
      }
      const v = value(control);
      if (v !== undefined) {
        put(out, control.name, v);
      }
    }
    return out;
  }

  // A dotted name is a path into nested objects: process.name_regex → {"process": {"name_regex": …}}.
  function put(out, name, v) {
    const dot = name.indexOf(".");
    if (dot < 0) {
      out[name] = v;
      return;
    }
    const head = name.slice(0, dot);
    if (typeof out[head] !== "object" || out[head] === null || Array.isArray(out[head])) {
      out[head] = {};
    }
    put(out[head], name.slice(dot + 1), v);
  }

  function clearErrors(form) {
    for (const old of form.querySelectorAll(".field-error")) {
      old.remove();
    }
    for (const invalid of form.querySelectorAll("[aria-invalid]")) {
      invalid.removeAttribute("aria-invalid");
      invalid.removeAttribute("aria-describedby");
    }
    const general = form.querySelector("[data-error]");
    if (general) {
      general.textContent = "";
      general.hidden = true;
    }
  }

  // The API names a bad field by its wire name, sometimes with a path (labels.env, rules[2].port): the control is
  // the longest name the form has.
  function controlFor(form, field) {
    let name = field || "";
    while (name) {
      const control = form.elements.namedItem(name);
      if (control && control.nodeType === 1) {
        return control;
      }
      const cut = Math.max(name.lastIndexOf("."), name.lastIndexOf("["));
      name = cut > 0 ? name.slice(0, cut) : "";
    }
    return null;
  }

  function showError(form, answer, status) {
    const message = (answer && answer.error) || ("the server answered " + status);
    const control = form ? controlFor(form, answer && answer.field) : null;
    if (control) {
      const note = document.createElement("p");
      note.className = "field-error";
      // A nested field's dots would need escaping in CSS selectors: process.name_regex → form-process-name_regex-error.
      note.id = (form.id || "form") + "-" + control.name.replace(/\./g, "-") + "-error";
      note.textContent = message;
      control.setAttribute("aria-invalid", "true");
      control.setAttribute("aria-describedby", note.id);
      control.insertAdjacentElement("afterend", note);
      control.focus();
      return;
    }
    const general = form && form.querySelector("[data-error]");
    if (general) {
      general.textContent = message;
      general.hidden = false;
      return;
    }
    say(message);
  }

  function done(element, answer) {
    element.dispatchEvent(new CustomEvent("aami:done", { detail: answer, bubbles: true }));
    if (element.dataset.stay !== undefined) {
      return;
    }
    const next = element.dataset.next;
    if (next) {
      const id = answer && answer.id !== undefined ? String(answer.id) : "";
      window.location.assign(next.replace("{id}", encodeURIComponent(id)));
    } else {
      window.location.reload();
    }
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.dataset || !form.dataset.api) {
      return;
    }
    event.preventDefault();
    clearErrors(form);
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      return;
    }
    try {
      const r = await api(form.dataset.method || "POST", form.dataset.api, body(form));
      if (r.ok) {
        done(form, r.body);
      } else {
        showError(form, r.body, r.status);
      }
    } catch (e) {
      showError(form, { error: "the server cannot be reached" }, 0);
    }
  });

  document.addEventListener("click", async (event) => {
    const button = event.target.closest ? event.target.closest("button[data-api]") : null;
    if (!button) {
      return;
    }
    event.preventDefault();
    if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
      return;
    }
    try {
      const payload = button.dataset.body ? JSON.parse(button.dataset.body) : null;
      const r = await api(button.dataset.method || "POST", button.dataset.api, payload);
      if (r.ok) {
        done(button, r.body);
      } else {
        showError(button.closest("form"), r.body, r.status);
      }
    } catch (e) {
      say("the server cannot be reached");
    }
  });

  const logout = document.getElementById("logout");
  if (logout) {
    logout.addEventListener("click", async () => {
      await api("DELETE", "/api/v1/login/session");
      window.location.assign("/ui/login");
    });
  }

  window.aami = { api, poll, say };
})();
