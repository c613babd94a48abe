/* The review form: saved as typed, on a tablet, during the trial lecture.
 *
 * What the expert types is never lost, and the server decides everything:
 * - Every keystroke is kept at once as a draft in this device's localStorage (one per expert,
 *   cohort and trainee). The draft goes only when the server has accepted a review equal to
 *   what is in the form; a page reloaded (or a tablet restarted) puts it back.
 * - The live score comes from the server (POST …/score), which computes it from the cohort's
 *   rubric with the same rule as every stored score; the page never does that arithmetic. An
 *   item the server refuses (105, "8x") is marked on its input with the server's words.
 * - A complete form (every score and both comments filled) is saved a moment after the last
 *   keystroke (PUT …/review, the API's own checks). A form still missing something is not
 *   sent: it stays a draft here and the state line says what is still missing. The save
 *   button sends it anyway, so the server names every missing field.
 * - Saves go out one after another; a refusal is shown inline; "offline" retries when the
 *   network is back; a result signed meanwhile (409) turns the form read-only; leaving the
 *   page with changes the server does not have yet asks first.
 */
(function () {
  "use strict";
  var form = document.querySelector("form.review-form[data-editable]");
  if (!form) {
    return;
  }
  var texts = form.dataset;
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  var token = tokenMeta ? tokenMeta.getAttribute("content") : "";
  var inputs = Array.prototype.slice.call(form.querySelectorAll("[data-field]"));
  var scoreInputs = inputs.filter(function (input) {
    return input.classList.contains("score-input");
  });
  var stateLine = document.getElementById("save-state");
  var live = document.getElementById("live-score");
  var liveNote = document.getElementById("live-note");
  var restored = document.querySelector(".restored");
  var draftKey = texts.draftKey;
  var saved = JSON.parse(texts.saved || "{}");
  var locked = false;
  var lastSent = null;
  var queue = Promise.resolve();
  var previewTimer = null;
  var saveTimer = null;
  var previewSeq = 0;

  /* ------------------------------------------------------------ values and drafts */
  function current() {
    var values = {};
    inputs.forEach(function (input) {
      values[input.name] = input.value;
    });
    return values;
  }

  function filled(values) {
    var out = {};
    Object.keys(values || {}).forEach(function (name) {
      var text = String(values[name]).trim();
      if (text) {
        out[name] = text;
      }
    });
    return out;
  }

  function same(a, b) {
    var x = filled(a);
    var y = filled(b);
    var keys = Object.keys(x);
    return keys.length === Object.keys(y).length && keys.every(function (k) {
      return x[k] === y[k];
    });
  }

  function readDraft() {
    try {
      var raw = window.localStorage.getItem(draftKey);
      return raw ? JSON.parse(raw) : null;
    } catch (error) {
      return null;
    }
  }

  function keepDraft() {
    try {
      window.localStorage.setItem(
        draftKey,
        JSON.stringify({ values: current(), base: saved, at: Date.now() })
      );
    } catch (error) {
      /* private mode or a full store: the server copy is all there is */
    }
  }

  function dropDraft() {
    try {
      window.localStorage.removeItem(draftKey);
    } catch (error) {
      /* nothing kept, nothing to drop */
    }
  }

  /* The API's body: blank inputs are left out, so the server says "必填" for them. */
  function body(values) {
    var out = {};
    inputs.forEach(function (input) {
      var field = input.dataset.field;
      var text = String(values[input.name] || "").trim();
      if (field.indexOf("items.") === 0) {
        out.items = out.items || {};
        if (text) {
          out.items[field.slice(6)] = text;
        }
      } else if (text) {
        out[field] = field === "score" ? text : values[input.name];
      }
    });
    return out;
  }

  function missing() {
    return inputs.filter(function (input) {
      return !input.value.trim();
    });
  }

  /* ------------------------------------------------------------ showing things */
  function setState(kind, message) {
    stateLine.className = "save-state " + kind;
    stateLine.textContent = message;
  }

  function showError(field, message) {
    var slot = form.querySelector('[data-error-for="' + field + '"]');
    if (slot) {
      slot.textContent = message || "";
    }
    inputs.forEach(function (input) {
      if (input.dataset.field === field) {
        input.setAttribute("aria-invalid", message ? "true" : "false");
        var box = input.closest(".item, .comment");
        if (box) {
          box.classList.toggle("has-error", Boolean(message));
        }
      }
    });
  }

  function labelOf(field) {
    var input = inputs.filter(function (i) {
      return i.dataset.field === field;
    })[0];
    return input ? input.dataset.label : "";
  }

  /* "不足之处：必填；教学内容：分数应在 0 到 100 之间" from the error shape's fields. */
  function summary(error) {
    var fields = error.fields || {};
    var parts = Object.keys(fields).map(function (field) {
      var label = labelOf(field);
      return (label ? label + "：" : "") + fields[field][0];
    });
    return parts.length ? parts.join("；") : error.message;
  }

  function clock() {
    var now = new Date();
    return [now.getHours(), now.getMinutes(), now.getSeconds()]
      .map(function (n) {
        return (n < 10 ? "0" : "") + n;
      })
      .join(":");
  }

  function lock(message) {
    locked = true;
    inputs.forEach(function (input) {
      input.disabled = true;
    });
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.hidden = true;
    }
    setState("locked", message || texts.textLocked);
  }

  /* ------------------------------------------------------------ talking to the server */
  function request(url, method, payload) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": token,
      },
      body: JSON.stringify(payload),
    }).then(function (response) {
      return response
        .json()
        .catch(function () {
          return null;
        })
        .then(function (json) {
          return { ok: response.ok, status: response.status, body: json };
        });
    });
  }

  /* The live score: the server computes it from the item scores (or checks the score). */
  function preview() {
    var typed = scoreInputs.filter(function (input) {
      return input.value.trim();
    });
    var empty = scoreInputs.length - typed.length;
    if (!typed.length) {
      previewSeq += 1;
      live.textContent = "—";
      liveNote.textContent = "";
      scoreInputs.forEach(function (input) {
        showError(input.dataset.field, "");
      });
      return;
    }
    var all = body(current());
    var payload = {};
    if (all.items) {
      payload.items = all.items;
    } else {
      payload.score = all.score;
    }
    var seq = (previewSeq += 1);
    request(texts.scoreUrl, "POST", payload).then(
      function (answer) {
        if (seq !== previewSeq) {
          return; /* an older answer: the expert has typed since */
        }
        var fields = answer.body && answer.body.error ? answer.body.error.fields || {} : {};
        if (answer.ok) {
          live.textContent = answer.body.score;
          liveNote.textContent = "";
        } else if (answer.status === 422) {
          live.textContent = "—";
          liveNote.textContent = empty ? texts.textMissingScore.replace("{count}", empty) : "";
        } else {
          return; /* expired or offline: the save says so */
        }
        scoreInputs.forEach(function (input) {
          var refusal = input.value.trim() ? fields[input.dataset.field] : null;
          showError(input.dataset.field, refusal ? refusal[0] : "");
        });
      },
      function () {
        /* offline: the live score waits; the save reports the network */
      }
    );
  }

  function send(values) {
    return request(texts.saveUrl, "PUT", body(values)).then(
      function (answer) {
        var latest = same(current(), values);
        if (answer.ok) {
          saved = values;
          if (latest) {
            dropDraft();
            restored.hidden = true;
            inputs.forEach(function (input) {
              showError(input.dataset.field, "");
            });
            live.textContent = answer.body.score;
            liveNote.textContent = "";
            setState("saved", texts.textSaved + " " + clock());
          }
          return;
        }
        var error = answer.body && answer.body.error;
        if (answer.status === 409) {
          lock(error ? error.message : "");
        } else if (answer.status === 422 && error) {
          var fields = error.fields || {};
          inputs.forEach(function (input) {
            var refusal = fields[input.dataset.field];
            showError(input.dataset.field, refusal ? refusal[0] : "");
          });
          if (latest) {
            setState("refused", texts.textRefused + summary(error));
          }
        } else {
          lastSent = null;
          setState(
            "failed",
            answer.status === 400 || answer.status === 401 ? texts.textExpired : texts.textFailed
          );
        }
      },
      function () {
        lastSent = null;
        setState("failed", texts.textOffline);
      }
    );
  }

  /* Save now if the form is complete (or `explicit`: the button was pressed). */
  function save(explicit) {
    window.clearTimeout(saveTimer);
    if (locked) {
      return;
    }
    var values = current();
    if (same(values, saved)) {
      dropDraft();
      lastSent = JSON.stringify(filled(values));
      setState("saved", explicit ? texts.textUnchanged : texts.textSaved);
      return;
    }
    keepDraft();
    var empty = missing();
    if (empty.length && !explicit) {
      setState(
        "draft",
        texts.textDraft +
          empty
            .map(function (input) {
              return input.dataset.label;
            })
            .join("、")
      );
      return;
    }
    var signature = JSON.stringify(filled(values));
    if (!explicit && signature === lastSent) {
      return; /* the same values were just refused: wait for a change */
    }
    lastSent = signature;
    setState("saving", texts.textSaving);
    queue = queue.then(function () {
      return send(values);
    });
  }

  function changed() {
    if (locked) {
      return;
    }
    if (same(current(), saved)) {
      dropDraft();
    } else {
      keepDraft();
      setState("pending", texts.textPending);
    }
    window.clearTimeout(previewTimer);
    window.clearTimeout(saveTimer);
    previewTimer = window.setTimeout(preview, 300);
    saveTimer = window.setTimeout(function () {
      save(false);
    }, 1200);
  }

  inputs.forEach(function (input) {
    input.addEventListener("input", changed);
    input.addEventListener("change", function () {
      save(false);
    });
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    window.clearTimeout(previewTimer);
    preview();
    save(true);
  });
  window.addEventListener("online", function () {
    save(false);
  });
  /* Leaving with what the server does not have yet asks first (the draft stays here anyway). */
  window.addEventListener("beforeunload", function (event) {
    if (!locked && !same(current(), saved)) {
      event.preventDefault();
      event.returnValue = texts.textLeave;
      return texts.textLeave;
    }
    return undefined;
  });

  /* ------------------------------------------------------------ a draft left on this device */
  var draft = readDraft();
  if (draft && draft.values) {
    if (same(draft.values, saved)) {
      dropDraft();
    } else if (same(draft.base || {}, saved)) {
      /* Nothing changed on the server since the draft began: put it back and carry on. */
      inputs.forEach(function (input) {
        if (Object.prototype.hasOwnProperty.call(draft.values, input.name)) {
          input.value = draft.values[input.name];
        }
      });
      restored.textContent = texts.textRestored;
      restored.hidden = false;
      preview();
      save(false);
    } else {
      /* The review changed elsewhere since (another device): offer the draft, do not impose it. */
      restored.textContent = texts.textOtherDraft + " ";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary small";
      button.textContent = texts.textUseDraft;
      button.addEventListener("click", function () {
        inputs.forEach(function (input) {
          if (Object.prototype.hasOwnProperty.call(draft.values, input.name)) {
            input.value = draft.values[input.name];
          }
        });
        restored.hidden = true;
        changed();
      });
      restored.appendChild(button);
      restored.hidden = false;
    }
  }
})();
