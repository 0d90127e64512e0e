/* auditor's HTML report: filter by status, search, sort, copy. Plain JavaScript, no libraries.
   Every reference is an element with class "ref", data-status and data-search (lower case). */
(function () {
  "use strict";
  var doc = document;
  doc.documentElement.classList.add("js");

  var refs = Array.prototype.slice.call(doc.querySelectorAll(".ref"));
  var tiles = Array.prototype.slice.call(doc.querySelectorAll("[data-filter]"));
  var groups = Array.prototype.slice.call(doc.querySelectorAll("[data-group]"));
  var search = doc.getElementById("search");
  var shown = doc.getElementById("shown");
  var table = doc.querySelector("#references table");
  var active = new Set();

  function apply() {
    var terms = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    refs.forEach(function (ref) {
      var wanted = active.size === 0 || active.has(ref.dataset.status);
      var text = ref.dataset.search || "";
      ref.hidden = !(wanted && terms.every(function (t) { return text.indexOf(t) !== -1; }));
    });
    groups.forEach(function (group) {
      group.hidden = !group.querySelector(".ref:not([hidden])");
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
})();
