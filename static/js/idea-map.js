// Shows the idea's place on a small map; the coordinates stay readable as text below it.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-idea-map]");
  if (!box || typeof L === "undefined") return;
  const point = [Number(box.dataset.lat), Number(box.dataset.lng)];
  const map = window.inspraakMap(box, point, 16, { scrollWheelZoom: false });
  L.marker(point, { keyboard: false }).addTo(map);
});
