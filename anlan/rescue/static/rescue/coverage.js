// Coverage map: teams (blue, with a circle of the straight-line distance reachable within the
// limit), what-if bases (dashed), and mines coloured covered / gap / closed by the what-if.
(function () {
  var el = document.getElementById("coverage-map");
  var node = document.getElementById("coverage-data");
  if (!el || !node || typeof L === "undefined") return;
  var data = JSON.parse(node.textContent);
  var map = L.map(el, { attributionControl: !!el.dataset.tiles }).setView([37.3, 112.3], 8);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution || "" }).addTo(map);
  }
  var bounds = [];
  var reachKm = data.reach_km;
  data.teams.forEach(function (t) {
    if (reachKm) {
      L.circle([t.lat, t.lon], {
        radius: reachKm * 1000, color: t.what_if ? "#fd7e14" : "#0d6efd", weight: 1,
        dashArray: t.what_if ? "6 4" : null, fillOpacity: 0.06,
      }).addTo(map);
    }
    L.marker([t.lat, t.lon], { title: t.name }).addTo(map).bindPopup(document.createTextNode(t.name));
    bounds.push([t.lat, t.lon]);
  });
  data.mines.forEach(function (m) {
    var colour = !m.covered ? "#dc3545" : (m.closed_by_what_if ? "#fd7e14" : "#198754");
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = m.enterprise;
    box.appendChild(title);
    var line = document.createElement("div");
    line.textContent = (m.nearest_team || "—") + " · " + (m.eta_minutes === null ? "—" : m.eta_minutes + " min");
    box.appendChild(line);
    L.circleMarker([m.lat, m.lon], { radius: 8, color: "#333", weight: 1, fillColor: colour, fillOpacity: 0.9 })
      .addTo(map).bindPopup(box);
    bounds.push([m.lat, m.lon]);
  });
  if (bounds.length) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 12 });
  el.dataset.ready = "1";
})();
