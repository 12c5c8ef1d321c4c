/* The run page: "Schedule" is disabled once pressed (the server refuses a second run
   anyway) and says it is working; the solver runs while the request waits. */
(function () {
  "use strict";
  document.querySelectorAll("form.run-form").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("[data-run-button]");
      var wait = form.querySelector("[data-run-wait]");
      window.setTimeout(function () {
        if (button) button.disabled = true;
        if (wait) wait.hidden = false;
      }, 0);
    });
  });
})();
