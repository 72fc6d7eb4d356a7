// Keyboard shortcuts for the moderation queue and item pages. Progressive enhancement only:
// every shortcut presses a button or link that is on the page anyway, so the pages work
// fully without this file. Shortcuts never fire while the moderator types in a field.
(() => {
  // After a row's decision the queue comes back without that row; the moderator goes on at
  // the same place in the list, not at the top of the page.
  const RESUME = "moderation-queue-resume";

  const rows = () => Array.from(document.querySelectorAll("[data-queue-row]"));

  // Keys typed into a text field or a list are the moderator's words, not shortcuts; a
  // checkbox or a button with the focus leaves the shortcuts working.
  const NOT_TYPED = ["checkbox", "radio", "button", "submit", "reset"];
  const typing = (target) =>
    target instanceof HTMLElement &&
    (target.isContentEditable ||
      ["TEXTAREA", "SELECT"].includes(target.tagName) ||
      (target instanceof HTMLInputElement && !NOT_TYPED.includes(target.type)));

  // The row that holds the focus, if any.
  const currentRow = () => {
    const active = document.activeElement;
    return active instanceof HTMLElement ? active.closest("[data-queue-row]") : null;
  };

  const focusRow = (row) => {
    if (!row) return;
    row.focus();
    row.scrollIntoView({ block: "nearest" });
  };

  const move = (step) => {
    const all = rows();
    if (!all.length) return;
    const index = all.indexOf(currentRow());
    const next = index === -1 ? 0 : Math.min(Math.max(index + step, 0), all.length - 1);
    focusRow(all[next]);
  };

  // On the queue the focused row's control; on an item page the page's own.
  const control = (key) => {
    const scope = rows().length ? currentRow() : document;
    return scope ? scope.querySelector(`[data-shortcut="${key}"]`) : null;
  };

  const toggleHelp = () => {
    const help = document.getElementById("shortcuts-help");
    if (help) help.open = !help.open;
  };

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (event.key === "j") move(1);
    else if (event.key === "k") move(-1);
    else if (event.key === "?") toggleHelp();
    else if (["h", "d", "r", "p", "o", "x"].includes(event.key)) {
      const found = control(event.key);
      if (!found) return;
      found.click();
    } else return;
    event.preventDefault();
  });

  // A row's button sends the bulk form: remember where that row was (by mouse or by key).
  document.addEventListener("submit", (event) => {
    const button = event.submitter;
    const row = button instanceof HTMLElement ? button.closest("[data-queue-row]") : null;
    if (!row) return;
    try {
      sessionStorage.setItem(RESUME, String(rows().indexOf(row)));
    } catch {
      // Storage refused (private mode): the page simply starts at the top.
    }
  });

  const resume = () => {
    let saved = null;
    try {
      saved = sessionStorage.getItem(RESUME);
      sessionStorage.removeItem(RESUME);
    } catch {
      return;
    }
    const all = rows();
    // A form sent back with errors keeps the reader at its error summary.
    if (saved === null || !all.length || document.querySelector(".error-summary")) return;
    const index = Number.parseInt(saved, 10);
    if (Number.isInteger(index) && index >= 0) focusRow(all[Math.min(index, all.length - 1)]);
  };
  resume();
})();
