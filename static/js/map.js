/* Sociale kaart: an enhancement only. Without JavaScript the list and the postcode field do everything.
   1. "Zoek bij mijn locatie": fills the hidden lat/lon fields from the browser and submits the form.
   2. The map (#kaart): Leaflet from static/vendor, markers from data-markers, tiles only when
      data-tiles holds a URL (MAP_TILE_URL). Without tiles the wijk and buurt outlines from
      data-outlines (GeoJSON) make the map readable; markers that overlap are clustered
      (Leaflet.markercluster, when it loaded). */
(function () {
  "use strict";

  function setupLocationButton() {
    var button = document.getElementById("mijn-locatie");
    var lat = document.getElementById("lat");
    var lon = document.getElementById("lon");
    var status = document.getElementById("locatie-melding");
    if (!button || !lat || !lon || !("geolocation" in navigator)) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      // The words come from the page (data-busy, data-failed): in the reader's language.
      if (status) { status.textContent = status.getAttribute("data-busy") || "Uw locatie wordt opgezocht…"; }
      navigator.geolocation.getCurrentPosition(function (position) {
        lat.value = position.coords.latitude.toFixed(4);
        lon.value = position.coords.longitude.toFixed(4);
        var postcode = document.getElementById("postcode");
        if (postcode) { postcode.value = ""; }
        var sort = document.getElementById("sorteer");
        if (sort) { sort.value = "afstand"; }
        button.form.submit();
      }, function () {
        if (status) {
          status.textContent = status.getAttribute("data-failed") || "Uw locatie is niet gevonden. Vul uw postcode in.";
        }
      }, { timeout: 10000, maximumAge: 600000 });
    });
  }

  var dot = typeof L === "undefined" ? null : L.divIcon({ className: "map-dot", iconSize: [18, 18] });

  function drawOutlines(map, element, plain) {
    var outlines = null;
    try { outlines = JSON.parse(element.getAttribute("data-outlines") || "null"); } catch (e) { outlines = null; }
    if (!outlines || !outlines.features || !outlines.features.length) { return; }
    map.createPane("labels").style.zIndex = 450;  // wijk names under the markers, above the outlines
    L.geoJSON(outlines, {
      interactive: false,
      style: function (feature) {
        var wijk = feature.properties.kind === "wijk";
        return { color: "#4a5a63", weight: wijk ? 2.5 : 1, opacity: wijk ? 0.9 : 0.5,
                 dashArray: wijk ? null : "4 4", fill: plain && wijk, fillColor: "#ffffff", fillOpacity: 0.55 };
      },
      onEachFeature: function (feature, shape) {
        if (feature.properties.kind === "wijk") {
          shape.bindTooltip(feature.properties.name, { permanent: true, direction: "center", className: "map-label", pane: "labels" });
        }
      }
    }).addTo(map);
  }

  function setupMap() {
    var element = document.getElementById("kaart");
    if (!element || typeof L === "undefined") { return; }
    var markers = [];
    try { markers = JSON.parse(element.getAttribute("data-markers") || "[]"); } catch (e) { markers = []; }
    var map = L.map(element, { scrollWheelZoom: false, keyboard: false, zoomControl: true, maxZoom: 19 });
    // The map is aria-hidden (the list says the same), so nothing in it may take keyboard focus.
    function unfocusable() {
      element.querySelectorAll("a, button, input, [tabindex]").forEach(function (el) {
        el.setAttribute("tabindex", "-1");
      });
    }
    map.on("popupopen", unfocusable);
    var tiles = element.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
    }
    drawOutlines(map, element, !tiles);
    var layer = typeof L.markerClusterGroup === "function"
      ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40, spiderfyOnMaxZoom: true })
      : L.layerGroup();
    layer.on("animationend spiderfied", unfocusable);
    map.on("zoomend moveend", unfocusable);
    var bounds = [];
    markers.forEach(function (m) {
      if (typeof m.lat !== "number" || typeof m.lon !== "number") { return; }
      var popup = document.createElement("div");
      var link = document.createElement("a");
      link.href = m.url;
      link.textContent = m.name;           // textContent: names are never parsed as HTML
      link.lang = "nl";                    // data written in Dutch, as |nl marks it on the page
      popup.appendChild(link);
      var line = document.createElement("div");
      var org = document.createElement("span");
      org.lang = "nl";
      org.textContent = m.organisation;
      line.appendChild(org);
      if (m.distance) { line.appendChild(document.createTextNode(" · " + m.distance)); }
      popup.appendChild(line);
      // A real marker (not a circle): only markers can be clustered.
      L.marker([m.lat, m.lon], { icon: dot, keyboard: false, title: m.name }).bindPopup(popup).addTo(layer);
      bounds.push([m.lat, m.lon]);
    });
    layer.addTo(map);
    if (bounds.length) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
    } else {
      map.setView([52.2215, 6.8937], 12);
    }
    unfocusable();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupLocationButton();
    setupMap();
  });
}());
