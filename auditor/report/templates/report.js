/* auditor's HTML report: filter by status, search, sort, copy. Plain JavaScript, no libraries.
   Every reference is an element with class "ref", data-status and data-search (lower case),
   or data-of: the id of the reference's row that has its data-search (the per-document rows). */
(function () {
  "use strict";
  var doc = document;
  doc.documentElement.classList.add("js");

  var refs = Array.prototype.slice.call(doc.querySelectorAll(".ref"));
  var texts = refs.map(function (ref) {
    var of = ref.dataset.of ? doc.getElementById(ref.dataset.of) : null;
    return (of ? of.dataset.search : ref.dataset.search) || "";
  });
  var tiles = Array.prototype.slice.call(doc.querySelectorAll("[data-filter]"));
  var groups = Array.prototype.slice.call(doc.querySelectorAll("[data-group]"));
  var search = doc.getElementById("search");
  var shown = doc.getElementById("shown");
  var table = doc.querySelector("#references table");
  var active = new Set();

  function apply() {
    var terms = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var filtering = active.size > 0 || terms.length > 0;
    refs.forEach(function (ref, i) {
      var wanted = active.size === 0 || active.has(ref.dataset.status);
      var text = texts[i];
      ref.hidden = !(wanted && terms.every(function (t) { return text.indexOf(t) !== -1; }));
    });
    /* A group (a document with no references, too) is hidden only when a filter leaves nothing in it. */
    groups.forEach(function (group) {
      group.hidden = filtering && !group.querySelector(".ref:not([hidden])");
    });
    doc.querySelectorAll("section.section").forEach(function (section) {
      var note = section.querySelector(":scope > .empty.filtered");
      if (note) { note.hidden = !!section.querySelector(".ref:not([hidden])"); }
    });
    tiles.forEach(function (tile) {
      tile.setAttribute("aria-pressed", active.has(tile.dataset.filter) ? "true" : "false");
    });
    if (table) {
      var rows = table.tBodies[0].rows;
      var visible = 0;
      for (var i = 0; i < rows.length; i++) { if (!rows[i].hidden) { visible++; } }
      shown.textContent = (active.size || terms.length)
        ? "Showing " + visible + " of " + rows.length + " references"
        : "";
    }
  }

  tiles.forEach(function (tile) {
    tile.addEventListener("click", function () {
      var status = tile.dataset.filter;
      if (active.has(status)) { active.delete(status); } else { active.add(status); }
      apply();
    });
  });
  search.addEventListener("input", apply);
  doc.getElementById("show-all").addEventListener("click", function () {
    active.clear();
    search.value = "";
    apply();
  });

  /* Sorting: a header's button sorts its table by that column; again reverses. */
  doc.querySelectorAll("table.sortable").forEach(function (sortable) {
    var headers = Array.prototype.slice.call(sortable.tHead.rows[0].cells);
    headers.forEach(function (th, index) {
      var button = th.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var direction = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", direction);
        var numeric = th.dataset.type === "number";
        var body = sortable.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        function key(row) {
          var cell = row.cells[index];
          var value = cell.dataset.key !== undefined ? cell.dataset.key : cell.textContent.trim().toLowerCase();
          return numeric ? Number(value) : value;
        }
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          var order = numeric ? x - y : x.localeCompare(y, undefined, { numeric: true });
          return direction === "ascending" ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });

  /* Copy a suggested replacement; the clipboard API where allowed, else a selected textarea. */
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { fallback(text); });
    }
    fallback(text);
    return Promise.resolve();
  }
  function fallback(text) {
    var area = doc.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    doc.body.appendChild(area);
    area.select();
    try { doc.execCommand("copy"); } catch (e) { /* nothing more to try */ }
    doc.body.removeChild(area);
  }
  /* A link to a document (or to anything inside a closed <details>) opens it first. */
  function reveal(href) {
    var id;
    try { id = decodeURIComponent(href.slice(1)); } catch (e) { return; } /* a malformed #%zz typed by hand */
    var target = id && doc.getElementById(id);
    if (!target) { return; }
    var own = target.querySelector(":scope > details");
    if (own) { own.open = true; }
    for (var d = target.closest("details"); d; d = d.parentElement.closest("details")) { d.open = true; }
  }
  function revealHash() { reveal(window.location.hash); }
  window.addEventListener("hashchange", revealHash);
  doc.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (link) { reveal(link.getAttribute("href")); }
  });

  doc.addEventListener("click", function (event) {
    var button = event.target.closest("button.copy");
    if (!button) { return; }
    copyText(button.dataset.copy).then(function () {
      button.textContent = "Copied";
      button.classList.add("done");
      setTimeout(function () { button.textContent = "Copy"; button.classList.remove("done"); }, 1500);
    });
  });

  /* Printing shows redirect chains and inputs opened. */
  window.addEventListener("beforeprint", function () {
    doc.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });

  apply();
  revealHash();
})();
