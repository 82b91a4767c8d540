/* Prikbord: the "Afdrukken" button. Enhancement only: without JavaScript the browser's own
   print works the same. (A file, not an inline script: the Content-Security-Policy forbids those.) */
(function () {
  "use strict";
  var button = document.getElementById("afdrukken");
  if (!button) { return; }
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
}());
