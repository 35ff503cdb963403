// "Select all" for the ticket list's bulk form (no inline scripts: the CSP allows only files).
document.addEventListener('DOMContentLoaded', function () {
  var all = document.getElementById('check-all');
  if (!all) return;
  all.addEventListener('change', function () {
    document.querySelectorAll('#ticket-bulk input[name="ids"]').forEach(function (box) {
      box.checked = all.checked;
    });
  });
});
