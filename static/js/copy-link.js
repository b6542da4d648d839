// "Copy" buttons for read-only link fields (the calendar link). Loaded as a file, since the
// Content-Security-Policy allows no inline script. Without JavaScript or a clipboard the button
// stays hidden and the field can still be selected and copied by hand.
(function () {
  "use strict";

  function announce(button, text) {
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (status) {
      status.textContent = text;
    }
  }

  function copy(button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    if (!field) {
      return;
    }
    navigator.clipboard.writeText(field.value).then(
      function () {
        announce(button, button.getAttribute("data-copied-text"));
      },
      function () {
        // No permission: select the link so the user can copy it with the keyboard or menu.
        field.focus();
        field.select();
        announce(button, button.getAttribute("data-failed-text"));
      }
    );
  }

  function enhance() {
    if (!navigator.clipboard || !window.isSecureContext) {
      return;
    }
    document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        copy(button);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
