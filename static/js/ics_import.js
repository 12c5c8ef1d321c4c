// Drag and drop .ics files onto the import page: the dropped files go into the file input and
// the form is sent for a preview (nothing is saved before "Import"). Without JavaScript the
// file input and the "Preview" button do the same.
(function () {
  "use strict";
  const zone = document.getElementById("ics-drop");
  const form = document.getElementById("ics-upload-form");
  if (!zone || !form) return;
  const input = zone.querySelector("input[type=file]");
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add("is-dragging");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () {
      zone.classList.remove("is-dragging");
    });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    if (!event.dataTransfer || !event.dataTransfer.files.length) return;
    input.files = event.dataTransfer.files;
    form.requestSubmit();
  });
})();
