/* The API reference page: Swagger UI over /api/v1/openapi.json (address in data-spec-url).
   No inline script, so the page works under script-src 'self'. */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") { return; }
  window.ui = window.SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    deepLinking: true,
    validatorUrl: null,          // never ask an outside validator about our document
    tryItOutEnabled: false,
    persistAuthorization: false, // a pasted token is not kept in localStorage
    withCredentials: true,
    requestInterceptor: function (request) {
      // Writes from the page with the browser's session need its CSRF token;
      // with a pasted bearer token the header is simply ignored.
      var meta = document.querySelector('meta[name="csrf-token"]');
      if (meta) { request.headers["X-CSRFToken"] = meta.getAttribute("content"); }
      return request;
    }
  });
}());
