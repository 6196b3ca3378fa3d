// Accessibility gaps Material leaves open, closed on every page view:
// - abbreviations get a tab stop, so keyboard users can focus them and read their tooltip;
// - the search dialog gets an accessible name (axe/Lighthouse rule aria-dialog-name).
document$.subscribe(function () {
  document.querySelectorAll(".md-typeset abbr[title]").forEach(function (el) {
    el.setAttribute("tabindex", "0");
  });
  var dialog = document.querySelector(".md-search[role=dialog]");
  if (dialog) {
    dialog.setAttribute("aria-label", "Search this site");
  }
});
