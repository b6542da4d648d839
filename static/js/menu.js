// On a phone the main menu folds into one "Menu" button. Loaded as a file (the
// Content-Security-Policy allows no inline script); without JavaScript the menu simply stays open.
(function () {
  "use strict";

  var button = document.querySelector(".menu-toggle");
  var menu = document.getElementById("main-menu");
  if (!button || !menu) {
    return;
  }
  document.documentElement.classList.add("js-menu");
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("open", open);
  });
})();
