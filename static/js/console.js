// Small behaviours of the console shell; everything still reads without JavaScript.
document.addEventListener("click", (event) => {
  const dismiss = event.target.closest("[data-dismiss='alert']");
  if (dismiss) dismiss.closest(".alert").remove();
  const copy = event.target.closest("[data-copy]");
  if (copy && navigator.clipboard) {
    navigator.clipboard.writeText(copy.dataset.copy);
    copy.classList.add("copied");
    setTimeout(() => copy.classList.remove("copied"), 1500);
  }
});
