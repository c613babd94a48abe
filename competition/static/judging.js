/* The score sheet: each row is saved as typed, Enter saves and moves on, the server decides,
 * and nothing typed is lost, whatever the venue's Wi-Fi does.
 *
 * No framework and nothing from elsewhere: a tablet beside a machine may have a poor network,
 * and the page must work with what the server sent.
 *
 * - Enter checks the value at once against the mark value rule (0 to the component's maximum,
 *   at most so many decimal places) and the number format, with the server's own words: the
 *   page carries the rule, its limits and its messages, in data-rule (scoring.MarkValueRule),
 *   so nothing of it is written here. An impossible value stays on its row, marked, so a slip
 *   is fixed before moving on.
 * - A plausible value moves the cursor to the next row at once. It is first kept on this
 *   device (IndexedDB, per judge and row) and then sent; it leaves the device only when the
 *   server has acknowledged it. Without the network it waits, marked 待发送, and is sent again
 *   on its own (as soon as the browser says the network is back, and with back-off until
 *   then). After a reload or a closed tab it is restored into its row and sent; leaving the
 *   page with marks not yet saved asks first.
 * - Saves of one row go out one after another, so the last value typed is the one stored.
 * - Each save is conditional on the mark the judge last saw (If-Match with its ETag, or
 *   If-None-Match: * for an empty row), and a queued save keeps that condition: if the mark
 *   was changed elsewhere meanwhile (an appeal, a second entry, another device), the server
 *   refuses (409) and the row shows both values for the judge to choose; never a silent
 *   overwrite. A refusal whose "other" value is one this device sent itself (its answer was
 *   lost) is no conflict: the row goes on from there. Sending the same mark twice stores it
 *   once (the server treats an equal value as done).
 * - The sheet's service worker (/judging/sheet-worker.js) keeps a copy of the sheet once it
 *   has been opened on the device; opened from that copy (data-source="cache"), the rows show
 *   the marks as last acknowledged here, and the queued ones as queued.
 */
