/* The questionnaire without a connection (served as /s/sw.js, scope /s/).

   - The questionnaire's static files, and its pages once seen or fetched ahead, are kept on the phone; the
     consent page never is (it carries the new response's submission id).
   - A page posted without a connection waits in a queue on the phone (IndexedDB) and the phone moves on to the
     next page kept here. When the connection is back the queue is sent in order, exactly as the pages would
     have been posted: every save is idempotent and the final submit counts once, so a page sent twice (its
     answer lost on the way) changes nothing.
   - The consent page is always posted online: a response is only started with a connection.
   - When a response is complete its kept pages are forgotten, so the next person on the phone sees none. */
"use strict";

var ASSETS = {{ assets_json }};
var SCOPE = {{ scope_json }};
var STATIC_CACHE = "scri-static-2";
var PAGE_CACHE = "scri-pages-2";
var PREFETCH_HEADER = "X-SCRI-Prefetch";

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(STATIC_CACHE).then(function (cache) { return cache.addAll(ASSETS); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== STATIC_CACHE && k !== PAGE_CACHE; }).map(function (k) {
      return caches.delete(k);
    }));
  }));  // no clients.claim(): the page that installed it is left alone, the next navigation is served by it
});

/* ---- the queue of pages posted offline ------------------------------------------------------------------ */

function openDb() {
  return new Promise(function (resolve, reject) {
    var request = indexedDB.open("scri-offline", 1);
    request.onupgradeneeded = function () { request.result.createObjectStore("queue", { keyPath: "id", autoIncrement: true }); };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });
}

function store(mode, work) {
  return openDb().then(function (db) {
    return new Promise(function (resolve, reject) {
      var tx = db.transaction("queue", mode);
      var request = work(tx.objectStore("queue"));
      tx.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
      tx.onerror = function () { db.close(); reject(tx.error); };
    });
  });
}

function queued() { return store("readonly", function (s) { return s.getAll(); }); }
function enqueue(item) { return store("readwrite", function (s) { return s.add(item); }); }
function dequeue(id) { return store("readwrite", function (s) { return s.delete(id); }); }

function tell(message) {
  return self.clients.matchAll({ type: "window" }).then(function (clients) {
    clients.forEach(function (client) { client.postMessage(message); });
  });
}

function announce() {
  return queued().then(function (items) { return tell({ type: "queue", count: items.length }); });
}

var flushing = null;

/* Send the queue in order; resolves true when it is empty. A page the server refuses (it is checked again
   there) stops the sending, and the phone is taken to that page to answer it again. With `report` the pages
   are told where the server went after the last page sent. */
function flush(report) {
  if (flushing) { return flushing; }
  var refused = false;
  flushing = queued().then(function (items) {
    var last = null;
    var step = function (index) {
      if (index >= items.length) { return true; }
      var item = items[index];
      return fetch(item.url, {
        method: "POST",
        body: item.body,
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        credentials: "same-origin",
        redirect: "follow"
      }).then(function (response) {
        if (response.status === 429 || response.status >= 500) { return false; }  // try again later
        return dequeue(item.id).then(function () {
          if (!response.ok) {
            return Promise.all(items.slice(index + 1).map(function (rest) { return dequeue(rest.id); })).then(function () {
              last = item.url;
              refused = true;
              return true;
            });
          }
          last = response.url;
          return step(index + 1);
        });
      }, function () { return false; });
    };
    return step(0).then(function (done) {
      if (done && last && report) {
        return tell({ type: "sent", url: last, refused: refused }).then(function () { return done; });
      }
      return done;
    });
  }).then(function (done) {
    flushing = null;
    return announce().then(function () { return done; });
  }, function () {
    flushing = null;
    return false;
  });
  return flushing;
}

/* ---- pages ---------------------------------------------------------------------------------------------- */

function absolute(url) { return new URL(url, self.location.href); }

function pageKey(url) {
  var u = absolute(url);
  return u.origin + u.pathname;
}

function keepable(url) {
  var path = absolute(url).pathname;
  return path.indexOf(SCOPE) === 0 && /\/(p\/\d+|review|waiting)$/.test(path);
}

function waitingUrl(url) {
  var parts = absolute(url).pathname.slice(SCOPE.length).split("/");
  return absolute(SCOPE + parts[0] + "/" + parts[1] + "/waiting").href;
}

function keep(url, response) {
  if (!keepable(url) || response.status !== 200 || response.type !== "basic") { return Promise.resolve(); }
  return caches.open(PAGE_CACHE).then(function (cache) { return cache.put(pageKey(url), response); });
}

function fromPhone(url) {
  return caches.open(PAGE_CACHE).then(function (cache) {
    return cache.match(pageKey(url)).then(function (hit) { return hit || cache.match(pageKey(waitingUrl(url))); });
  });
}

function page(request) {
  return fetch(request).then(function (response) {
    keep(request.url, response.clone());
    return response;
  }, function () {
    return fromPhone(request.url).then(function (hit) { return hit || Response.error(); });
  });
}

function post(request) {
  return request.clone().text().then(function (body) {
    var form = new URLSearchParams(body);
    var action = form.get("action") || "";
    var target = action.indexOf("lang:") === 0 ? request.url : (action === "back" ? form.get("offline_back") : form.get("offline_next"));
    var offline = function () {
      return enqueue({ url: request.url, body: body, at: Date.now() }).then(function () {
        announce();
        return Response.redirect(new URL(target || waitingUrl(request.url), request.url).href, 303);
      });
    };
    return queued().then(function (items) {
      var ready = items.length ? flush(false) : Promise.resolve(true);
      return ready.then(function (empty) {
        if (!empty) { return offline(); }
        return fetch(request).catch(offline);
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  var multipart = (request.headers.get("Content-Type") || "").indexOf("multipart/") === 0;
  if (request.method === "POST" && request.mode === "navigate" && keepable(request.url) && !multipart) {
    event.respondWith(post(request));
  } else if (request.method === "GET" && ASSETS.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(url.pathname).then(function (hit) { return hit || fetch(request); }));
  } else if (request.method === "GET" && request.mode === "navigate" && keepable(request.url)) {
    event.respondWith(page(request));
  }
});

/* ---- messages from the pages ---------------------------------------------------------------------------- */

function prefetch(urls) {
  return Promise.all((urls || []).filter(keepable).map(function (url) {
    url = absolute(url).href;
    return fetch(url, { credentials: "same-origin", headers: (function () { var h = {}; h[PREFETCH_HEADER] = "1"; return h; })() })
      .then(function (response) { return response.redirected ? null : keep(url, response); }, function () { return null; });
  }));
}

function forget(prefix) {
  return caches.open(PAGE_CACHE).then(function (cache) {
    return cache.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) {
        var path = new URL(k.url).pathname;
        return path.indexOf(prefix) === 0 && !/\/waiting$/.test(path);
      }).map(function (k) { return cache.delete(k); }));
    });
  });
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  var work = Promise.resolve();
  if (data.type === "hello") {
    work = queued().then(function (items) { return items.length ? flush(true) : prefetch(data.prefetch); }).then(announce);
  } else if (data.type === "flush") {
    work = flush(true);
  } else if (data.type === "forget" && typeof data.prefix === "string" && data.prefix.indexOf(SCOPE) === 0) {
    work = forget(data.prefix);
  }
  if (event.waitUntil) { event.waitUntil(work); }
});

self.addEventListener("sync", function (event) {
  if (event.tag === "scri-answers") { event.waitUntil(flush(true)); }
});
