/* XLSForm expressions in the browser: evaluates the JSON tree the server parsed (instruments/xpath), with the
   same XPath meaning as instruments/xpath/evaluate.py and functions.py, so a question shown here is the question
   the server expects. Nothing is ever evaluated as code. */
(function (root) {
  "use strict";
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
  var NUMBER = /^\s*-?(\d+(\.\d*)?|\.\d+)\s*$/;
  var DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
  var DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?/;

  function answerString(v) {
    if (v === undefined || v === null) { return ""; }
    if (typeof v === "boolean") { return v ? "true" : "false"; }
    if (typeof v === "number") { return String(v); }
    if (Array.isArray(v)) { return v.map(answerString).join(" "); }
    if (typeof v === "object") { return Object.keys(v).join(" "); }
    return String(v);
  }
  function validDate(y, m, d) {
    var t = Date.UTC(y, m - 1, d);
    var back = new Date(t);
    return back.getUTCFullYear() === y && back.getUTCMonth() === m - 1 && back.getUTCDate() === d ? t : null;
  }
  function dateNumber(text) {
    var m = DATE.exec(text);
    var t;
    if (m) { t = validDate(+m[1], +m[2], +m[3]); return t === null ? null : t / 86400000; }
    m = DATETIME.exec(text);
    if (m) {
      t = validDate(+m[1], +m[2], +m[3]);
      if (t === null || +m[4] > 23 || +m[5] > 59 || +(m[6] || 0) > 59) { return null; }
      return (t + ((+m[4]) * 3600 + (+m[5]) * 60 + (+(m[6] || 0))) * 1000) / 86400000;
    }
    return null;
  }
  function num(v) {
    if (typeof v === "boolean") { return v ? 1 : 0; }
    if (typeof v === "number") { return v; }
    var text = String(v);
    if (NUMBER.test(text)) { return parseFloat(text); }
    var days = dateNumber(text);
    return days === null ? NaN : days;
  }
  function str(v) {
    if (typeof v === "boolean") { return v ? "true" : "false"; }
    return String(v);
  }
  function bool(v) {
    if (typeof v === "boolean") { return v; }
    if (typeof v === "number") { return !(v === 0 || isNaN(v)); }
    return v !== "";
  }
  function pad(n, w) { var s = String(n); while (s.length < w) { s = "0" + s; } return s; }
  function dateString(days) {
    if (isNaN(days) || days < -719162 || days > 2932896) { return ""; }
    var d = new Date(Math.floor(days) * 86400000);
    return pad(d.getUTCFullYear(), 4) + "-" + pad(d.getUTCMonth() + 1, 2) + "-" + pad(d.getUTCDate(), 2);
  }
  function equals(a, b) {
    if (typeof a === "boolean" || typeof b === "boolean") { return bool(a) === bool(b); }
    if (typeof a === "number" || typeof b === "number") { return num(a) === num(b); }
    return str(a) === str(b);
  }
  function numbers(values) {
    var out = [];
    values.forEach(function (v) {
      if (typeof v === "string") {
        var parts = v.split(/\s+/).filter(function (p) { return p !== ""; });
        if (!parts.length) { parts = [""]; }
        parts.forEach(function (p) { out.push(num(p)); });
      } else { out.push(num(v)); }
    });
    return out;
  }
  function extreme(pick) {
    return function () {
      var ns = numbers(Array.prototype.slice.call(arguments));
      if (!ns.length || ns.some(isNaN)) { return NaN; }
      return ns.reduce(function (a, b) { return pick(a, b) ? a : b; });
    };
  }
  function words(s) { return str(s).split(/\s+/).filter(function (p) { return p !== ""; }); }
  function round(x, digits) {
    x = num(x);
    var places = digits === undefined ? 0 : num(digits);
    if (isNaN(x) || !isFinite(x) || isNaN(places)) { return x; }
    var scale = Math.pow(10, Math.trunc(places));
    var r = Math.floor(Math.abs(x) * scale + 0.5) / scale;
    return x < 0 || Object.is(x, -0) ? -r : r;
  }
  function substr(s, start, end) {
    var text = str(s);
    var a = num(start);
    var b = end === undefined ? text.length : num(end);
    if (isNaN(a) || isNaN(b)) { return ""; }
    return text.slice(Math.max(0, Math.trunc(a)), Math.max(0, Math.trunc(Math.min(b, text.length))));
  }
  function formatDate(value, fmt) {
    var days = typeof value === "number" ? value : dateNumber(str(value));
    if (days === null || isNaN(days) || !isFinite(days)) { return ""; }
    var day = dateString(days);
    if (!day) { return ""; }
    var parts = day.split("-").map(Number);
    var seconds = Math.round((days - Math.floor(days)) * 86400);
    var hour = Math.floor(seconds / 3600), minute = Math.floor(seconds / 60) % 60, second = seconds % 60;
    var weekday = (((Math.floor(days) + 3) % 7) + 7) % 7;
    var table = {
      "%Y": pad(parts[0], 4), "%y": pad(parts[0] % 100, 2), "%m": pad(parts[1], 2), "%n": String(parts[1]),
      "%d": pad(parts[2], 2), "%e": String(parts[2]), "%H": pad(hour, 2), "%h": String(hour), "%M": pad(minute, 2),
      "%S": pad(second, 2), "%a": DAYS[weekday], "%b": MONTHS[parts[1] - 1], "%%": "%"
    };
    return str(fmt).replace(/%[YymndeHhMSaAbB%]/g, function (m) { return table[m] !== undefined ? table[m] : m; });
  }
  function regex(s, pattern) {
    pattern = str(pattern);
    if (pattern.length > 200) { return false; }
    try { return new RegExp(pattern).test(str(s)); } catch (e) { return false; }
  }
  function before(a, b) { a = str(a); b = str(b); var i = a.indexOf(b); return i < 0 ? "" : a.slice(0, i); }
  function after(a, b) { a = str(a); b = str(b); var i = a.indexOf(b); return i < 0 ? "" : a.slice(i + b.length); }
  function translate(s, a, b) {
    a = str(a); b = str(b);
    return str(s).split("").map(function (c) {
      var i = a.indexOf(c);
      return i < 0 ? c : (i < b.length ? b.charAt(i) : "");
    }).join("");
  }
  var PLAIN = {
    "true": function () { return true; },
    "false": function () { return false; },
    "not": function (x) { return !bool(x); },
    "boolean": bool,
    "boolean-from-string": function (x) { var t = str(x).trim(); return t === "true" || t === "1"; },
    "number": num,
    "string": str,
    "int": function (x) { x = num(x); return isFinite(x) ? Math.trunc(x) : x; },
    "round": round,
    "floor": function (x) { return Math.floor(num(x)); },
    "ceiling": function (x) { return Math.ceil(num(x)); },
    "abs": function (x) { return Math.abs(num(x)); },
    "pow": function (x, y) { return Math.pow(num(x), num(y)); },
    "sqrt": function (x) { return Math.sqrt(num(x)); },
    "exp": function (x) { return Math.exp(num(x)); },
    "log": function (x) { return Math.log(num(x)); },
    "log10": function (x) { return Math.log10(num(x)); },
    "pi": function () { return Math.PI; },
    "sin": function (x) { return Math.sin(num(x)); },
    "cos": function (x) { return Math.cos(num(x)); },
    "tan": function (x) { return Math.tan(num(x)); },
    "asin": function (x) { return Math.asin(num(x)); },
    "acos": function (x) { return Math.acos(num(x)); },
    "atan": function (x) { return Math.atan(num(x)); },
    "atan2": function (y, x) { return Math.atan2(num(y), num(x)); },
    "min": extreme(function (a, b) { return a <= b; }),
    "max": extreme(function (a, b) { return a >= b; }),
    "sum": function (x) { return str(x).trim() ? numbers([x]).reduce(function (a, b) { return a + b; }, 0) : 0; },
    "count": function (x) { return str(x) === "" ? 0 : 1; },
    "selected": function (s, v) { return words(s).indexOf(str(v).trim()) >= 0; },
    "count-selected": function (s) { return words(s).length; },
    "selected-at": function (s, i) { var p = words(s); i = num(i); return !isNaN(i) && Math.trunc(i) >= 0 && Math.trunc(i) < p.length ? p[Math.trunc(i)] : ""; },
    "string-length": function (s) { return Array.from(str(s)).length; },
    "concat": function () { return Array.prototype.map.call(arguments, str).join(""); },
    "join": function (sep) { return Array.prototype.slice.call(arguments, 1).map(str).filter(function (p) { return p !== ""; }).join(str(sep)); },
    "contains": function (a, b) { return str(a).indexOf(str(b)) >= 0; },
    "starts-with": function (a, b) { return str(a).indexOf(str(b)) === 0; },
    "ends-with": function (a, b) { a = str(a); b = str(b); return a.length >= b.length && a.slice(a.length - b.length) === b; },
    "substr": substr,
    "substring-before": before,
    "substring-after": after,
    "translate": translate,
    "normalize-space": function (s) { return words(s).join(" "); },
    "regex": regex,
    "date": function (x) { var n = num(x); return isNaN(n) ? "" : dateString(n); },
    "decimal-date-time": num,
    "format-date": formatDate,
    "once": function (x) { return x; },
    "position": function () { return 1; }
  };

  function choiceName(args, env) {
    var code = str(evaluate(args[0], env));
    var target = args[1];
    var name = target[0] === "ref" ? target[1] : str(evaluate(target, env)).trim();
    if (name.slice(0, 2) === "${" && name.slice(-1) === "}") { name = name.slice(2, -1).trim(); }
    var labels = (env.labels || {})[name] || {};
    return labels[code] !== undefined ? labels[code] : "";
  }
  function call(name, args, env) {
    if (name === "if") { return evaluate(bool(evaluate(args[0], env)) ? args[1] : args[2], env); }
    if (name === "coalesce") { var first = str(evaluate(args[0], env)); return first !== "" ? first : str(evaluate(args[1], env)); }
    if (name === "jr:choice-name") { return choiceName(args, env); }
    var values = args.map(function (a) { return evaluate(a, env); });
    if (PLAIN.hasOwnProperty(name)) { return PLAIN[name].apply(null, values); }
    if (name === "today") { return env.today || ""; }
    if (name === "now") { return env.now || ""; }
    throw new Error("unknown function " + name);
  }
  function arithmetic(op, x, y) {
    if (op === "+") { return x + y; }
    if (op === "-") { return x - y; }
    if (op === "*") { return x * y; }
    if (op === "div") { return x / y; }
    if (op === "mod") { return (y === 0 || !isFinite(x) || isNaN(y)) ? NaN : x % y; }
    throw new Error("unknown operator " + op);
  }
  function operator(op, left, right, env) {
    if (op === "or") { return truth(left, env) || truth(right, env); }
    if (op === "and") { return truth(left, env) && truth(right, env); }
    var a = evaluate(left, env), b = evaluate(right, env);
    if (op === "=") { return equals(a, b); }
    if (op === "!=") { return !equals(a, b); }
    var x = num(a), y = num(b);
    if (op === "<") { return x < y; }
    if (op === "<=") { return x <= y; }
    if (op === ">") { return x > y; }
    if (op === ">=") { return x >= y; }
    return arithmetic(op, x, y);
  }
  function evaluate(tree, env) {
    var kind = tree[0];
    if (kind === "num") { return Number(tree[1]); }
    if (kind === "str") { return tree[1]; }
    if (kind === "ref") { return answerString((env.answers || {})[tree[1]]); }
    if (kind === "self") { return answerString(env.current); }
    if (kind === "col") { return answerString((env.columns || {})[tree[1]]); }
    if (kind === "neg") { return -num(evaluate(tree[1], env)); }
    if (kind === "op") { return operator(tree[1], tree[2], tree[3], env); }
    if (kind === "fn") { return call(tree[1], tree[2], env); }
    throw new Error("unknown node " + kind);
  }
  function truth(tree, env) { return bool(evaluate(tree, env)); }

  root.SCRIXPath = { evaluate: evaluate, truth: truth, answerString: answerString, toString: str };
})(this);
