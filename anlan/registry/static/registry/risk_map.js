// Four-colour risk map: one circle per enterprise, coloured by its derived risk level. Tiles from
// ANLAN_MAP_TILE_URL (an intranet tile server); with none, the markers show on a blank background.
(function () {
  var el = document.getElementById("risk-map");
  var data = document.getElementById("risk-map-data");
  if (!el || !data || typeof L === "undefined") return;
  var features = JSON.parse(data.textContent);
  var map = L.map(el, { attributionControl: !!el.dataset.tiles }).setView([37.2, 112.2], 8);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution || "" }).addTo(map);
  }
  var bounds = [];
  features.forEach(function (f) {
    var marker = L.circleMarker([f.lat, f.lon], {
      radius: 9, color: "#333", weight: 1, fillColor: f.colour, fillOpacity: 0.9,
    }).addTo(map);
    var link = document.createElement("a");
    link.href = f.url;
    link.textContent = f.name;
    var box = document.createElement("div");
    box.appendChild(link);
    var line = document.createElement("div");
    line.textContent = f.level_label;
    box.appendChild(line);
    marker.bindPopup(box);
    bounds.push([f.lat, f.lon]);
  });
  if (bounds.length) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 13 });
  el.dataset.ready = "1";
})();
