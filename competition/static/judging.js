/* The score sheet: each row is saved as typed, Enter saves and moves on, the server decides.
 *
 * No framework and nothing from elsewhere: a tablet beside a machine may have a poor network,
 * and the page must work with what the server sent.
 *
 * - Enter checks the value at once against the mark value rule (0 to the component's maximum,
 *   at most so many decimal places) and the number format, with the server's own words: the
 *   page carries the rule, its limits and its messages, in data-rule (scoring.MarkValueRule),
 *   so nothing of it is written here. An impossible value stays on its row, marked, so a slip
 *   is fixed before moving on.
 * - A plausible value moves the cursor to the next row at once and is saved in the background,
 *   so fast typing never lands in the wrong row. The server checks it again with every rule
 *   (range, finalist, locked sheet, published round); its refusal is shown on the row.
 * - Saves of one row go out one after another, so the last value typed is the one stored.
 * - Each save is conditional on the mark this page shows (If-Match with its ETag, or
 *   If-None-Match: * for an empty row): if the mark was changed elsewhere meanwhile (the same
 *   judge's other device, a ruling on second entry), the server refuses and says what it is
 *   now; Enter again replaces it on purpose.
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
  var counter = document.getElementById("empty-count");
  var inputs = Array.prototype.slice.call(table.querySelectorAll("input.mark"));
  var NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

  /* As the server's normalisation (competition/normalise.py decimal_text): an input method in
   * full-width mode types "８６．５" or "86。5" for 86.5. */
  function normalise(text) {
    return text.normalize("NFKC").replace(/[。·]/g, ".").replace(/\s+/g, "");
  }

  function rowOf(input) {
    return input.closest("tr");
  }

  function setState(row, state, message) {
    row.classList.remove("saving", "saved", "failed");
    row.classList.add(state);
    row.querySelector(".state").textContent = message;
    row.querySelector("input.mark").setAttribute("aria-invalid", String(state === "failed"));
  }

  function updateCount() {
    var empty = inputs.filter(function (input) {
      return rowOf(input).dataset.saved === "";
    }).length;
    if (counter) {
      counter.textContent = String(empty);
    }
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

  function conditional(row, headers) {
    /* Rows of the judge's own sheet carry data-etag; a second-entry sheet's rows do not. */
    if (row.dataset.etag === undefined) {
      return headers;
    }
    if (row.dataset.etag) {
      headers["If-Match"] = row.dataset.etag;
    } else {
      headers["If-None-Match"] = "*";
    }
    return headers;
  }

  function send(row, input, typed) {
    return fetch(row.dataset.url, {
      method: "PUT",
      credentials: "same-origin",
      headers: conditional(row, {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": token,
      }),
      body: JSON.stringify({ value: typed }),
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return null;
          })
          .then(function (body) {
            var latest = row.lastSent === typed;
            var stale = !response.ok && body && body.error && body.error.code === "stale";
            if (row.dataset.etag !== undefined && (response.ok || stale)) {
              /* The mark as the server now has it: the next save is conditional on that. */
              row.dataset.etag = response.headers.get("ETag") || "";
            }
            if (response.ok && body && body.value !== undefined) {
              row.dataset.saved = body.value;
              if (latest) {
                if (input.value.trim() === typed) {
                  input.value = body.value;
                }
                setState(row, "saved", texts.saved);
              }
            } else if (latest) {
              row.lastSent = undefined;
              setState(
                row,
                "failed",
                messageOf(response, body) + (stale ? " " + texts.stale : "")
              );
            }
          });
      })
      .catch(function () {
        if (row.lastSent === typed) {
          row.lastSent = undefined;
          setState(row, "failed", texts.offline);
        }
      })
      .then(updateCount);
  }

  /* Check a row's value; queue it for saving when it may be right. False when refused. */
  function submit(input) {
    var row = rowOf(input);
    var typed = normalise(input.value);
    if (typed !== input.value && NUMBER.test(typed)) {
      input.value = typed;
    }
    var current = row.lastSent !== undefined ? row.lastSent : row.dataset.saved;
    if (typed === current) {
      return true;
    }
    if (typed === "") {
      if (row.dataset.saved === "") {
        row.lastSent = undefined;
        return true;
      }
      input.value = row.dataset.saved;
      setState(row, "failed", texts.noClear);
      return false;
    }
    var problem = precheck(typed);
    if (problem) {
      setState(row, "failed", problem);
      return false;
    }
    row.lastSent = typed;
    setState(row, "saving", texts.saving);
    row.queue = (row.queue || Promise.resolve()).then(function () {
      return send(row, input, typed);
    });
    return true;
  }

  function focusNext(input) {
    var next = inputs[inputs.indexOf(input) + 1];
    if (next) {
      next.focus();
      next.select();
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
  updateCount();
})();
