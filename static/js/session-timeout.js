// Warns two minutes before the server ends an idle session and lets the user stay signed
// in. data-timeout is the time the page's session really has left (the server renews the
// expiry at most once a minute); the keep-alive answer gives the new time left. Progressive enhancement only: the server enforces the timeout.
(function () {
  "use strict";
  var banner = document.getElementById("session-warning");
  if (!banner) { return; }
  var timeout = parseInt(banner.getAttribute("data-timeout"), 10) * 1000;
  var warnBefore = 2 * 60 * 1000;
  if (!timeout || timeout <= warnBefore) { return; }
  var warnTimer = null;
  var expireTimer = null;

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function schedule() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(expireTimer);
    banner.hidden = true;
    warnTimer = window.setTimeout(function () { banner.hidden = false; }, timeout - warnBefore);
    expireTimer = window.setTimeout(function () {
      window.location.href = banner.getAttribute("data-login-url") +
        "?next=" + encodeURIComponent(window.location.pathname + window.location.search);
    }, timeout + 1000);
  }

  banner.querySelector("[data-session-keepalive]").addEventListener("click", function () {
    fetch(banner.getAttribute("data-keepalive-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) { window.location.reload(); return null; }
      return response.json().then(function (data) {
        if (data && data.expires_in > 0) { timeout = data.expires_in * 1000; }
        schedule();
      });
    });
  });

  schedule();
})();
