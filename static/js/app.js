/* Behaviour every page shares, kept out of the HTML so the CSP needs no inline script. */
(function () {
  "use strict";

  // <select data-autosubmit>: choosing an option submits its form (language, agenda filters).
  document.addEventListener("change", function (event) {
    var field = event.target.closest && event.target.closest("[data-autosubmit]");
    if (field && field.form) field.form.requestSubmit();
  });

  // <button data-print>: opens the browser's print dialog.
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });
})();
