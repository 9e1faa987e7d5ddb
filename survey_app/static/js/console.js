/* Console: move focus to a form's error summary; refresh the round monitor every 15 seconds (the page shows
   the same figures without this). */
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");  // a form's problems, listed at the top
  if (summary) { summary.focus(); }
  var table = document.getElementById("monitor");
  if (!table || !window.fetch || !window.JSON) { return; }
  var url = table.getAttribute("data-url");
  var stamp = document.getElementById("monitor-updated");
  var INTERVAL = 15000;

  function fill(row, figures) {
    if (!row || !figures) { return; }
    var cells = row.querySelectorAll("td[data-k]");
    for (var i = 0; i < cells.length; i += 1) {
      var key = cells[i].getAttribute("data-k");
      if (Object.prototype.hasOwnProperty.call(figures, key) && cells[i].textContent !== figures[key]) {
        cells[i].textContent = figures[key];
      }
    }
  }

  function refresh() {
    if (document.hidden) { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !data.groups) { return; }
        data.groups.forEach(function (g) {
          fill(table.querySelector('tr[data-group="' + g.group + '"]'), g.display);
        });
        fill(table.querySelector('tr[data-group="total"]'), data.total && data.total.display);
        if (stamp) {
          var now = new Date();
          stamp.textContent = (now.getHours() < 10 ? "0" : "") + now.getHours() + ":" +
            (now.getMinutes() < 10 ? "0" : "") + now.getMinutes() + ":" +
            (now.getSeconds() < 10 ? "0" : "") + now.getSeconds();
        }
      })
      .catch(function () { /* offline for a moment: keep the last figures */ });
  }

  setInterval(refresh, INTERVAL);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { refresh(); } });
})();
