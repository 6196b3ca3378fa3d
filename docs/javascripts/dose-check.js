// The Dose-time check (page dose-time-check/): shows which of the sources' criteria the values
// entered meet. The same logic as il2ref.core.dose_check, which the tests run against this page
// for every numeric rule. The rules, thresholds and the number grammar come from the page's
// JSON (generated from the YAML). The values live only in the URL fragment, keyed by measure:
// nothing is stored or sent. Written by hand: no library evaluates these sources' criteria.
(function () {
  "use strict";

  function setUp(form) {
    var d = JSON.parse(document.getElementById("check-data").textContent);
    var grammar = new RegExp("^(?:" + d.number + ")$");
    // Measures are keyed by measure id; what is seen goes under "seen" (#seen=atrial-fibrillation),
    // so a finding and a measure of the same name (intubation) cannot collide.
    var fields = Array.prototype.slice.call(form.querySelectorAll("[data-key], [data-seen]"));
    var status = document.querySelector("[data-check-status]");
    var items = {};
    document.querySelectorAll("[data-framework-list] li[data-rule]").forEach(function (li) {
      items[li.dataset.rule] = li;
    });

    function read(text) {
      text = text.trim();
      return grammar.test(text) ? parseFloat(text.replace(/,/g, "")) : null;
    }

    function met(rule, values, ticked) {
      if (rule.input !== null) {
        if (!(rule.input in values)) { return false; }
        var x = values[rule.input];
        switch (rule.comparator) {
          case "range": return rule.low <= x && x <= rule.high;
          case "<": return x < rule.value;
          case "<=": return x <= rule.value;
          case ">": return x > rule.value;
          case ">=": return x >= rule.value;
        }
        return false;
      }
      return rule.tick !== null && ticked[rule.tick] === true;
    }

    function update() {
      var values = {}, ticked = {}, unread = [], held = 0;
      fields.forEach(function (f) {
        if (f.type === "checkbox") { ticked[f.dataset.seen] = f.checked; return; }
        if (!f.value.trim()) { f.removeAttribute("aria-invalid"); return; }
        var x = read(f.value);
        f.setAttribute("aria-invalid", x === null ? "true" : "false");
        if (x === null) { unread.push(f.closest("label").firstChild.textContent.trim()); return; }
        if (f.dataset.key === d.held) { held = x; } else { values[f.dataset.key] = x; }
      });
      var own = {};
      d.rules.forEach(function (r) { if (r.counts === null && met(r, values, ticked)) { own[r.id] = r; } });
      var shown = Object.assign({}, own);
      d.rules.forEach(function (r) {
        if (r.counts === null) { return; }
        var same = Object.keys(own).map(function (k) { return own[k]; })
          .filter(function (x) { return x.framework === r.framework; });
        var count = r.counts === d.held ? held : same.filter(function (x) {
          return x.tier === d.tiers[r.counts];
        }).length;
        if (count >= r.atLeast) { shown[r.id] = r; }
      });
      var n = 0;
      Object.keys(items).forEach(function (id) {
        items[id].hidden = !(id in shown);
        if (id in shown) { n += 1; }
      });
      // Per source: how many of its criteria are met, relative and absolute counted apart
      // (what its cumulative rules count).
      document.querySelectorAll("[data-framework-list]").forEach(function (ul) {
        var framework = ul.dataset.frameworkList;
        var count = document.querySelector('[data-count="' + framework + '"]');
        var heading = count ? count.previousElementSibling : null;
        var mine = Object.keys(own).map(function (k) { return own[k]; })
          .filter(function (x) { return x.framework === framework; });
        var rel = mine.filter(function (x) { return x.tier === "relative"; }).length;
        var abs = mine.filter(function (x) { return x.tier === "absolute"; }).length;
        var any = ul.querySelector("li:not([hidden])") !== null;
        ul.hidden = !any;
        if (count) {
          count.hidden = !any;
          count.textContent = mine.length + (mine.length === 1 ? " criterion met" : " criteria met") +
            (rel || abs ? " (" + rel + " relative, " + abs + " absolute)" : "") +
            (d.heldBy.indexOf(framework) >= 0 && held ? "; doses held this cycle: " + held : "") + ".";
        }
        if (heading && heading.tagName === "H3") { heading.hidden = !any; }
      });
      var entered = Object.keys(values).length + Object.keys(ticked).filter(function (k) { return ticked[k]; }).length + (held ? 1 : 0);
      status.textContent = (unread.length ? "Not read (write a number such as 2.5 or 50,000): " + unread.join(", ") + ". " : "") +
        (entered === 0 ? "Enter what was measured or seen: the criteria it meets show below." :
          n === 0 ? "No criterion of any source is met by what was entered." :
            n + (n === 1 ? " criterion" : " criteria") + " met, listed below by source. Check each against its source.");
    }

    function fragment() {
      var params = new URLSearchParams();
      fields.forEach(function (f) {
        if (f.type === "checkbox") { if (f.checked) { params.append("seen", f.dataset.seen); } }
        else if (f.value.trim()) { params.set(f.dataset.key, f.value.trim()); }
      });
      var text = params.toString();
      history.replaceState(null, "", text ? "#" + text : location.pathname + location.search);
    }

    function restore() {
      var hash = location.hash.slice(1);
      var params = hash.indexOf("=") < 0 ? new URLSearchParams() : new URLSearchParams(hash);
      var seen = params.getAll("seen");
      fields.forEach(function (f) {
        if (f.type === "checkbox") { f.checked = seen.indexOf(f.dataset.seen) >= 0; }
        else { f.value = params.get(f.dataset.key) || ""; }
      });
    }

    fields.forEach(function (f) {
      f.addEventListener(f.type === "checkbox" ? "change" : "input", function () { fragment(); update(); });
    });
    form.addEventListener("reset", function (e) {
      // Cleared here, at once, rather than after the browser's own reset.
      e.preventDefault();
      fields.forEach(function (f) { if (f.type === "checkbox") { f.checked = false; } else { f.value = ""; } });
      fragment();
      update();
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    window.addEventListener("hashchange", function () { restore(); update(); });
    restore();
    form.hidden = false;
    update();
    document.documentElement.classList.add("check-ready");  // extra.css: the lists may show
  }

  function init() {
    var form = document.querySelector("form[data-dose-check]");
    if (form && !form.dataset.ready) {
      form.dataset.ready = "1";
      setUp(form);
    }
  }

  // Loaded by its own page, from the content, so before Material's bundle: run once the page
  // is parsed (the site does not use instant navigation).
  document.addEventListener("DOMContentLoaded", init);
})();
