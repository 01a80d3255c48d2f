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

// Pickers (lightbulb/core/pickers.py): a text box whose suggestions come from a JSON search
// endpoint, so a register of any size is never sent whole. The box keeps its name: the server
// reads the chosen suggestion's "(#123)", or searches what was typed if none was chosen.
function enhancePickers(scope) {
  scope.querySelectorAll("input[data-picker]").forEach((input) => {
    if (!window.accessibleAutocomplete) {
      return;
    }
    const source = input.getAttribute("data-picker");
    const container = document.createElement("div");
    input.parentNode.insertBefore(container, input);
    const { id, name, value } = input;
    const describedBy = input.getAttribute("aria-describedby");
    input.remove();
    let timer;
    window.accessibleAutocomplete({
      element: container,
      id,
      name,
      defaultValue: value,
      minLength: 2,
      showNoOptionsFound: true,
      confirmOnBlur: false,
      tNoResults: () => "No matches: check the spelling or type more",
      source: (query, populate) => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          fetch(`${source}?q=${encodeURIComponent(query)}`, { headers: { Accept: "application/json" }, credentials: "same-origin" })
            .then((response) => (response.ok ? response.json() : { results: [] }))
            .then((data) => populate(data.results.map((result) => result.label)))
            .catch(() => populate([]));
        }, 200);
      },
    });
    const field = container.querySelector("input");
    if (field && describedBy) {
      field.setAttribute("aria-describedby", describedBy);
    }
  });
}

enhance(document);
enhancePickers(document);

// Markup that htmx swaps in later gets the same enhancement (the page itself was done above).
document.addEventListener("htmx:load", (event) => {
  const element = event.detail && event.detail.elt;
  if (element instanceof Element && element !== document.body) {
    enhance(element);
  }
});
