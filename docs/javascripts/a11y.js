// Accessibility gaps Material leaves open, closed on every page view:
// - the search dialog gets an accessible name (axe/Lighthouse rule aria-dialog-name);
// - a table that scrolls sideways can be scrolled from the keyboard (scrollable-region-focusable).
document$.subscribe(function () {
  document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (el) {
    if (el.scrollWidth > el.clientWidth) {
      el.setAttribute("tabindex", "0");
      el.setAttribute("role", "region");
      el.setAttribute("aria-label", "Table, scrolls sideways");
    }
  });
  var dialog = document.querySelector(".md-search[role=dialog]");
  if (dialog) {
    dialog.setAttribute("aria-label", "Search this site");
  }
});
