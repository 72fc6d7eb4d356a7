// Shared by the map scripts: a Leaflet map in `box` with the tiles named on the box.
window.inspraakMap = (box, center, zoom, options = {}) => {
  box.hidden = false;
  const map = L.map(box, options).setView(center, zoom);
  L.tileLayer(box.dataset.tiles, {
    maxZoom: 19,
    attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
  }).addTo(map);
  return map;
};
