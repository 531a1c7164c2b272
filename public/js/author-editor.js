// Never losing work in the course editor (views/authoring/editor.ejs), where JavaScript runs:
// the text is saved as the trainer types (debounced, through the same save as the Save button, so
// a text someone else saved meanwhile is never overwritten: the server answers 409 and this page
// keeps the trainer's text and stops saving on its own), the status is told in a polite live
// region, and leaving the page with unsaved text asks first. It also keeps the "Problems (n)"
// link and its announcement up to date with the live preview (public/js/author-preview.js).
(function () {
  'use strict';
  var form = document.querySelector('form.editor[data-autosave-url]');
  if (!form || !window.fetch) return;
  var textarea = form.querySelector('textarea[name="text"]');
  var csrf = form.querySelector('input[name="_csrf"]');
  var base = form.querySelector('input[name="base"]');
  var status = document.getElementById('autosave-status');
  if (!textarea || !csrf || !base || !status) return;
  var url = form.getAttribute('data-autosave-url');
  var saved = textarea.value; // what the server holds, as far as this page knows
  var timer = null;
  var firstChange = 0;
  var inFlight = false;
  var stopped = false; // after a conflict: only the Save button may decide
  var submitting = false;
  var waitingSubmit = null; // the button of a Save pressed while an autosave was on its way
  // A page showing text that is not saved (a preview without saving, a refused save) counts as
  // unsaved from the start; after a conflict it must not autosave over the other text either.
  var shown = form.getAttribute('data-shown');
  if (shown === 'unsaved' || shown === 'conflict') saved = null;
  if (shown === 'conflict') stopped = true;
  var DEBOUNCE = 1500;
  var MAX_WAIT = 10000;

  function say(text) {
    if (status.textContent !== text) status.textContent = text;
  }

  function timeNow() {
    // The viewer's own clock and time zone.
    return new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  function dirty() {
    return textarea.value !== saved;
  }

  function save() {
    timer = null;
    if (stopped || inFlight || !dirty()) return;
    inFlight = true;
    firstChange = 0;
    var sent = textarea.value;
    var params = new URLSearchParams();
    params.set('text', sent);
    params.set('base', base.value);
    say(status.getAttribute('data-saving') || '');
    fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': csrf.value, Accept: 'application/json' },
      body: params.toString(),
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) { return { status: res.status, data: data }; });
    }).then(function (answer) {
      inFlight = false;
      finishSubmit(answer);
      if (answer.status === 200 && answer.data && answer.data.ok) {
        saved = sent;
        base.value = answer.data.base;
        say((status.getAttribute('data-saved') || '').replace('{time}', timeNow()));
        if (dirty()) schedule();
      } else if (answer.status === 409) {
        stopped = true;
        say(status.getAttribute('data-conflict') || '');
      } else if (answer.status === 413) {
        say(status.getAttribute('data-too-large') || '');
      } else {
        say(status.getAttribute('data-failed') || '');
      }
    }).catch(function () {
      inFlight = false;
      say(status.getAttribute('data-failed') || '');
      finishSubmit(null);
    });
  }

  // A Save pressed during an autosave goes ahead once the autosave's answer gave the new base, so
  // the trainer's own autosave is never taken for someone else's change.
  function finishSubmit(answer) {
    if (!waitingSubmit) return;
    var button = waitingSubmit;
    waitingSubmit = null;
    if (answer && answer.status === 200 && answer.data && answer.data.ok) base.value = answer.data.base;
    if (form.requestSubmit) form.requestSubmit(button);
    else form.submit();
  }

  function schedule() {
    if (stopped) return;
    var now = Date.now();
    if (!firstChange) firstChange = now;
    clearTimeout(timer);
    // Saved after a pause in typing, and at least every MAX_WAIT while typing on.
    timer = setTimeout(save, Math.max(0, Math.min(DEBOUNCE, firstChange + MAX_WAIT - now)));
  }

  textarea.addEventListener('input', function () {
    if (stopped) {
      say(status.getAttribute('data-conflict') || '');
      return;
    }
    schedule();
  });

  form.addEventListener('submit', function (event) {
    clearTimeout(timer);
    if (inFlight) {
      event.preventDefault();
      waitingSubmit = event.submitter || form.querySelector('button[value="save"]');
      return;
    }
    submitting = true;
  });

  window.addEventListener('beforeunload', function (event) {
    if (submitting || !dirty()) return;
    event.preventDefault();
    event.returnValue = status.getAttribute('data-unsaved') || '';
    return event.returnValue;
  });

  // ---- Problems (n): the link beside Save, and one announcement when the count changes ----
  var body = document.getElementById('preview-body');
  var count = document.getElementById('problems-count');
  var announce = document.getElementById('problems-announce');
  if (!body || !count) return;
  function problems() {
    return body.querySelectorAll('ul.problems > li').length;
  }
  var known = problems();
  count.textContent = String(known);
  new window.MutationObserver(function () {
    var n = problems();
    if (n === known) return;
    known = n;
    count.textContent = String(n);
    if (!announce) return;
    var text = n === 0 ? announce.getAttribute('data-none') : (announce.getAttribute(n === 1 ? 'data-some-one' : 'data-some-other') || '').replace('{count}', String(n));
    announce.textContent = text || '';
  }).observe(body, { childList: true, subtree: true });
})();
