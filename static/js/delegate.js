/* The delegate's page: copy the calendar link to the clipboard. */
(function () {
  "use strict";
  var button = document.getElementById("copy-feed-url");
  var input = document.getElementById("feed-url");
  if (!button || !input) return;
  button.addEventListener("click", function () {
    var done = function () { button.textContent = button.dataset.copied; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () { input.select(); });
    } else {
      input.select();
      if (document.execCommand("copy")) done();
    }
  });
})();