(function () {
  "use strict";
  var table = document.querySelector("table.sheet[data-editable]");
  if (!table) {
    return;
  }
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  var token = tokenMeta ? tokenMeta.getAttribute("content") : "";
  var texts = table.dataset;
  /* {minimum, maximum, places, range, places_message, not_number, absence_words, absence}:
   * see the comment above. */
  var rule = JSON.parse(texts.rule);
  var minimum = Number(rule.minimum);
  var maximum = Number(rule.maximum);
  var owner = texts.owner || "";
  var banner = document.getElementById("sheet-banner");
  var counters = {
    saved: document.getElementById("saved-count"),
    queued: document.getElementById("queued-count"),
    empty: document.getElementById("empty-count"),
  };
  var nextStep = document.getElementById("sheet-next");
  var inputs = Array.prototype.slice.call(table.querySelectorAll("input.mark"));
  var rows = inputs.map(rowOf);
  var byUrl = {};
  rows.forEach(function (row) {
    byUrl[row.dataset.url] = row;
  });
  var NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
  var RETRY_FIRST = 1000;
  var RETRY_MOST = 30000;
  var retryDelay = RETRY_FIRST;
  var retryTimer = null;
  var networkDown = !navigator.onLine;

  /* As the server's normalisation (competition/core/normalise.py decimal_text): an input
   * method in full-width mode types "８６．５" or "86。5" for 86.5. */
  function normalise(text) {
    return text.normalize("NFKC").replace(/[。·]/g, ".").replace(/\s+/g, "");
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_all, name) {
      return values[name];
    });
  }

  function rowOf(input) {
    return input.closest("tr");
  }

  function inputOf(row) {
    return row.querySelector("input.mark");
  }

  function keyOf(row) {
    return owner + " " + row.dataset.url;
  }

  /* ------------------------------------------------------------ the device's copy */
  /* Two stores: `pending` (typed, not yet acknowledged: {key, url, value, base, sent, at})
   * and `known` (the last acknowledged value and ETag of a row, for a sheet opened offline).
   * Without IndexedDB (a private window) the same in memory: nothing survives a reload then,
   * but nothing else changes. */
  var store = (function () {
    var memory = { pending: {}, known: {} };
    var inMemory = {
      put: function (name, record) {
        memory[name][record.key] = record;
        return Promise.resolve();
      },
      remove: function (name, key) {
        delete memory[name][key];
        return Promise.resolve();
      },
      all: function (name) {
        return Promise.resolve(
          Object.keys(memory[name]).map(function (key) {
            return memory[name][key];
          })
        );
      },
    };
    function request(result) {
      return new Promise(function (resolve) {
        result.onsuccess = function () {
          resolve(result.result);
        };
        result.onerror = function () {
          resolve(undefined);
        };
      });
    }
    var opened = new Promise(function (resolve) {
      var open;
      try {
        open = window.indexedDB.open("competition-score-sheets", 1);
      } catch (error) {
        resolve(null);
        return;
      }
      open.onupgradeneeded = function () {
        open.result.createObjectStore("pending", { keyPath: "key" });
        open.result.createObjectStore("known", { keyPath: "key" });
      };
      open.onsuccess = function () {
        resolve(open.result);
      };
      open.onerror = function () {
        resolve(null);
      };
      open.onblocked = function () {
        resolve(null);
      };
    });
    function objects(name, mode) {
      return opened.then(function (db) {
        return db ? db.transaction(name, mode).objectStore(name) : null;
      });
    }
    return {
      put: function (name, record) {
        return objects(name, "readwrite").then(function (objectStore) {
          return objectStore ? request(objectStore.put(record)) : inMemory.put(name, record);
        });
      },
      remove: function (name, key) {
        return objects(name, "readwrite").then(function (objectStore) {
          return objectStore ? request(objectStore.delete(key)) : inMemory.remove(name, key);
        });
      },
      all: function (name) {
        return objects(name, "readonly").then(function (objectStore) {
          return objectStore
            ? request(objectStore.getAll()).then(function (found) {
                return found || [];
              })
            : inMemory.all(name);
        });
      },
    };
  })();

  function keep(row) {
    /* The row's pending mark, as it now is, on the device. */
    var record = row.pending;
    return record ? store.put("pending", copyOf(record)) : store.remove("pending", keyOf(row));
  }

  function copyOf(record) {
    return {
      key: record.key,
      url: record.url,
      value: record.value,
      base: record.base,
      sent: record.sent.slice(),
      at: record.at,
    };
  }

  function acknowledged(row, value, etag) {
    row.dataset.saved = value;
    if (row.dataset.etag !== undefined) {
      row.dataset.etag = etag || "";
    }
    store.put("known", { key: keyOf(row), value: value, etag: etag || "" });
  }

  /* ------------------------------------------------------------ what the judge sees */
  function setState(row, state, message) {
    row.classList.remove("saving", "saved", "failed", "queued", "conflict", "empty");
    row.classList.add(state);
    var cell = row.querySelector(".state");
    cell.textContent = message;
    inputOf(row).setAttribute("aria-invalid", String(state === "failed" || state === "conflict"));
  }

  function updateCount() {
    var saved = 0;
    var queued = 0;
    var empty = 0;
    rows.forEach(function (row) {
      if (row.pending) {
        queued += 1;
      } else if (row.dataset.saved === "") {
        empty += 1;
      } else {
        saved += 1;
      }
    });
    if (counters.saved) {
      counters.saved.textContent = String(saved);
    }
    if (counters.queued) {
      counters.queued.textContent = String(queued);
      counters.queued.parentNode.classList.toggle("waiting", queued > 0);
    }
    if (counters.empty) {
      counters.empty.textContent = String(empty);
    }
    showBanner(queued);
  }

  function showBanner(queued) {
    if (!banner) {
      return;
    }
    var parts = [];
    if (networkDown) {
      parts.push(texts.bannerOffline);
    }
    if (queued > 0) {
      parts.push(format(texts.bannerPending, { count: queued }));
    }
    banner.hidden = parts.length === 0;
    banner.classList.toggle("offline", networkDown);
    banner.textContent = parts.join(" · ");
  }

  /* What the server would refuse for certain, in its words; null when it may be right. */
  function precheck(typed) {
    if (rule.absence_words.indexOf(typed) >= 0) {
      return rule.absence;
    }
    if (!NUMBER.test(typed)) {
      return rule.not_number;
    }
    /* Places first, then the range: the order the server checks them in. */
    var fraction = typed.split(".")[1] || "";
    if (fraction.replace(/0+$/, "").length > rule.places) {
      return rule.places_message;
    }
    var value = Number(typed);
    if (value < minimum || value > maximum) {
      return rule.range;
    }
    return null;
  }

  function messageOf(response, body) {
    if (body && body.error) {
      /* The field's own message reads best on the row ("应为数字"); else the summary. */
      var fields = body.error.fields || {};
      if (fields.value && fields.value.length) {
        return fields.value[0];
      }
      return body.error.message;
    }
    if (response.status === 400) {
      return texts.expired;
    }
    return texts.failed + " (" + response.status + ")";
  }

  /* ------------------------------------------------------------ sending */
  function conditional(record, headers) {
    /* A judge's own sheet is conditional on the mark last seen (base: its ETag, "" for
     * none); a second-entry sheet's rows are not (base null). */
    if (record.base === null || record.base === undefined) {
      return headers;
    }
    if (record.base) {
      headers["If-Match"] = record.base;
    } else {
      headers["If-None-Match"] = "*";
    }
    return headers;
  }

  function readBody(response) {
    return response.json().catch(function () {
      return null;
    });
  }

  /* Send the row's pending mark, unless one of its saves is already on the way (the next
   * goes when it is answered). */
  function pump(row) {
    var record = row.pending;
    if (!record || row.inflight || row.conflict) {
      return;
    }
    row.inflight = true;
    if (record.sent.indexOf(record.value) < 0) {
      record.sent.push(record.value);
      keep(row);
    }
    fetch(record.url, {
      method: "PUT",
      credentials: "same-origin",
      headers: conditional(record, {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": token,
      }),
      body: JSON.stringify({ value: record.value }),
    })
      .then(function (response) {
        return readBody(response).then(function (body) {
          return answered(row, record, response, body);
        });
      }, function () {
        unreachable(row, texts.queued);
      })
      .then(function () {
        row.inflight = false;
        updateCount();
        if (row.pending && row.pending !== record && !row.conflict) {
          pump(row); /* typed again while this one was on its way */
        }
      });
  }

  function answered(row, record, response, body) {
    if (response.ok && body && body.value !== undefined) {
      reachable();
      stored(row, record, body.value, response.headers.get("ETag"));
      return null;
    }
    if (response.status === 0 || response.status >= 500) {
      unreachable(row, texts.queued);
      return null;
    }
    reachable();
    if (response.status === 401) {
      /* Signed out: kept here; sent once the judge has signed in again and reopened it. */
      if (row.pending === record) {
        setState(row, "queued", texts.signedOut);
      }
      return null;
    }
    if (response.status === 400) {
      /* The page's token no longer holds: kept here, sent from the page reloaded. */
      if (row.pending === record) {
        setState(row, "failed", texts.expired);
      }
      return null;
    }
    var stale = body && body.error && body.error.code === "stale";
    if (stale && row.dataset.etag !== undefined) {
      return current(row).then(function (now) {
        settleStale(row, record, now, response, body);
      });
    }
    /* Refused for good (a locked sheet, a published round, a value the rules refuse): shown
     * on the row, no longer queued. */
    if (row.pending === record) {
      row.pending = null;
      keep(row);
      setState(row, "failed", messageOf(response, body));
    }
    return null;
  }

  function stored(row, record, value, etag) {
    acknowledged(row, value, etag);
    if (row.pending === record) {
      row.pending = null;
      keep(row);
      var input = inputOf(row);
      if (normalise(input.value) === record.value) {
        input.value = value;
      }
      setState(row, "saved", texts.saved);
    } else if (row.pending) {
      /* Typed again meanwhile: the next save is conditional on what was just stored. */
      if (row.pending.base !== null && row.pending.base !== undefined) {
        row.pending.base = etag || "";
      }
      row.pending.sent = [];
      keep(row);
    }
  }

  /* The mark as the server holds it now: {value, etag}, or null without an answer. */
  function current(row) {
    return fetch(row.dataset.url, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(
      function (response) {
        if (!response.ok) {
          return null;
        }
        return readBody(response).then(function (body) {
          return body ? { value: body.value, etag: response.headers.get("ETag") || "" } : null;
        });
      },
      function () {
        return null;
      }
    );
  }

  function settleStale(row, record, now, response, body) {
    if (now === null) {
      if (row.pending === record) {
        setState(row, "failed", messageOf(response, body));
      }
      return;
    }
    if (now.value === record.value) {
      stored(row, record, now.value, now.etag);
      return;
    }
    if (now.value !== null && now.value !== undefined && record.sent.indexOf(now.value) >= 0) {
      /* A value this device sent itself, whose answer was lost: no conflict; the row's
       * latest value goes again, conditional on that one. */
      stored(row, { value: now.value }, now.value, now.etag);
      window.setTimeout(function () {
        pump(row);
      }, 0);
      return;
    }
    if (row.pending === record) {
      showConflict(row, record, now);
    }
  }

  /* Someone else changed the mark while this one waited: both values, the judge chooses. */
  function showConflict(row, record, now) {
    row.conflict = now;
    var theirs = now.value === null || now.value === undefined ? "—" : now.value;
    setState(
      row,
      "conflict",
      format(texts.conflict, { theirs: theirs, mine: record.value }) + " " + texts.stale
    );
    var cell = row.querySelector(".state");
    var keepTheirs = document.createElement("button");
    keepTheirs.type = "button";
    keepTheirs.className = "choice keep-theirs";
    keepTheirs.textContent = format(texts.keepTheirs, { value: theirs });
    var useMine = document.createElement("button");
    useMine.type = "button";
    useMine.className = "choice use-mine";
    useMine.textContent = format(texts.useMine, { value: record.value });
    cell.appendChild(document.createTextNode(" "));
    cell.appendChild(keepTheirs);
    cell.appendChild(document.createTextNode(" "));
    cell.appendChild(useMine);
    keepTheirs.addEventListener("click", function () {
      row.conflict = null;
      row.pending = null;
      keep(row);
      acknowledged(row, now.value === null ? "" : now.value, now.etag);
      inputOf(row).value = row.dataset.saved;
      setState(row, row.dataset.saved ? "saved" : "empty", row.dataset.saved ? texts.saved : "");
      updateCount();
      inputOf(row).focus();
    });
    useMine.addEventListener("click", function () {
      row.conflict = null;
      record.base = now.etag;
      record.sent = [];
      row.dataset.etag = now.etag;
      keep(row);
      setState(row, "saving", texts.saving);
      pump(row);
      inputOf(row).focus();
    });
  }

  /* ------------------------------------------------------------ the network */
  function unreachable(row, message) {
    networkDown = true;
    if (row.pending) {
      setState(row, "queued", message);
    }
    scheduleRetry();
  }

  function reachable() {
    networkDown = !navigator.onLine;
    retryDelay = RETRY_FIRST;
  }

  function scheduleRetry() {
    if (retryTimer !== null) {
      return;
    }
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      retryDelay = Math.min(retryDelay * 2, RETRY_MOST);
      retryAll();
    }, retryDelay);
  }

  function retryAll() {
    rows.forEach(function (row) {
      if (row.pending && !row.inflight && !row.conflict) {
        pump(row);
      }
    });
  }

  window.addEventListener("online", function () {
    networkDown = false;
    retryDelay = RETRY_FIRST;
    if (retryTimer !== null) {
      window.clearTimeout(retryTimer);
      retryTimer = null;
    }
    updateCount();
    retryAll();
  });
  window.addEventListener("offline", function () {
    networkDown = true;
    updateCount();
  });
  window.addEventListener("beforeunload", function (event) {
    var waiting = rows.some(function (row) {
      return row.pending;
    });
    if (waiting) {
      event.preventDefault();
      event.returnValue = texts.leave;
      return texts.leave;
    }
    return undefined;
  });

  /* ------------------------------------------------------------ typing */
  /* Check a row's value; keep and send it when it may be right. False when refused. */
  function submit(input) {
    var row = rowOf(input);
    var typed = normalise(input.value);
    if (typed !== input.value && NUMBER.test(typed)) {
      input.value = typed;
    }
    if (row.conflict && typed !== "") {
      /* Enter (or a new value) after seeing the other value: the judge's choice, made
       * knowingly, so conditional on the value shown. */
      row.dataset.etag = row.conflict.etag;
      row.pending.base = row.conflict.etag;
      row.pending.sent = [];
      row.conflict = null;
      if (typed === row.pending.value) {
        keep(row);
        setState(row, "saving", texts.saving);
        pump(row);
        return true;
      }
    }
    var current = row.pending ? row.pending.value : row.dataset.saved;
    if (typed === current) {
      return true;
    }
    if (typed === "") {
      /* A mark is corrected, never cleared: the box shows again what is (or will be) kept. */
      input.value = current;
      setState(row, "failed", texts.noClear);
      return false;
    }
    var problem = precheck(typed);
    if (problem) {
      setState(row, "failed", problem);
      return false;
    }
    var base = row.pending ? row.pending.base : row.dataset.etag;
    row.pending = {
      key: keyOf(row),
      url: row.dataset.url,
      value: typed,
      base: base === undefined ? null : base,
      sent: row.pending ? row.pending.sent : [],
      at: Date.now(),
    };
    keep(row);
    setState(row, "saving", texts.saving);
    updateCount();
    pump(row);
    return true;
  }

  function focusNext(input) {
    var next = inputs[inputs.indexOf(input) + 1];
    if (next) {
      next.focus();
      next.select();
    } else if (nextStep) {
      nextStep.focus(); /* the sheet's next step: sign-off, or back to the list */
    } else {
      input.blur();
    }
  }

  inputs.forEach(function (input) {
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") {
        return;
      }
      event.preventDefault();
      if (submit(input)) {
        focusNext(input);
      } else {
        input.select();
      }
    });
    input.addEventListener("change", function () {
      submit(input);
    });
  });

  /* ------------------------------------------------------------ opening the sheet */
  function restore() {
    var fromCache = texts.source === "cache";
    var known = fromCache ? store.all("known") : Promise.resolve([]);
    return known.then(function (records) {
      records.forEach(function (record) {
        var row = byUrl[record.url || record.key.slice(owner.length + 1)];
        if (row && record.key === keyOf(row) && record.value !== row.dataset.saved) {
          /* Acknowledged here after the kept copy of the page was made. */
          row.dataset.saved = record.value;
          if (row.dataset.etag !== undefined) {
            row.dataset.etag = record.etag;
          }
          inputOf(row).value = record.value;
          setState(row, "saved", texts.saved);
        }
      });
      return store.all("pending");
    }).then(function (records) {
      records.forEach(function (record) {
        var row = byUrl[record.url];
        if (!row || record.key !== keyOf(row)) {
          return;
        }
        if (!fromCache && record.value === row.dataset.saved) {
          store.remove("pending", record.key); /* stored before the page was made */
          return;
        }
        row.pending = {
          key: record.key,
          url: record.url,
          value: record.value,
          base: record.base,
          sent: record.sent || [],
          at: record.at,
        };
        inputOf(row).value = record.value;
        setState(row, "queued", texts.queued);
      });
      updateCount();
      retryAll();
    });
  }

  function rememberServed() {
    /* The page as served is what the server holds: the device's idea of it follows. */
    if (texts.source === "cache") {
      return;
    }
    rows.forEach(function (row) {
      store.put("known", {
        key: keyOf(row),
        url: row.dataset.url,
        value: row.dataset.saved,
        etag: row.dataset.etag || "",
      });
    });
  }

  function installWorker() {
    if (!("serviceWorker" in navigator) || !texts.worker) {
      return;
    }
    var assets = [window.location.href];
    document.querySelectorAll("link[rel~=stylesheet], link[rel~=icon], script[src]").forEach(
      function (element) {
        assets.push(element.href || element.src);
      }
    );
    navigator.serviceWorker
      .register(texts.worker, { scope: texts.scope })
      .then(function () {
        return navigator.serviceWorker.ready;
      })
      .then(function (registration) {
        if (registration.active && texts.source !== "cache") {
          registration.active.postMessage({ keep: assets });
        }
      })
      .catch(function () {
        /* No worker (an old browser, a private window): the sheet works online as before. */
      });
  }

  updateCount();
  rememberServed();
  restore();
  installWorker();
})();
