/* The item score sheet (评分细则): one input per item and contestant, saved one by one.
 *
 * - Enter saves the input and moves to the next one; so does leaving it (change).
 * - What is typed is normalised as the server does it (NFKC: full-width digits, "。" for a
 *   decimal point), so a judge whose input method is in full-width mode types as usual.
 * - The answer shows what the item earns and, once every measured and judged item of the
 *   contestant is marked, the judge's mark of the component.
 * - On a flaky network nothing typed is lost: a save that does not reach the server (no
 *   network, a gateway error) is kept in this device's storage, keyed by judge and item, and
 *   sent again on its own (at once when the browser says it is back online, else with a
 *   back-off up to 30 s), also after the page is reloaded or reopened. A refusal by the server
 *   (a value out of range, a locked sheet) is no network problem: it is shown on its row and
 *   not retried. Sending the same value twice stores it once (the server treats it as done).
 * - Leaving the page with unsaved inputs asks first.
 */
(function () {
  "use strict";
  var sheet = document.querySelector(".item-sheet[data-editable]");
  if (!sheet) {
    return;
  }
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  var token = tokenMeta ? tokenMeta.getAttribute("content") : "";
  var texts = sheet.dataset;
  var inputs = Array.prototype.slice.call(sheet.querySelectorAll("input.item-value"));
  var byUrl = {};
  inputs.forEach(function (input) {
    byUrl[input.closest("tr").dataset.url] = input;
  });
  var storeKey = "item-sheet-queue:" + (texts.owner || "");
  var pending = 0;
  var RETRY_FIRST = 1000;
  var RETRY_MOST = 30000;
  var retryDelay = RETRY_FIRST;
  var retryTimer = null;

  function normalised(text) {
    return text.normalize("NFKC").replace(/[。·]/g, ".").replace(/\s+/g, "");
  }

  function stateOf(row) {
    return row.querySelector(".state");
  }

  function readQueue() {
    try {
      return JSON.parse(window.localStorage.getItem(storeKey) || "{}");
    } catch (error) {
      return {};
    }
  }

  function writeQueue(queue) {
    try {
      if (Object.keys(queue).length) {
        window.localStorage.setItem(storeKey, JSON.stringify(queue));
      } else {
        window.localStorage.removeItem(storeKey);
      }
    } catch (error) {
      /* storage full or refused: the input still holds the value and the page says so */
    }
  }

  function keep(url, value) {
    var queue = readQueue();
    queue[url] = value;
    writeQueue(queue);
  }

  function forget(url, value) {
    var queue = readQueue();
    if (queue[url] === value) {
      delete queue[url];
      writeQueue(queue);
    }
  }

  function scheduleRetry() {
    if (retryTimer !== null) {
      return;
    }
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      retryDelay = Math.min(retryDelay * 2, RETRY_MOST);
      sendQueued();
    }, retryDelay);
  }

  function sendQueued() {
    var queue = readQueue();
    Object.keys(queue).forEach(function (url) {
      var input = byUrl[url];
      if (input) {
        send(input, queue[url]);
      }
    });
  }

  function send(input, value) {
    var row = input.closest("tr");
    if (value === row.dataset.sending) {
      return; /* already on its way (Enter, then the change on leaving) */
    }
    row.dataset.sending = value;
    pending += 1;
    row.classList.remove("failed");
    stateOf(row).textContent = texts.saving;
    fetch(row.dataset.url, {
      method: "PUT",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": token,
      },
      body: JSON.stringify({ value: value }),
    })
      .then(function (response) {
        return response.json().then(
          function (body) {
            return { response: response, body: body };
          },
          function () {
            return { response: response, body: null };
          }
        );
      })
      .then(function (answer) {
        var body = answer.body;
        var status = answer.response.status;
        if (answer.response.ok && body) {
          forget(row.dataset.url, value);
          retryDelay = RETRY_FIRST;
          row.dataset.saved = body.value;
          if (normalised(input.value) === value) {
            input.value = body.value;
          }
          row.querySelector(".points").textContent = body.points;
          stateOf(row).textContent = texts.saved;
          row.classList.add("saved");
          row.classList.remove("dispute", "queued");
          var total = row.closest("table").querySelector(".judge-mark");
          if (total && body.mark !== null) {
            total.textContent = body.mark;
          }
          return;
        }
        if (status >= 500 || status === 0) {
          throw new Error("unreachable");
        }
        forget(row.dataset.url, value);
        row.classList.remove("queued");
        row.classList.add("failed");
        var message = body && body.error ? body.error.message : texts.failed;
        if (status === 400 && !body) {
          message = texts.expired;
        }
        stateOf(row).textContent = message;
      })
      .catch(function () {
        /* No answer, or the gateway's: kept on this device and sent again on its own. */
        keep(row.dataset.url, value);
        row.classList.add("queued");
        stateOf(row).textContent = texts.queued;
        scheduleRetry();
      })
      .then(function () {
        pending -= 1;
        delete row.dataset.sending;
      });
  }

  function save(input) {
    var row = input.closest("tr");
    var value = normalised(input.value);
    if (value !== input.value) {
      input.value = value;
    }
    if (value === "" || value === row.dataset.saved) {
      return;
    }
    keep(row.dataset.url, value); /* before sending: a closed tab loses nothing */
    send(input, value);
  }

  inputs.forEach(function (input, index) {
    input.addEventListener("change", function () {
      save(input);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.isComposing) {
        return;
      }
      event.preventDefault();
      save(input);
      var next = inputs[index + 1];
      if (next) {
        next.focus();
        next.select();
      } else {
        var done = document.getElementById("sheet-next");
        if (done) {
          done.focus();
        }
      }
    });
  });

  /* What an earlier visit could not send: shown in its input, and sent again now. */
  var queued = readQueue();
  Object.keys(queued).forEach(function (url) {
    var input = byUrl[url];
    if (input) {
      input.value = queued[url];
      input.closest("tr").classList.add("queued");
      stateOf(input.closest("tr")).textContent = texts.queued;
    }
  });
  sendQueued();

  /* The sheets' service worker keeps this page and its files on the device, as it keeps the
   * plain sheet's: opened again without the network, the queued entries are still sent. */
  if ("serviceWorker" in navigator && texts.worker) {
    var assets = [window.location.href];
    document
      .querySelectorAll("link[rel~=stylesheet], link[rel~=icon], script[src]")
      .forEach(function (element) {
        assets.push(element.href || element.src);
      });
    navigator.serviceWorker
      .register(texts.worker, { scope: texts.scope })
      .then(function () {
        return navigator.serviceWorker.ready;
      })
      .then(function (registration) {
        if (registration.active) {
          registration.active.postMessage({ keep: assets });
        }
      })
      .catch(function () {
        /* No worker (an old browser, a private window): the sheet works online as before. */
      });
  }

  window.addEventListener("online", function () {
    retryDelay = RETRY_FIRST;
    if (retryTimer !== null) {
      window.clearTimeout(retryTimer);
      retryTimer = null;
    }
    sendQueued();
  });

  window.addEventListener("beforeunload", function (event) {
    var unsaved =
      pending > 0 ||
      Object.keys(readQueue()).some(function (url) {
        return byUrl[url] !== undefined;
      }) ||
      inputs.some(function (input) {
        var value = normalised(input.value);
        return value !== "" && value !== input.closest("tr").dataset.saved;
      });
    if (unsaved) {
      event.preventDefault();
      event.returnValue = texts.leave;
      return texts.leave;
    }
    return undefined;
  });
})();
