// Warns a signed-in person before their session times out (src/sessions/timeouts.ts), with a way
// to stay signed in. The layout renders the dialog (hidden) with the seconds left; without
// JavaScript it is never shown and nothing else depends on it. Before warning, the server is asked
// for the time left (GET /session/status, which does not count as activity), since another tab
// may have kept the session in use meanwhile. WCAG 2.2.1: at least 20 seconds to answer.
(function () {
  'use strict';
  var dialog = document.getElementById('session-warning');
  if (!dialog || typeof dialog.showModal !== 'function' || !window.fetch) return;
  var stayForm = document.getElementById('session-stay-form');
  var stay = document.getElementById('session-stay');
  var signOutForm = document.getElementById('session-sign-out-form');
  var close = document.getElementById('session-warning-close');
  var warnMs = Number(dialog.getAttribute('data-warn-seconds')) * 1000;
  var timer = null;
  var returnFocus = null;

  /** Which message the dialog shows, and which of its buttons. */
  function showState(state) {
    var messages = dialog.querySelectorAll('[data-state]');
    for (var i = 0; i < messages.length; i++) messages[i].hidden = messages[i].getAttribute('data-state') !== state;
    stayForm.hidden = state !== 'warn';
    signOutForm.hidden = state === 'ended';
    close.hidden = state === 'warn';
  }

  function schedule(seconds) {
    clearTimeout(timer);
    timer = setTimeout(check, Math.max(0, seconds * 1000 - warnMs));
  }

  function open(state, seconds) {
    showState(state);
    if (!dialog.open) {
      returnFocus = document.activeElement;
      dialog.showModal();
    }
    (state === 'warn' ? stay : close).focus();
    // When the time is up, say so if the session really ended.
    clearTimeout(timer);
    if (state !== 'ended') timer = setTimeout(checkEnded, (seconds + 1) * 1000);
  }

  function status() {
    return fetch('/session/status', { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (res) { return res.ok ? res.json() : null; });
  }

  function check() {
    status().then(function (s) {
      if (!s || !s.signedIn) return open('ended', 0);
      if (s.seconds * 1000 > warnMs + 1000) return schedule(s.seconds);
      open(s.final ? 'final' : 'warn', s.seconds);
    }, function () { schedule(30); });
  }

  function checkEnded() {
    status().then(function (s) {
      if (!s || !s.signedIn || s.seconds <= 0) return open('ended', 0);
      if (dialog.open && s.seconds * 1000 > warnMs) { dialog.close(); }
      schedule(s.seconds);
    }, function () { open('ended', 0); });
  }

  stayForm.addEventListener('submit', function (event) {
    event.preventDefault();
    var body = new URLSearchParams(new FormData(stayForm));
    fetch(stayForm.action, {
      method: 'POST', credentials: 'same-origin', body: body,
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
    }).then(function (res) { return res.ok ? res.json() : null; }).then(function (s) {
      if (!s || !s.signedIn) return open('ended', 0);
      if (s.seconds * 1000 <= warnMs) return open('final', s.seconds);
      dialog.close();
      schedule(s.seconds);
    }, function () { open('ended', 0); });
  });

  close.addEventListener('click', function () { dialog.close(); });
  dialog.addEventListener('close', function () {
    if (returnFocus && typeof returnFocus.focus === 'function') returnFocus.focus();
    returnFocus = null;
  });

  // Signing out clears this tab's unsaved reflections (public/js/keep-draft.js) with the session.
  var signOuts = document.querySelectorAll('form[action="/logout"]');
  for (var i = 0; i < signOuts.length; i++) {
    signOuts[i].addEventListener('submit', function () {
      try {
        for (var k = window.sessionStorage.length - 1; k >= 0; k--) {
          var key = window.sessionStorage.key(k);
          if (key && key.indexOf('bridgework.draft:') === 0) window.sessionStorage.removeItem(key);
        }
      } catch { /* storage refused: nothing was kept */ }
    });
  }

  schedule(Number(dialog.getAttribute('data-seconds')));
})();
