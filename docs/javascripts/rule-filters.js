// Narrows the all-rules tables on the management page (organ system, source, action, evidence)
// and the statements by source (evidence). Written by hand: Material and the MkDocs plugins
// offer no table or list filter, and this is a few dozen lines over attributes the generator
// writes (il2ref.render.filters: each form names its items, the blocks that hold them, and
// what its count line calls them). The choice lives only in the URL fragment
// (#system=renal&evidence=label), so a view can be bookmarked and nothing is stored or sent.
// Without script the form stays hidden and everything shows.
(function () {
  "use strict";

  function choices() {
    var hash = location.hash.slice(1);
    // A plain anchor (#rule-...) is a jump to a row, not a filter: show everything.
    return hash.indexOf("=") < 0 ? new URLSearchParams() : new URLSearchParams(hash);
  }

  function apply(form, selects, rows, containers) {
    var item = form.dataset.items;
    var wanted = {};
    selects.forEach(function (s) { if (s.value) { wanted[s.dataset.filter] = s.value; } });
    var shown = 0;
    rows.forEach(function (row) {
      var keep = Object.keys(wanted).every(function (k) { return row.dataset[k] === wanted[k]; });
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    // A row group (one finding, with its "Sources differ" line), a system's table and heading,
    // or a source's heading and list, goes when none of its items is left.
    containers.forEach(function (el) {
      el.hidden = !Array.prototype.some.call(el.querySelectorAll(item),
                                             function (row) { return !row.hidden; });
    });
    var status = form.querySelector(".rule-count");
    status.textContent = Object.keys(wanted).length === 0
      ? "Showing all " + rows.length + " " + form.dataset.noun + "."
      : "Showing " + shown + " of " + rows.length + " " + form.dataset.noun + ".";
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
    var rows = Array.prototype.slice.call(scope.querySelectorAll(form.dataset.items));
    var containers = Array.prototype.slice.call(scope.querySelectorAll(form.dataset.groups));
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
