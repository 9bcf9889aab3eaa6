// The run report's only script: hovering or focusing a node in the graph, a timeline row or a table row highlights
// the same node in the other two. The page reads completely without it.
(function () {
  'use strict';
  var byKey = {};
  function add(key, el) {
    if (!key) return;
    (byKey[key] = byKey[key] || []).push(el);
  }
  document.querySelectorAll('[data-key]').forEach(function (el) {
    add(el.getAttribute('data-key'), el);
  });
  document.querySelectorAll('#graph g.node').forEach(function (el) {
    add(el.id, el);
  });
  function set(key, on) {
    (byKey[key] || []).forEach(function (el) {
      el.classList.toggle('highlight', on);
    });
  }
  Object.keys(byKey).forEach(function (key) {
    byKey[key].forEach(function (el) {
      el.addEventListener('mouseenter', function () {
        set(key, true);
      });
      el.addEventListener('mouseleave', function () {
        set(key, false);
      });
      el.addEventListener('focusin', function () {
        set(key, true);
      });
      el.addEventListener('focusout', function () {
        set(key, false);
      });
    });
  });
  document.documentElement.setAttribute('data-script', 'ready');
})();
