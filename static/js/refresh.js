// Polls the status of queued and running action-log rows and updates them in place.
// Without JavaScript the page reloads itself instead (<noscript> meta refresh).
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch) return;
  var url = script.getAttribute("data-status-url");
  var pending = (script.getAttribute("data-ids") || "").split(",").filter(Boolean);
  var reloadWhenDone = script.getAttribute("data-reload") === "1";
  var delay = 2000;
  var deadline = Date.now() + 30 * 60 * 1000;

  function setText(scope, field, text) {
    var node = scope.querySelector('[data-field="' + field + '"]');
    if (node) node.textContent = text;
  }

  function update(row) {
    var nodes = document.querySelectorAll('[data-log-id="' + row.id + '"]');
    nodes.forEach(function (node) {
      var badge = node.querySelector(".badge");
      if (badge) {
        badge.className = "badge badge-" + row.status;
        badge.setAttribute("data-status", row.status);
        badge.textContent = row.status_label;
      }
      if (row.final) {
        setText(node, "progress", row.error_code || "");
      } else {
        setText(node, "progress", row.progress || "Waiting…");
      }
      setText(node, "attempts", String(row.attempts));
      if (row.duration_ms !== null) setText(node, "duration", row.duration_ms + " ms");
      if (row.final) node.removeAttribute("data-log-id");
    });
  }

  function poll() {
    if (!pending.length || Date.now() > deadline) return;
    fetch(url + "?ids=" + encodeURIComponent(pending.join(",")), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        var finished = 0;
        data.rows.forEach(function (row) {
          update(row);
          if (row.final) finished += 1;
        });
        pending = data.rows.filter(function (row) { return !row.final; })
          .map(function (row) { return String(row.id); });
        if (finished && reloadWhenDone) {
          window.location.reload();
          return;
        }
        delay = 2000;
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 30000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
