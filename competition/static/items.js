/* The item score sheet (评分细则): one input per item and contestant, saved one by one.
 *
 * - Enter saves the input and moves to the next one; so does leaving it (change).
 * - What is typed is normalised as the server does it (NFKC: full-width digits, "。" for a
 *   decimal point), so a judge whose input method is in full-width mode types as usual.
 * - The answer shows what the item earns and, once every measured and judged item of the
 *   contestant is marked, the judge's mark of the component.
 * - A save that fails says why on its row and stays in the input; leaving the page with
 *   unsaved inputs asks first.
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
  var pending = 0;

  function normalised(text) {
    return text.normalize("NFKC").replace(/[。·]/g, ".").replace(/\s+/g, "");
  }

  function stateOf(row) {
    return row.querySelector(".state");
  }

  function save(input) {
    var row = input.closest("tr");
    var value = normalised(input.value);
    if (value !== input.value) {
      input.value = value;
    }
    if (value === "" || value === row.dataset.saved || value === row.dataset.sending) {
      return; /* nothing new, or already on its way (Enter, then the change on leaving) */
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
        if (answer.response.ok && body) {
          row.dataset.saved = body.value;
          input.value = body.value;
          row.querySelector(".points").textContent = body.points;
          stateOf(row).textContent = texts.saved;
          row.classList.add("saved");
          row.classList.remove("dispute");
          var total = row.closest("table").querySelector(".judge-mark");
          if (total && body.mark !== null) {
            total.textContent = body.mark;
          }
          return;
        }
        row.classList.add("failed");
        var message = body && body.error ? body.error.message : texts.failed;
        if (answer.response.status === 400 && !body) {
          message = texts.expired;
        }
        stateOf(row).textContent = message;
      })
      .catch(function () {
        row.classList.add("failed");
        stateOf(row).textContent = texts.offline;
      })
      .then(function () {
        pending -= 1;
        delete row.dataset.sending;
      });
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

  window.addEventListener("beforeunload", function (event) {
    var unsaved = pending > 0 || inputs.some(function (input) {
      var row = input.closest("tr");
      return normalised(input.value) !== "" && normalised(input.value) !== row.dataset.saved;
    });
    if (unsaved) {
      event.preventDefault();
      event.returnValue = texts.leave;
      return texts.leave;
    }
    return undefined;
  });
})();
