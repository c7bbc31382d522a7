/* dutyloop: the little JavaScript the server-rendered pages need.
 *
 * Answers given while a request is on the way are kept.
 *
 * A form re-rendered by the server (a refresh when a condition field changes,
 * a field checked as it is left, an array button) answers with the form as it
 * was when the request left. If the clerk ticks a box, picks a radio or types
 * while that answer is on the way, merging it into the page would silently put
 * the old value back, and the request already queued behind it would then
 * send the old value to the server: the answer is lost. So every edit is
 * stamped with a sequence number, every request remembers the number at the
 * moment it left, and when its answer is merged (idiomorph) a control edited
 * since then keeps what the clerk gave it. The queued request that the edit
 * itself triggered brings the server's view up to date right after.
 */
(function () {
  "use strict";

  var editSeq = 0;          // grows with every edit on the page
  var swappingSince = null; // while a swap runs: the edit number its request left with

  function isControl(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "SELECT" || el.tagName === "TEXTAREA");
  }

  function markEdited(event) {
    var el = event.target;
    if (!isControl(el)) return;
    editSeq += 1;
    el._dlEditedAt = editSeq;
    // Radios (and checkbox groups) share a name: ticking one changes the others
    // without an event of their own, and restoring a sibling's old "checked"
    // would untick the one just chosen.
    if (el.name && el.form && (el.type === "radio" || el.type === "checkbox")) {
      var siblings = el.form.elements.namedItem(el.name);
      if (siblings && siblings.length !== undefined) {
        for (var i = 0; i < siblings.length; i++) siblings[i]._dlEditedAt = editSeq;
      }
    }
  }

  document.addEventListener("input", markEdited, true);
  document.addEventListener("change", markEdited, true);

  document.addEventListener("htmx:beforeRequest", function (event) {
    event.detail.xhr._dlEditSeq = editSeq;
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    swappingSince = xhr && typeof xhr._dlEditSeq === "number" ? xhr._dlEditSeq : null;
  });

  document.addEventListener("htmx:afterSwap", function () { swappingSince = null; });
  document.addEventListener("htmx:swapError", function () { swappingSince = null; });

  function keepNewerEdit(oldNode) {
    if (swappingSince === null || !isControl(oldNode)) return true;
    return !(oldNode._dlEditedAt > swappingSince);
  }

  function install() {
    if (!window.Idiomorph || !window.Idiomorph.defaults) return;
    var callbacks = window.Idiomorph.defaults.callbacks;
    var previous = callbacks.beforeNodeMorphed;
    callbacks.beforeNodeMorphed = function (oldNode, newNode) {
      if (!keepNewerEdit(oldNode)) return false;  // leave the clerk's newer answer as it is
      return previous ? previous(oldNode, newNode) : true;
    };
  }

  /* A word button (data-add-term) beside a list field adds its word to the
   * field, separated by 、 as clerks write lists, then lets the field's own
   * check run as if the clerk had typed it. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-add-term]");
    if (!button) return;
    var input = document.getElementById(button.getAttribute("data-term-input"));
    if (!input) return;
    var word = button.getAttribute("data-add-term");
    var words = input.value.split(/[,，、;；\n\r]+/).map(function (w) { return w.trim(); })
      .filter(function (w) { return w; });
    if (words.indexOf(word) === -1) {
      words.push(word);
      input.value = words.join("、");
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    input.focus();
  });

  /* Behaviour that used to be inline handlers (the Content-Security-Policy allows
   * no inline script): data-confirm on a form asks before it is sent,
   * data-submit-on-change sends a select's form when it changes, data-print
   * prints the page, data-no-submit swallows a preview form's submit. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.getAttribute) return;
    if (form.hasAttribute("data-no-submit")) {
      event.preventDefault();
      event.stopPropagation();
      return;
    }
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.hasAttribute && el.hasAttribute("data-submit-on-change") && el.form) el.form.submit();
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) window.print();
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", install);
  } else {
    install();
  }
})();
