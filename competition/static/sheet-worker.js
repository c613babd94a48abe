/* The score sheets' service worker (served as /judging/sheet-worker.js, scope /judging/).
 *
 * A sheet opened once on a device opens again there without the network: score sheets (the
 * pages the server marks with X-Sheet-Offline: 1, and no other) and the files they load are
 * fetched from the network first and kept; when the network fails, the kept copy is served,
 * marked data-source="cache" so that the page shows the marks as last acknowledged on this
 * device and the queued ones as queued (judging.js). Saves (PUT) never pass through here:
 * they are the page's, which keeps them until the server has acknowledged them.
 */
"use strict";

var CACHE = "score-sheets-v1";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

/* The page asks for itself and its files to be kept, on its first opening. */
self.addEventListener("message", function (event) {
  var urls = (event.data && event.data.keep) || [];
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return Promise.all(
        urls
          .filter(function (url) {
            return new URL(url).origin === self.location.origin;
          })
          .map(function (url) {
            return fetch(url, { credentials: "same-origin", cache: "no-store" })
              .then(function (response) {
                if (response.ok && keepable(url, response)) {
                  return cache.put(url, response);
                }
                return undefined;
              })
              .catch(function () {
                return undefined;
              });
          })
      );
    })
  );
});

function isPage(url) {
  return new URL(url).pathname.indexOf("/judging/") === 0;
}

function keepable(url, response) {
  return !isPage(url) || response.headers.get("X-Sheet-Offline") === "1";
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    if (isPage(request.url)) {
      event.respondWith(networkFirst(request, true));
    }
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(networkFirst(request, false));
  }
});

function networkFirst(request, page) {
  var key = request.url;
  return fetch(request)
    .then(function (response) {
      if (response.ok && keepable(key, response)) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) {
          return cache.put(key, copy);
        });
      }
      return response;
    })
    .catch(function () {
      return caches.match(key).then(function (kept) {
        if (!kept) {
          return page ? notKept() : Response.error();
        }
        if (!page) {
          return kept;
        }
        return kept.text().then(function (html) {
          return new Response(html.replace('data-source="network"', 'data-source="cache"'), {
            headers: { "Content-Type": "text/html; charset=utf-8" },
          });
        });
      });
    });
}

function notKept() {
  var body =
    '<!doctype html><html lang="zh-CN"><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    "<title>网络不通 · No network</title>" +
    '<body style="font-family:sans-serif;padding:1rem;max-width:40rem">' +
    "<h1>网络不通</h1><p>这张评分表还没有在本设备上打开过，需要网络才能打开。" +
    "已经打开过的评分表可以离线使用。</p>" +
    '<p lang="en">No network: this score sheet has not been opened on this device yet. ' +
    "Sheets opened here before open without the network.</p></body></html>";
  return new Response(body, {
    status: 503,
    headers: { "Content-Type": "text/html; charset=utf-8" },
  });
}
