// A long form one step at a time (form[data-steps], its parts are section.step). Without
// JavaScript every step shows at once, as before; with it a phone shows one short screen per
// question, with "Volgende stap" and "Vorige stap". The server still checks everything: after an
// error the form opens at the first step with an error, and a link in the error summary opens
// the step of its field.
(function () {
  "use strict";
  var form = document.querySelector("form[data-steps]");
  if (!form) { return; }
  var steps = Array.prototype.slice.call(form.querySelectorAll("section.step"));
  if (steps.length < 2) { return; }
  var submit = form.querySelector("button[type=submit]:not([name])") || form.querySelector("button[type=submit]");
  var current = 0;

  function button(label, className, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn " + className;
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  function show(index, moveFocus) {
    current = Math.max(0, Math.min(index, steps.length - 1));
    steps.forEach(function (step, i) { step.hidden = i !== current; });
    if (submit) { submit.hidden = current !== steps.length - 1; }
    if (moveFocus) {
      var heading = steps[current].querySelector("h2");
      if (heading) {
        heading.setAttribute("tabindex", "-1");
        heading.focus();
      }
      steps[current].scrollIntoView({ block: "start" });
    }
  }

  steps.forEach(function (step, i) {
    var nav = document.createElement("div");
    nav.className = "step-nav";
    if (i < steps.length - 1) {
      nav.appendChild(button(form.getAttribute("data-next") || "Volgende stap", "",
                             function () { show(i + 1, true); }));
    }
    if (i > 0) {
      nav.appendChild(button(form.getAttribute("data-back") || "Vorige stap", "btn--secondary",
                             function () { show(i - 1, true); }));
    }
    step.appendChild(nav);
  });

  function stepOf(element) {
    for (var i = 0; i < steps.length; i++) { if (steps[i].contains(element)) { return i; } }
    return -1;
  }

  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var target = link && document.getElementById(link.getAttribute("href").slice(1));
      var i = target ? stepOf(target) : -1;
      if (i >= 0) { show(i, false); }
    });
  }
  var firstError = form.querySelector(".field--error, [aria-invalid=true]");
  var start = firstError ? stepOf(firstError) : 0;
  show(start >= 0 ? start : 0, false);
})();
