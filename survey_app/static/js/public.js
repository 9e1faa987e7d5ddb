/* Skip logic in the browser (the server applies the same rules) and small conveniences.
   Conditions arrive as parsed trees in data-relevant; nothing is ever evaluated as code. */
(function () {
  "use strict";
  var form = document.querySelector("form.survey-form");
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  document.querySelectorAll("button[data-once]").forEach(function (button) {
    button.form.addEventListener("submit", function () { setTimeout(function () { button.disabled = true; }, 0); });
  });
  document.querySelectorAll("textarea[data-counter]").forEach(function (area) {
    var out = document.getElementById(area.getAttribute("data-counter"));
    var update = function () { out.textContent = area.value.length + " / " + area.maxLength; };
    area.addEventListener("input", update);
  });
  /* A choice limit: once the limit is reached the other boxes are disabled (the server checks it again). */
  document.querySelectorAll(".choices[data-max]").forEach(function (group) {
    var limit = parseInt(group.getAttribute("data-max"), 10);
    var boxes = group.querySelectorAll("input[type=checkbox]");
    var update = function () {
      var checked = group.querySelectorAll("input[type=checkbox]:checked").length;
      boxes.forEach(function (box) { box.disabled = !box.checked && checked >= limit; });
    };
    boxes.forEach(function (box) { box.addEventListener("change", update); });
    update();
  });
  offline();
  if (!form) { return; }
  var earlier = {};
  try { earlier = JSON.parse(form.getAttribute("data-earlier") || "{}"); } catch (e) { earlier = {}; }

  function present(v) { return v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && v.length === 0) && !(typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0); }
  function isNum(v) { return typeof v === "number"; }
  function compare(op, left, right) {
    if (isNum(right)) {
      if (typeof left === "string") { left = parseFloat(left.replace(",", ".")); if (isNaN(left)) { return false; } }
      if (!isNum(left)) { return false; }
    } else if (typeof left !== "string") {
      if (!isNum(left)) { return false; }
      left = String(left);
    }
    switch (op) {
      case "==": return left === right;
      case "!=": return left !== right;
      case "<": return isNum(right) && left < right;
      case "<=": return isNum(right) && left <= right;
      case ">": return isNum(right) && left > right;
      case ">=": return isNum(right) && left >= right;
    }
    return false;
  }
  function evaluate(t, a) {
    if (t[0] === "x") { return window.SCRIXPath.truth(t[1], { answers: a, today: today() }); }
    switch (t[0]) {
      case "or": return evaluate(t[1], a) || evaluate(t[2], a);
      case "and": return evaluate(t[1], a) && evaluate(t[2], a);
      case "not": return !evaluate(t[1], a);
      case "answered": return present(a[t[1]]);
    }
    var v = a[t[0] === "cmp" ? t[2] : t[1]];
    if (!present(v)) { return false; }
    if (t[0] === "cmp") { return !(typeof v === "object") && compare(t[1], v, t[3]); }
    if (t[0] === "in") { return !(typeof v === "object") && t[2].some(function (x) { return compare("==", v, x); }); }
    if (t[0] === "contains") {
      if (Array.isArray(v)) { return v.map(String).indexOf(String(t[2])) >= 0; }
      if (typeof v === "object") { return Object.prototype.hasOwnProperty.call(v, String(t[2])); }
    }
    return false;
  }
  function today() {
    var d = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }
  /* A choice_filter (cascading lists): each choice carries its columns; those the filter refuses are hidden
     and cleared. */
  function filterChoices(block, answers) {
    var tree = block.getAttribute("data-filter");
    if (!tree) { return; }
    try { tree = JSON.parse(tree); } catch (e) { return; }
    block.querySelectorAll("option[data-columns]").forEach(function (option) {
      var columns = {};
      try { columns = JSON.parse(option.getAttribute("data-columns")); } catch (e) { columns = {}; }
      var keep = window.SCRIXPath.truth(tree, { answers: answers, columns: columns, today: today() });
      option.hidden = !keep;
      option.disabled = !keep;
      if (!keep && option.selected) { option.selected = false; option.parentNode.value = ""; }
    });
    block.querySelectorAll("label[data-columns]").forEach(function (label) {
      var columns = {};
      try { columns = JSON.parse(label.getAttribute("data-columns")); } catch (e) { columns = {}; }
      var keep = window.SCRIXPath.truth(tree, { answers: answers, columns: columns, today: today() });
      label.hidden = !keep;
      if (!keep) { label.querySelectorAll("input").forEach(function (i) { i.checked = false; }); }
    });
  }
  /* The browser's location fills a place question, only when the respondent presses the button (the
     browser asks for consent); typing the coordinates works without it. */
  document.querySelectorAll("button[data-locate]").forEach(function (button) {
    if (!("geolocation" in navigator)) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var field = document.getElementById(button.getAttribute("data-locate"));
      navigator.geolocation.getCurrentPosition(function (p) {
        var c = p.coords;
        var point = c.latitude.toFixed(6) + " " + c.longitude.toFixed(6) + " " + Math.round(c.altitude || 0) + " " + Math.round(c.accuracy || 0);
        field.value = field.tagName === "TEXTAREA" && field.value.trim() ? field.value.replace(/\s+$/, "") + "\n" + point : point;
        field.dispatchEvent(new Event("input", { bubbles: true }));
      }, function () { field.focus(); }, { enableHighAccuracy: true, timeout: 20000 });
    });
  });
  function valueOf(block) {
    var code = block.getAttribute("data-code");
    if (block.getAttribute("data-display")) { return undefined; }
    var dropdown = block.querySelector("select[data-kind=dropdown]");
    if (dropdown) { return dropdown.value || undefined; }
    var checked = block.querySelectorAll("input:checked");
    var boxes = block.querySelectorAll("input[type=checkbox]");
    if (boxes.length) { return Array.prototype.map.call(checked, function (i) { return i.value; }); }
    var radios = block.querySelectorAll("input[type=radio]");
    if (radios.length) {
      if (!checked.length) { return undefined; }
      var n = Number(checked[0].value);
      return block.querySelector(".scale") && !isNaN(n) ? n : checked[0].value;
    }
    var selects = block.querySelectorAll("select");
    if (selects.length) {
      var ties = {};
      selects.forEach(function (s) { if (s.value) { ties[s.name.slice(code.length + 2)] = s.value; } });
      return ties;
    }
    var field = block.querySelector("input, textarea");
    if (!field || field.value.trim() === "") { return undefined; }
    if (field.getAttribute("inputmode")) { var x = parseFloat(field.value.replace(",", ".")); return isNaN(x) ? field.value : x; }
    return field.value;
  }
  var asked = form.querySelector("input[name=asked]");
  function refresh() {
    var answers = Object.assign({}, earlier);
    var shown = [];
    var local = {};  /* a repeated page: each entry's own answers, by its prefix (r1., r2., …) */
    form.querySelectorAll(".question[data-code]").forEach(function (block) {
      var entry = block.closest("[data-prefix]");
      var mark = entry ? entry.getAttribute("data-prefix") : "";
      var code = block.getAttribute("data-code");
      var scope = entry ? Object.assign({}, answers, local[mark] || {}) : answers;
      var tree = block.getAttribute("data-relevant");
      var show = true;
      if (tree) { try { show = evaluate(JSON.parse(tree), scope); } catch (e) { show = true; } }
      block.hidden = !show;
      if (show) { filterChoices(block, scope); }
      if (show && !block.getAttribute("data-display")) { shown.push(code); }
      if (show) {
        var v = valueOf(block);
        if (present(v)) {
          if (entry) { (local[mark] = local[mark] || {})[code.slice(mark.length)] = v; } else { answers[code] = v; }
        }
      }
    });
    if (asked) { asked.value = shown.join(" "); }
  }
  /* Answering without a connection (see /s/sw.js): the pages are kept on the phone, answers posted offline
     wait there and are sent when the connection is back; this says so on the page. */
  function offline() {
    var status = document.getElementById("offline-status");
    if (!status || !("serviceWorker" in navigator)) { return; }
    var show = function (text, kind) {
      status.textContent = text;
      status.className = "offline-status " + kind;
      status.hidden = !text;
    };
    var send = function (message) {
      navigator.serviceWorker.ready.then(function (reg) { if (reg.active) { reg.active.postMessage(message); } });
    };
    navigator.serviceWorker.register(status.getAttribute("data-sw"), { scope: status.getAttribute("data-scope") })
      .catch(function () { status.hidden = true; });
    navigator.serviceWorker.addEventListener("message", function (event) {
      var data = event.data || {};
      if (data.type === "queue") {
        if (data.count > 0) {
          show(status.getAttribute("data-waiting").replace("{n}", data.count), "waiting");
          navigator.serviceWorker.ready.then(function (reg) { if (reg.sync) { reg.sync.register("scri-answers").catch(function () {}); } });
        } else if (status.classList.contains("waiting")) {
          show(status.getAttribute("data-sent"), "sent");
        }
      } else if (data.type === "sent") {
        var here = location.pathname;
        var there = new URL(data.url, location.href);
        if (data.refused || status.getAttribute("data-page") === "waiting" || /\/thanks$/.test(there.pathname)) {
          if (there.pathname !== here) { location.href = there.href; return; }
        }
        show(status.getAttribute("data-sent"), "sent");
      }
    });
    var forget = status.getAttribute("data-forget");
    var ahead = document.querySelector("[data-prefetch]");
    send(forget ? { type: "forget", prefix: forget }
      : { type: "hello", prefetch: ahead ? JSON.parse(ahead.getAttribute("data-prefetch")) : [] });
    window.addEventListener("online", function () { send({ type: "flush" }); });
    window.addEventListener("offline", function () { show(status.getAttribute("data-offline"), "waiting"); });
    if (navigator.onLine === false) { show(status.getAttribute("data-offline"), "waiting"); }
  }

  form.addEventListener("change", refresh);
  form.addEventListener("input", refresh);
  refresh();
})();
