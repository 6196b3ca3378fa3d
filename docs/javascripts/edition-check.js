// The bedside card's QR code opens this page with ?edition=<release tag or commit> of the
// printed card (il2ref.render.qr). When that is not this page's edition, say so and point to
// what changed. Without script, or without the parameter, nothing shows.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-edition-check]");
  const printed = new URLSearchParams(location.search).get("edition");
  if (!box || !printed) return;
  const same = printed === box.dataset.ref;
  box.querySelector("[data-printed]").textContent = printed;
  box.querySelector(same ? "[data-same]" : "[data-differs]").hidden = false;
  box.hidden = false;
});
