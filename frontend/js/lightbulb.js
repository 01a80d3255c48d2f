// Progressive enhancement only: every page works without this file.
// The base template loads it with <script type="module">: GOV.UK Frontend and MOJ Frontend
// ship as ES modules (their files end in `export {…}`), so a classic <script> cannot run them.
// Both files sit beside this one in dist/js (frontend/build.mjs copies them there).
import { initAll as initGovukFrontend } from "./govuk-frontend.min.js";
import { initAll as initMojFrontend } from "./moj-frontend.min.js";

// The libraries only console.log a component that fails to start; make it an error, which
// the browser tests fail on, so a broken component cannot pass unnoticed.
function reportError(error, context) {
  console.error("Lightbulb: a component did not start:", error, context);
}

function enhance(scope) {
  initGovukFrontend({ scope, onError: reportError });
  initMojFrontend({ scope, onError: reportError });
  // Selects marked data-autocomplete become accessible autocompletes.
  scope.querySelectorAll("select[data-autocomplete]").forEach((select) => {
    if (window.accessibleAutocomplete) {
      window.accessibleAutocomplete.enhanceSelectElement({
        selectElement: select,
        defaultValue: "",
        showAllValues: true,
      });
    }
  });
}

enhance(document);

// Markup that htmx swaps in later gets the same enhancement (the page itself was done above).
document.addEventListener("htmx:load", (event) => {
  const element = event.detail && event.detail.elt;
  if (element instanceof Element && element !== document.body) {
    enhance(element);
  }
});
