// The report form: when the pin moves (a click on the map, or typed coordinates), tell htmx,
// which then fetches the open reports of the same kind nearby (hx-trigger="problem-place").
document.addEventListener("DOMContentLoaded", () => {
  const announce = () => document.body.dispatchEvent(new Event("problem-place"));
  for (const id of ["field-latitude", "field-longitude"]) {
    const input = document.getElementById(id);
    if (input) input.addEventListener("change", announce);
  }
  const box = document.querySelector("[data-map-picker]");
  // map-picker.js fills the fields in its own click handler; read them after it.
  if (box) box.addEventListener("click", () => setTimeout(announce, 0));
});
