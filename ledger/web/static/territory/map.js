/* The territory's map: communes as circles (area by population, colour by the share of their
   potential collected), sites as squares, transfers between sites as lines (width by mass).
   No tiles unless the ledger names a tile server. Every text goes in through textContent. */
(function () {
  "use strict";
  var box = document.getElementById("map");
  if (!box || typeof L === "undefined") { return; }
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var words = JSON.parse(document.getElementById("map-words").textContent);
  var lang = box.dataset.lang === "en" ? "en-GB" : "fr-FR";
  var map = L.map(box, { zoomSnap: 0.25, attributionControl: Boolean(box.dataset.tiles) });
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { maxZoom: 18, attribution: "© contributors" }).addTo(map);
  } else {
    box.classList.add("no-tiles");
  }

  function number(value, decimals) {
    if (value === null || value === undefined) { return "—"; }
    return value.toLocaleString(lang, { maximumFractionDigits: decimals });
  }

  function shareClass(share) {
    if (share === null || share === undefined) { return "#9aa3ad"; }
    if (share < 0.10) { return "#c0392b"; }
    if (share < 0.25) { return "#e67e22"; }
    if (share < 0.50) { return "#f1c40f"; }
    return "#27ae60";
  }

  function card(title, rows) {
    var root = document.createElement("div");
    var heading = document.createElement("strong");
    heading.textContent = title;
    root.appendChild(heading);
    rows.forEach(function (row) {
      var line = document.createElement("div");
      line.textContent = row[0] + (box.dataset.lang === "en" ? ": " : "\u00a0: ") + row[1];
      root.appendChild(line);
    });
    return root;
  }

  var bounds = [];
  var largest = Math.max.apply(null, data.rows.map(function (r) { return r.population || 1; }));
  data.rows.forEach(function (r) {
    if (r.latitude === null) { return; }
    var radius = 4 + 22 * Math.sqrt((r.population || 0) / largest);
    var circle = L.circleMarker([r.latitude, r.longitude], {
      radius: radius, color: "#16324a", weight: 1, fillColor: shareClass(r.collected_share_of_potential),
      fillOpacity: 0.75, className: "commune"
    }).addTo(map);
    circle.bindPopup(card((r.name || r.commune_insee) + " (" + r.commune_insee + ")", [
      [words.population, number(r.population, 0)],
      [words.collected, number(r.collected_kg, 1) + " kg"],
      [words.per_inhabitant, number(r.kg_per_inhabitant, 2) + " kg"],
      [words.potential, number(r.potential_kg / 1000, 1) + " t"],
      [words.gap, number(r.gap_kg / 1000, 1) + " t"],
      [words.containers, number(r.containers, 0)]
    ]));
    bounds.push([r.latitude, r.longitude]);
  });

  var sites = {};
  data.sites.forEach(function (s) {
    if (s.latitude === null) { return; }
    sites[s.id] = s;
    var marker = L.marker([s.latitude, s.longitude], {
      icon: L.divIcon({ className: "site-icon " + (s.inside ? "inside" : "outside"), iconSize: [10, 10] }),
      title: s.name, keyboard: true
    }).addTo(map);
    marker.bindPopup(card(s.name, [[s.kind, s.inside ? words.inside : words.outside]]));
    if (s.inside) { bounds.push([s.latitude, s.longitude]); }
  });

  var heaviest = Math.max.apply(null, data.flows.map(function (f) { return f.mass_kg; }).concat([1]));
  data.flows.forEach(function (f) {
    var a = sites[f.from], b = sites[f.to];
    if (!a || !b) { return; }
    var line = L.polyline([[a.latitude, a.longitude], [b.latitude, b.longitude]], {
      color: "#b0437a", weight: 1 + 8 * Math.sqrt(f.mass_kg / heaviest), opacity: 0.55, className: "flow"
    }).addTo(map);
    line.bindPopup(card(a.name + " → " + b.name, [[words.flow, number(f.mass_kg / 1000, 2) + " t"]]));
  });

  if (bounds.length) {
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13 });
  } else {
    map.setView([49.5, 0.5], 9);
  }
  box.dataset.ready = "true";
})();
