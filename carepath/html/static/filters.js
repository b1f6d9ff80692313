"use strict";
/* Wire the page's filter controls to its server-rendered items. */
window.cp.refilter = window.cp.bindFilters(document);
