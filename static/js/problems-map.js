// The public map of problem reports: markers in clusters, each popup with the kind, the status
// (its label read from the page's filter) and a link. Texts from the JSON go in with
// textContent, never as HTML. Follows the GeoJSON paging links, a bounded number of pages.
document.addEventListener("DOMContentLoaded", async () => {
  const box = document.querySelector("[data-problems-map]");
  if (!box || typeof L === "undefined") return;
  const statusLabels = new Map(
    [...document.querySelectorAll("#filter-status option")].map((o) => [o.value, o.textContent]),
  );
  box.replaceChildren();
  const map = window.inspraakMap(box, box.dataset.center.split(",").map(Number), 13);
  const cluster = L.markerClusterGroup ? L.markerClusterGroup() : L.layerGroup();
  map.addLayer(cluster);
  await window.inspraakAddFeatures(map, box.dataset.source, 50, (feature, latLng) => {
    const { category, status, url, id } = feature.properties;
    const content = document.createElement("div");
    const link = document.createElement("a");
    link.href = url;
    link.textContent = `${category ? category.name : ""} #${id}`;
    const meta = document.createElement("p");
    meta.textContent = statusLabels.get(status) || status;
    content.append(link, meta);
    cluster.addLayer(L.marker(latLng, { title: link.textContent }).bindPopup(content));
  });
});
