// The top bar's search: Alt+S focuses it, the arrow keys walk its results, Escape closes them.
// Results arrive by htmx as the user types; without JavaScript the form opens the search page.
(() => {
  const input = () => document.getElementById("global-search");
  const dropdown = () => document.querySelector(".topbar-search .search-results");
  const results = () => Array.from(document.querySelectorAll(".topbar-search .search-result"));

  const close = () => {
    const box = dropdown();
    if (box) {
      box.hidden = true;
    }
  };

  document.addEventListener("keydown", (event) => {
    const field = input();
    if (!field || field.disabled) return;
    if (event.altKey && event.code === "KeyS") {
      event.preventDefault();
      field.focus();
      field.select();
      const box = dropdown();
      if (box && box.children.length) box.hidden = false;
      return;
    }
    if (!event.target.closest || !event.target.closest(".topbar-search")) return;
    if (event.key === "Escape") {
      event.preventDefault(); // the search box keeps its text (a type=search box would clear it)
      close();
      field.focus();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const box = dropdown();
    if (box && box.hidden && box.children.length) box.hidden = false; // reopen what Escape closed
    const links = results();
    if (!links.length) return;
    event.preventDefault();
    const index = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown") {
      links[Math.min(index + 1, links.length - 1)].focus();
    } else if (index <= 0) {
      field.focus();
    } else {
      links[index - 1].focus();
    }
  });

  // A click outside the search closes its results.
  document.addEventListener("click", (event) => {
    if (!event.target.closest(".topbar-search")) close();
  });
})();
