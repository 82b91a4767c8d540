/* Sociale kaart: an enhancement only. Without JavaScript the list and the postcode field do everything.
   1. "Zoek bij mijn locatie": fills the hidden lat/lon fields from the browser and submits the form.
   2. The map (#kaart): Leaflet from static/vendor, markers from data-markers, tiles only when
      data-tiles holds a URL (MAP_TILE_URL); otherwise markers on a plain background. */
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
      if (status) { status.textContent = "Uw locatie wordt opgezocht…"; }
      navigator.geolocation.getCurrentPosition(function (position) {
        lat.value = position.coords.latitude.toFixed(4);
        lon.value = position.coords.longitude.toFixed(4);
        var postcode = document.getElementById("postcode");
        if (postcode) { postcode.value = ""; }
        var sort = document.getElementById("sorteer");
        if (sort) { sort.value = "afstand"; }
        button.form.submit();
      }, function () {
        if (status) { status.textContent = "Uw locatie is niet gevonden. Vul uw postcode in."; }
      }, { timeout: 10000, maximumAge: 600000 });
    });
  }

  function setupMap() {
    var element = document.getElementById("kaart");
    if (!element || typeof L === "undefined") { return; }
    var markers = [];
    try { markers = JSON.parse(element.getAttribute("data-markers") || "[]"); } catch (e) { markers = []; }
    var map = L.map(element, { scrollWheelZoom: false, keyboard: false, zoomControl: true });
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
    var bounds = [];
    markers.forEach(function (m) {
      if (typeof m.lat !== "number" || typeof m.lon !== "number") { return; }
      var popup = document.createElement("div");
      var link = document.createElement("a");
      link.href = m.url;
      link.textContent = m.name;           // textContent: names are never parsed as HTML
      popup.appendChild(link);
      var org = document.createElement("div");
      org.textContent = m.organisation + (m.distance ? " · " + m.distance : "");
      popup.appendChild(org);
      L.circleMarker([m.lat, m.lon], { radius: 9, color: "#0b5468", weight: 3, fillOpacity: 0.6 })
        .bindPopup(popup).addTo(map);
      bounds.push([m.lat, m.lon]);
    });
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
