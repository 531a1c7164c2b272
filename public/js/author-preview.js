// Progressive enhancement for the course editor (views/authoring/editor.ejs): as the trainer types,
// the text is sent (debounced) to the server, which renders it with the same parser and renderer
// that publish, and the preview below the editor is replaced with the answer. Without JavaScript
// the Preview button does the same with a page reload. The HTML comes from our own renderer, which
// never passes raw HTML through.
(function () {
  'use strict';
  var form = document.querySelector('form.editor[data-preview-url]');
  if (!form || !window.fetch) return;
  var textarea = form.querySelector('textarea[name="text"]');
  var csrf = form.querySelector('input[name="_csrf"]');
  var body = document.getElementById('preview-body');
  var status = document.getElementById('preview-status');
  if (!textarea || !csrf || !body) return;
  var url = form.getAttribute('data-preview-url');
  var timer = null;
  var sent = 0;
  var shown = 0;
  var last = textarea.value;

  function goToLine(line) {
    var lines = textarea.value.split('\n');
    if (line < 1 || line > lines.length) return;
    var start = 0;
    for (var i = 0; i < line - 1; i++) start += lines[i].length + 1;
    textarea.focus();
    textarea.setSelectionRange(start, start + lines[line - 1].length);
    // Scroll the line into view: the textarea scrolls by its own line height.
    var lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 20;
    textarea.scrollTop = Math.max(0, (line - 3) * lineHeight);
  }

  function refresh() {
    var id = ++sent;
    var params = new URLSearchParams();
    params.set('text', textarea.value);
    fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': csrf.value, Accept: 'text/html' },
      body: params.toString(),
    }).then(function (res) {
      if (!res.ok) throw new Error(String(res.status));
      return res.text();
    }).then(function (html) {
      if (id < shown) return; // an older answer arriving late
      shown = id;
      body.innerHTML = html;
      if (status && status.textContent !== status.getAttribute('data-live')) status.textContent = status.getAttribute('data-live') || '';
    }).catch(function () {
      if (status) status.textContent = status.getAttribute('data-failed') || '';
    });
  }

  textarea.addEventListener('input', function () {
    if (textarea.value === last) return;
    last = textarea.value;
    clearTimeout(timer);
    timer = setTimeout(refresh, 600);
  });

  // Links to a problem's line move the cursor there instead of reloading the page.
  body.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('a[data-line]');
    if (!link) return;
    event.preventDefault();
    goToLine(Number(link.getAttribute('data-line')));
  });

  var line = Number(form.getAttribute('data-line'));
  if (line) goToLine(line);
  if (status) status.textContent = status.getAttribute('data-live') || status.textContent;
})();
