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

// Shared by the maps of many: add each point of the GeoJSON at `url` with `add(feature, latLng)`,
// following its paging links (at most `pages` pages), then fit the map to the points.
window.inspraakAddFeatures = async (map, url, pages, add) => {
  const bounds = [];
  for (let page = 0; url && page < pages; page += 1) {
    const response = await fetch(url, { headers: { Accept: "application/geo+json" } });
    if (!response.ok) break;
    const data = await response.json();
    for (const feature of data.features) {
      const [x, y] = feature.geometry.coordinates;
      add(feature, [y, x]);
      bounds.push([y, x]);
    }
    url = data.links && data.links.next;
  }
  if (bounds.length) map.fitBounds(bounds, { maxZoom: 16 });
};
