// The admin shell's phone menu: the sidebar folds behind the "Menu" button (no inline scripts:
// the CSP allows only files). Runs in <head>, so the `js` class is set before the body paints;
// without script the class is missing and the stylesheet leaves the menu open.
document.documentElement.classList.add('js');
document.addEventListener('DOMContentLoaded', function () {
  var button = document.querySelector('.menu-toggle');
  var nav = button && document.getElementById(button.getAttribute('aria-controls'));
  if (!nav) return;
  var setOpen = function (open) {
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
    nav.classList.toggle('is-open', open);
  };
  button.addEventListener('click', function () {
    setOpen(button.getAttribute('aria-expanded') !== 'true');
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape' && button.getAttribute('aria-expanded') === 'true') {
      setOpen(false);
      button.focus();
    }
  });
});
