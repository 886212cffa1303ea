// Small screens: the main menu folds behind a "Menu" button. Without JavaScript the menu
// simply stays open, so every page works without it.
(function () {
  "use strict";
  var button = document.querySelector(".menu-button");
  var menu = document.getElementById("main-menu");
  if (!button || !menu) { return; }
  var narrow = window.matchMedia("(max-width: 48em)");

  function apply() {
    if (narrow.matches) {
      button.hidden = false;
      menu.hidden = button.getAttribute("aria-expanded") !== "true";
    } else {
      button.hidden = true;
      menu.hidden = false;
    }
  }
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") === "true";
    button.setAttribute("aria-expanded", open ? "false" : "true");
    apply();
  });
  narrow.addEventListener("change", apply);
  apply();
})();
