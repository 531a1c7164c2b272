// A safety net for reflections (views/learning/module.ejs): what is typed is copied to this tab's
// sessionStorage, so a reload, a failed save or a timed-out session does not lose it, and it is
// cleared once the page shows it saved. sessionStorage, never localStorage: it dies with the tab,
// so on a shared computer the next person cannot read a learner's reflection.
(function () {
  'use strict';
  var store;
  try { store = window.sessionStorage; } catch { return; }
  if (!store) return;
  var forms = document.querySelectorAll('form[data-keep-draft]');
  for (var i = 0; i < forms.length; i++) watch(forms[i]);

  function watch(form) {
    var box = form.querySelector('textarea');
    if (!box) return;
    // Keyed by the signed-in user too: another person signing in in this tab never sees it.
    var key = 'bridgework.draft:' + form.getAttribute('data-keep-draft') + ':' + form.getAttribute('action');
    try {
      if (form.querySelector('[data-draft-saved]')) {
        store.removeItem(key);
      } else {
        var kept = store.getItem(key);
        if (kept !== null && kept !== box.value) {
          box.value = kept;
          var note = document.createElement('p');
          note.className = 'notice';
          note.setAttribute('role', 'status');
          note.textContent = form.getAttribute('data-draft-restored');
          box.parentNode.insertBefore(note, box);
        }
      }
    } catch { return; }
    box.addEventListener('input', function () {
      try { store.setItem(key, box.value); } catch { /* full or refused: the server still has the form */ }
    });
  }
})();
