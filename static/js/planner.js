/* The planner's small helpers: filter boxes on pick-lists, and options added from the modal. */
(function () {
  "use strict";

  function i18n(key, fallback) {
    var el = document.getElementById("planner-i18n");
    return (el && el.dataset[key]) || fallback;
  }

  function optionsBox(wrapper) {
    // crispy renders <div id="div_id_x"><fieldset><legend/><div>[.form-check...]</div></fieldset></div>
    return wrapper.querySelector("fieldset > div") || wrapper.querySelector("div");
  }

  function addFilter(wrapper) {
    var box = optionsBox(wrapper);
    if (!box || wrapper.dataset.filterReady) return;
    wrapper.dataset.filterReady = "1";
    box.classList.add("pick-options");
    var input = document.createElement("input");
    input.type = "search";
    input.className = "form-control form-control-sm mb-1 pick-filter";
    input.placeholder = i18n("filter", "Filter…");
    var legend = wrapper.querySelector("legend");
    input.setAttribute("aria-label", i18n("filterLabel", "Filter the list") + (legend ? ": " + legend.textContent.trim().replace(/\*$/, "") : ""));
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      box.querySelectorAll(".form-check").forEach(function (item) {
        var input = item.querySelector("input");
        var show = !q || item.textContent.toLowerCase().indexOf(q) !== -1 || (input && input.checked);
        item.dataset.filterHidden = show ? "" : "1";
        item.hidden = !show || item.dataset.orgHidden === "1";
      });
    });
    // A change in the filter box is not a change to the meeting: keep it from the clash check.
    input.addEventListener("change", function (event) { event.stopPropagation(); });
    box.parentNode.insertBefore(input, box);
  }

  function init(root) {
    root.querySelectorAll(".pick-list").forEach(addFilter);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });

  // --- The meeting form by keyboard -------------------------------------------------------
  // Enter in a one-line field moves to the next field instead of saving with half the
  // meeting typed; Ctrl+Enter (Cmd+Enter on a Mac) saves from anywhere in the form.
  function focusables(form) {
    return Array.prototype.filter.call(
      form.querySelectorAll("input, select, textarea, button"),
      function (el) {
        return !el.disabled && el.type !== "hidden" && !el.hidden && el.offsetParent !== null && el.tabIndex >= 0;
      }
    );
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.isComposing) return;
    var form = event.target.closest && event.target.closest("form[data-keyboard-form]");
    if (!form) return;
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      var save = form.querySelector("[type=submit][name=save]") || form.querySelector("[type=submit]");
      form.requestSubmit(save || undefined);
      return;
    }
    var el = event.target;
    if (el.tagName !== "INPUT" || ["checkbox", "radio", "submit", "button"].indexOf(el.type) !== -1) return;
    event.preventDefault();
    var all = focusables(form);
    var next = all[all.indexOf(el) + 1];
    if (next) next.focus();
  });

  // --- The end follows the start, keeping the meeting's length ----------------------------
  function minutesOf(dateInput, timeInput) {
    if (!dateInput || !timeInput || !dateInput.value || !/^\d{1,2}:\d{2}/.test(timeInput.value)) return null;
    var d = dateInput.value.split("-").map(Number);
    var t = timeInput.value.split(":").map(Number);
    if (d.length !== 3 || d.some(isNaN) || t.some(isNaN)) return null;
    // Wall-clock arithmetic in UTC: the browser's own zone (and its DST) plays no part.
    return Date.UTC(d[0], d[1] - 1, d[2], t[0], t[1]) / 60000;
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function setWallClock(dateInput, timeInput, minutes) {
    var when = new Date(minutes * 60000);
    dateInput.value = when.getUTCFullYear() + "-" + pad(when.getUTCMonth() + 1) + "-" + pad(when.getUTCDate());
    timeInput.value = pad(when.getUTCHours()) + ":" + pad(when.getUTCMinutes());
  }

  function followStart(form) {
    var startDate = form.querySelector("#id_start_0"), startTime = form.querySelector("#id_start_1");
    var endDate = form.querySelector("#id_end_0"), endTime = form.querySelector("#id_end_1");
    if (!startDate || !startTime || !endDate || !endTime) return;
    var start = minutesOf(startDate, startTime), end = minutesOf(endDate, endTime);
    var length = start !== null && end !== null && end > start ? end - start : 60;
    function remember() {
      var s = minutesOf(startDate, startTime), e = minutesOf(endDate, endTime);
      start = s;
      if (s !== null && e !== null && e > s) length = e - s;
    }
    function moved() {
      var s = minutesOf(startDate, startTime);
      if (s === null) return;
      setWallClock(endDate, endTime, s + length);
      start = s;
    }
    // "input" too, so the end is right before the clash check reads the form on "change".
    [startDate, startTime].forEach(function (el) {
      el.addEventListener("input", moved);
      el.addEventListener("change", moved);
    });
    [endDate, endTime].forEach(function (el) { el.addEventListener("change", remember); });
  }

  // --- Whole delegation: select all / none ------------------------------------------------
  function addAllNone(wrapper) {
    var box = optionsBox(wrapper);
    if (!box || wrapper.dataset.allNoneReady || !box.querySelector("input[type=checkbox]")) return;
    wrapper.dataset.allNoneReady = "1";
    var bar = document.createElement("div");
    bar.className = "btn-group btn-group-sm mb-1 all-none";
    bar.setAttribute("role", "group");
    [["allLabel", "Whole delegation", true], ["noneLabel", "Nobody", false]].forEach(function (spec) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-outline-secondary";
      button.textContent = i18n(spec[0], spec[1]);
      button.addEventListener("click", function () {
        var changed = null;
        box.querySelectorAll("input[type=checkbox]").forEach(function (input) {
          if (input.checked !== spec[2]) { input.checked = spec[2]; changed = input; }
        });
        if (changed) changed.dispatchEvent(new Event("change", { bubbles: true }));
      });
      bar.appendChild(button);
    });
    box.parentNode.insertBefore(bar, box);
  }

  // --- Partner contacts follow the chosen organisations -----------------------------------
  function followOrganisations(form) {
    var orgs = document.getElementById("div_id_partner_organisations");
    var contacts = document.getElementById("div_id_partner_contacts");
    var orgBox = orgs && optionsBox(orgs), box = contacts && optionsBox(contacts);
    if (!orgBox || !box) return;
    var showAll = false;
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "btn btn-link btn-sm px-0 contacts-toggle";
    toggle.hidden = true;
    box.parentNode.insertBefore(toggle, box.nextSibling);
    var note = document.createElement("p");
    note.className = "small text-body-secondary mb-1 contacts-note";
    note.hidden = true;
    box.parentNode.insertBefore(note, box);

    function apply() {
      var chosen = {};
      orgBox.querySelectorAll("input[type=checkbox]:checked").forEach(function (input) { chosen[input.value] = true; });
      var any = Object.keys(chosen).length > 0;
      var items = Array.prototype.slice.call(box.querySelectorAll(".form-check"));
      var theirs = [], others = [];
      items.forEach(function (item) {
        var input = item.querySelector("input");
        var mine = input && chosen[input.dataset.organisation];
        (mine ? theirs : others).push(item);
        item.classList.toggle("contact-other-org", any && !mine);
        // Hidden only while filtering by organisation; a ticked contact always stays in view.
        item.dataset.orgHidden = any && !showAll && !mine && !(input && input.checked) ? "1" : "";
        item.hidden = item.dataset.orgHidden === "1" || item.dataset.filterHidden === "1";
      });
      // The chosen organisations' people first, in their original order.
      theirs.concat(others).forEach(function (item) { box.appendChild(item); });
      toggle.hidden = !any || !others.length;
      toggle.textContent = showAll ? i18n("contactsChosen", "Only the chosen organisations' contacts") : i18n("contactsAll", "Show all contacts");
      note.hidden = !any || showAll;
      note.textContent = theirs.length ? i18n("contactsNote", "Contacts of the chosen organisations:") : i18n("contactsNone", "No contacts of the chosen organisations yet.");
    }
    toggle.addEventListener("click", function () { showAll = !showAll; apply(); });
    orgBox.addEventListener("change", apply);
    contacts.addEventListener("contactsFilter", apply);
    apply();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-keyboard-form]");
    if (!form) return;
    followStart(form);
    var attendees = document.getElementById("div_id_attendees");
    if (attendees) addAllNone(attendees);
    followOrganisations(form);
  });

  document.body.addEventListener("optionAdded", function (event) {
    var detail = event.detail || {};
    var changed = null;
    var select = document.getElementById("id_" + detail.field);
    if (select && select.tagName === "SELECT") {
      var option = new Option(detail.label, detail.value, true, true);
      select.add(option);
      select.value = String(detail.value);
      changed = select;
    } else {
      var wrapper = document.getElementById("div_id_" + detail.field);
      var box = wrapper && optionsBox(wrapper);
      if (box) {
        var id = "id_" + detail.field + "_new_" + detail.value;
        var item = document.createElement("div");
        item.className = "form-check";
        var input = document.createElement("input");
        input.type = "checkbox";
        input.className = "form-check-input";
        input.name = detail.field;
        input.value = detail.value;
        input.id = id;
        input.checked = true;
        var label = document.createElement("label");
        label.className = "form-check-label";
        label.htmlFor = id;
        label.textContent = detail.label;
        item.appendChild(input);
        item.appendChild(label);
        box.appendChild(item);
        item.scrollIntoView({ block: "nearest" });
        changed = input;
      }
    }
    if (changed) changed.dispatchEvent(new Event("change", { bubbles: true }));
    var modal = document.getElementById("quick-add-modal");
    if (modal && window.bootstrap) {
      // Closes itself: the new option, ticked in the form, is the confirmation.
      window.bootstrap.Modal.getOrCreateInstance(modal).hide();
    }
  });
})();
