/* Console: refresh the round monitor every 15 seconds (the page also works without this). */
(function () {
  "use strict";
  var table = document.getElementById("monitor");
  if (!table || !window.fetch) { return; }
  var url = table.getAttribute("data-url");
  function fmt(key, value) {
    if (value === null || value === undefined) { return "—"; }
    if (key === "completion_pct") { return Math.round(value) + " %"; }
    if (key === "median_minutes") { return value + " min"; }
    return String(value);
  }
  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        data.groups.forEach(function (g) {
          var row = table.querySelector('tr[data-group="' + g.group + '"]');
          if (!row) { return; }
          row.querySelectorAll("td[data-k]").forEach(function (cell) {
            var key = cell.getAttribute("data-k");
            if (key !== "median_minutes") { cell.textContent = fmt(key, g[key]); }
          });
        });
      })
      .catch(function () { /* offline: keep the last figures */ });
  }
  setInterval(refresh, 15000);
})();
