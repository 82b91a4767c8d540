// Keeps the order in which a resident ticks category tiles (form[data-choice-order="<field name>"]):
// the first chosen is the main need. A checked tile shows its number instead of a tick. A browser
// sends checkboxes in page order, so on submit the ticked values are sent again as hidden fields in
// the chosen order (the server keeps the order it receives). Without JavaScript the form still
// works: the tiles then arrive in page order.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("form[data-choice-order]"), function (form) {
    var name = form.getAttribute("data-choice-order");
    var boxes = Array.prototype.filter.call(form.querySelectorAll("input[type=checkbox]"),
                                            function (box) { return box.name === name; });
    // After a server-side error the page says which were chosen first (data-order on the label).
    function rank(box) {
      var label = box.nextElementSibling;
      return parseInt((label && label.getAttribute("data-order")) || "999", 10);
    }
    var order = boxes.filter(function (box) { return box.checked; })
                     .sort(function (a, b) { return rank(a) - rank(b); });

    function show() {
      boxes.forEach(function (box) {
        var label = box.nextElementSibling;
        if (!label || !label.classList.contains("tile__label")) { return; }
        var n = order.indexOf(box) + 1;
        if (n) { label.setAttribute("data-order", String(n)); } else { label.removeAttribute("data-order"); }
      });
    }

    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        order = order.filter(function (other) { return other !== box; });
        if (box.checked) { order.push(box); }
        show();
      });
    });

    function restore() {  // back to the page from the browser's history: the tiles as they were
      Array.prototype.forEach.call(form.querySelectorAll("input[data-chosen]"), function (h) { h.remove(); });
      boxes.forEach(function (box) { box.name = name; });
    }

    form.addEventListener("submit", function () {
      restore();
      var chosen = order.filter(function (box) { return box.checked; });
      boxes.forEach(function (box) { if (box.checked && chosen.indexOf(box) < 0) { chosen.push(box); } });
      chosen.forEach(function (box) {
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = name;
        hidden.value = box.value;
        hidden.setAttribute("data-chosen", "");
        form.appendChild(hidden);
        box.name = "";  // an input without a name is not sent
      });
    });
    window.addEventListener("pageshow", restore);

    Array.prototype.forEach.call(form.querySelectorAll("[data-choice-order-hint]"), function (hint) {
      hint.hidden = false;
    });
    show();
  });
})();
