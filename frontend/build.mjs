// Builds lightbulb/static/dist from frontend/ and the npm packages.
// Run with `npm run build`; the Makefile calls it.
import { compile, NodePackageImporter } from "sass";
import { cpSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "lightbulb", "static", "dist");
const nm = join(root, "node_modules");

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

const copies = [
  ["govuk-frontend/dist/govuk/govuk-frontend.min.js", "js/govuk-frontend.min.js"],
  ["@ministryofjustice/frontend/moj/moj-frontend.min.js", "js/moj-frontend.min.js"],
  ["accessible-autocomplete/dist/accessible-autocomplete.min.js", "js/accessible-autocomplete.min.js"],
  ["accessible-autocomplete/dist/accessible-autocomplete.min.css", "accessible-autocomplete.min.css"],
  ["htmx.org/dist/htmx.min.js", "js/htmx.min.js"],
  ["chart.js/dist/chart.umd.min.js", "js/chart.umd.min.js"],
  ["leaflet/dist/leaflet.js", "js/leaflet.js"],
  ["leaflet/dist/leaflet.css", "leaflet.css"],
  ["@ministryofjustice/frontend/moj/assets/images", "assets/images"],
];
for (const [from, to] of copies) {
  mkdirSync(dirname(join(out, to)), { recursive: true });
  cpSync(join(nm, from), join(out, to), { recursive: true });
}
// Our own scripts, unbundled: they run after the libraries above.
cpSync(join(root, "frontend", "js"), join(out, "js"), { recursive: true });
console.log(`built ${out}`);
