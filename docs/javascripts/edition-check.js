// The bedside card's QR code opens this page with ?edition=<release tag or commit> of the
// printed card (il2ref.render.qr). When that is not this page's edition, say so and point to
// what changed. Without script, or without the parameter, nothing shows.
// A link can be made by anyone: only a value of the edition grammar (the box's data-edition,
// written by the card template) is ever shown, and only as text. Anything else gets the plain
// refusal, without the value, so a crafted link cannot put its words on the card.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-edition-check]");
  const printed = new URLSearchParams(location.search).get("edition");
  if (!box || !printed) return;
  if (!new RegExp(box.dataset.edition).test(printed)) {
    box.querySelector("[data-unknown]").hidden = false;
  } else {
    box.querySelector("[data-printed]").textContent = printed;
    box.querySelector(printed === box.dataset.ref ? "[data-same]" : "[data-differs]").hidden = false;
    box.querySelector("[data-known]").hidden = false;
  }
  box.hidden = false;
});
