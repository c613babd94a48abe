// The venue board: ask state.json every second whether anything changed (If-None-Match), and
// redraw only on a 200. An unchanged board is a 304 without a body, so many screens cost little.
(function () {
  "use strict";
  var root = document.getElementById("board");
  if (!root) { return; }
  var t = root.dataset;
  var etag = t.etag;
  var main = document.getElementById("board-main");
  var title = document.getElementById("board-title");
  var status = document.getElementById("board-status");

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function counted(label, value, of, className) {
    var p = el("p");
    p.appendChild(el("span", "label", label));
    p.appendChild(document.createTextNode(" "));
    p.appendChild(el("strong", className, value));
    p.appendChild(document.createTextNode(" / " + of));
    return p;
  }
  function place(n) { return t.tPlace.replace("{place}", n); }

  function drawProgress(progress) {
    main.appendChild(el("h2", null, t.tMarking));
    var big = counted(t.tMarked, progress.contestants_marked, progress.contestants);
    big.className = "big";
    main.appendChild(big);
    var grid = el("div", "components");
    progress.components.forEach(function (c) {
      var box = el("section", "component");
      box.dataset.key = c.key;
      box.appendChild(el("h3", null, c.label));
      box.appendChild(counted(t.tSheets, c.sheets_in, c.sheets, "sheets-in"));
      box.appendChild(counted(t.tSigned, c.signed, c.sheets, "signed"));
      box.appendChild(counted(t.tMarks, c.marks, c.marks_expected, "marks"));
      var bar = el("div", "bar");
      var fill = el("div");
      fill.style.width = (c.marks_expected ? Math.floor(100 * c.marks / c.marks_expected) : 0) + "%";
      bar.appendChild(fill);
      box.appendChild(bar);
      grid.appendChild(box);
    });
    main.appendChild(grid);
  }

  function drawReveal(r) {
    var h = el("h2", null, t.tResults + " ");
    h.appendChild(el("span", "step", r.step + " / " + r.steps));
    main.appendChild(h);
    if (!r.revealed.length) {
      main.appendChild(el("p", "big waiting", t.tWaiting));
      return;
    }
    var latest = r.revealed[r.revealed.length - 1];
    var box = el("section", "latest");
    if (latest.tier) { box.appendChild(el("p", "tier", latest.tier)); }
    box.appendChild(el("p", "place", place(latest.place)));
    var who = el("p", "who");
    who.appendChild(el("span", "name", latest.name));
    who.appendChild(document.createTextNode(" "));
    who.appendChild(el("span", "unit", latest.unit));
    box.appendChild(who);
    box.appendChild(el("p", "total", t.tTotal + " " + latest.total + " · " + latest.number));
    main.appendChild(box);
    var list = el("ol", "revealed");
    r.revealed.slice(0, -1).reverse().forEach(function (e) {
      var li = el("li");
      [["tier", e.tier || ""], ["place", place(e.place)], ["name", e.name], ["unit", e.unit],
       ["total", e.total]].forEach(function (part, i) {
        if (i) { li.appendChild(document.createTextNode(" ")); }
        li.appendChild(el("span", part[0], part[1]));
      });
      list.appendChild(li);
    });
    main.appendChild(list);
  }

  function draw(state) {
    title.textContent = state.event + " · " + state.round_label;
    main.textContent = "";
    if (state.published) { drawReveal(state.reveal); } else { drawProgress(state.progress); }
  }

  function poll() {
    fetch(t.stateUrl, { headers: { "If-None-Match": '"' + etag + '"' }, cache: "no-store" })
      .then(function (response) {
        status.textContent = "";
        if (response.status !== 200) { return null; }
        var tag = (response.headers.get("ETag") || "").replace(/"/g, "");
        return response.json().then(function (state) {
          etag = tag;
          draw(state);
        });
      })
      .catch(function () { status.textContent = t.tOffline; })
      .then(function () { window.setTimeout(poll, Number(t.pollMs) || 1000); });
  }
  window.setTimeout(poll, Number(t.pollMs) || 1000);

  // A click (or the F key) fills the screen, as a projector wants; the browser asks this of a
  // person's gesture, so the page cannot do it by itself.
  function fullScreen() {
    var page = document.documentElement;
    if (!document.fullscreenElement && page.requestFullscreen) {
      page.requestFullscreen().catch(function () {});
    }
  }
  document.addEventListener("click", fullScreen);
  document.addEventListener("keydown", function (event) {
    if (event.key === "f" || event.key === "F") { fullScreen(); }
  });
})();
