"use strict";
/* Table view: sortable columns, an area filter and a search box that hide rows, a count per
   table, and arrow-key movement between cells (Home/End: start and end of the row;
   Ctrl+Home/Ctrl+End: first and last cell of the table). Text is only read, never written as
   HTML. */
(function () {
  var cp = window.cp;
  var tables = Array.prototype.slice.call(document.querySelectorAll("table.data"));
  var area = document.querySelector("[data-filter=area]");
  var find = document.getElementById("cp-find");
  var live = document.getElementById("cp-live");

  tables.forEach(function (table) { cp.sortable(table); });

  function apply() {
    var chosen = area ? area.value : "";
    var words = find ? find.value.trim().toLowerCase().split(/\s+/).filter(Boolean) : [];
    var parts = [];
    tables.forEach(function (table) {
      var rows = Array.prototype.slice.call(table.tBodies[0].rows);
      var shown = 0;
      rows.forEach(function (row) {
        var areas = (row.getAttribute("data-area") || "").split(" ");
        var text = row.textContent.toLowerCase();
        var ok = (!chosen || areas.indexOf(chosen) >= 0) &&
          words.every(function (w) { return text.indexOf(w) >= 0; });
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      var noun = table.getAttribute("data-noun");
      table.querySelector("caption .count").textContent =
        "(" + (shown === rows.length ? rows.length : shown + " of " + rows.length) + ")";
      parts.push(shown + " " + noun);
    });
    live.textContent = "Showing " + parts.join(", ") + ".";
  }
  if (area) area.addEventListener("change", apply);
  if (find) find.addEventListener("input", apply);
  document.getElementById("cp-table-controls").addEventListener("submit", function (ev) {
    ev.preventDefault();
  });

  /* Arrow keys: a roving focus over the visible cells of each table. */
  function grid(table) {
    var rows = [table.tHead.rows[0]].concat(Array.prototype.slice.call(table.tBodies[0].rows)
      .filter(function (r) { return !r.hidden; }));
    return rows.map(function (r) { return Array.prototype.slice.call(r.cells); });
  }
  tables.forEach(function (table) {
    Array.prototype.forEach.call(table.querySelectorAll("td, th"), function (cell) {
      cell.tabIndex = -1;
    });
    table.addEventListener("keydown", function (ev) {
      var cell = ev.target.closest("td, th");
      if (!cell || (ev.target !== cell && ev.key !== "ArrowUp" && ev.key !== "ArrowDown")) return;
      var cells = grid(table);
      var r = -1, c = cell.cellIndex;
      cells.forEach(function (row, i) { if (row.indexOf(cell) >= 0) r = i; });
      if (r < 0) return;
      var last = cells.length - 1;
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
  apply();
})();
