// Builds lightbulb/static/dist from frontend/ and the npm packages.
// Run with `npm run build`; the Makefile calls it.
import { compile, NodePackageImporter } from "sass";
import { cpSync, existsSync, mkdirSync, renameSync, writeFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "lightbulb", "static", "dist");
const nm = join(root, "node_modules");
// Build beside dist and swap it in at the end, so a running server (or the browser tests,
// which fail on any asset that does not load) never sees dist half-built.
const out = `${dist}.building-${process.pid}`;
// A failed build leaves nothing behind in lightbulb/static (collectstatic would serve it).
process.on("exit", () => rmSync(out, { recursive: true, force: true }));

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "js"), { recursive: true });

const css = compile(join(root, "frontend", "scss", "main.scss"), {
  loadPaths: [root, nm],
  importers: [new NodePackageImporter()],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
  // Deprecation notes from the packages themselves are theirs to fix, not ours.
  logger: { warn: (message, options) => { if (!options.deprecation && !/is deprecated/.test(message) && !/node_modules/.test(String(options.span?.url ?? ""))) console.warn(message); } },
});
writeFileSync(join(out, "main.css"), css.css);

// govuk-frontend and MOJ Frontend are ES modules: frontend/js/lightbulb.js imports them from
// beside itself and the base template loads it with <script type="module">. The others are
// classic scripts (UMD or IIFE) that set a global.
const copies = [
  ["govuk-frontend/dist/govuk/govuk-frontend.min.js", "js/govuk-frontend.min.js"],
  ["@ministryofjustice/frontend/moj/moj-frontend.min.js", "js/moj-frontend.min.js"],
  ["accessible-autocomplete/dist/accessible-autocomplete.min.js", "js/accessible-autocomplete.min.js"],
  ["accessible-autocomplete/dist/accessible-autocomplete.min.css", "accessible-autocomplete.min.css"],
  ["htmx.org/dist/htmx.min.js", "js/htmx.min.js"],
  ["chart.js/dist/chart.umd.min.js", "js/chart.umd.min.js"],
  ["leaflet/dist/leaflet.js", "js/leaflet.js"],
  ["leaflet/dist/leaflet.css", "leaflet.css"],
  ["leaflet/dist/images", "images"], // leaflet.css asks for images/layers.png and the markers
  ["@ministryofjustice/frontend/moj/assets/images", "assets/images"],
  // main.css names the crest (GOV.UK Frontend's footer copyright logo, which our footer does not
  // show): collectstatic's manifest storage refuses a stylesheet whose url() points at nothing.
  ["govuk-frontend/dist/govuk/assets/images/govuk-crest.svg", "assets/images/govuk-crest.svg"],
];
for (const [from, to] of copies) {
  mkdirSync(dirname(join(out, to)), { recursive: true });
  cpSync(join(nm, from), join(out, to), { recursive: true });
  // A minified file names its source map in a comment: ship the map too, or the browser's
  // request for it fails and collectstatic's manifest storage cannot resolve it.
  if (existsSync(join(nm, `${from}.map`))) cpSync(join(nm, `${from}.map`), join(out, `${to}.map`));
}
// Our own scripts, unbundled: lightbulb.js is a module that imports the two ES modules above.
cpSync(join(root, "frontend", "js"), join(out, "js"), { recursive: true });
const old = `${dist}.old-${process.pid}`;
if (existsSync(dist)) renameSync(dist, old);
renameSync(out, dist);
rmSync(old, { recursive: true, force: true });
console.log(`built ${dist}`);
