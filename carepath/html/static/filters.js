"use strict";
/* Wire the page's filter controls to its server-rendered items. */
window.cp.refilter = window.cp.bindFilters(document);
/* A link to a reason inside a closed <details> opens it and moves the focus there. */
(function () {
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) return;
    for (var p = target.parentElement; p; p = p.parentElement) if (p.tagName === "DETAILS") p.open = true;
    target.scrollIntoView({ block: "center" });
    if (target.tabIndex === -1) target.focus();
  }
  window.addEventListener("hashchange", reveal);
  reveal();
})();
