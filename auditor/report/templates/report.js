/* auditor's HTML report: draws the references from the page's JSON data, a page of rows at a
   time, filters them by group and status, searches, copies. Plain JavaScript, no libraries.
   Every text from the data goes into the page as a text node or an attribute value, never as
   markup; a link's href is set only when it is http(s), mailto: or tel:. */
(function () {
  "use strict";
  var doc = document;
  var PAGE = 100; /* rows drawn at a time */
  var PLACES = 3; /* places shown under a row before "more places" */
  doc.documentElement.classList.add("js");

  var island = doc.getElementById("report-data");
  var data = JSON.parse(island.textContent);
  var rows = data.rows, docs = data.docs, statuses = data.statuses, groups = data.groups;
  var list = doc.getElementById("rows");
  var pager = doc.querySelector(".pager");
  var pageOf = pager.querySelector(".page-of");
  var search = doc.getElementById("search");
  var shown = doc.getElementById("shown");
  var filters = Array.prototype.slice.call(doc.querySelectorAll("button[data-group]"));
  var views = Array.prototype.slice.call(doc.querySelectorAll("button[data-view]"));
  doc.querySelector("#list .controls").hidden = false;

  var state = { view: "all", active: new Set(), change: null, terms: [], page: 0 };
  var matching = []; /* indexes into rows (all) or entries (documents) that pass the filter */
  var entries = null; /* by document: [row index, document index, places there], built on first use */
  var texts = null; /* each row's search text, built on the first search */

  function safeHref(url) {
    if (typeof url !== "string") { return null; }
    return /^(https?:\/\/|mailto:|tel:\+?[0-9]+$)/i.test(url.trim()) ? url : null;
  }
  function el(tag, className, text) {
    var node = doc.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function link(text, href, className) {
    var safe = safeHref(href);
    if (!safe) { var code = el("code", className, text); return code; }
    var a = el("a", className);
    a.href = safe;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.appendChild(el("code", null, text));
    return a;
  }
  function copyButton(text) {
    var button = el("button", "copy", "Copy");
    button.type = "button";
    button.dataset.copy = text;
    return button;
  }
  function badge(row) {
    var status = statuses[row.s];
    var span = el("span", "badge tone-" + status[2]);
    span.appendChild(el("span", "symbol", status[1])).setAttribute("aria-hidden", "true");
    span.appendChild(doc.createTextNode(status[0]));
    return span;
  }
  function address(row) { return row.u !== undefined ? row.u : row.t; }
  function reasonOf(row) { return row.r === undefined ? "" : data.reasons[row.r]; }
  function addressHref(row) { return row.h === 1 ? address(row) : row.h; }
  function placeLabel(place, short) {
    var d = docs[place[0]];
    if (!d) { return place[3] + ":" + place[1]; }
    var at = d.f === "pdf" ? "p. " + place[1] : place[1] + (place[2] ? ":" + place[2] : "");
    if (short) { return d.f === "pdf" ? at : "line " + at; }
    return d.f === "pdf" ? d.n + " " + at : d.n + ":" + at;
  }
  function placeHref(place) {
    var d = docs[place[0]];
    if (!d) { return null; }
    if (d.src) { return d.src.replace("{line}", String(place[1])); }
    return "#doc-" + (place[0] + 1);
  }
  function placeItem(place, short) {
    var li = el("li");
    var href = placeHref(place);
    var a = el("a", "where", placeLabel(place, short));
    if (href && href.charAt(0) === "#") { a.href = href; }
    else if (safeHref(href)) { a.href = href; a.target = "_blank"; a.rel = "noopener noreferrer"; }
    li.appendChild(a);
    if (place[3] && place[0] >= 0) { li.appendChild(doc.createTextNode(" ")); li.appendChild(el("span", "context", place[3])); }
    return li;
  }

  /* One reference, as "All references" shows it (places: all of them) or "By document" (only its places there). */
  function drawRow(n, places, short) {
    var row = rows[n];
    var status = statuses[row.s];
    var card = el("article", "ref card tone-" + status[2]);
    card.dataset.status = status[0];
    card.dataset.group = groups[row.g][0];
    if (!short) { card.id = "ref-" + (n + 1); }
    var head = el("header");
    head.appendChild(badge(row));
    if (row.w) { head.appendChild(el("span", "meta waiting", data.waiting)); }
    if (row.ca) { var c = el("span", "cached", "cached"); c.title = "reused from a check on " + row.ca; head.appendChild(c); }
    head.appendChild(link(row.t, row.u === undefined ? addressHref(row) : null, "written"));
    if (row.u !== undefined) { head.appendChild(link(row.u, addressHref(row), "target")); }
    if (row.sn) {
      var since = "since " + row.sn;
      if (row.ps !== undefined) { since += " (was " + statuses[row.ps][0] + ")"; }
      head.appendChild(el("span", "meta", since));
    }
    card.appendChild(head);
    var reason = el("p", "reason", reasonOf(row));
    if (row.c) { reason.appendChild(el("span", "http", " HTTP " + row.c)); }
    card.appendChild(reason);
    if (row.fd) { card.appendChild(el("p", "suggestion", "Their pages list " + row.fd.join(", "))); }
    if (row.lo) { var lo = el("p", "meta", "Listed on "); lo.appendChild(link(row.lo, row.lo)); card.appendChild(lo); }
    if (row.x !== undefined) {
      var p = el("p", "suggestion", "Replace with ");
      p.appendChild(link(row.x, row.xh ? row.x : null, "new"));
      p.appendChild(copyButton(row.x));
      card.appendChild(p);
      if (row.dc && !short) {
        card.appendChild(el("p", "note", "The address now belongs to another domain: the organisation may have merged or been renamed. Check the text around this reference too."));
      }
    }
    if (row.a) {
      var archived = el("p", "archived", "Archived copy: ");
      archived.appendChild(link(row.a, row.a));
      archived.appendChild(copyButton(row.a));
      card.appendChild(archived);
    }
    if (row.rd && !short) {
      var chain = el("details", "chain");
      chain.appendChild(el("summary", null, "Redirect chain: " + row.rd.length + " hop" + (row.rd.length === 1 ? "" : "s")));
      var ol = el("ol");
      row.rd.concat(row.fu ? [[row.fu[0] === 1 ? row.x : row.fu[0], row.fu[1]]] : []).forEach(function (hop) {
        var li = el("li");
        var url = hop[0] === 1 ? address(row) : hop[0];
        li.appendChild(link(url, url));
        if (hop[1]) { li.appendChild(el("span", "http", " " + hop[1])); }
        ol.appendChild(li);
      });
      chain.appendChild(ol);
      card.appendChild(chain);
    }
    if (row.fi) {
      var ul = el("ul", "findings");
      row.fi.forEach(function (f) { ul.appendChild(el("li", null, f)); });
      card.appendChild(ul);
    }
    if (places && places.length) {
      var where = el("ul", "places");
      places.slice(0, PLACES).forEach(function (place) { where.appendChild(placeItem(place, short)); });
      card.appendChild(where);
      if (places.length > PLACES) {
        var more = el("details", "more-places");
        var rest = places.length - PLACES;
        more.appendChild(el("summary", null, rest.toLocaleString("en") + " more place" + (rest === 1 ? "" : "s")));
        var restList = el("ul", "places");
        more.addEventListener("toggle", function () {
          if (more.open && !restList.firstChild) {
            places.slice(PLACES).forEach(function (place) { restList.appendChild(placeItem(place, short)); });
          }
        });
        more.appendChild(restList);
        card.appendChild(more);
      }
    }
    return card;
  }

  function drawDocument(d, n, continued) {
    var info = docs[d];
    var box = el("header", "document card");
    if (!continued) { box.id = "doc-" + (d + 1); }
    var h = el("h3");
    h.appendChild(info.u ? link(info.n, info.u) : el("code", null, info.n));
    if (continued) { h.appendChild(el("span", "meta", " (continued)")); }
    box.appendChild(h);
    var meta = [info.f, info.d ? "dated " + info.d : "no date found in the document"];
    if (info.st) { meta.push("stale: due for review"); }
    var counts = [];
    groups.forEach(function (g, i) { if (info.c[i]) { counts.push(info.c[i].toLocaleString("en") + " " + g[1].toLowerCase()); } });
    meta.push(counts.length ? counts.join(", ") : "no references");
    box.appendChild(el("p", "meta", meta.join(" \u00b7 ")));
    if (info.fix && !continued) {
      var fix = el("p", "fix", "Apply its suggestions: ");
      fix.appendChild(el("code", null, info.fix));
      fix.appendChild(copyButton(info.fix));
      box.appendChild(fix);
    }
    return box;
  }

  function byDocument() {
    if (entries) { return entries; }
    var buckets = docs.map(function () { return []; });
    rows.forEach(function (row, n) {
      var here = {};
      (row.p || []).forEach(function (place) {
        if (place[0] < 0) { return; }
        (here[place[0]] = here[place[0]] || []).push(place);
      });
      Object.keys(here).forEach(function (d) { buckets[d].push([n, Number(d), here[d]]); });
    });
    entries = [];
    buckets.forEach(function (bucket, d) {
      bucket.sort(function (a, b) { return a[2][0][1] - b[2][0][1] || rows[a[0]].s - rows[b[0]].s; });
      if (!bucket.length) { entries.push([-1, d, null]); } /* a document with no references: its header */
      Array.prototype.push.apply(entries, bucket);
    });
    return entries;
  }

  function searchText(n) {
    if (!texts) { texts = new Array(rows.length); }
    if (texts[n] === undefined) {
      var row = rows[n];
      var parts = [row.t, row.u || "", reasonOf(row), statuses[row.s][0], row.x || ""];
      (row.p || []).forEach(function (place) { parts.push(placeLabel(place, false)); });
      texts[n] = parts.join(" ").toLowerCase();
    }
    return texts[n];
  }
  function wanted(n) {
    var row = rows[n];
    if (state.change && row.ch !== state.change) { return false; }
    if (state.active.size) {
      var group = groups[row.g][0];
      if (!state.active.has(group) && !state.active.has(group + "|" + statuses[row.s][0])) { return false; }
    }
    for (var t = 0; t < state.terms.length; t++) {
      if (searchText(n).indexOf(state.terms[t]) === -1) { return false; }
    }
    return true;
  }
  function filtering() { return state.active.size > 0 || state.terms.length > 0 || state.change !== null; }

  function select() {
    matching = [];
    var i;
    if (state.view === "all") {
      for (i = 0; i < rows.length; i++) { if (wanted(i)) { matching.push(i); } }
    } else {
      var all = byDocument();
      var on = filtering();
      for (i = 0; i < all.length; i++) {
        var entry = all[i];
        if (entry[0] < 0 ? !on : wanted(entry[0])) { matching.push(i); }
      }
    }
  }

  function draw() {
    var pages = Math.max(1, Math.ceil(matching.length / PAGE));
    state.page = Math.min(state.page, pages - 1);
    var from = state.page * PAGE, to = Math.min(matching.length, from + PAGE);
    var frag = doc.createDocumentFragment();
    if (state.view === "all") {
      for (var i = from; i < to; i++) { frag.appendChild(drawRow(matching[i], rows[matching[i]].p, false)); }
    } else {
      var last = -1;
      for (var j = from; j < to; j++) {
        var entry = entries[matching[j]];
        if (entry[1] !== last) {
          frag.appendChild(drawDocument(entry[1], j, j === from && j > 0 && entries[matching[j - 1]][1] === entry[1]));
          last = entry[1];
        }
        if (entry[0] >= 0) { frag.appendChild(drawRow(entry[0], entry[2], true)); }
      }
    }
    if (!matching.length) { frag.appendChild(el("p", "empty filtered", "No reference matches the filter.")); }
    list.replaceChildren(frag);
    pager.hidden = pages < 2;
    pageOf.textContent = "Page " + (state.page + 1) + " of " + pages;
    pager.querySelector("[data-page=prev]").disabled = state.page === 0;
    pager.querySelector("[data-page=next]").disabled = state.page >= pages - 1;
    var what = state.view === "all" ? "references" : "entries";
    var count = state.view === "all" ? matching.length : matching.filter(function (m) { return entries[m][0] >= 0; }).length;
    shown.textContent = filtering() || pages > 1
      ? "Showing " + (count ? (from + 1).toLocaleString("en") + "\u2013" + to.toLocaleString("en") + " of " : "") + count.toLocaleString("en") + " " + what + (filtering() ? " (filtered)" : "")
      : "";
    filters.forEach(function (button) {
      var key = button.dataset.filter ? button.dataset.group + "|" + button.dataset.filter : button.dataset.group;
      button.setAttribute("aria-pressed", state.active.has(key) ? "true" : "false");
    });
    views.forEach(function (button) { button.setAttribute("aria-pressed", button.dataset.view === state.view ? "true" : "false"); });
  }
  function apply() { select(); draw(); }
  function refilter() { state.page = 0; apply(); }

  filters.forEach(function (button) {
    button.addEventListener("click", function () {
      var key = button.dataset.filter ? button.dataset.group + "|" + button.dataset.filter : button.dataset.group;
      if (state.active.has(key)) { state.active.delete(key); } else { state.active.add(key); }
      refilter();
    });
  });
  views.forEach(function (button) {
    button.addEventListener("click", function () { state.view = button.dataset.view; refilter(); });
  });
  var typing = null;
  search.addEventListener("input", function () {
    clearTimeout(typing);
    typing = setTimeout(function () {
      state.terms = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      refilter();
    }, rows.length > 5000 ? 150 : 0);
  });
  doc.getElementById("show-all").addEventListener("click", function () {
    state.active.clear();
    state.change = null;
    state.terms = [];
    search.value = "";
    refilter();
  });
  pager.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-page]");
    if (!button) { return; }
    state.page += button.dataset.page === "next" ? 1 : -1;
    draw();
    doc.getElementById("list").scrollIntoView();
  });

  /* #doc-3: that document's view; #ref-12: that reference's page; #filter-new: the new broken. */
  function follow(hash) {
    var id;
    try { id = decodeURIComponent(hash.slice(1)); } catch (e) { return; } /* a malformed #%zz typed by hand */
    var m = /^(doc|ref|filter)-(.+)$/.exec(id || "");
    if (!m) { return; }
    state.active.clear();
    state.terms = [];
    search.value = "";
    state.change = null;
    if (m[1] === "filter") {
      state.view = "all";
      state.change = m[2];
      refilter();
      doc.getElementById("list").scrollIntoView();
      return;
    }
    var n = Number(m[2]) - 1;
    if (m[1] === "doc") {
      state.view = "documents";
      select();
      var at = matching.findIndex(function (e) { return entries[e][1] === n; });
      state.page = at < 0 ? 0 : Math.floor(at / PAGE);
    } else {
      state.view = "all";
      select();
      var where = matching.indexOf(n);
      state.page = where < 0 ? 0 : Math.floor(where / PAGE);
    }
    draw();
    var target = doc.getElementById(id);
    if (target) { target.scrollIntoView(); }
  }
  window.addEventListener("hashchange", function () { follow(window.location.hash); });
  /* A link to the hash already in the address bar fires no hashchange: follow it anyway. */
  doc.addEventListener("click", function (event) {
    var a = event.target.closest("a[href^='#']");
    if (a && a.getAttribute("href") === window.location.hash) { follow(window.location.hash); }
  });

  /* Copy an address; the clipboard API where allowed, else a selected textarea. */
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

  apply();
  if (window.location.hash) { follow(window.location.hash); }
  doc.documentElement.dataset.ready = "1";
  window.auditorReady = true;
  window.auditorReadyAt = performance.now(); /* since navigation start: bench/report_speed.py reads it */
})();
