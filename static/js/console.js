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

// Bulk actions (Delete, Remove, Compare …) act on the rows ticked in their form, so they are enabled
// only once the rows they need are ticked, as in the AWS console: data-needs-selection="any", or the
// exact count ("1" for Set as default, "2" for Compare). Without JavaScript the server says what is
// missing instead.
function updateBulkActions() {
  document.querySelectorAll("[data-needs-selection]").forEach((button) => {
    const form = button.form || button.closest("form");
    if (!form) return;
    const ticked = form.querySelectorAll("input[type=checkbox]:checked").length;
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
