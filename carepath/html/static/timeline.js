"use strict";
/* Timeline: filters hide rows; each tier's coverage row then marks the stages that no shown
   service of the tier covers. A tier with no service shown is all gap, except when another
   tier is chosen (then it is hidden); the "no tier stated" group hides when empty. */
(function () {
  var cp = window.cp;
  var tierFilter = document.querySelector("[data-filter=tier]");
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
      var gaps = [];
      Array.prototype.forEach.call(group.querySelectorAll(".cover [data-stage]"), function (cell) {
        var gap = !covered[cell.getAttribute("data-stage")];
        cell.className = gap ? "gap gap-mark" : "";
        cell.textContent = gap ? "gap" : "";
        if (gap) gaps.push(cell.getAttribute("data-name"));
      });
      var text = group.querySelector(".cover-text");
      if (text) text.textContent = gaps.length
        ? "Gaps: " + gaps.join(", ") + "." : "Every stage is covered.";
    });
  }
  cp.refilter = cp.bindFilters(document, coverage);
})();
