// The queue's map: one marker per report listed on the page (the list is the truth and works
// without JavaScript), each linking to its report. Text goes in with textContent, never HTML.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-queue-map]");
  if (!box || typeof L === "undefined") return;
  const rows = [...document.querySelectorAll("[data-queue-report]")];
  const map = window.inspraakMap(box, box.dataset.center.split(",").map(Number), 13);
  const bounds = [];
  for (const row of rows) {
    const latLng = [Number(row.dataset.lat), Number(row.dataset.lng)];
    const source = row.querySelector(".queue-row__link");
    const link = document.createElement("a");
    link.href = source.href;
    link.textContent = source.textContent;
    const overdue = row.classList.contains("queue-row--overdue");
    L.marker(latLng, { title: source.textContent.trim(), opacity: overdue ? 1 : 0.75 })
      .bindPopup(link)
      .addTo(map);
    bounds.push(latLng);
  }
  if (bounds.length) map.fitBounds(bounds, { maxZoom: 16 });
});
