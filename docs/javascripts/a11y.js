// Accessibility gaps Material leaves open, closed on every page view:
// - the search dialog gets an accessible name (axe/Lighthouse rule aria-dialog-name);
// - a table that scrolls sideways can be scrolled from the keyboard (scrollable-region-focusable).
document$.subscribe(function () {
  // All sizes are read before any attribute is written: a write between two reads makes the
  // browser lay the page out again for each table (measured by Lighthouse on the long
  // management page).
  var wraps = Array.prototype.slice.call(document.querySelectorAll(".md-typeset__scrollwrap"));
  var scrolling = wraps.filter(function (el) { return el.scrollWidth > el.clientWidth; });
  scrolling.forEach(function (el) {
    el.setAttribute("tabindex", "0");
    el.setAttribute("role", "region");
    el.setAttribute("aria-label", "Table, scrolls sideways");
  });
  var dialog = document.querySelector(".md-search[role=dialog]");
  if (dialog) {
    dialog.setAttribute("aria-label", "Search this site");
  }
});
