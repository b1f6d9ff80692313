"use strict";
/* carepath: helpers every exported view shares.
   Data comes from the JSON block (#cp-data) and every text goes into the page through
   textContent, never innerHTML, so nothing in the data can run as code. */
(function () {
  var cp = (window.cp = window.cp || {});

  cp.data = function () {
    var block = document.getElementById("cp-data");
    return block ? JSON.parse(block.textContent) : null;
  };

  /* cp.el("p", {className: "x"}, ["text", otherElement]) */
  cp.el = function (tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      if (key === "attrs") {
        Object.keys(props.attrs).forEach(function (a) { node.setAttribute(a, props.attrs[a]); });
      } else {
        node[key] = props[key];
      }
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  };

  cp.clear = function (node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  };

  /* Filters over server-rendered items.
     Controls: <select data-filter="area">; items: [data-item] with data-area="a b" (a list).
     An item shows when, for every chosen filter, its list holds the chosen value.
     [data-group] containers hide when none of their items shows; [data-status] counts. */
  cp.bindFilters = function (root, onChange) {
    root = root || document;
    var controls = Array.prototype.slice.call(root.querySelectorAll("[data-filter]"));
    var items = Array.prototype.slice.call(root.querySelectorAll("[data-item]"));
    var groups = Array.prototype.slice.call(root.querySelectorAll("[data-group]"));
    var status = root.querySelector("[data-status]");
    var noun = status ? status.getAttribute("data-status") : "items";
    function apply() {
      var chosen = controls
        .filter(function (c) { return c.value !== ""; })
        .map(function (c) { return [c.getAttribute("data-filter"), c.value]; });
      var shown = 0;
      items.forEach(function (item) {
        var ok = chosen.every(function (pair) {
          var values = (item.getAttribute("data-" + pair[0]) || "").split(" ");
          return values.indexOf(pair[1]) >= 0;
        });
        item.hidden = !ok;
        if (ok) shown += 1;
      });
      groups.forEach(function (group) {
        group.hidden = !group.querySelector("[data-item]:not([hidden])");
      });
      if (status) {
        status.textContent = shown === 0
          ? "There are no " + noun + " that match your filters. Please amend your choices."
          : "Showing " + shown + " of " + items.length + " " + noun + ".";
      }
      if (onChange) onChange(chosen, shown);
    }
    controls.forEach(function (c) { c.addEventListener("change", apply); });
    apply();
    return apply;
  };

  /* Sortable tables: header cells hold <button data-sort="text|number">. */
  cp.sortable = function (table) {
    var headers = Array.prototype.slice.call(table.querySelectorAll("thead th"));
    headers.forEach(function (th, column) {
      var button = th.querySelector("button[data-sort]");
      if (!button) return;
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var numeric = button.getAttribute("data-sort") === "number";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        function key(row) {
          var cell = row.cells[column];
          var value = cell ? (cell.getAttribute("data-value") || cell.textContent) : "";
          if (!numeric) return value.trim().toLowerCase();
          var n = parseFloat(value);
          return isNaN(n) ? Infinity : n;
        }
        rows.sort(function (a, b) {
          var ka = key(a), kb = key(b);
          var order = ka < kb ? -1 : ka > kb ? 1 : 0;
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        var live = document.getElementById("cp-live");
        if (live) {
          live.textContent = "Sorted by " + button.textContent.trim() + ", " +
            (ascending ? "ascending" : "descending") + ".";
        }
      });
    });
  };
})();
