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
        item.hidden = !show;
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
      window.setTimeout(function () { window.bootstrap.Modal.getOrCreateInstance(modal).hide(); }, 900);
    }
  });
})();
