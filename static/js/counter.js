// Character counter for text fields with a limit (data-max). The limit is checked on the server;
// this only tells the writer in time, instead of a maxlength that silently cuts pasted text.
// A one-line field (an e-mail address, a name) shows it only near its limit: "Nog 254 tekens"
// under every address is noise; a text area always shows it.
(function () {
  "use strict";
  var body = document.body;
  var left = body.getAttribute("data-counter-left") || "Nog {n} tekens";
  var over = body.getAttribute("data-counter-over") || "{n} tekens te veel";
  var fields = document.querySelectorAll("[data-max]");
  Array.prototype.forEach.call(fields, function (field) {
    var max = parseInt(field.getAttribute("data-max"), 10);
    if (!max) { return; }
    var note = document.createElement("p");
    note.className = "field__counter";
    note.id = (field.id || "veld") + "-teller";
    note.setAttribute("aria-live", "polite");
    field.parentNode.insertBefore(note, field.nextSibling);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + note.id);
    var oneLine = field.tagName !== "TEXTAREA";
    function update() {
      var rest = max - field.value.length;
      var quiet = oneLine && rest > Math.max(10, Math.round(max * 0.2));
      note.hidden = quiet;
      note.textContent = quiet ? "" : (rest >= 0 ? left : over).replace("{n}", Math.abs(rest));
      note.classList.toggle("field__counter--over", rest < 0);
    }
    field.addEventListener("input", update);
    update();
  });
})();
