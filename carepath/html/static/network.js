"use strict";
/* carepath network view: draws the nodes and edges pyvis built, with filters, search, a
   details panel, a layout by tier, and groups that expand when the graph is large.
   Texts reach the page only through textContent and vis-network's plain-text tooltips. */
(function () {
  var cp = window.cp;
  var data = cp.data();
  var container = document.getElementById("cp-network");
  var details = document.getElementById("cp-details");
  var statusLine = document.getElementById("cp-status");
  var matchesLine = document.getElementById("cp-matches");

  var byId = {};
  var indexOf = {};
  data.nodes.forEach(function (n, j) { byId[n.id] = n; indexOf[n.id] = j; });
  var groupsById = {};
  data.groups.forEach(function (g) { groupsById[g.id] = g; });

  /* Relations arrive as shared lookups (see network.py): three integers per relation. */
  var count = data.rels.length / 3;
  var relFrom = new Int32Array(count), relTo = new Int32Array(count), relSt = new Int32Array(count);
  var relsOut = data.nodes.map(function () { return []; });
  var relsIn = data.nodes.map(function () { return []; });
  var parallel = new Int32Array(count);
  var pairs = {};
  for (var i = 0; i < count; i += 1) {
    var f = data.rels[3 * i], t = data.rels[3 * i + 1];
    relFrom[i] = f; relTo[i] = t; relSt[i] = data.rels[3 * i + 2];
    relsOut[f].push(i); relsIn[t].push(i);
    var pair = f < t ? f + "|" + t : t + "|" + f;
    parallel[i] = pairs[pair] || 0;
    pairs[pair] = parallel[i] + 1;
  }
  pairs = null;
  function kindOf(r) { return data.kinds[data.statements[relSt[r]][1]]; }
  function condOf(r) { return data.conditions[data.statements[relSt[r]][2]]; }
  function provOf(r) { return data.provenance[data.statements[relSt[r]][3]]; }
  function whereOf(prov) {
    var src = data.sources[prov[0]][0];
    return prov[1] === null ? src : src + ":" + prov[1];
  }
  function relId(r) { return data.statements[relSt[r]][0] + "/" + data.nodes[relTo[r]].id; }
  function relText(r) {
    return data.nodes[relFrom[r]].name + " " + kindOf(r).label + " " + data.nodes[relTo[r]].name;
  }
  function condText(r) {
    return condOf(r)[0].map(function (row) { return row[0] + ": " + row[1].join("; "); });
  }

  var filters = { area: "", stage: "", tier: "", concern: "", relation: "" };
  Array.prototype.forEach.call(document.querySelectorAll("[data-net-filter]"), function (select) {
    filters[select.getAttribute("data-net-filter")] = select.value;  /* the exported choice */
  });
  var expanded = {};
  var layout = "force";
  var positions = {};
  var current = { services: 0, people: 0, edges: 0, groups: 0, membersShown: {} };

  var nodes = new vis.DataSet();
  var edges = new vis.DataSet();
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  /* vis-network's frame takes the keyboard (arrows pan, +/- zoom): give it a name and role. */
  var frame = container.querySelector(".vis-network");
  frame.setAttribute("role", "application");
  frame.setAttribute("aria-roledescription", "network diagram");
  frame.setAttribute("aria-label", container.getAttribute("data-label"));
  Array.prototype.forEach.call(frame.querySelectorAll("canvas"), function (c) { c.setAttribute("aria-hidden", "true"); });

  function has(list, value) { return list.indexOf(value) >= 0; }

  function serviceShown(n) {
    return (!filters.area || n.area === filters.area) &&
      (!filters.tier || n.tier === filters.tier) &&
      (!filters.stage || has(n.stages, filters.stage)) &&
      (!filters.concern || has(n.concerns, filters.concern));
  }

  /* What passes the filters, before grouping: services, relations, then the people on them. */
  function visibleGraph() {
    var nodeFilter = filters.area || filters.stage || filters.tier || filters.concern;
    var shown = {};
    var ok = new Uint8Array(data.nodes.length);
    data.nodes.forEach(function (n, j) {
      if (n.kind !== "service") ok[j] = 2;
      else if (serviceShown(n)) { ok[j] = 1; shown[n.id] = true; }
    });
    var kindPos = -1;
    data.kinds.forEach(function (k, j) { if (k.id === filters.relation) kindPos = j; });
    var rels = [];
    for (var r = 0; r < count; r += 1) {
      var st = data.statements[relSt[r]];
      if (filters.relation && st[1] !== kindPos) continue;
      var f = relFrom[r], t = relTo[r];
      if (!ok[f] || !ok[t]) continue;
      if (nodeFilter && ok[f] !== 1 && ok[t] !== 1) continue;
      var cond = data.conditions[st[2]];
      if (filters.stage && cond[1].length && !has(cond[1], filters.stage)) continue;
      if (filters.concern && cond[2].length && !has(cond[2], filters.concern)) continue;
      rels.push(r);
    }
    rels.forEach(function (r) {
      if (ok[relFrom[r]] === 2) shown[data.nodes[relFrom[r]].id] = true;
      if (ok[relTo[r]] === 2) shown[data.nodes[relTo[r]].id] = true;
    });
    return { shown: shown, rels: rels };
  }

  /* A relation as vis-network draws it: style from its kind, hover text from its statement. */
  function drawableEdge(r) {
    var k = kindOf(r), prov = provOf(r);
    var title = [relText(r)].concat(condText(r), ["Source: " + whereOf(prov)]);
    if (prov[2]) title.push("\u201c" + shorten(prov[2], 160) + "\u201d");
    var e = { id: "r" + r, from: data.nodes[relFrom[r]].id, to: data.nodes[relTo[r]].id,
      kind: k.id, title: title.join("\n"), width: k.width, dashes: k.dashes,
      color: { color: k.colour, highlight: k.colour, hover: k.colour },
      arrows: { to: { enabled: k.arrow !== null, type: k.arrow || "arrow", scaleFactor: 0.7 } } };
    var p = parallel[r];
    if (p) e.smooth = { enabled: true, type: p % 2 ? "curvedCW" : "curvedCCW", roundness: 0.12 * ((p + 1) >> 1) };
    return e;
  }
  function shorten(text, limit) {
    text = text.split(/\s+/).join(" ");
    return text.length <= limit ? text : text.slice(0, limit - 1).replace(/\s+$/, "") + "\u2026";
  }

  function rep(id) {
    var n = byId[id];
    return n.cluster && !expanded[n.cluster] ? n.cluster : id;
  }

  function drawable(node) {
    var copy = {};
    Object.keys(node).forEach(function (k) {
      if (k !== "detail" && k !== "sources" && k !== "search") copy[k] = node[k];
    });
    return copy;
  }

  function update() {
    Object.assign(positions, network.getPositions());
    var vg = visibleGraph();
    var wantNodes = {};
    var members = {};
    Object.keys(vg.shown).forEach(function (id) {
      var r = rep(id);
      if (r === id) {
        wantNodes[id] = drawable(byId[id]);
      } else {
        members[r] = (members[r] || 0) + 1;
      }
    });
    Object.keys(members).forEach(function (gid) {
      var g = groupsById[gid];
      var node = drawable(g);
      node.label = g.name + "\n" + (members[gid] === g.size ? g.size.toLocaleString("en-GB") :
        members[gid].toLocaleString("en-GB") + " of " + g.size.toLocaleString("en-GB")) + " services";
      wantNodes[gid] = node;
    });
    var wantEdges = {};
    var counts = {};
    vg.rels.forEach(function (r) {
      var from = data.nodes[relFrom[r]].id, to = data.nodes[relTo[r]].id;
      var a = rep(from), b = rep(to);
      if (a === from && b === to) {
        wantEdges["r" + r] = r;
        return;
      }
      if (a === b) return; /* inside one group: counted in the group, not drawn */
      var k = kindOf(r);
      var key = "agg|" + a + "|" + b + "|" + k.id;
      counts[key] = (counts[key] || 0) + 1;
      if (!wantEdges[key]) {
        wantEdges[key] = { id: key, from: a, to: b, kind: k.id, relLabel: k.label,
          color: { color: k.colour, highlight: k.colour, hover: k.colour }, dashes: k.dashes,
          arrows: { to: { enabled: k.arrow !== null, type: k.arrow || "arrow", scaleFactor: 0.7 } },
          aggregate: true };
      }
    });
    Object.keys(counts).forEach(function (key) {
      var e = wantEdges[key];
      e.width = 1 + Math.log(counts[key]) / Math.LN2;
      e.title = counts[key] + " relations: " + (byId[e.from] || groupsById[e.from]).name + " " +
        e.relLabel + " " + (byId[e.to] || groupsById[e.to]).name;
      e.label = String(counts[key]);
    });
    /* Place new nodes where they were, or beside their group. */
    var tierPos = layout === "tier" ? tierPositions(Object.keys(wantNodes).map(function (id) { return wantNodes[id]; })) : null;
    var removeNodes = nodes.getIds().filter(function (id) { return !wantNodes[id]; });
    var removeEdges = edges.getIds().filter(function (id) { return !wantEdges[id]; });
    edges.remove(removeEdges);
    nodes.remove(removeNodes);
    var addNodes = [];
    var moveNodes = [];
    Object.keys(wantNodes).forEach(function (id) {
      var node = wantNodes[id];
      var p = tierPos ? tierPos[id] : positions[id] || (byId[id] && byId[id].cluster && positions[byId[id].cluster]);
      if (p) {
        node.x = p.x + (positions[id] || tierPos ? 0 : (Math.random() - 0.5) * 80);
        node.y = p.y + (positions[id] || tierPos ? 0 : (Math.random() - 0.5) * 80);
      }
      if (nodes.get(id)) {
        if (tierPos) moveNodes.push({ id: id, x: node.x, y: node.y });
        if (groupsById[id]) moveNodes.push({ id: id, label: node.label });
      } else {
        addNodes.push(node);
      }
    });
    nodes.add(addNodes);
    if (moveNodes.length) nodes.update(moveNodes);
    var addEdges = [];
    var changeEdges = [];
    Object.keys(wantEdges).forEach(function (id) {
      var e = wantEdges[id];
      if (!edges.get(id)) addEdges.push(typeof e === "number" ? drawableEdge(e) : e);
      else if (typeof e !== "number") changeEdges.push({ id: id, label: e.label, width: e.width, title: e.title });
    });
    edges.add(addEdges);
    if (changeEdges.length) edges.update(changeEdges);

    var services = 0, people = 0, groups = 0;
    Object.keys(vg.shown).forEach(function (id) {
      if (byId[id].kind === "service") services += 1; else people += 1;
    });
    groups = Object.keys(members).length;
    current = { services: services, people: people, edges: vg.rels.length, groups: groups, membersShown: members };
    var text = "Showing " + services + " services, " + people + " professions or family and " +
      vg.rels.length + " relations";
    if (groups) {
      text += "; services are drawn in " + groups + " groups by " + data.aggregate_by +
        " (double-click a group to expand it)";
    }
    var hidden = data.nodes.filter(function (n) { return n.kind === "service" && !n.stages.length; }).length;
    if (filters.stage && hidden) text += "; " + hidden + " services state no age window and are hidden at any chosen stage";
    statusLine.textContent = text + ".";
    fillNodeList(wantNodes);
    if (addNodes.length && layout === "force") network.stabilize(120);
    if (tierPos) network.fit({ animation: false });
  }

  /* Columns: people, then one per tier in stepped-care order, then services with no tier.
     A column taller than ROWS nodes wraps into several side by side, so the picture stays wide
     rather than tall; a tier's nodes never mix with the next tier's. */
  var ROWS = 12, COL_W = 230, ROW_H = 64, GAP = 110;
  var columns = [];
  function tierPositions(list) {
    var order = { "": data.tiers.length + 1 };
    data.tiers.forEach(function (t, i) { order[t.id] = i + 1; });
    var cols = {};
    list.forEach(function (n) {
      var c = n.kind === "service" ? order[n.tier] : n.kind === "group" ? (data.aggregate_by === "tier" ? order[n.key] : 1) : 0;
      (cols[c] = cols[c] || []).push(n);
    });
    var pos = {};
    var x = 0;
    columns = [];
    Object.keys(cols).map(Number).sort(function (a, b) { return a - b; }).forEach(function (c) {
      var col = cols[c].sort(function (a, b) {
        return (a.area + a.name).localeCompare(b.area + b.name);
      });
      var rows = Math.min(col.length, ROWS);
      var wide = Math.ceil(col.length / ROWS);
      col.forEach(function (n, j) {
        pos[n.id] = { x: x + Math.floor(j / ROWS) * COL_W, y: (j % ROWS - (rows - 1) / 2) * ROW_H };
      });
      var tier = data.tiers[c - 1];
      columns.push({ x: x + (wide - 1) * COL_W / 2, rows: rows, width: wide * COL_W + GAP,
        text: c === 0 ? "People" : tier ? tier.code + ". " + tier.name : "No tier stated" });
      x += wide * COL_W + GAP;
    });
    /* Headings on two alternating lines above the tallest column, so neighbours never touch. */
    var tallest = Math.max.apply(null, columns.map(function (c) { return c.rows; }).concat([1]));
    columns.forEach(function (c, i) { c.line = i % 2; c.top = -((tallest - 1) / 2) * ROW_H - 40; });
    return pos;
  }

  network.on("beforeDrawing", function (ctx) {
    if (layout !== "tier") return;
    ctx.save();
    var scale = network.getScale();  /* headings stay 14px on screen at any zoom */
    ctx.font = "bold " + Math.round(14 / scale) + "px system-ui, Arial, sans-serif";
    ctx.fillStyle = "#1a1a1a";
    ctx.textAlign = "center";
    columns.forEach(function (c) {
      var room = Math.max(12, Math.floor(2 * c.width * scale / 8.5));
      ctx.fillText(c.text.length > room ? c.text.slice(0, room - 1) + "…" : c.text, c.x,
                   c.top - c.line * 20 / scale);
    });
    ctx.restore();
  });

  function setLayout(value) {
    layout = value;
    if (layout === "tier") {
      network.setOptions({ physics: { enabled: false } });
      update();
    } else {
      network.setOptions({ physics: { enabled: true } });
      network.stabilize(150);
    }
  }

  /* The details panel, built from plain text. */
  function section(heading, rows, sources) {
    cp.clear(details);
    details.appendChild(cp.el("h2", { id: "cp-details-heading", textContent: heading }));
    var dl = cp.el("dl");
    rows.forEach(function (row) {
      dl.appendChild(cp.el("dt", { textContent: row[0] }));
      var dd = cp.el("dd");
      if (row[1].length === 1) {
        dd.textContent = row[1][0];
      } else {
        var ul = cp.el("ul");
        row[1].forEach(function (v) { ul.appendChild(cp.el("li", { textContent: v })); });
        dd.appendChild(ul);
      }
      dl.appendChild(dd);
    });
    details.appendChild(dl);
    if (sources && sources.length) {
      details.appendChild(cp.el("h3", { textContent: "Sources" }));
      var list = cp.el("ul", { className: "sources" });
      sources.forEach(function (s) {
        list.appendChild(cp.el("li", {}, [
          cp.el("span", { className: "evidence", textContent: s.where }), " ", s.title,
          s.passage ? cp.el("blockquote", { className: "passage", textContent: s.passage }) : null,
        ]));
      });
      details.appendChild(list);
    }
  }

  /* Who refers in and where it refers out (every kind of relation), with conditions and
     source lines; long lists show LIST_MAX and a button for the rest. */
  var LIST_MAX = 50;
  function relationList(heading, rels, other, incoming) {
    if (!rels.length) {
      details.appendChild(cp.el("h3", { textContent: heading + ": none" }));
      return;
    }
    details.appendChild(cp.el("h3", { textContent: heading + " (" + rels.length + ")" }));
    var list = cp.el("ul", { className: "rels" });
    function add(from, to) {
      rels.slice(from, to).forEach(function (r) {
        var node = data.nodes[other(r)];
        var where = node.kind === "service" && data.areas[node.area] ? " (" + data.areas[node.area] + ")" : "";
        var conditions = condText(r);
        list.appendChild(cp.el("li", {}, [
          relationButton(r, incoming), " ",
          nodeButton(node), where, " ",
          cp.el("span", { className: "evidence", textContent: whereOf(provOf(r)) }),
          conditions.length ? cp.el("span", { className: "conditions", textContent: " \u2013 " + conditions.join("; ") }) : null,
        ]));
      });
    }
    add(0, LIST_MAX);
    details.appendChild(list);
    if (rels.length > LIST_MAX) {
      var more = cp.el("button", { type: "button", textContent: "Show all " + rels.length });
      more.addEventListener("click", function () { add(LIST_MAX, rels.length); more.remove(); });
      details.appendChild(more);
    }
  }
  /* A name in the lists: a button that goes to that node (keyboard: Tab, Enter). */
  function nodeButton(node) {
    var b = cp.el("button", { type: "button", className: "goto", textContent: node.name,
      title: "Go to " + node.name });
    b.addEventListener("click", function () { focusNode(node.id); details.focus(); });
    return b;
  }
  /* The kind of a listed relation: a button that shows the relation with its passage; read
     from the other end in the "In" list ("referred in by General practitioner"). */
  function relationButton(r, incoming) {
    var b = cp.el("button", { type: "button", className: "goto kind",
      textContent: incoming ? kindOf(r).inverse : kindOf(r).label,
      title: "The relation and its source passage" });
    b.addEventListener("click", function () {
      network.selectEdges(edges.get("r" + r) ? ["r" + r] : []);
      showRelation(r);
      details.focus();
    });
    return b;
  }
  function showNode(id) {
    var n = byId[id];
    var j = indexOf[id];
    var rows = n.detail.slice();
    section(n.name, rows, n.sources);
    var order = function (a, b) { return relSt[a] - relSt[b] || a - b; };
    relationList("In: who refers to it (and advises, trains, hands over…)",
      relsIn[j].slice().sort(order), function (r) { return relFrom[r]; }, true);
    relationList("Out: where it refers (and advises, trains, hands over…)",
      relsOut[j].slice().sort(order), function (r) { return relTo[r]; });
  }
  function showRelation(r) {
    var prov = provOf(r);
    section("Relation", [["Relation", [relText(r)]]].concat(condOf(r)[0], [["Id", [relId(r)]]]),
      [{ where: whereOf(prov), title: data.sources[prov[0]][1], passage: prov[2] }]);
  }

  function showGroup(gid) {
    var g = groupsById[gid];
    var shown = current.membersShown[gid] || 0;
    section(g.name, [["Group of services", [g.size.toLocaleString("en-GB") + " services, " +
      shown.toLocaleString("en-GB") + " shown with the current filters"]]], []);
    var button = cp.el("button", { type: "button", textContent: "Expand: draw its services" });
    if (shown > data.max_drawn) {
      button.disabled = true;
      details.appendChild(cp.el("p", { textContent: "Too many services to draw legibly at once (" +
        shown + "; at most " + data.max_drawn + "). Choose a tier, stage or concern above, or " +
        "export a smaller part with --area, --tier or --stage." }));
    }
    button.addEventListener("click", function () { expand(gid); });
    details.appendChild(button);
  }

  function expand(gid) {
    if ((current.membersShown[gid] || 0) > data.max_drawn) return false;
    expanded[gid] = true;
    update();
    return true;
  }

  network.on("click", function (params) {
    if (params.nodes.length) {
      var id = params.nodes[0];
      if (groupsById[id]) showGroup(id);
      else showNode(id);
      nodeList.value = id;
    } else if (params.edges.length) {
      var e = edges.get(params.edges[0]);
      if (e.aggregate) section(e.title, [], []);
      else showRelation(Number(e.id.slice(1)));
    }
  });
  network.on("doubleClick", function (params) {
    if (params.nodes.length && groupsById[params.nodes[0]]) expand(params.nodes[0]);
  });

  /* The nodes drawn, as a list the keyboard can reach: choosing one selects it. */
  var nodeList = document.getElementById("cp-nodes");
  var nodeCount = document.getElementById("cp-nodes-count");
  function fillNodeList(want) {
    var ids = Object.keys(want).sort(function (a, b) {
      var x = want[a], y = want[b];
      var kx = x.kind === "group" ? 0 : x.kind === "service" ? 1 : 2;
      var ky = y.kind === "group" ? 0 : y.kind === "service" ? 1 : 2;
      return kx - ky || x.name.localeCompare(y.name);
    });
    var chosen = nodeList.value;
    cp.clear(nodeList);
    ids.forEach(function (id) {
      var n = byId[id] || groupsById[id];
      var where = n.kind === "service" ? " (" + (data.areas[n.area] || n.area) + ", step " + n.code + ")" :
        n.kind === "group" ? " (group of " + n.size + ")" : " (" + n.kind + ")";
      nodeList.appendChild(cp.el("option", { value: id, textContent: n.name + where }));
    });
    if (want[chosen]) nodeList.value = chosen;
    nodeCount.textContent = "(" + ids.length + ")";
  }
  function pickFromList() {
    var id = nodeList.value;
    if (!id) return;
    network.selectNodes([id]);
    if (groupsById[id]) showGroup(id); else showNode(id);
  }
  nodeList.addEventListener("change", pickFromList);
  nodeList.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && groupsById[nodeList.value]) { ev.preventDefault(); expand(nodeList.value); }
  });

  /* Filters, layout, search, fit. */
  document.getElementById("cp-controls").addEventListener("submit", function (ev) { ev.preventDefault(); });
  Array.prototype.forEach.call(document.querySelectorAll("[data-net-filter]"), function (select) {
    select.addEventListener("change", function () {
      filters[select.getAttribute("data-net-filter")] = select.value;
      update();
    });
  });
  document.getElementById("cp-layout").addEventListener("change", function (ev) { setLayout(ev.target.value); });
  document.getElementById("cp-fit").addEventListener("click", function () { network.fit(); });
  var collapse = document.getElementById("cp-collapse");
  if (collapse) collapse.addEventListener("click", function () { expanded = {}; update(); });

  function focusNode(id) {
    var r = rep(id);
    if (r !== id && !expand(r)) {
      matchesLine.textContent = byId[id].name + " is in the group " + groupsById[r].name +
        ", which is too large to expand with the current filters.";
      return;
    }
    if (!nodes.get(id)) return;
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(1.1, network.getScale()), animation: false });
    showNode(id);
    nodeList.value = id;
  }

  var search = document.getElementById("cp-search");
  function runSearch(pick) {
    var q = search.value.trim().toLowerCase();
    cp.clear(matchesLine);
    if (!q) return;
    var vg = visibleGraph();
    var found = data.nodes.filter(function (n) { return vg.shown[n.id] && n.search.indexOf(q) >= 0; });
    matchesLine.appendChild(document.createTextNode(
      found.length ? found.length + (found.length === 1 ? " match: " : " matches: ") : "No match among the nodes shown. "));
    found.slice(0, 12).forEach(function (n) {
      var where = n.kind === "service" && data.areas[n.area] ? " (" + data.areas[n.area] + ")" : "";
      var b = cp.el("button", { type: "button", textContent: n.name + where });
      b.addEventListener("click", function () { focusNode(n.id); });
      matchesLine.appendChild(b);
    });
    var drawn = found.map(function (n) { return n.id; }).filter(function (id) { return nodes.get(id); });
    network.selectNodes(drawn);
    if (pick && found.length) focusNode(found[0].id);
  }
  search.addEventListener("input", function () { runSearch(false); });
  search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") runSearch(true); });

  var api = (cp.net = {
    network: network, nodes: nodes, edges: edges, ready: false,
    drawn: function () {
      return { nodes: network.body.nodeIndices.length, edges: network.body.edgeIndices.length };
    },
    shown: function () { return Object.assign({}, current); },
    setFilter: function (name, value) { filters[name] = value; update(); },
    expand: expand,
    focus: focusNode,
    show: function (id) { if (groupsById[id]) showGroup(id); else showNode(id); },
    busiest: function () {
      var best = 0;
      data.nodes.forEach(function (n, j) {
        if (relsIn[j].length + relsOut[j].length > relsIn[best].length + relsOut[best].length) best = j;
      });
      return data.nodes[best].id;
    },
  });
  /* Physics settles by itself; whatever is still moving stops data.settle_ms after the first
     drawing, so a large graph never keeps the tab busy (dragging a node wakes it again). */
  var started = Date.now();
  network.on("stabilized", function () {
    if (!api.stable) api.settledMs = Date.now() - started;
    api.stable = true;
  });
  /* The first view shows everything (fitted). Names too small to read there (below the
     nodes' label drawThreshold on screen) are not drawn, so they never pile up; zooming in
     draws them, and the status line says so. */
  function fitted() {
    network.fit({ animation: false });
    var font = data.options.nodes.font.size;
    if (network.getScale() * font < data.options.nodes.scaling.label.drawThreshold) {
      statusLine.textContent += " Names show when you zoom in (mouse wheel, or + with the diagram focused), or choose a node in the list.";
    }
  }
  network.once("stabilizationIterationsDone", function () {
    if (data.focus) focusNode(data.focus); else fitted();
  });
  network.once("afterDrawing", function () {
    api.ready = true;
    setTimeout(function () { if (!api.stable) network.stopSimulation(); }, data.settle_ms);
  });
  update();
})();
