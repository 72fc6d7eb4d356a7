// Shared by the map scripts: a Leaflet map in `box` with the tiles named on the box.
//
// Map tiles from another site are a request to a third party, which sees the visitor's
// address: they load only after the visitor agrees, once, by a button on the map (the choice
// is kept in this browser's localStorage, not in a cookie). Until then the map works on a
// blank background: markers show and a pin can be placed.
const TILE_CONSENT = "inspraak.map-tiles";

const tileHost = (template) =>
  new URL(template.replace(/\{[a-z]\}/g, "0"), window.location.href).host;

const addTiles = (map, template) =>
  L.tileLayer(template, {
    maxZoom: 19,
    attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
  }).addTo(map);

const askForTiles = (map, template) => {
  const meta = document.querySelector('meta[name="inspraak-map-consent"]');
  const Ask = L.Control.extend({
    onAdd() {
      const button = L.DomUtil.create("button", "button button--secondary map-consent");
      button.type = "button";
      const label = meta ? meta.content : "Show map images (loaded from {host})";
      button.textContent = label.replace("{host}", tileHost(template));
      L.DomEvent.disableClickPropagation(button);
      button.addEventListener("click", () => {
        localStorage.setItem(TILE_CONSENT, "yes");
        document.dispatchEvent(new CustomEvent("inspraak:map-tiles"));
      });
      return button;
    },
  });
  const ask = new Ask({ position: "topright" }).addTo(map);
  document.addEventListener("inspraak:map-tiles", () => {
    ask.remove();
    addTiles(map, template);
  });
};

window.inspraakMap = (box, center, zoom, options = {}) => {
  box.hidden = false;
  const map = L.map(box, options).setView(center, zoom);
  const template = box.dataset.tiles;
  const ownSite = tileHost(template) === window.location.host;
  if (ownSite || localStorage.getItem(TILE_CONSENT) === "yes") addTiles(map, template);
  else askForTiles(map, template);
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
