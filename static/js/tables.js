// A table wider than the screen scrolls inside its own box (see the stylesheet). Current
// browsers let the keyboard scroll such a box by themselves; for the others the table that
// actually scrolls is made focusable, so it can be scrolled with the arrow keys too.
(function () {
  "use strict";
  function mark() {
    var tables = document.querySelectorAll("main table");
    for (var i = 0; i < tables.length; i++) {
      var table = tables[i];
      if (table.scrollWidth > table.clientWidth + 1) {
        table.setAttribute("tabindex", "0");
      } else if (table.getAttribute("tabindex") === "0") {
        table.removeAttribute("tabindex");
      }
    }
  }
  mark();
  window.addEventListener("resize", mark);
})();
