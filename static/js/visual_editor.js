// The visual policy editor's small behaviours: ticking a whole access level, filtering actions,
// live counts, copying the JSON the server writes into the page's JSON field, and the
// Visual/JSON tabs. Everything else is server-rendered through HTMX.
(() => {
  if (window.visualEditorLoaded) return;
  window.visualEditorLoaded = true;

  const countLevels = (block) => {
    if (!block) return;
    block.querySelectorAll(".ve-level").forEach((level) => {
      const boxes = level.querySelectorAll(".ve-action input[type=checkbox]");
      if (boxes.length === 0) return; // not opened yet: its count follows its level box
      const checked = [...boxes].filter((box) => box.checked).length;
      const count = level.querySelector("[data-count]");
      if (count) count.textContent = checked;
      const all = level.querySelector(".ve-level-all");
      if (all && !all.disabled) all.checked = boxes.length > 0 && checked === boxes.length;
    });
  };

  // Capture phase: the boxes are ticked before HTMX reads the form for the sync request.
  document.addEventListener("change", (event) => {
    const all = event.target.closest(".ve-level-all");
    if (all) {
      const level = all.closest(".ve-level");
      level.querySelectorAll(".ve-action input[type=checkbox]").forEach((box) => {
        box.checked = all.checked;
      });
      level.querySelector("[data-count]").textContent =
        all.checked ? level.querySelector("[data-total]").textContent : "0";
    }
    countLevels(event.target.closest(".ve-block"));
  }, true);

  // A level's tick box sits in its <summary>: ticking must not fold the level.
  document.addEventListener("click", (event) => {
    if (event.target.closest(".ve-level-all")) event.stopPropagation();
  }, true);

  document.addEventListener("input", (event) => {
    const filter = event.target.closest(".ve-filter");
    if (!filter) return;
    const needle = filter.value.trim().toLowerCase();
    const block = filter.closest(".ve-block");
    block.querySelectorAll(".ve-action").forEach((label) => {
      label.hidden = needle !== "" && !label.textContent.toLowerCase().includes(needle);
    });
    block.querySelectorAll(".ve-level").forEach((level) => {
      if (needle) level.open = level.querySelector(".ve-action:not([hidden])") !== null;
    });
  });

  // The service list shows under the search box once it has options.
  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.target.classList && event.target.classList.contains("ve-services")) event.target.hidden = false;
  });

  // A large summary loads a service's actions when its row is opened ("toggle" does not bubble:
  // listen in the capture phase).
  document.addEventListener("toggle", (event) => {
    const expander = event.target;
    if (!expander.classList || !expander.classList.contains("summary-expander") || !expander.open) return;
    const service = expander.closest(".summary-service");
    const slot = service.querySelector("[data-lazy]");
    const summary = expander.closest(".policy-summary");
    if (!slot || !summary) return;
    slot.removeAttribute("data-lazy");
    htmx.ajax("POST", summary.dataset.url, {
      target: slot,
      swap: "outerHTML",
      values: {
        service: service.dataset.service,
        effect: service.dataset.effect,
        summary_document: summary.querySelector("#policy-summary-document").value,
      },
    });
  }, true);

  // The editor usually sits in the page's form: Enter in one of its boxes must not submit that form.
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.matches(".visual-editor input")) event.preventDefault();
  });

  document.body.addEventListener("visual-json", (event) => {
    const field = document.getElementById(event.detail.field);
    if (!field) return;
    field.value = event.detail.json;
    field.dispatchEvent(new Event("input", { bubbles: true }));
  });

  const showMode = (mode) => {
    const editor = document.getElementById("policy-editor");
    if (!editor) return;
    editor.dataset.mode = mode;
    editor.querySelectorAll("[data-editor-tab]").forEach((tab) => {
      tab.setAttribute("aria-selected", String(tab.dataset.editorTab === mode));
    });
  };
  document.body.addEventListener("visual-mode", (event) => showMode(event.detail.mode));
  document.addEventListener("click", (event) => {
    const tab = event.target.closest("[data-editor-tab='json']");
    if (tab) showMode("json");
  });
})();
