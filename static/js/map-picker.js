// Enhances the latitude/longitude fields with a map: a click places the pin and fills them in.
// Without JavaScript the two fields work on their own.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-map-picker]");
  const latitude = document.getElementById("field-latitude");
  const longitude = document.getElementById("field-longitude");
  if (!box || !latitude || !longitude || typeof L === "undefined") return;
  const map = window.inspraakMap(box, box.dataset.center.split(",").map(Number), 13);
  let marker = null;
  const place = (point) => {
    if (marker) marker.setLatLng(point);
    else marker = L.marker(point, { keyboard: false }).addTo(map);
  };
  const current = () => {
    const point = [parseFloat(latitude.value.replace(",", ".")), parseFloat(longitude.value.replace(",", "."))];
    return point.every(Number.isFinite) ? point : null;
  };
  if (current()) {
    place(current());
    map.setView(current(), 16);
  }
  map.on("click", (event) => {
    place(event.latlng);
    latitude.value = event.latlng.lat.toFixed(6);
    longitude.value = event.latlng.lng.toFixed(6);
  });
  for (const input of [latitude, longitude]) {
    input.addEventListener("change", () => {
      if (current()) place(current());
    });
  }
});
