// Calmdesk: keyboard shortcuts and small progressive enhancements.
// A static file (the Content Security Policy forbids inline script); the
// pages work without it.
(function () {
  "use strict";

  function typing(target) {
    return target && (target.isContentEditable ||
      /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-row]"));
  }

  function moveRow(step) {
    var list = rows();
    if (!list.length) return;
    var i = list.indexOf(document.activeElement);
    var next = i < 0 ? (step > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, i + step));
    list[next].focus();
  }

  function focusField(id) {
    var el = document.getElementById(id);
    if (!el) return false;
    el.focus();
    el.scrollIntoView({ block: "center" });
    return true;
  }

  function openShortcuts() {
    var dialog = document.getElementById("shortcuts");
    if (dialog && typeof dialog.showModal === "function" && !dialog.open) dialog.showModal();
  }

  var pendingG = false;
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Escape" && typing(event.target)) { event.target.blur(); return; }
    if (typing(event.target)) return;
    var key = event.key;
    if (pendingG) {
      pendingG = false;
      if (key === "i") { window.location.href = "/"; event.preventDefault(); }
      return;
    }
    var handled = true;
    if (key === "/") handled = focusField("q");
    else if (key === "j") moveRow(1);
    else if (key === "k") moveRow(-1);
    else if (key === "r") handled = focusField("reply-body");
    else if (key === "n") handled = focusField("note-body");
    else if (key === "u") {
      var toggle = document.getElementById("f-unanswered");
      if (toggle) window.location.href = toggle.href; else handled = false;
    }
    else if (key === "g") pendingG = true;
    else if (key === "?") openShortcuts();
    else handled = false;
    if (handled) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-shortcuts]");
    if (button) openShortcuts();
  });

  // Forms: confirm where asked, and never send twice.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    if (form.hasAttribute("data-once")) {
      var button = form.querySelector("button[type=submit]");
      if (button) window.setTimeout(function () { button.disabled = true; }, 0);
    }
  });

  // The coach's "Apply": replace the finding's span in the reply box with the
  // suggested rewrite (or insert it), then let the coach look again.
  function applyFinding(button) {
    var box = document.getElementById("reply-body");
    if (!box) return;
    var value = box.value;
    var text = button.dataset.text || "";
    var suggestion = button.dataset.suggestion || "";
    var start = parseInt(button.dataset.start, 10);
    var end = parseInt(button.dataset.end, 10);
    if (isNaN(start) || isNaN(end) || value.slice(start, end) !== text) {
      // The reply changed since the coach looked (or the offsets count characters
      // differently): find the quoted words again.
      start = text ? value.indexOf(text) : value.length;
      if (start < 0) return;
      end = start + text.length;
    }
    var before = value.slice(0, start);
    if (!text && /^\S/.test(suggestion) && /\S$/.test(before)) suggestion = " " + suggestion;
    box.value = before + suggestion + value.slice(end);
    box.focus();
    box.setSelectionRange(start, start + suggestion.length);
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-apply]");
    if (button) { event.preventDefault(); applyFinding(button); }
  });

  // htmx's poll replaces the inbox results: keep the keyboard focus where it was.
  var focusedId = null;
  document.addEventListener("htmx:beforeSwap", function () {
    var el = document.activeElement;
    focusedId = el && el.id && el.closest("#inbox-results, #timeline") ? el.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!focusedId) return;
    var el = document.getElementById(focusedId);
    if (el) el.focus({ preventScroll: true });
    focusedId = null;
  });
})();
