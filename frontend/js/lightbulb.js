// Progressive enhancement only: every page works without this file.
import { initAll } from "./govuk-frontend.min.js";

initAll();
if (window.MOJFrontend && window.MOJFrontend.initAll) {
  window.MOJFrontend.initAll();
}

// Enhance selects marked data-autocomplete into accessible autocompletes.
document.querySelectorAll("select[data-autocomplete]").forEach((select) => {
  if (window.accessibleAutocomplete) {
    window.accessibleAutocomplete.enhanceSelectElement({
      selectElement: select,
      defaultValue: "",
      showAllValues: true,
    });
  }
});
