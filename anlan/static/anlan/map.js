// Enterprise location map. Tiles come from ANLAN_MAP_TILE_URL (an intranet tile server); with no
// tile URL the marker still shows, on a plain background, so the page works offline.
(function () {
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined") return;
  var lat = parseFloat(el.dataset.lat), lon = parseFloat(el.dataset.lon);
  L.Icon.Default.imagePath = el.dataset.iconPath || "/static/vendor/leaflet/images/";
  var map = L.map(el, { attributionControl: !!el.dataset.tiles }).setView([lat, lon], 12);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution || "" }).addTo(map);
  }
  L.marker([lat, lon]).addTo(map).bindPopup(el.dataset.name).openPopup();
  el.dataset.ready = "1";
})();
