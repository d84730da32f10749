// Small behaviours of the console shell; everything still reads without JavaScript.
document.addEventListener("click", (event) => {
  const dismiss = event.target.closest("[data-dismiss='alert']");
  if (dismiss) dismiss.closest(".alert").remove();
  // A policy finding's "Ln, Col" selects the span it points at in the JSON editor.
  const locate = event.target.closest("[data-locate]");
  if (locate) {
    const field = document.getElementById(locate.dataset.locate);
    if (field) {
      field.focus();
      field.setSelectionRange(Number(locate.dataset.start), Number(locate.dataset.end));
    }
  }
  const copy = event.target.closest("[data-copy]");
  if (copy && navigator.clipboard) {
    navigator.clipboard.writeText(copy.dataset.copy);
    copy.classList.add("copied");
    setTimeout(() => copy.classList.remove("copied"), 1500);
  }
});

// Forms answer 422 with their fragment and the errors inline (htmx leaves 4xx answers unswapped by
// default): swap them like a success so the user sees what to fix.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr && event.detail.xhr.status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// Enter does what a person means. In a search box it filters (the box's own htmx "search" trigger)
// and never submits the form around it, whose first button may be Previous or Delete; in a tag's Key
// or Value it does nothing (the first button there is Remove); in any other field of a form whose
// first button is not its primary one (Previous, Remove, Add new tag come first), it does nothing.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || event.isComposing || event.defaultPrevented) return;
  const field = event.target;
  if (!(field instanceof HTMLInputElement) || field.closest(".topbar-search")) return;
  if (field.type === "search") {
    const form = field.form;
    const htmxDriven = [...field.attributes].some((attr) => attr.name.startsWith("hx-"));
    // A plain GET filter form (the policies list) submits its filters: that is the filter.
    if (!htmxDriven && form && form.method === "get" && !field.hasAttribute("data-own-op")) return;
    event.preventDefault();
    if (/\bsearch\b/.test(field.getAttribute("hx-trigger") || "")) {
      field.dispatchEvent(new Event("search"));
    }
    return;
  }
  if (field.name === "tag_key" || field.name === "tag_value") {
    event.preventDefault();
    return;
  }
  const form = field.form;
  if (!form || !["text", "email", "password", "number", "url", "tel"].includes(field.type)) return;
  // Only where the form's own primary button is not the one Enter would press: a one-button form
  // (Rename, Add) still submits as a browser's form does, and so does a form whose first button is a
  // hidden twin of its primary one (same name and value: the access key's description creates the key).
  const buttons = "button:not([type]), button[type=submit], input[type=submit]";
  const submitter = form.querySelector(buttons);
  const primary = [...form.querySelectorAll(buttons)].find((button) => button.classList.contains("btn-primary"));
  const same = submitter && primary && submitter.name === primary.name && submitter.value === primary.value;
  if (primary && submitter !== primary && !same) event.preventDefault();
});

// --- fid-steps: choices that show their fields (issue 20) ---
// An element with data-shown-when="NAME=VALUE" shows only while the form's radio NAME has VALUE
// checked; data-shown-when="NAME" only while the checkbox NAME is ticked. The server renders the same
// state (hidden attribute), so a page without JavaScript shows what was chosen. A radio inside
// .radio-cards also moves the card's "selected" outline to its own card.
const syncShownWhen = (form) => {
  form.querySelectorAll("[data-shown-when]").forEach((element) => {
    const [name, value] = element.dataset.shownWhen.split("=");
    const inputs = Array.from(form.querySelectorAll(`input[name="${name}"]`));
    element.hidden = !inputs.some((input) => input.checked && (value === undefined || input.value === value));
  });
};
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.form) return;
  if (input.type === "radio") {
    const cards = input.closest(".radio-cards");
    if (cards) {
      cards.querySelectorAll(".radio-card").forEach((card) => {
        card.classList.toggle("selected", card.contains(input));
      });
    }
  }
  if (input.form.querySelector("[data-shown-when]")) syncShownWhen(input.form);
});
// "Show password": a checkbox with data-show-password="ID" shows the password field ID as text.
document.addEventListener("change", (event) => {
  const box = event.target.closest("[data-show-password]");
  const field = box && document.getElementById(box.dataset.showPassword);
  if (field) field.type = box.checked ? "text" : "password";
});

// Bulk actions (Delete, Remove, Compare …) act on the rows ticked in their form, so they are enabled
// only once the rows they need are ticked, as in the AWS console: data-needs-selection="any", or the
// exact count ("1" for Set as default, "2" for Compare). A row already attached (ticked and disabled)
// is not a selection; a choice kept from another page of a picker (hidden, data-selected) is. Without
// JavaScript the server says what is missing instead.
function updateBulkActions() {
  document.querySelectorAll("[data-needs-selection]").forEach((button) => {
    const form = button.form || button.closest("form");
    if (!form) return;
    const ticked = form.querySelectorAll(
      "input[type=checkbox]:checked:not(:disabled), input[type=hidden][data-selected]",
    ).length;
    const wanted = button.dataset.needsSelection;
    button.disabled = wanted === "any" ? ticked === 0 : ticked !== Number(wanted);
  });
}
document.addEventListener("change", (event) => {
  if (event.target.matches("input[type=checkbox]")) updateBulkActions();
});
document.addEventListener("DOMContentLoaded", updateBulkActions);
window.addEventListener("pageshow", updateBulkActions);
document.addEventListener("htmx:afterSettle", updateBulkActions);
