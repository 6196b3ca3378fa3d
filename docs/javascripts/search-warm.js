// The search worker (il2ref-search.js) builds the search index when the reader reaches for
// search instead of on every page load; this tells it when that is: the search box has the
// focus (a click or tap on it or on the search icon, the "/" or "s" key, or a page opened with
// ?q=, which has the focus before this runs). Material gives the page no handle on its worker,
// so the message goes on a BroadcastChannel; any other open page of this site that has not
// built its index yet builds it too, as it would have at load before.
(function () {
  if (typeof BroadcastChannel === "undefined") return;
  var told = false;
  function searchBox(element) {
    return !!(element && element.matches && element.matches("input.md-search__input"));
  }
  function tell() {
    if (told) return;
    told = true;
    try { new BroadcastChannel("il2ref-search").postMessage("focus"); } catch (e) { /* file:// */ }
  }
  if (searchBox(document.activeElement)) tell();
  else document.addEventListener("focusin", function (event) {
    if (searchBox(event.target)) tell();
  });
})();
