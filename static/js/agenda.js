/* The agenda's one actions menu (templates/meetings/includes/agenda_actions_menu.html).
 *
 * A 300-meeting agenda used to carry 300 copies of the menu (two forms and two CSRF tokens
 * each). Now each row has only its "Actions" toggle; before Bootstrap opens a toggle's
 * dropdown, the shared menu is moved next to it and pointed at the row's meeting. This runs
 * in the capture phase, so it always precedes Bootstrap's own (bubbling) handlers. Without
 * JS the meeting's title still links to its page, which has every action.
 */
(function () {
  "use strict";

  var PLACEHOLDER = "/2147483647/";

  function attach(toggle) {
    var menu = document.getElementById("agenda-actions-menu");
    var holder = toggle.closest(".dropdown[data-meeting]");
    if (!menu || !holder) return;
    if (menu.parentElement === holder) return;
    // Open in another row: close it there first, so Bootstrap's state stays consistent.
    var open = document.querySelector(".dropdown[data-meeting] > .dropdown-toggle.show");
    if (open && window.bootstrap) window.bootstrap.Dropdown.getOrCreateInstance(open).hide();
    var pk = "/" + holder.dataset.meeting + "/";
    menu.querySelectorAll("[data-href]").forEach(function (link) {
      link.href = link.dataset.href.replace(PLACEHOLDER, pk);
    });
    menu.querySelectorAll("form[data-action]").forEach(function (form) {
      form.action = form.dataset.action.replace(PLACEHOLDER, pk);
    });
    var hasOutcome = holder.hasAttribute("data-outcome");
    menu.querySelectorAll("[data-if-outcome]").forEach(function (el) { el.hidden = !hasOutcome; });
    menu.querySelectorAll("[data-if-no-outcome]").forEach(function (el) { el.hidden = hasOutcome; });
    menu.querySelectorAll("[data-unless-cancelled]").forEach(function (el) {
      el.hidden = holder.hasAttribute("data-cancelled");
    });
    menu.hidden = false;
    holder.appendChild(menu);
  }

  function onToggle(event) {
    var toggle = event.target.closest && event.target.closest(".dropdown[data-meeting] > .dropdown-toggle");
    if (toggle) attach(toggle);
  }

  document.addEventListener("click", onToggle, true);
  document.addEventListener("keydown", onToggle, true);
})();
