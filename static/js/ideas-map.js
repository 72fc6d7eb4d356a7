// The map of ideas: markers in clusters, each popup linking to its idea. Follows the
// GeoJSON paging links, a bounded number of pages.
document.addEventListener("DOMContentLoaded", async () => {
  const box = document.querySelector("[data-ideas-map]");
  if (!box || typeof L === "undefined") return;
  box.replaceChildren();
  const map = window.inspraakMap(box, box.dataset.center.split(",").map(Number), 13);
  const cluster = L.markerClusterGroup ? L.markerClusterGroup() : L.layerGroup();
  map.addLayer(cluster);
  const bounds = [];
  let url = box.dataset.source;
  for (let page = 0; url && page < 50; page += 1) {
    const response = await fetch(url, { headers: { Accept: "application/geo+json" } });
    if (!response.ok) break;
    const data = await response.json();
    for (const feature of data.features) {
      const [x, y] = feature.geometry.coordinates;
      const link = document.createElement("a");
      link.href = feature.properties.url;
      link.textContent = feature.properties.title;
      cluster.addLayer(L.marker([y, x]).bindPopup(link));
      bounds.push([y, x]);
    }
    url = data.links && data.links.next;
  }
  if (bounds.length) map.fitBounds(bounds, { maxZoom: 16 });
});
