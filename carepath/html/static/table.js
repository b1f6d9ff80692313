"use strict";
/* Table view: the rows live in the page's JSON data and one page of each table is drawn at a
   time, so the page stays small and fast with a hundred thousand relations. Sorting, the area
   filter and the search box work on the data; the arrow keys move from cell to cell (Home/End:
   start and end of the row; Ctrl+Home/Ctrl+End: first and last cell; past the last row, or
   PageDown/PageUp, the next or previous page). Text is only written with textContent. */
(function () {
  var cp = window.cp;
  var data = cp.data();
  var area = document.querySelector("[data-filter=area]");
  var find = document.getElementById("cp-find");
  var live = document.getElementById("cp-live");
  var PAGE = data.page_size;
  function areaName(id) { return data.areas[id] || id; }
  function fmt(n) { return n.toLocaleString("en-GB"); }

  /* Columns: [header, text(i), options]; options.row: a row header; options.sort(i): a number
     to sort by; options.cell(i, td): fills the cell itself; options.cls: the cell's class. */
  var S = data.services;
  var services = {
    id: "services", count: S.length,
    areas: function (i) { return [S[i][3]]; },
    columns: [
      ["Service", function (i) { return S[i][0] + (S[i][1] ? " also: " + S[i][1] : ""); },
        { row: true, cell: function (i, td) {
          td.appendChild(document.createTextNode(S[i][0]));
          if (S[i][1]) { td.appendChild(cp.el("br")); td.appendChild(cp.el("small", { textContent: "also: " + S[i][1] })); }
        } }],
      ["Id", function (i) { return S[i][2]; }],
      ["Area", function (i) { return areaName(S[i][3]); }],
      ["Step", function (i) { return S[i][4]; }, { sort: function (i) { return S[i][5]; } }],
      ["Tier", function (i) { return S[i][6]; }],
      ["Age window", function (i) { return S[i][7] + (S[i][9] ? " as written: " + S[i][9] : ""); },
        { sort: function (i) { return S[i][8] === null ? Infinity : S[i][8]; },
          cell: function (i, td) {
            td.appendChild(document.createTextNode(S[i][7]));
            if (S[i][9]) { td.appendChild(cp.el("br")); td.appendChild(cp.el("small", { textContent: "as written: " + S[i][9] })); }
          } }],
      ["Concerns", function (i) { return S[i][10]; }],
      ["Eligibility", function (i) {
        return S[i][11].length ? S[i][11].map(function (c) { return c[0] + " " + c[1]; }).join(" ") : "not stated";
      }, { sort: function (i) { return S[i][11].length; }, cell: function (i, td) {
        var list = S[i][11];
        if (!list.length) { td.textContent = "not stated"; return; }
        var ul = cp.el("ul");
        list.forEach(function (c) {
          ul.appendChild(cp.el("li", {}, [c[0] + " ", cp.el("span", { className: "evidence", textContent: c[1] })]));
        });
        td.appendChild(cp.el("details", {}, [
          cp.el("summary", { textContent: list.length + (list.length === 1 ? " criterion" : " criteria") }), ul]));
      } }],
      ["Response times", function (i) { return S[i][12]; }],
      ["Sources", function (i) { return S[i][13]; }, { cls: "evidence" }],
    ],
  };

  var R = data.rels, N = data.nodes;
  /* Relation columns sort through their lookups: a few thousand names or conditions are
     ranked, and each row takes its part's rank (options.part: the part's texts, and which
     part a row has). */
  function byNode(end) {
    return { part: { texts: function () { return N.map(function (n) { return n[0]; }); },
                     at: function (i) { return R[3 * i + end]; } } };
  }
  function byPart(texts) {
    return { part: { texts: texts, at: function (i) { return R[3 * i + 2]; } } };
  }
  function byCondition(k) {
    return byPart(function () {
      return data.statements.map(function (s) { return data.conditions[s[1]][k]; });
    });
  }
  function byProvenance(k, cls) {
    var o = byPart(function () {
      return data.statements.map(function (s) { return data.provenance[s[2]][k]; });
    });
    o.cls = cls;
    return o;
  }
  function st(i) { return data.statements[R[3 * i + 2]]; }
  function cond(i) { return data.conditions[st(i)[1]]; }
  var relations = {
    id: "relations", count: R.length / 3,
    areas: function (i) { return [N[R[3 * i]][1], N[R[3 * i + 1]][1]]; },
    columns: [
      ["From", function (i) { return N[R[3 * i]][0]; }, byNode(0)],
      ["Relation", function (i) { return data.kinds[st(i)[0]]; },
        byPart(function () { return data.statements.map(function (s) { return data.kinds[s[0]]; }); })],
      ["To", function (i) { return N[R[3 * i + 1]][0]; }, byNode(1)],
      ["Stages", function (i) { return cond(i)[0]; }, byCondition(0)],
      ["Concerns", function (i) { return cond(i)[1]; }, byCondition(1)],
      ["Severity", function (i) { return cond(i)[2]; }, byCondition(2)],
      ["Urgency", function (i) { return cond(i)[3]; }, byCondition(3)],
      ["Response time", function (i) { return cond(i)[4]; }, byCondition(4)],
      ["Level", function (i) { return cond(i)[5]; }, byCondition(5)],
      ["Note", function (i) { return cond(i)[6]; }, byCondition(6)],
      ["Source", function (i) { return data.provenance[st(i)[2]][0]; }, byProvenance(0, "evidence")],
      ["Passage", function (i) { return data.provenance[st(i)[2]][1]; }, byProvenance(1, "passage")],
    ],
  };

  var nodeText = null, stText = null;
  relations.parts = function (words) {
    if (!nodeText) {
      nodeText = N.map(function (n) { return (n[0] + " \u2502 " + areaName(n[1])).toLowerCase(); });
      stText = data.statements.map(function (s) {
        var c = data.conditions[s[1]], p = data.provenance[s[2]];
        return [data.kinds[s[0]]].concat(c, p).join(" \u2502 ").toLowerCase();
      });
    }
    /* one bit per word: which nodes and statements hold it */
    words = words.slice(0, 30);
    var nodeBits = new Int32Array(N.length), stBits = new Int32Array(data.statements.length);
    var all = (1 << words.length) - 1;
    words.forEach(function (w, b) {
      nodeText.forEach(function (text, j) { if (text.indexOf(w) >= 0) nodeBits[j] |= 1 << b; });
      stText.forEach(function (text, j) { if (text.indexOf(w) >= 0) stBits[j] |= 1 << b; });
    });
    return function (i) {
      return (nodeBits[R[3 * i]] | nodeBits[R[3 * i + 1]] | stBits[R[3 * i + 2]]) === all;
    };
  };

  var SRC = data.sources;
  var sources = {
    id: "sources", count: SRC.length,
    areas: function (i) { return SRC[i][5]; },
    columns: [
      ["Id", function (i) { return SRC[i][0]; }, { row: true, cls: "evidence" }],
      ["Title", function (i) { return SRC[i][1]; }],
      ["Publisher", function (i) { return SRC[i][2]; }],
      ["File", function (i) { return SRC[i][3]; }],
      ["Facts citing it", function (i) { return String(SRC[i][4]); }, { sort: function (i) { return SRC[i][4]; } }],
    ],
  };

  var tables = [services, relations, sources];

  tables.forEach(function (t) {
    t.table = document.getElementById(t.id);
    t.body = t.table.tBodies[0];
    t.pager = document.querySelector("[data-pager=" + t.id + "]");
    t.page = 0;
    t.order = null;  /* row indices in the chosen order (all rows), or null: as exported */
    t.shown = null;  /* the rows that pass the filters, in order */
    t.ranks = {};
    t.texts = null;
  });

  /* A rank per row for a column (equal values, equal ranks): rows then sort as numbers,
     however many there are. */
  function ranks(t, c) {
    if (t.ranks[c]) return t.ranks[c];
    var col = t.columns[c], opts = col[2] || {};
    var seen = new Map(), i, keys;
    if (opts.part) {
      keys = opts.part.texts().map(function (x) { return x.toLowerCase(); });
      keys.forEach(function (k) { seen.set(k, 0); });
    } else {
      keys = new Array(t.count);
      for (i = 0; i < t.count; i += 1) {
        keys[i] = opts.sort ? opts.sort(i) : col[1](i).toLowerCase();
        seen.set(keys[i], 0);
      }
    }
    var unique = Array.from(seen.keys()).sort(function (a, b) { return a < b ? -1 : a > b ? 1 : 0; });
    unique.forEach(function (k, j) { seen.set(k, j); });
    var r = new Int32Array(t.count);
    if (opts.part) {
      var partRank = keys.map(function (k) { return seen.get(k); });
      for (i = 0; i < t.count; i += 1) r[i] = partRank[opts.part.at(i)];
    } else {
      for (i = 0; i < t.count; i += 1) r[i] = seen.get(keys[i]);
    }
    t.ranks[c] = { rank: r, top: unique.length };
    return t.ranks[c];
  }

  /* Rows in the order of a column: a counting sort on the ranks (no comparisons; equal
     values keep the rows' own order). */
  function sorted(t, c, ascending) {
    var r = ranks(t, c), n = t.count, top = r.top, i;
    var start = new Int32Array(top + 1);
    for (i = 0; i < n; i += 1) start[(ascending ? r.rank[i] : top - 1 - r.rank[i]) + 1] += 1;
    for (i = 1; i <= top; i += 1) start[i] += start[i - 1];
    var order = new Int32Array(n);
    for (i = 0; i < n; i += 1) order[start[ascending ? r.rank[i] : top - 1 - r.rank[i]]++] = i;
    return order;
  }

  function texts(t) {
    if (t.texts) return t.texts;
    t.texts = new Array(t.count);
    for (var i = 0; i < t.count; i += 1) {
      t.texts[i] = t.columns.map(function (col) { return col[1](i); }).join(" \u2502 ").toLowerCase();
    }
    return t.texts;
  }
  /* Does row i hold every word? Relations are matched through their parts: the two nodes and
     the statement, each tested once per word, so a find over 100,000 rows stays fast. */
  function matcher(t, words) {
    if (!words.length) return null;
    if (t.parts) return t.parts(words);
    var text = texts(t);
    return function (i) {
      for (var w = 0; w < words.length; w += 1) if (text[i].indexOf(words[w]) < 0) return false;
      return true;
    };
  }

  function filter(t) {
    var chosen = area ? area.value : "";
    var words = find ? find.value.trim().toLowerCase().split(/\s+/).filter(Boolean) : [];
    var all = t.order || null;
    var match = matcher(t, words);
    var shown = [];
    for (var k = 0; k < t.count; k += 1) {
      var i = all ? all[k] : k;
      if (chosen && t.areas(i).indexOf(chosen) < 0) continue;
      if (match && !match(i)) continue;
      shown.push(i);
    }
    t.shown = shown;
    t.page = 0;
  }

  function draw(t) {
    var pages = Math.max(1, Math.ceil(t.shown.length / PAGE));
    t.page = Math.max(0, Math.min(t.page, pages - 1));
    var start = t.page * PAGE, end = Math.min(t.shown.length, start + PAGE);
    var body = cp.clear(t.body);
    var fragment = document.createDocumentFragment();
    for (var k = start; k < end; k += 1) {
      var i = t.shown[k];
      var tr = cp.el("tr", { attrs: { "aria-rowindex": String(k + 2) } });
      t.columns.forEach(function (col) {
        var opts = col[2] || {};
        var cell = document.createElement(opts.row ? "th" : "td");
        if (opts.row) cell.setAttribute("scope", "row");
        if (opts.cls) cell.className = opts.cls;
        cell.tabIndex = -1;
        if (opts.cell) opts.cell(i, cell); else cell.textContent = col[1](i);
        tr.appendChild(cell);
      });
      fragment.appendChild(tr);
    }
    body.appendChild(fragment);
    t.table.setAttribute("aria-rowcount", String(t.shown.length + 1));
    t.table.querySelector("caption .count").textContent =
      "(" + (t.shown.length === t.count ? fmt(t.count) : fmt(t.shown.length) + " of " + fmt(t.count)) + ")";
    t.pager.querySelector(".range").textContent = t.shown.length
      ? "Rows " + fmt(start + 1) + "\u2013" + fmt(end) + " of " + fmt(t.shown.length) + " (page " + (t.page + 1) + " of " + pages + ")"
      : "No rows match.";
    t.pager.hidden = t.shown.length <= PAGE;
    t.pager.querySelector("[data-page=first]").disabled = t.pager.querySelector("[data-page=prev]").disabled = t.page === 0;
    t.pager.querySelector("[data-page=next]").disabled = t.pager.querySelector("[data-page=last]").disabled = t.page >= pages - 1;
  }

  function apply() {
    var parts = [];
    tables.forEach(function (t) { filter(t); draw(t); parts.push(fmt(t.shown.length) + " " + t.id); });
    live.textContent = "Showing " + parts.join(", ") + ".";
  }

  /* Sorting: every header holds a button; aria-sort says the order. */
  tables.forEach(function (t) {
    var headers = Array.prototype.slice.call(t.table.tHead.rows[0].cells);
    headers.forEach(function (th, c) {
      th.tabIndex = -1;
      var button = th.querySelector("button");
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        t.order = sorted(t, c, ascending);
        filter(t);
        draw(t);
        live.textContent = "Sorted " + t.id + " by " + button.textContent.trim() + ", " +
          (ascending ? "ascending" : "descending") + ".";
      });
    });
    t.pager.addEventListener("click", function (ev) {
      var which = ev.target.getAttribute && ev.target.getAttribute("data-page");
      if (!which) return;
      var last = Math.ceil(t.shown.length / PAGE) - 1;
      t.page = which === "first" ? 0 : which === "last" ? last : t.page + (which === "next" ? 1 : -1);
      draw(t);
    });
  });

  if (area) area.addEventListener("change", apply);
  if (find) find.addEventListener("input", apply);
  document.getElementById("cp-table-controls").addEventListener("submit", function (ev) {
    ev.preventDefault();
  });

  /* Arrow keys: a roving focus over the cells of the page drawn. */
  function grid(table) {
    return [table.tHead.rows[0]].concat(Array.prototype.slice.call(table.tBodies[0].rows))
      .map(function (r) { return Array.prototype.slice.call(r.cells); });
  }
  function turn(t, by, row, column) {
    var last = Math.ceil(t.shown.length / PAGE) - 1;
    var page = t.page + by;
    if (page < 0 || page > last) return false;
    t.page = page;
    draw(t);
    var cells = grid(t.table);
    var r = row === "first" ? 1 : cells.length - 1;
    cells[r][Math.min(column, cells[r].length - 1)].focus();
    return true;
  }
  tables.forEach(function (t) {
    var table = t.table;
    table.addEventListener("keydown", function (ev) {
      var cell = ev.target.closest("td, th");
      if (!cell || (ev.target !== cell && ev.key !== "ArrowUp" && ev.key !== "ArrowDown")) return;
      var cells = grid(table);
      var r = -1, c = cell.cellIndex;
      cells.forEach(function (row, i) { if (row.indexOf(cell) >= 0) r = i; });
      if (r < 0) return;
      var last = cells.length - 1;
      if ((ev.key === "ArrowDown" && r === last && r > 0) || ev.key === "PageDown") {
        if (turn(t, 1, "first", c)) ev.preventDefault();
        return;
      }
      if ((ev.key === "ArrowUp" && r === 1 && t.page > 0) || ev.key === "PageUp") {
        if (turn(t, -1, "last", c)) ev.preventDefault();
        return;
      }
      switch (ev.key) {
        case "ArrowRight": c += 1; break;
        case "ArrowLeft": c -= 1; break;
        case "ArrowDown": r += 1; break;
        case "ArrowUp": r -= 1; break;
        case "Home": if (ev.ctrlKey) r = 0; c = 0; break;
        case "End": if (ev.ctrlKey) r = last; c = Infinity; break;
        default: return;
      }
      r = Math.max(0, Math.min(last, r));
      c = Math.max(0, Math.min(cells[r].length - 1, c));
      ev.preventDefault();
      cells[r][c].focus();
    });
    /* Enter on a header cell sorts by it; on a cell with details, opens them. */
    table.addEventListener("keydown", function (ev) {
      if (ev.key !== "Enter" || !ev.target.matches("td, th")) return;
      var inner = ev.target.querySelector("button, summary");
      if (inner) { ev.preventDefault(); inner.click(); }
    });
  });
  /* Into a table from its region: the first cell takes the focus on ArrowDown. */
  Array.prototype.forEach.call(document.querySelectorAll(".region"), function (region) {
    region.addEventListener("keydown", function (ev) {
      if (ev.target !== region || ev.key !== "ArrowDown") return;
      ev.preventDefault();
      region.querySelector("thead th").focus();
    });
  });
  cp.tables = { apply: apply, tables: tables };
  apply();
  /* Once the first page shows, prepare what finding needs, so the first keystroke is fast. */
  setTimeout(function () { texts(services); texts(sources); relations.parts(["\u0000"]); }, 50);
})();
