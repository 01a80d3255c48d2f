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
// The suggestions of a picker: its JSON search endpoint asked 200 ms after the last key, labels only.
function searchFrom(source) {
  let timer;
  return (query, populate) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      fetch(`${source}?q=${encodeURIComponent(query)}`, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then((response) => (response.ok ? response.json() : { results: [] }))
        .then((data) => populate(data.results.map((result) => result.label)))
        .catch(() => populate([]));
    }, 200);
  };
}

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
    window.accessibleAutocomplete({
      element: container,
      id,
      name,
      defaultValue: value,
      minLength: 2,
      showNoOptionsFound: true,
      confirmOnBlur: false,
      tNoResults: () => "No matches: check the spelling or type more",
      source: searchFrom(source),
    });
    const field = container.querySelector("input");
    if (field && describedBy) {
      field.setAttribute("aria-describedby", describedBy);
    }
  });
}

// Multi pickers (lightbulb/core/pickers.py, MultiPickerField): the records chosen are ticked checkboxes
// named after the field; the search box below them becomes an autocomplete whose chosen suggestion
// is added to them as a ticked checkbox (unticking removes it), announced, and the box emptied for
// the next. Anything typed but not chosen is searched by the server when the form is sent.
const CHOSEN = /\s*\(#(\d+)\)\s*$/;

function addChosen(container, label) {
  const match = CHOSEN.exec(label || "");
  if (!match) {
    return "";
  }
  const id = match[1];
  const text = label.replace(CHOSEN, "");
  const list = container.querySelector("[data-multi-picker-chosen]");
  const find = container.querySelector("[data-multi-picker-find], .autocomplete__input");
  let box = Array.from(list.querySelectorAll("input[type=checkbox]")).find((input) => input.value === id);
  if (!box) {
    const item = document.createElement("div");
    item.className = "govuk-checkboxes__item";
    box = document.createElement("input");
    box.className = "govuk-checkboxes__input";
    box.type = "checkbox";
    box.name = container.getAttribute("data-multi-picker-name");
    box.value = id;
    box.id = `${find ? find.id : box.name}-added-${id}`;
    const boxLabel = document.createElement("label");
    boxLabel.className = "govuk-label govuk-checkboxes__label";
    boxLabel.htmlFor = box.id;
    boxLabel.textContent = text;
    item.append(box, boxLabel);
    list.append(item);
  }
  box.checked = true;
  list.hidden = false;
  return text;
}

function enhanceMultiPickers(scope) {
  scope.querySelectorAll("[data-multi-picker]").forEach((container) => {
    const input = container.querySelector("input[data-multi-picker-find]");
    if (!window.accessibleAutocomplete || !input) {
      return;
    }
    const source = container.getAttribute("data-multi-picker");
    const status = container.querySelector("[data-multi-picker-status]");
    container.setAttribute("data-multi-picker-name", input.name.replace(/_find$/, ""));
    const holder = document.createElement("div");
    input.parentNode.insertBefore(holder, input);
    const { id, name, value } = input;
    input.remove();
    window.accessibleAutocomplete({
      element: holder,
      id,
      name,
      defaultValue: value,
      minLength: 2,
      showNoOptionsFound: true,
      confirmOnBlur: false,
      tNoResults: () => "No matches: check the spelling or type more",
      source: searchFrom(source),
      onConfirm: (label) => {
        const added = addChosen(container, label);
        if (!added) {
          return;
        }
        // After the autocomplete has shown the choice in the box: empty it (through an input
        // event, so the component forgets the text too) for the next one.
        setTimeout(() => {
          const field = holder.querySelector("input");
          field.value = "";
          field.dispatchEvent(new Event("input", { bubbles: true }));
          const count = container.querySelectorAll("[data-multi-picker-chosen] input:checked").length;
          status.textContent = `${added} added. ${count} chosen.`;
        }, 0);
      },
    });
  });
}

enhance(document);
enhancePickers(document);
enhanceMultiPickers(document);

// Markup that htmx swaps in later gets the same enhancement (the page itself was done above).
document.addEventListener("htmx:load", (event) => {
  const element = event.detail && event.detail.elt;
  if (element instanceof Element && element !== document.body) {
    enhance(element);
  }
});
