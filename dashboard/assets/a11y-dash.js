/* Dash 3's own components render ARIA that screen readers (and axe-core) reject; this
   mends it in the browser, after every render, without changing how they work:
   - dcc.RadioItems / dcc.Checklist: a role=listbox whose role=option labels wrap native
     inputs (an interactive control inside an option, a list box with no name). The native
     radios and checkboxes already say everything: the list becomes a radiogroup or a
     group named by the label before it, and the labels lose their option role.
   - dcc.Dropdown: a focusable input marked aria-hidden takes the Tab stop and hands it to
     the real button (tabindex=-1). The button becomes the Tab stop itself (Enter, Space or
     the arrow keys open it) and the hidden input leaves the tab order.
   - dcc.Slider: a thumb with no name (it takes its group's).
   - dcc.DatePickerRange: its wrapper carries button attributes on a div and a label list
     ending in "undefined"; its clear control is an <a> with no role and an English name.
   React only rewrites an attribute when its own prop changes, so a fix stays until the
   component re-renders that attribute, and the observer below then applies it again. */
(function () {
  "use strict";
  var CLEAR_DATES = "Borrar fechas";

  function nameOf(list) {
    var id = list.id;
    var label = id && document.querySelector('label[for="' + id + '"]');
    if (label) return label.textContent.trim();
    var before = list.previousElementSibling;
    if (before && (before.tagName === "LABEL" || before.tagName === "SPAN" || before.tagName === "LEGEND")) {
      return before.textContent.trim();
    }
    return "";
  }

  function set(el, name, value) {
    if (el.getAttribute(name) !== value) el.setAttribute(name, value);
  }

  function drop(el, name) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  }

  function mend(root) {
    // Only the radio items and checklists: a dropdown's open list is a real list box of options.
    var LISTS = ".dash-options-list.dash-radioitems, .dash-options-list.dash-checklist";
    root.querySelectorAll(LISTS).forEach(function (list) {
      if (list.getAttribute("role") !== "listbox" && list.hasAttribute("aria-label")) return;
      set(list, "role", list.classList.contains("dash-radioitems") ? "radiogroup" : "group");
      var name = nameOf(list);
      if (name && !list.hasAttribute("aria-labelledby")) set(list, "aria-label", name);
    });
    root.querySelectorAll(".dash-radioitems > .dash-options-list-option, .dash-checklist > .dash-options-list-option")
      .forEach(function (option) { drop(option, "role"); drop(option, "aria-selected"); });
    root.querySelectorAll(".dash-dropdown-wrapper").forEach(function (wrapper) {
      var target = wrapper.querySelector(":scope > .dash-dropdown-focus-target");
      var button = wrapper.querySelector(":scope > button.dash-dropdown");
      if (!target || !button) return;
      set(target, "tabindex", "-1");
      set(button, "tabindex", "0");
    });
    root.querySelectorAll(".dash-datepicker-input-wrapper").forEach(function (wrapper) {
      ["aria-haspopup", "aria-expanded", "aria-disabled", "type"].forEach(function (name) { drop(wrapper, name); });
      var labelled = wrapper.getAttribute("aria-labelledby");
      if (labelled && labelled.indexOf("undefined") >= 0) {
        var ids = labelled.split(/\s+/).filter(function (id) { return id && id !== "undefined"; });
        if (ids.length) { set(wrapper, "aria-labelledby", ids.join(" ")); set(wrapper, "role", "group"); }
        else { drop(wrapper, "aria-labelledby"); }
      }
    });
    // dcc.Slider: its thumb (role=slider) has no name; it takes the name of the group it sits in.
    root.querySelectorAll('.dash-slider-thumb[role="slider"]').forEach(function (thumb) {
      if (thumb.hasAttribute("aria-label") || thumb.hasAttribute("aria-labelledby")) return;
      var group = thumb.closest("[aria-label]");
      if (group) set(thumb, "aria-label", group.getAttribute("aria-label"));
    });
    root.querySelectorAll("a.dash-datepicker-clear").forEach(function (clear) {
      set(clear, "role", "button");
      set(clear, "tabindex", "0");
      set(clear, "aria-label", CLEAR_DATES);
      set(clear, "title", CLEAR_DATES);
    });
  }

  // Enter or Space on the clear control does what a click does (it is a link with no href).
  document.addEventListener("keydown", function (event) {
    var clear = event.target.closest && event.target.closest("a.dash-datepicker-clear");
    if (clear && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      clear.click();
    }
  });

  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; mend(document); });
  }

  function start() {
    mend(document);
    new MutationObserver(schedule).observe(document.body, {
      childList: true, subtree: true, attributes: true,
      attributeFilter: ["role", "aria-selected", "aria-expanded", "aria-labelledby", "aria-label", "tabindex", "type"],
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
