// The new-course page: the course address (slug) fills in from the title as it is typed, until the
// trainer types an address of their own. The rules mirror src/curriculum/names.ts (SLUG,
// MAX_SLUG_LENGTH) and slugify in src/authoring/course-files.ts; the server still checks the address.
(function () {
  'use strict';
  var MAX_SLUG_LENGTH = 60;
  var title = document.getElementById('title');
  var slug = document.getElementById('slug');
  if (!title || !slug) return;

  function slugify(text) {
    return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
      .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, MAX_SLUG_LENGTH).replace(/-+$/, '');
  }

  // An address already there that the title would not give (kept after an error) is the trainer's own.
  var auto = slug.value === '' || slug.value === slugify(title.value);
  var filled = slug.value;

  title.addEventListener('input', function () {
    if (!auto) return;
    filled = slugify(title.value);
    slug.value = filled;
  });
  slug.addEventListener('input', function () {
    // Emptying the field hands it back to the title.
    auto = slug.value === '' || slug.value === filled;
  });
})();
