/* pingyi default theme: the reader's preferences (字号 大/中/小, 高对比度) and the print button.
 *
 * The site works without this file: it only shows the controls (hidden in the HTML) and
 * remembers the choices in localStorage. It is loaded in <head>, so a remembered choice is
 * applied before the page is painted, with no flash of the default style. */
(function () {
  'use strict';
  var root = document.documentElement;
  var FONT = 'pingyi.font';
  var CONTRAST = 'pingyi.contrast';
  var FONTS = ['small', 'medium', 'large'];

  function load(key) {
    try {
      return window.localStorage.getItem(key) || '';
    } catch (e) {
      return ''; // storage off (private mode, policy): choices last for this page only
    }
  }
  function save(key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch (e) {
      /* see load() */
    }
  }

  var state = { font: load(FONT), contrast: load(CONTRAST) };

  function apply() {
    var font = FONTS.indexOf(state.font) >= 0 ? state.font : 'medium';
    root.classList.remove('font-small', 'font-large');
    if (font !== 'medium') root.classList.add('font-' + font);
    root.classList.toggle('high-contrast', state.contrast === 'high');
    var buttons = document.querySelectorAll('[data-font]');
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute('aria-pressed', String(buttons[i].getAttribute('data-font') === font));
    }
    var toggles = document.querySelectorAll('[data-contrast]');
    for (var j = 0; j < toggles.length; j++) {
      toggles[j].setAttribute('aria-pressed', String(state.contrast === 'high'));
    }
  }

  root.classList.add('js');
  apply();

  function ready() {
    var hidden = document.querySelectorAll('[data-reader-tools], [data-print]');
    for (var i = 0; i < hidden.length; i++) hidden[i].hidden = false;
    apply();
    document.addEventListener('click', function (event) {
      var target = event.target;
      var button = target && target.closest ? target.closest('button') : null;
      if (!button) return;
      if (button.hasAttribute('data-font')) {
        state.font = button.getAttribute('data-font');
        save(FONT, state.font);
        apply();
      } else if (button.hasAttribute('data-contrast')) {
        state.contrast = state.contrast === 'high' ? '' : 'high';
        save(CONTRAST, state.contrast);
        apply();
      } else if (button.hasAttribute('data-print')) {
        window.print();
      }
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', ready);
  } else {
    ready();
  }

  // A choice made in another tab of the site applies here too.
  window.addEventListener('storage', function (event) {
    if (event.key === FONT || event.key === CONTRAST) {
      state = { font: load(FONT), contrast: load(CONTRAST) };
      apply();
    }
  });
})();
