// Shows the idea's place on a small map; the coordinates stay readable as text below it.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-idea-map]");
  if (!box || typeof L === "undefined") return;
  box.hidden = false;
  const point = [Number(box.dataset.lat), Number(box.dataset.lng)];
  const map = L.map(box, { scrollWheelZoom: false }).setView(point, 16);
  L.tileLayer(box.dataset.tiles, {
    maxZoom: 19,
    attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
  }).addTo(map);
  L.marker(point, { keyboard: false }).addTo(map);
});
