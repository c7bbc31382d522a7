/* 评议链接: the token is in the address's fragment (#…), which never reaches a
 * server log. Put it into the join form and send it; then drop it from the
 * address bar so it is not left in the page's URL. */
(function () {
  "use strict";
  function go() {
    var form = document.getElementById("join-form");
    if (!form || !form.hasAttribute("data-join-from-hash")) return;
    var token = window.location.hash.replace(/^#/, "");
    var waiting = document.getElementById("join-waiting");
    if (!token) {
      if (waiting) waiting.hidden = true;
      return;
    }
    document.getElementById("join-token").value = token;
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", window.location.pathname);
    }
    form.submit();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", go);
  } else {
    go();
  }
})();
