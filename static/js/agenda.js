/* The agenda rows' actions (templates/meetings/includes/agenda_actions_menu.html).
 *
 * A 300-meeting agenda used to carry 300 copies of its actions: a tick box, a dropdown with
 * two forms and two CSRF tokens. Now the page has them once. On load, each row's empty
 * .meeting-actions gets a copy of the small cell (tick box, version, "Actions" toggle);
 * before Bootstrap opens a toggle's dropdown, the one shared menu is moved next to it and
 * pointed at the row's meeting. That listens on window in the capture phase: Bootstrap's
 * own delegated handlers capture on document, which comes after window. Without JS the
 * meeting's title still links to its page, which has every action, and the toolbar links
 * to the shift page.
 */
(function () {
  "use strict";

  var PLACEHOLDER = "/2147483647/";

  function rowPk(row) {
    return row.id.replace("meeting-", "");
  }

  function fillCells() {
    var template = document.getElementById("agenda-row-actions");
    if (!template) return;
    document.querySelectorAll("li.meeting-row > .meeting-actions:empty").forEach(function (cell) {
      var row = cell.parentElement;
      var link = row.querySelector(".meeting-title a");
      var values = {
        __pk__: rowPk(row),
        __version__: cell.dataset.version || "",
        __title__: link ? link.textContent : ""
      };
      var fill = function (text) {
        return text.replace(/__pk__|__version__|__title__/g, function (key) { return values[key]; });
      };
      var copy = template.content.cloneNode(true);
      // Only attributes and text are filled in, never HTML: a title stays text.
      copy.querySelectorAll("*").forEach(function (el) {
        Array.prototype.forEach.call(el.attributes, function (attr) {
          if (attr.value.indexOf("__") !== -1) attr.value = fill(attr.value);
        });
        el.childNodes.forEach(function (node) {
          if (node.nodeType === Node.TEXT_NODE && node.nodeValue.indexOf("__") !== -1) {
            node.nodeValue = fill(node.nodeValue);
          }
        });
      });
      cell.appendChild(copy);
    });
    // The home time's tooltip, said once per day rather than on every row.
    document.querySelectorAll(".agenda-list[data-home-title]").forEach(function (list) {
      list.querySelectorAll(".text-home-time").forEach(function (el) {
        el.title = list.dataset.homeTitle;
      });
    });
  }

  function attach(toggle) {
    var menu = document.getElementById("agenda-actions-menu");
    var holder = toggle.closest(".meeting-actions .dropdown");
    var row = toggle.closest("li.meeting-row");
    if (!menu || !holder || !row) return;
    if (menu.parentElement === holder) return;
    // Open in another row: close it there first, so Bootstrap's state stays consistent.
    var open = document.querySelector(".meeting-actions .dropdown-toggle.show");
    if (open && window.bootstrap) window.bootstrap.Dropdown.getOrCreateInstance(open).hide();
    var pk = "/" + rowPk(row) + "/";
    menu.querySelectorAll("[data-href]").forEach(function (link) {
      link.href = link.dataset.href.replace(PLACEHOLDER, pk);
    });
    menu.querySelectorAll("form[data-action]").forEach(function (form) {
      form.action = form.dataset.action.replace(PLACEHOLDER, pk);
    });
    var cell = holder.closest(".meeting-actions");
    var hasOutcome = cell.hasAttribute("data-outcome");
    menu.querySelectorAll("[data-if-outcome]").forEach(function (el) { el.hidden = !hasOutcome; });
    menu.querySelectorAll("[data-if-no-outcome]").forEach(function (el) { el.hidden = hasOutcome; });
    menu.querySelectorAll("[data-unless-cancelled]").forEach(function (el) {
      el.hidden = cell.hasAttribute("data-cancelled");
    });
    menu.hidden = false;
    holder.appendChild(menu);
  }

  function onToggle(event) {
    var toggle = event.target.closest && event.target.closest(".meeting-actions .dropdown-toggle");
    if (toggle) attach(toggle);
  }

  window.addEventListener("click", onToggle, true);
  window.addEventListener("keydown", onToggle, true);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fillCells);
  } else {
    fillCells();
  }
})();
