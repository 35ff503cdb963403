// SLA Vigil countdowns: keeps every <time data-sv-countdown datetime="..."> reading "1h 2m left" /
// "5m overdue" as time passes. The server renders the same text, so without this script the page
// still says how things stood when it loaded. The phrases come, in the viewer's language, from
// the nearest data-sv-countdown-templates attribute (JSON: days, hours, minutes with {n};
// left, overdue with {d}). Loaded from host pages too, so it needs nothing else of the module.
(function () {
  'use strict';
  // Countdowns follow the server's clock, not the viewer's: the templates carry the server's
  // "now" at render time (serverNow, ms), and the skew to this browser's clock is applied.
  var loadedAt = Date.now();

  function fill(template, key, value) {
    return template.split('{' + key + '}').join(String(value));
  }

  // The same two-unit style as the server (src/i18n/format-duration.ts).
  function duration(minutes, units) {
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var rest = minutes % 60;
    if (days > 0)
      return hours > 0
        ? fill(units.days, 'n', days) + ' ' + fill(units.hours, 'n', hours)
        : fill(units.days, 'n', days);
    if (hours > 0)
      return rest > 0
        ? fill(units.hours, 'n', hours) + ' ' + fill(units.minutes, 'n', rest)
        : fill(units.hours, 'n', hours);
    return fill(units.minutes, 'n', rest);
  }

  function templatesFor(el) {
    var holder = el.closest('[data-sv-countdown-templates]');
    if (!holder) return null;
    try {
      return JSON.parse(holder.getAttribute('data-sv-countdown-templates'));
      // eslint-disable-next-line @typescript-eslint/no-unused-vars -- ES5 needs the binding
    } catch (e) {
      return null;
    }
  }

  function update() {
    var els = document.querySelectorAll('time[data-sv-countdown]');
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      var due = Date.parse(el.getAttribute('datetime'));
      var templates = templatesFor(el);
      if (isNaN(due) || !templates) continue;
      var skew = typeof templates.serverNow === 'number' ? templates.serverNow - loadedAt : 0;
      var ms = due - (Date.now() + skew);
      // Time left rounds up (never "0m left" before the due time), overdue rounds down, as on the server.
      var text =
        ms > 0
          ? fill(templates.left, 'd', duration(Math.ceil(ms / 60000), templates))
          : fill(templates.overdue, 'd', duration(Math.floor(-ms / 60000), templates));
      if (el.textContent !== text) el.textContent = text;
      if (ms <= 0) el.setAttribute('data-sla-state', 'breached');
    }
  }

  function start() {
    // Several parts of one page may each include this script: one timer is enough.
    if (window.SlaVigilCountdown) return;
    window.SlaVigilCountdown = { update: update };
    update();
    // Minutes are the smallest unit shown; checking every second keeps the flip to "overdue" on time.
    window.setInterval(update, 1000);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
