// The map of collaboration pacts: one marker per pact, in the colour, shape and symbol of its
// stage (the legend on the page names them), a popup with its title, status, category, a short
// description and a link. Every text from the JSON goes in with textContent, never as HTML.
// Follows the GeoJSON paging links, a bounded number of pages.
document.addEventListener("DOMContentLoaded", async () => {
  const box = document.querySelector("[data-pacts-map]");
  if (!box || typeof L === "undefined") return;
  const labels = (selector) =>
    new Map([...document.querySelectorAll(`${selector} option`)].map((o) => [o.value, o.textContent]));
  const statusLabels = labels("#filter-status");
  const categoryLabels = labels("#filter-category");
  const stages = new Map();
  for (const item of document.querySelectorAll(".pact-legend [data-stage]")) {
    const symbol = item.querySelector(".pact-marker").textContent;
    for (const status of item.dataset.statuses.split(" ")) stages.set(status, { stage: item.dataset.stage, symbol });
  }
  const element = (tag, className, text) => {
    const node = document.createElement(tag);
    node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const icon = (status) => {
    const { stage, symbol } = stages.get(status) || { stage: "proposal", symbol: "?" };
    return L.divIcon({
      className: "pact-marker-icon",
      html: element("span", `pact-marker pact-marker--${stage}`, symbol),
      iconSize: [26, 26],
      iconAnchor: [13, 13],
      popupAnchor: [0, -13],
    });
  };
  const popup = (properties) => {
    const content = element("div", "pact-popup");
    const title = element("a", "pact-popup__title", properties.title);
    title.href = properties.url;
    const status = statusLabels.get(properties.status) || properties.status;
    const category = categoryLabels.get(properties.category) || properties.category;
    content.append(
      title,
      element("p", "pact-popup__meta", `${status} · ${category}`),
      element("p", "pact-popup__excerpt", properties.excerpt),
    );
    return content;
  };
  box.replaceChildren();
  const map = window.inspraakMap(box, box.dataset.center.split(",").map(Number), 13);
  await window.inspraakAddFeatures(map, box.dataset.source, 100, (feature, latLng) => {
    const { status, title } = feature.properties;
    L.marker(latLng, { icon: icon(status), title }).bindPopup(popup(feature.properties)).addTo(map);
  });
});
