/* Reading options on every web page (base.html): 大字版 (large text: every size of the page grows with the root
   size, tap targets with it) and 高对比度 (high contrast). Each is a class on <html> that tokens.css reads, and is
   remembered in localStorage, so that it holds on every page of the site, opened from disk (file://) too.

   Loaded in <head> without defer: a remembered choice applies before the page is first drawn, so a page never
   flashes in small print. Without script the buttons stay hidden and the page is the normal one. */
(function () {
  'use strict';
  var OPTIONS = ['large-text', 'high-contrast'];
  var PREFIX = 'liaison-'; // localStorage keys: liaison-large-text, liaison-high-contrast ("on" or absent)
  var root = document.documentElement;

  function remembered(option) {
    try { return window.localStorage.getItem(PREFIX + option) === 'on'; } catch (e) { return false; }
  }
  function remember(option, on) {
    try {
      if (on) { window.localStorage.setItem(PREFIX + option, 'on'); } else { window.localStorage.removeItem(PREFIX + option); }
    } catch (e) { /* storage refused (private mode, policy): the choice holds on this page only */ }
  }

  OPTIONS.forEach(function (option) { root.classList.toggle(option, remembered(option)); });

  function wire() {
    var tools = document.getElementById('reading-tools');
    if (!tools) { return; }
    Array.prototype.forEach.call(tools.querySelectorAll('button[data-option]'), function (button) {
      var option = button.getAttribute('data-option');
      if (OPTIONS.indexOf(option) < 0) { return; }
      button.setAttribute('aria-pressed', String(root.classList.contains(option)));
      button.addEventListener('click', function () {
        var on = !root.classList.contains(option);
        root.classList.toggle(option, on);
        remember(option, on);
        button.setAttribute('aria-pressed', String(on));
      });
    });
    tools.hidden = false;
  }
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', wire); } else { wire(); }
})();
