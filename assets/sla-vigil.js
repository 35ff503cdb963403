// SLA Vigil's small browser script: served by the module (no CDN), loaded on module pages.
// Every feature is opt-in through data- attributes, so pages work without it.
(function () {
  'use strict';
  var features = [];
  window.SlaVigil = {
    /** Registers a feature that runs once the page has loaded. */
    register: function (fn) {
      features.push(fn);
    },
    csrfToken: function () {
      var el = document.querySelector('[data-csrf]');
      return el ? el.getAttribute('data-csrf') : '';
    },
  };
  document.addEventListener('DOMContentLoaded', function () {
    features.forEach(function (fn) {
      fn(document);
    });
  });
})();
