// Progressive enhancement for the chair's console and the members' tablets: every page works
// without this file (its forms post, and a refresh link reloads it).
//
// When the live socket brings news (htmx ws extension), the panels marked data-live-panel ask
// for themselves again: this dispatches one `live-update` on body per burst of messages, at
// most every 250 ms, and always after the last one. A panel in which the member is busy (the
// focus is in one of its form fields, or one of its own requests is under way) is not
// replaced; it catches up once the focus leaves it.
(() => {
  const QUIET_MS = 250;
  let timer = null;
  const held = new Set();

  const update = () => {
    timer = null;
    document.body.dispatchEvent(new CustomEvent("live-update"));
  };

  document.addEventListener("htmx:wsAfterMessage", () => {
    if (timer === null) {
      timer = window.setTimeout(update, QUIET_MS);
    }
  });

  const busy = (panel) => {
    const active = document.activeElement;
    const typing = active && panel.contains(active) && active.matches("input, select, textarea");
    return typing || panel.querySelector(".htmx-request") !== null;
  };

  document.addEventListener("htmx:beforeRequest", (event) => {
    const panel = event.detail.elt;
    if (panel.matches("[data-live-panel]") && event.detail.requestConfig.verb === "get" && busy(panel)) {
      event.preventDefault();
      held.add(panel.id);
    }
  });

  document.addEventListener("focusout", (event) => {
    const panel = event.target.closest("[data-live-panel]");
    if (panel && held.delete(panel.id)) {
      // After the focus has landed: a move to another field of the same panel holds it again.
      window.setTimeout(update, 0);
    }
  });

  // The speaker's clock: counts up from the server's time, and marks the limit once passed.
  const tick = () => {
    for (const clock of document.querySelectorAll(".speaking-clock[data-started]")) {
      const seconds = Math.max(0, Math.floor((Date.now() - Date.parse(clock.dataset.started)) / 1000));
      const limit = Number(clock.dataset.limit || 0);
      clock.textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
      clock.classList.toggle("speaking-clock--over", limit > 0 && seconds > limit);
    }
  };
  window.setInterval(tick, 1000);
})();
