// The monitor refreshes its rows without a page reload: every 30 s it asks the same URL (same
// filters, sort and page) with ?partial=1, swaps the table body and notes when. Scroll position
// and the filter form are left alone; a failed refresh keeps the old rows, says so (in the page's
// language, from data-stale-text) and tries again at the next tick.
(function () {
  'use strict';
  window.SlaVigil.register(function (doc) {
    var table = doc.querySelector('[data-monitor-refresh]');
    if (!table) return;
    var body = table.querySelector('tbody');
    var wrap = table.parentNode;
    var note = doc.querySelector('[data-monitor-updated]');
    var total = doc.querySelector('[data-monitor-total]');
    var interval = Number(table.getAttribute('data-monitor-refresh')) || 30000;
    var busy = false;

    function partialUrl() {
      var url = window.location.pathname + window.location.search;
      return url + (window.location.search ? '&' : '?') + 'partial=1';
    }

    function refresh() {
      if (busy || doc.hidden) return;
      busy = true;
      fetch(partialUrl(), { credentials: 'same-origin', headers: { Accept: 'text/html' } })
        .then(function (res) {
          var updated = res.headers.get('X-Sla-Vigil-Updated');
          // Only the monitor's own rows answer with X-Sla-Vigil-Updated. An expired session is
          // redirected to the login page, which fetch follows to a 200: never paste that in.
          if (!res.ok || res.redirected || !updated) throw new Error('stale: HTTP ' + res.status);
          return res.text().then(function (html) {
            swap(html, updated, res.headers.get('X-Sla-Vigil-Total'));
            forecast(res.headers.get('X-Sla-Vigil-Forecast'));
          });
        })
        .catch(stale)
        .then(function () {
          busy = false;
        });
    }

    function swap(html, updated, count) {
      var x = window.scrollX;
      var y = window.scrollY;
      var left = wrap.scrollLeft;
      body.innerHTML = html;
      window.scrollTo(x, y);
      wrap.scrollLeft = left;
      if (note && updated) {
        note.textContent = note.getAttribute('data-template').replace('{time}', decodeURIComponent(updated));
        note.classList.remove('sv-stale');
      }
      if (total && count !== null) total.textContent = count;
    }

    // The strip's counts ("1h=2,4h=3,24h=5") for the same filters as the rows.
    function forecast(header) {
      if (!header) return;
      header.split(',').forEach(function (pair) {
        var parts = pair.split('=');
        var cell = doc.querySelector('[data-forecast-count="' + parts[0] + '"]');
        if (cell && /^\d+$/.test(parts[1])) cell.textContent = parts[1];
      });
    }

    function stale() {
      if (!note) return;
      var text = note.getAttribute('data-stale-text');
      if (text) note.textContent = text;
      note.classList.add('sv-stale');
    }

    window.setInterval(refresh, interval);
    // Coming back to a hidden tab: refresh at once rather than show old numbers for up to 30 s.
    doc.addEventListener('visibilitychange', function () {
      if (!doc.hidden) refresh();
    });
  });
})();
