// Shows each <time class="local-time" datetime="..."> in the reader's own time zone and language.
// The page holds the UTC time (src/authoring/local-time.ts), which stays as the tooltip.
(function () {
  'use strict';
  var format;
  try {
    format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short',
    });
  } catch {
    return; // an old browser keeps the UTC time
  }
  var times = document.querySelectorAll('time.local-time[datetime]');
  for (var i = 0; i < times.length; i++) {
    var el = times[i];
    var date = new Date(el.getAttribute('datetime'));
    if (isNaN(date.getTime())) continue;
    if (!el.title) el.title = el.textContent;
    el.textContent = format.format(date);
    el.setAttribute('data-local', 'true');
  }
})();
