// Choosing a role pre-fills the permission checkboxes from that role (as Perfex does); the staff
// member's own boxes can still be changed before saving.
document.addEventListener('DOMContentLoaded', function () {
  var select = document.getElementById('staff-role');
  if (!select) return;
  select.addEventListener('change', function () {
    var option = select.options[select.selectedIndex];
    var grants = {};
    try {
      grants = JSON.parse(option.getAttribute('data-grants') || '{}');
    } catch (e) {
      grants = {};
    }
    document.querySelectorAll('input[data-feature][data-capability]').forEach(function (box) {
      var caps = grants[box.getAttribute('data-feature')] || [];
      box.checked = caps.indexOf(box.getAttribute('data-capability')) !== -1;
    });
  });
});
