/* The timetable: place the blocks, move them by pointer (mouse, pen, touch) or keyboard, and
   post each move to meetings:move. The server answers JSON: a message, and the timetable
   redrawn (clashes and the hours shown may change) whenever something was saved or somebody
   else had saved first. Positions are set through element.style from this file: the CSP
   forbids style attributes in the HTML, not CSSOM changes made by a script. */
(function () {
  "use strict";

  var SNAP = 15; // minutes
  var DAY = 24 * 60;
  var root = document.getElementById("timetable");
  if (!root) return;
  var status = document.getElementById("tt-status");
  var pending = null; // a block moved by the keyboard, not saved yet
  var drag = null; // a pointer drag under way
  var suppressClick = false;

  function text(key, values) {
    var s = root.dataset[key] || "";
    Object.keys(values || {}).forEach(function (name) { s = s.split("{" + name + "}").join(values[name]); });
    return s;
  }

  function grid() { return root.querySelector(".tt"); }
  function days() { return Array.prototype.slice.call(root.querySelectorAll(".tt-day")); }
  function firstMin() { return parseInt(grid().dataset.firstMin, 10); }
  function lastMin() { return parseInt(grid().dataset.lastMin, 10); }
  function slotMin() { return parseInt(grid().dataset.slotMin, 10) || 30; }
  function pxPerMin() {
    var slot = root.querySelector(".tt-slot");
    return slot ? slot.getBoundingClientRect().height / slotMin() : 1;
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(min) { min = ((min % DAY) + DAY) % DAY; return pad(Math.floor(min / 60)) + ":" + pad(min % 60); }
  function dayIndexOf(block) { return days().indexOf(block.closest(".tt-day")); }

  // --- Placing ------------------------------------------------------------------------------

  function stateOf(block) {
    // The whole wall-clock length (a meeting past midnight is drawn up to 24:00 only).
    var start = parseInt(block.dataset.startMin, 10);
    var duration = parseInt(block.dataset.durationMin, 10);
    if (!(duration > 0)) duration = parseInt(block.dataset.endMin, 10) - start;
    return { day: dayIndexOf(block), start: start, duration: duration };
  }

  function place(block, state) {
    state = state || stateOf(block);
    var px = pxPerMin();
    var lanes = parseInt(block.dataset.lanes, 10) || 1;
    var lane = parseInt(block.dataset.lane, 10) || 0;
    var moving = block.classList.contains("tt-moving") || block.classList.contains("tt-pending");
    block.style.top = ((state.start - firstMin()) * px) + "px";
    var shown = Math.max(SNAP, Math.min(state.duration, DAY - state.start));
    block.style.height = Math.max(12, shown * px - 2) + "px";
    // While it moves it takes the column's whole width, on top of its neighbours.
    block.style.left = moving ? "2px" : "calc(" + (100 * lane / lanes) + "% + 2px)";
    block.style.width = moving ? "calc(100% - 4px)" : "calc(" + (100 / lanes) + "% - 4px)";
    block.style.right = "auto";
    var home = days()[dayIndexOf(block)];
    var target = days()[state.day];
    block.style.transform = target && home && target !== home
      ? "translateX(" + (target.getBoundingClientRect().left - home.getBoundingClientRect().left) + "px)"
      : "";
    block.classList.toggle("tt-short", shown <= 45);
    block.classList.toggle("tt-mid", shown > 45 && shown <= 75);
  }

  function layout() {
    if (!grid()) return;
    root.querySelectorAll(".tt-block").forEach(function (block) { place(block); });
  }

  function describe(state) {
    var column = days()[state.day];
    var end = state.start + state.duration;
    var label = (column ? column.dataset.label + " " : "") + clock(state.start) + "–" + clock(end);
    if (end > DAY) label += " (+" + Math.floor((end - 1) / DAY) + ")";
    return label;
  }

  function clamp(state) {
    var n = days().length;
    state.day = Math.max(0, Math.min(n - 1, state.day));
    state.duration = Math.max(SNAP, Math.min(7 * DAY, state.duration));
    state.start = Math.max(0, Math.min(DAY - SNAP, state.start));
    return state;
  }

  function same(a, b) { return a.day === b.day && a.start === b.start && a.duration === b.duration; }

  // --- Messages -----------------------------------------------------------------------------

  function announce(message, kind) {
    status.className = "tt-status small" + (kind ? " tt-status-" + kind : "");
    status.textContent = message;
  }

  function clearNotes() {
    root.querySelectorAll(".tt-note, .tt-drop-label").forEach(function (el) { el.remove(); });
  }

  function noteNextTo(block, message, ok) {
    clearNotes();
    if (!block || !message) return;
    var note = document.createElement("div");
    note.className = "tt-note" + (ok ? " tt-note-ok" : "");
    note.setAttribute("role", ok ? "note" : "alert");
    note.id = "tt-note-" + block.dataset.pk;
    note.textContent = message;
    // It lets clicks through to the slots beneath, except on its close button.
    var close = document.createElement("button");
    close.type = "button";
    close.className = "tt-note-close";
    close.setAttribute("aria-label", text("tClose") || "Close");
    close.textContent = "×";
    close.addEventListener("click", function () { note.remove(); block.focus({ preventScroll: true }); });
    note.appendChild(close);
    block.closest(".tt-day").appendChild(note);
    var bottom = block.offsetTop + block.offsetHeight + 4;
    var column = block.closest(".tt-day");
    note.style.top = Math.min(bottom, Math.max(0, column.offsetHeight - note.offsetHeight - 4)) + "px";
    block.setAttribute("aria-describedby", note.id + " tt-help");
    if (ok) window.setTimeout(function () { if (note.isConnected) note.remove(); }, 4000);
  }

  function label(block, state) {
    var tag = block.closest(".tt-day").querySelector(".tt-drop-label");
    if (!tag) {
      tag = document.createElement("div");
      tag.className = "tt-drop-label";
      tag.setAttribute("aria-hidden", "true");
      block.closest(".tt-day").appendChild(tag);
    }
    tag.textContent = describe(state);
    var home = days()[dayIndexOf(block)];
    var target = days()[state.day];
    var dx = target && home ? target.getBoundingClientRect().left - home.getBoundingClientRect().left : 0;
    tag.style.transform = dx ? "translateX(" + dx + "px)" : "";
    tag.style.top = Math.max(0, (state.start - firstMin()) * pxPerMin() - 18) + "px";
  }

  // --- Saving -------------------------------------------------------------------------------

  function redraw(html, focusId) {
    var hadFocus = focusId && document.activeElement && document.activeElement.id === focusId;
    var wrap = document.createElement("div");
    wrap.innerHTML = html;
    var fresh = wrap.querySelector(".tt");
    if (fresh) grid().replaceWith(fresh);
    layout();
    var block = focusId && document.getElementById(focusId);
    if (block && hadFocus) block.focus({ preventScroll: true });
    return block;
  }

  function save(block, state) {
    var id = block.id;
    var column = days()[state.day];
    var body = new URLSearchParams({
      day: column.dataset.day,
      start: clock(state.start),
      duration: String(state.duration),
      version: block.dataset.version,
      query: window.location.search.replace(/^\?/, ""),
    });
    block.classList.add("tt-saving");
    announce(text("tSaving"), "info");
    return fetch(block.dataset.moveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": root.dataset.csrf, "Accept": "application/json" },
      body: body,
    })
      .then(function (response) {
        return response.json().then(
          function (data) { return { status: response.status, data: data }; },
          function () { return { status: response.status, data: {} }; }
        );
      })
      .catch(function () { return { status: 0, data: {} }; })
      .then(function (answer) {
        var data = answer.data || {};
        var message = data.message || text("tFailed");
        // A signed-out session answers the login page (HTML): not a success.
        var ok = answer.status === 200 && data.ok === true;
        var target = block;
        if (data.html) {
          target = redraw(data.html, id) || block;
        } else {
          block.classList.remove("tt-saving", "tt-moving", "tt-pending");
          place(block);
        }
        announce(message, ok ? "" : "error");
        noteNextTo(target && target.isConnected ? target : null, message, ok);
        return ok;
      });
  }

  // --- Keyboard -----------------------------------------------------------------------------

  function cancelPending(quiet) {
    if (!pending) return;
    var block = pending.block;
    pending = null;
    block.classList.remove("tt-pending", "tt-moving");
    clearNotes();
    place(block);
    if (!quiet) announce(text("tCancelled", { title: block.dataset.title }), "info");
  }

  root.addEventListener("keydown", function (event) {
    var block = event.target;
    if (!block.classList || !block.classList.contains("tt-block")) return;
    var key = event.key;
    if (key === "Enter" && !(pending && pending.block === block)) {
      // Nothing to save: Enter opens the meeting, as its title link would.
      var link = block.querySelector(".tt-block-title");
      if (link) { event.preventDefault(); link.click(); }
      return;
    }
    if (block.dataset.locked || block.classList.contains("tt-saving")) return;
    if (key === "Escape") {
      if (pending && pending.block === block) { event.preventDefault(); cancelPending(false); }
      return;
    }
    if (key === "Enter") {
      if (pending && pending.block === block) {
        event.preventDefault();
        var state = pending.state;
        var moved = !same(state, pending.original);
        pending = null;
        if (moved) save(block, state);
        else cancelPending(true);
      }
      return;
    }
    var arrows = { ArrowUp: 1, ArrowDown: 1, ArrowLeft: 1, ArrowRight: 1 };
    if (!arrows[key]) return;
    event.preventDefault();
    if (pending && pending.block !== block) cancelPending(true);
    if (!pending) {
      var original = stateOf(block);
      pending = { block: block, original: original, state: Object.assign({}, original) };
      block.classList.add("tt-pending");
    }
    var s = pending.state;
    if (event.shiftKey && key === "ArrowUp") s.duration -= SNAP;
    else if (event.shiftKey && key === "ArrowDown") s.duration += SNAP;
    else if (key === "ArrowUp") s.start -= SNAP;
    else if (key === "ArrowDown") s.start += SNAP;
    else if (key === "ArrowLeft") s.day -= 1;
    else if (key === "ArrowRight") s.day += 1;
    clamp(s);
    place(block, s);
    label(block, s);
    block.scrollIntoView({ block: "nearest", inline: "nearest" });
    announce(text("tPreview", { title: block.dataset.title, when: describe(s) }), "info");
  });

  root.addEventListener("focusout", function (event) {
    // Leaving a block with an unsaved keyboard move puts it back: nothing is saved unseen.
    if (pending && event.target === pending.block && !root.contains(event.relatedTarget)) cancelPending(false);
  });

  // --- Pointer (mouse, pen, touch) ---------------------------------------------------------

  root.addEventListener("pointerdown", function (event) {
    if (!event.target.closest(".tt-note")) clearNotes();
    var block = event.target.closest && event.target.closest(".tt-block");
    if (!block || block.dataset.locked || drag || block.classList.contains("tt-saving")) return;
    if (event.pointerType === "mouse" && event.button !== 0) return;
    if (pending) cancelPending(true);
    clearNotes();
    var original = stateOf(block);
    drag = {
      block: block,
      pointerId: event.pointerId,
      resize: !!event.target.closest(".tt-resize"),
      x: event.clientX,
      y: event.clientY,
      original: original,
      state: Object.assign({}, original),
      active: false,
    };
  });

  function columnAt(x) {
    var list = days();
    for (var i = 0; i < list.length; i++) {
      var r = list[i].getBoundingClientRect();
      if (x >= r.left && x < r.right) return i;
    }
    return null;
  }

  root.addEventListener("pointermove", function (event) {
    if (!drag || event.pointerId !== drag.pointerId) return;
    var dx = event.clientX - drag.x;
    var dy = event.clientY - drag.y;
    if (!drag.active) {
      if (Math.abs(dx) < 4 && Math.abs(dy) < 4) return;
      // Captured only now: a plain click on the title still reaches its link.
      drag.active = true;
      drag.block.classList.add("tt-moving");
      drag.block.setPointerCapture(event.pointerId);
    }
    event.preventDefault();
    var delta = Math.round(dy / pxPerMin() / SNAP) * SNAP;
    var s = Object.assign({}, drag.original);
    if (drag.resize) {
      s.duration = drag.original.duration + delta;
    } else {
      s.start = drag.original.start + delta;
      var column = columnAt(event.clientX);
      if (column !== null) s.day = column;
    }
    drag.state = clamp(s);
    place(drag.block, drag.state);
    label(drag.block, drag.state);
  });

  function endDrag(event, cancelled) {
    if (!drag || event.pointerId !== drag.pointerId) return;
    var d = drag;
    drag = null;
    if (d.block.hasPointerCapture && d.block.hasPointerCapture(event.pointerId)) {
      d.block.releasePointerCapture(event.pointerId);
    }
    if (!d.active) return; // a click: the title link opens the meeting
    suppressClick = true;
    window.setTimeout(function () { suppressClick = false; }, 0);
    if (cancelled || same(d.state, d.original)) {
      d.block.classList.remove("tt-moving");
      clearNotes();
      place(d.block);
      return;
    }
    save(d.block, d.state);
  }

  root.addEventListener("pointerup", function (event) { endDrag(event, false); });
  root.addEventListener("pointercancel", function (event) { endDrag(event, true); });
  root.addEventListener("click", function (event) {
    if (suppressClick && event.target.closest(".tt-block")) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

  window.addEventListener("resize", layout);
  layout();
  root.classList.add("tt-ready");
})();
