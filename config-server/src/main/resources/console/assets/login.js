// The login form, sent as JSON: the login route takes only application/json, which no other site's form can send.
"use strict";
(function () {
  const form = document.getElementById("login");
  const error = document.getElementById("login-error");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    const body = JSON.stringify({ user: form.elements.user.value, password: form.elements.password.value });
    try {
      const r = await fetch("/api/v1/login/session", {
        method: "POST", headers: { "Content-Type": "application/json" }, body, credentials: "same-origin"
      });
      if (r.status === 201) {
        window.location.assign("/ui");
        return;
      }
      const answer = await r.json().catch(() => ({}));
      error.textContent = answer.error || ("login failed (" + r.status + ")");
    } catch (e) {
      error.textContent = "the server cannot be reached";
    }
    error.hidden = false;
  });
})();
