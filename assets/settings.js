// Settings pages: conveniences on top of forms that work without JS. Adds interval rows and
// escalation levels, shows only the select an action needs, confirms deletes, loads an import file.
(function () {
  'use strict';
  if (!window.SlaVigil) return;

  /** Clones a row, moving every `prefix.N.` field name to `prefix.M.` and clearing its values. */
  function cloneRow(row, pattern, next) {
    var copy = row.cloneNode(true);
    var fields = copy.querySelectorAll('input, select, textarea');
    for (var i = 0; i < fields.length; i++) {
      fields[i].name = fields[i].name.replace(pattern, '$1' + next + '.');
      if (fields[i].tagName === 'SELECT') fields[i].selectedIndex = 0;
      else fields[i].value = '';
      fields[i].className = fields[i].className.replace(/\s*sv-invalid/g, '');
    }
    var errors = copy.querySelectorAll('.sv-field-error');
    for (var j = 0; j < errors.length; j++) errors[j].parentNode.removeChild(errors[j]);
    return copy;
  }

  function setupIntervals(doc) {
    var buttons = doc.querySelectorAll('[data-add-interval]');
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener('click', function (event) {
        var day = event.currentTarget.getAttribute('data-add-interval');
        var box = doc.querySelector('[data-intervals="' + day + '"]');
        var rows = box.querySelectorAll('[data-slot]');
        var last = rows[rows.length - 1];
        var next = Number(last.getAttribute('data-slot')) + 1;
        var copy = cloneRow(last, /^(week\.[a-z]+\.)\d+\./, next);
        copy.setAttribute('data-slot', String(next));
        box.appendChild(copy);
        copy.querySelector('input').focus();
      });
    }
    var always = doc.querySelector('[data-always-open]');
    var week = doc.querySelector('[data-week]');
    if (always && week) {
      var sync = function () {
        week.hidden = always.checked;
      };
      always.addEventListener('change', sync);
      sync();
    }
  }

  function syncLevel(level) {
    var action = level.querySelector('[data-action]');
    var trigger = level.querySelector('[data-trigger]');
    var needs = {
      notify_staff: 'staffId',
      reassign_staff: 'staffId',
      notify_department: 'departmentId',
      reassign_department: 'departmentId',
      raise_priority: 'priorityId',
      notify_on_call: 'rota',
      webhook: 'webhook',
    };
    var targets = level.querySelectorAll('[data-target-field]');
    for (var i = 0; i < targets.length; i++) {
      targets[i].hidden = needs[action.value] !== targets[i].getAttribute('data-target-field');
    }
    var minutes = level.querySelector('[data-minutes-field]');
    if (minutes) minutes.hidden = trigger.value === 'at_due';
  }

  function setupLadder(doc) {
    var ladder = doc.querySelector('[data-ladder]');
    var add = doc.querySelector('[data-add-level]');
    if (!ladder || !add) return;
    var wire = function (level) {
      syncLevel(level);
      level.addEventListener('change', function () {
        syncLevel(level);
      });
    };
    var levels = ladder.querySelectorAll('[data-level]');
    for (var i = 0; i < levels.length; i++) wire(levels[i]);
    add.hidden = false;
    add.addEventListener('click', function () {
      var all = ladder.querySelectorAll('[data-level]');
      var last = all[all.length - 1];
      var next = Number(last.getAttribute('data-level')) + 1;
      var copy = cloneRow(last, /^(escalations\.)\d+\./, next);
      copy.setAttribute('data-level', String(next));
      var n = copy.querySelector('.sv-level-n');
      if (n) n.textContent = String(next + 1);
      ladder.appendChild(copy);
      wire(copy);
      copy.querySelector('select').focus();
    });
  }

  /**
   * A filter box above each long list of names (clients, services...): typing hides the options
   * that do not contain the text; chosen options always stay visible, so nothing is unchosen
   * unseen. Without JS the box stays hidden and the plain multi-select works as it is.
   */
  function setupChoiceFilters(doc) {
    var boxes = doc.querySelectorAll('[data-choice-filter]');
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var select = doc.getElementById(box.getAttribute('data-choice-filter'));
      if (!select) continue;
      box.hidden = false;
      box.addEventListener('input', filterChoices.bind(null, box, select));
    }
  }

  function filterChoices(box, select) {
    var needle = box.value.trim().toLocaleLowerCase();
    for (var j = 0; j < select.options.length; j++) {
      var option = select.options[j];
      var text = option.textContent.toLocaleLowerCase();
      option.hidden = needle !== '' && !option.selected && text.indexOf(needle) === -1;
    }
  }

  /** The on-call rota form: only the chosen rotation's fields (both stay in the page without JS). */
  function setupRotation(doc) {
    var radios = doc.querySelectorAll('input[name=type]');
    var parts = doc.querySelectorAll('[data-rotation]');
    if (!radios.length || !parts.length) return;
    var sync = function () {
      var chosen = doc.querySelector('input[name=type]:checked');
      for (var i = 0; i < parts.length; i++) {
        parts[i].hidden = !!chosen && parts[i].getAttribute('data-rotation') !== chosen.value;
      }
    };
    for (var i = 0; i < radios.length; i++) radios[i].addEventListener('change', sync);
    sync();
  }

  function setupConfirm(doc) {
    var forms = doc.querySelectorAll('form[data-confirm]');
    for (var i = 0; i < forms.length; i++) {
      forms[i].addEventListener('submit', function (event) {
        if (!window.confirm(event.currentTarget.getAttribute('data-confirm'))) event.preventDefault();
      });
    }
  }

  function setupImportFile(doc) {
    var box = doc.querySelector('[data-import-file]');
    var area = doc.getElementById('sv-import-document');
    if (!box || !area || !window.FileReader) return;
    box.hidden = false;
    box.querySelector('input').addEventListener('change', function (event) {
      var file = event.currentTarget.files[0];
      if (!file) return;
      var reader = new window.FileReader();
      reader.onload = function () {
        area.value = String(reader.result);
      };
      reader.readAsText(file);
    });
  }

  window.SlaVigil.register(function (doc) {
    setupIntervals(doc);
    setupLadder(doc);
    setupRotation(doc);
    setupChoiceFilters(doc);
    setupConfirm(doc);
    setupImportFile(doc);
  });
})();
