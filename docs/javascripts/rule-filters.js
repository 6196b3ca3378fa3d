// Narrows the all-rules tables on the management page by organ system, source and action.
// Written by hand: Material and the MkDocs plugins offer no table filter, and this is a few
// dozen lines over attributes the generator writes (il2ref.render.rule_tables).
// The choice lives only in the URL fragment (#system=renal&source=label-2024), so a view can
// be bookmarked and nothing is stored or sent. Without script the form stays hidden and the
// full tables show.
(function () {
  "use strict";

  function choices() {
    var hash = location.hash.slice(1);
    // A plain anchor (#rule-...) is a jump to a row, not a filter: show everything.
    return hash.indexOf("=") < 0 ? new URLSearchParams() : new URLSearchParams(hash);
  }

  function apply(form, selects, rows, containers) {
    var wanted = {};
    selects.forEach(function (s) { if (s.value) { wanted[s.dataset.filter] = s.value; } });
    var shown = 0;
    rows.forEach(function (row) {
      var keep = Object.keys(wanted).every(function (k) { return row.dataset[k] === wanted[k]; });
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    // A row group (one finding, with its "Sources differ" line) or a system's table and
    // heading goes when none of its rules is left.
    containers.forEach(function (el) {
      el.hidden = !el.querySelector("tr[data-rule]:not([hidden])");
    });
    var status = form.querySelector(".rule-count");
    status.textContent = Object.keys(wanted).length === 0
      ? "Showing all " + rows.length + " rules."
      : "Showing " + shown + " of " + rows.length + " rules.";
  }

  function fragment(selects) {
    var params = new URLSearchParams();
    selects.forEach(function (s) { if (s.value) { params.set(s.dataset.filter, s.value); } });
    var text = params.toString();
    // replaceState: choosing filters is not navigation, so Back leaves the page as usual.
    history.replaceState(null, "", text ? "#" + text : location.pathname + location.search);
  }

  function restore(selects) {
    var params = choices();
    selects.forEach(function (s) {
      var value = params.get(s.dataset.filter) || "";
      // An unknown value in a hand-edited link falls back to "all", never to an empty table.
      var known = Array.prototype.some.call(s.options, function (o) { return o.value === value; });
      s.value = known ? value : "";
    });
  }

  function setUp(form) {
    var scope = form.parentElement;
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
    var rows = Array.prototype.slice.call(scope.querySelectorAll("table[data-rules] tr[data-rule]"));
    var containers = Array.prototype.slice.call(
      scope.querySelectorAll("table[data-rules] tbody, .rule-system"));
    var update = function () { apply(form, selects, rows, containers); };
    selects.forEach(function (s) {
      s.addEventListener("change", function () { fragment(selects); update(); });
    });
    form.addEventListener("reset", function (e) {
      // Cleared here, at once, rather than after the browser's own reset.
      e.preventDefault();
      selects.forEach(function (s) { s.value = ""; });
      fragment(selects);
      update();
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    window.addEventListener("hashchange", function () { restore(selects); update(); });
    restore(selects);
    update();
    form.hidden = false;
  }

  function init() {
    document.querySelectorAll("form[data-rule-filters]").forEach(function (form) {
      if (!form.dataset.ready) {
        form.dataset.ready = "1";
        setUp(form);
      }
    });
  }

  // Material's page-load stream, in every build of this site (online, offline, print).
  document$.subscribe(init);
})();
