// The Dose calculator (page dose-calculator/). The same arithmetic as il2ref.core.dosing, which
// the tests run against this page for every accepted weight: whole numbers throughout (tenths of
// a kg, IU, µg, hundredths of a mL), halves rounded up. The constants are read from the page's
// JSON (generated from the YAML); none is written here. Nothing typed is stored or sent.
// Written by hand: no library computes a drug's dilution, and the result must match the Python.
(function () {
  "use strict";

  var WEIGHT = /^[0-9]{1,3}(\.[0-9])?$/;

  function halfUp(n, d) { return Math.floor((2 * n + d) / (2 * d)); }
  function ceilDiv(n, d) { return -Math.floor(-n / d); }
  function grouped(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  function fixed(value, decimals) {
    if (!decimals) { return grouped(value); }
    var scale = Math.pow(10, decimals);
    var part = String(value % scale);
    while (part.length < decimals) { part = "0" + part; }
    return grouped(Math.floor(value / scale)) + "." + part;
  }
  function ml(value) { return String(value) + " mL"; } // as the source prints it (Python :g)

  function stepMl(diluent, doseIu) {
    for (var i = 0; i < diluent.steps.length; i++) {
      var s = diluent.steps[i];
      if (s.upToIu === null || doseIu <= s.upToIu) { return s.ml; }
    }
    return diluent.steps[diluent.steps.length - 1].ml;
  }

  function compute(d, tenths) {
    var doseIu = halfUp(tenths * d.iuPerKg, 10);
    var doseUg = halfUp(doseIu * d.ugPerMl, d.iuPerMl); // one IU-to-mg factor: the solution's
    var volume = halfUp(doseIu * 100, d.iuPerMl);
    // Vials by the volume one vial gives up, and never fewer than its IU content needs.
    var vials = Math.max(ceilDiv(volume, d.withdrawableHundredths), ceilDiv(doseIu, d.vialIu));
    var out = {
      "weight": fixed(tenths, 1) + " kg",
      "dose-iu": grouped(doseIu) + " IU",
      "dose-mg": fixed(doseUg, 3) + " mg",
      "volume": fixed(volume, 2) + " mL",
      "vials": String(vials)
    };
    var low = d.windowLowTenths, high = d.windowHighTenths;
    var vMin = Math.max(0, ceilDiv(doseUg * 1000 - volume * high, high * 10));
    var vMax = Math.floor((doseUg * 1000 - volume * low) / (low * 10));
    out.window = vMax >= vMin ? fixed(vMin, 1) + "–" + fixed(vMax, 1) + " mL" : "no volume";
    var inWindow = false;
    d.diluents.forEach(function (diluent) {
      var bag = stepMl(diluent, doseIu);
      var c = halfUp(doseUg * 1000, Math.round(bag * 100) + volume);
      var ok = low <= c && c <= high;
      inWindow = inWindow || ok;
      out[diluent.id + "-ml"] = ml(bag);
      out[diluent.id + "-concentration"] = fixed(c, 1) + " µg/mL" + (ok ? "" : " (outside the window)");
    });
    return out;
  }

  // What the page shows for what was typed: the result lines, or a message and no number.
  function read(d, text, unit) {
    text = text.trim();
    if (!text) { return {message: "Enter the patient's weight."}; }
    if ((unit !== "kg" && unit !== "lb") || !WEIGHT.test(text)) {
      return {message: "Write the weight as a number with at most one decimal, such as 72 or 72.5, in kg or lb."};
    }
    var parts = text.split(".");
    var tenths = parseInt(parts[0], 10) * 10 + (parts[1] ? parseInt(parts[1], 10) : 0);
    if (unit === "lb") { tenths = halfUp(tenths * d.kgPerLbE8, 100000000); }
    var range = d.acceptedTenths;
    if (tenths < range[0] || tenths > range[1]) {
      return {message: fixed(tenths, 1) + " kg is outside the weights the sources' dilution steps cover (" +
        fixed(range[0], 1) + "–" + fixed(range[1], 1) + " kg): no dose is shown."};
    }
    return {lines: compute(d, tenths)};
  }

  function setUp(form) {
    var d = JSON.parse(document.getElementById("dose-data").textContent);
    var input = form.querySelector("#dose-weight");
    var unit = form.querySelector("#dose-unit");
    var message = document.querySelector("[data-dose-message]");
    var results = document.querySelector("[data-dose-results]");
    var outputs = results.querySelectorAll("output[data-out]");
    function update() {
      var r = read(d, input.value, unit.value);
      results.classList.toggle("dose-empty", !r.lines);
      outputs.forEach(function (o) { o.textContent = r.lines ? r.lines[o.dataset.out] : "—"; });
      message.textContent = r.lines
        ? (unit.value === "lb" ? "Converted to " + r.lines.weight + "." : "")
        : r.message;
      input.setAttribute("aria-invalid", r.lines || !input.value.trim() ? "false" : "true");
    }
    input.addEventListener("input", update);
    unit.addEventListener("change", update);
    form.addEventListener("submit", function (e) { e.preventDefault(); update(); });
    form.hidden = false;
    update();
  }

  function init() {
    var form = document.querySelector("form[data-dose-calculator]");
    if (form && !form.dataset.ready) {
      form.dataset.ready = "1";
      setUp(form);
    }
  }

  // Loaded by its own page, from the content, so before Material's bundle: run once the page
  // is parsed (the site does not use instant navigation).
  document.addEventListener("DOMContentLoaded", init);
})();
