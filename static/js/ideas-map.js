// The map of ideas: markers in clusters, each popup linking to its idea. Follows the
// GeoJSON paging links, a bounded number of pages.
document.addEventListener("DOMContentLoaded", async () => {
  const box = document.querySelector("[data-ideas-map]");
  if (!box || typeof L === "undefined") return;
  box.replaceChildren();
  const map = window.inspraakMap(box, box.dataset.center.split(",").map(Number), 13);
  const cluster = L.markerClusterGroup ? L.markerClusterGroup() : L.layerGroup();
  map.addLayer(cluster);
  await window.inspraakAddFeatures(map, box.dataset.source, 50, (feature, latLng) => {
    const link = document.createElement("a");
    link.href = feature.properties.url;
    link.textContent = feature.properties.title;
    cluster.addLayer(L.marker(latLng).bindPopup(link));
  });
});
