"use strict";
/* Timeline: filters hide rows; each tier's coverage row then marks the stages that no shown
   service of the tier covers. A tier with no service shown is all gap, except when another
   tier is chosen (then it is hidden); the "no tier stated" group hides when empty. */
(function () {
  var cp = window.cp;
  var tierFilter = document.querySelector("[data-filter=tier]");
  var areaFilter = document.querySelector("[data-filter=area]");
  function coverage() {
    var chosen = tierFilter ? tierFilter.value : "";
    Array.prototype.forEach.call(document.querySelectorAll("tbody.tier-group"), function (group) {
      var tier = group.getAttribute("data-tier");
      var rows = group.querySelectorAll("[data-item]:not([hidden])");
      group.hidden = (chosen !== "" && chosen !== tier) || (tier === "none" && rows.length === 0);
      var covered = {};
      Array.prototype.forEach.call(rows, function (row) {
        row.getAttribute("data-stages").split(" ").forEach(function (s) { if (s) covered[s] = true; });
      });
      var gaps = [], outside = [];
      var area = areaFilter ? areaFilter.value : "";
      Array.prototype.forEach.call(group.querySelectorAll(".cover [data-stage]"), function (cell) {
        /* outside the sources' scope (no shown area's sources describe the tier there): the
           documents are silent, so "not stated", never a gap */
        var described = (cell.getAttribute("data-described") || "").split(" ").filter(Boolean);
        var inScope = area ? described.indexOf(area) >= 0 : described.length > 0;
        var empty = !covered[cell.getAttribute("data-stage")];
        var gap = empty && inScope, out = empty && !inScope;
        cell.className = gap ? "gap gap-mark" : out ? "unknown unknown-mark" : "";
        cell.textContent = gap ? "gap" : out ? "n/s" : "";
        cell.title = out ? "not stated (outside the source's scope)" : "";
        if (gap) gaps.push(cell.getAttribute("data-name"));
        if (out) outside.push(cell.getAttribute("data-name"));
      });
      var text = group.querySelector(".cover-text");
      if (text) text.textContent = (gaps.length ? "Gaps: " + gaps.join(", ") + "."
        : outside.length ? "No gap." : "Every stage is covered.") + (outside.length
        ? " Not stated (outside the source's scope): " + outside.join(", ") + "." : "");
    });
  }
  cp.refilter = cp.bindFilters(document, coverage);
})();
