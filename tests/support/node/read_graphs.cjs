// Reads GraphML and GEXF files with graphology's own parsers (npm graphology-graphml,
// graphology-gexf) into a multi directed graph and prints, per file, what came in:
//   node read_graphs.cjs FILE.graphml FILE.gexf ...  ->  {"FILE": {"nodes": N, "edges": M,
//   "kinds": {"REFERS_TO": k, ...}, "node": {attributes of one node}}, ...}
// Modules come from NODE_MODULES (the folder `npm install` filled from package.json here).
const fs = require("fs");
const path = require("path");
const modules = process.env.NODE_MODULES || path.join(__dirname, "node_modules");
const load = (name) => require(path.join(modules, name));
const { DOMParser } = load("@xmldom/xmldom");
globalThis.DOMParser = DOMParser; // the parsers expect a browser's DOMParser
const { MultiDirectedGraph } = load("graphology");
const graphml = load("graphology-graphml");
const gexf = load("graphology-gexf");
const probe = process.env.PROBE_NODE || "";

const out = {};
for (const file of process.argv.slice(2)) {
  const text = fs.readFileSync(file, "utf8");
  const parser = file.endsWith(".gexf") ? gexf : graphml;
  try {
    const graph = parser.parse(MultiDirectedGraph, text);
    const kinds = {};
    graph.forEachEdge((edge, attrs) => {
      const kind = attrs.kind || attrs.type || "?";
      kinds[kind] = (kinds[kind] || 0) + 1;
    });
    out[file] = {
      nodes: graph.order, edges: graph.size, kinds,
      node: probe && graph.hasNode(probe) ? graph.getNodeAttributes(probe) : null,
    };
  } catch (err) {
    out[file] = { error: String(err && err.message ? err.message : err) };
  }
}
process.stdout.write(JSON.stringify(out));
