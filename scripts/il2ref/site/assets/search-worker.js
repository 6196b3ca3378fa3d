// The site's search worker: Material's own worker, loaded below, with each query made to say
// what the reader meant before Material reads it. Material ends every word with a prefix
// wildcard and skips the stop-word filter for such words, so "on", "in" or "to" matched every
// word they begin ("ondansetron", "infection", "tocilizumab") and a reader's "low platelets on
// il2" landed on whichever page held the longest list of such words. Material has no setting
// for its query (its worker builds it), hence this wrapper; the build writes it
// (il2ref.site.search_worker) with the data below and points Material's config at it.
//   - stop words are dropped, unless the query is nothing else, and so is "vs" after the first
//     word ("IL-2 vs endotoxin": versus, not vital signs);
//   - a reader's word from the vocabulary also asks for the term it stands for ("advil" asks
//     for ibuprofen too), at a tenth of the weight of what was typed;
//   - words naming what every page is about (IL-2, aldesleukin: the vocabulary's site_words)
//     are dropped beside other words: they cannot tell one page from another;
//   - each word is stemmed as the index is (mkdocs.yml's pipeline), because Material's
//     wildcard skips lunr's own stemming of the query: "agitated" finds "agitation";
//   - each word counts ten times as much where it stands whole as where a word only begins
//     with it, and words of one to three letters (UO, AF, K, o2) match only whole;
//   - a word of seven letters or more also matches its near spellings (one slip: lunr's edit
//     distance), so a tired "thrombocytopinia" still finds its page; two slips matched
//     unrelated words ("reconstitution" found "constitutional"), so the vocabulary lists
//     the common worse ones.
// Messages from the page reach this listener first (it is added before Material's script).
var IL2REF = __IL2REF_DATA__;
(function () {
  var here = typeof document !== "undefined" && document.currentScript
    ? document.currentScript.src : self.location.href;
  var site = {};
  IL2REF.siteWords.forEach(function (w) { site[w.toLowerCase()] = true; });
  var longest = 1;
  Object.keys(IL2REF.terms).forEach(function (w) {
    longest = Math.max(longest, w.split(" ").length);
  });

  // The terms the reader's words stand for (the vocabulary), found as whole words or runs of
  // words in the query: "advil" adds "ibuprofen", so every page about ibuprofen answers too.
  function termsOf(words) {
    var lower = words.map(function (w) { return w.toLowerCase(); }), found = [];
    for (var n = Math.min(longest, lower.length); n >= 1; n--) {
      for (var i = 0; i + n <= lower.length; i++) {
        var term = IL2REF.terms[lower.slice(i, i + n).join(" ")];
        if (term && found.indexOf(term) < 0) found.push(term);
      }
    }
    return found.join(" ").split(" ").filter(function (w) {
      return w && lower.indexOf(w.toLowerCase()) < 0;
    });
  }

  function stop(word) {
    return !!self.lunr && self.lunr.stopWordFilter(word) === undefined;
  }

  function stemmed(word) {
    if (!self.lunr) return word;
    var token = self.lunr.trimmer(new self.lunr.Token(word.toLowerCase()));
    var stem = token ? self.lunr.stemmer(token).toString() : word;
    return stem || word;
  }

  function plain(word) {  // no lunr syntax: + - at the start, * ~ ^ : anywhere, or a quote
    return /^[^+\-"*~^:][^"*~^:]*$/.test(word);
  }

  function rewrite(query) {
    if (/"/.test(query)) return query;  // a quoted phrase: the reader chose the syntax
    var typed = query.trim().split(/\s+/).filter(Boolean);
    if (!typed.length || !typed.every(plain)) return query;
    // "vs" after the first word is "versus" (a comparison), not vital signs ("VS frequency").
    typed = typed.filter(function (w, i) { return !(i > 0 && /^(vs|versus)$/i.test(w)); });
    // Site words as typed ("IL-2"), then the parts lunr would index ("in-line": in, line).
    var specific = typed.filter(function (w) { return !site[w.toLowerCase()]; });
    if (!specific.length) specific = typed;
    var words = [];
    specific.forEach(function (w) { words.push.apply(words, w.split(/-+/).filter(Boolean)); });
    var kept = words.filter(function (w) { return !stop(w.toLowerCase()); });
    if (!kept.length) return query;
    var added = termsOf(typed).filter(function (w) { return !stop(w.toLowerCase()); });
    return kept.map(function (w) {
      var n = w.length, stem = stemmed(w);
      // The word itself (^10: no wildcard, so lunr's own pipeline stems it as the index was,
      // and ten times the weight of what only begins with it: "labs" must find labs before
      // "label" and "labile"). Words of one to three letters match themselves only: as a
      // prefix, "CLS" matched every tag beginning "cl" on other pages.
      if (n <= 3) return w + "^10";
      // Then as a prefix (a word still being typed; Material adds the wildcard and lunr runs
      // no pipeline, so it is stemmed here), and a long word within one slip.
      return w + "^10 " + stem + (n >= 7 ? " " + w + "~1" : "");
    }).concat(added.map(function (w) { return w + "^1"; })).join(" ");
  }

  // The index is built when the reader reaches for search, not on every page load. Material
  // builds it as soon as a page opens (0.3-0.8 s of a core here, on every page, for the
  // readers who never search); its own file:// path already waits until search is opened. So
  // in a real worker the page's index (SETUP) is kept and answered "ready" at once; the build
  // starts when the page says the search box has the focus (search-warm.js, on a
  // BroadcastChannel: the page cannot reach the worker Material made) or at the first query,
  // whichever is first. Queries that arrive meanwhile wait, in order, for Material's own
  // "ready", which is not passed on (the page had its one). An empty query, Material's
  // first, is answered as Material answers it: no items. In the file:// shim (a page, not a
  // worker) nothing changes. IL2REF.index says where it is (no index yet, kept, building,
  // built; or eager, as Material alone), for the tests.
  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
  var waits = typeof document === "undefined" && typeof BroadcastChannel !== "undefined";
  var setup = null, waiting = [], replaying = false, post = self.postMessage.bind(self);
  IL2REF.index = waits ? "none" : "eager";

  function replay(message) {  // through every listener again: the rewrite, then Material's
    replaying = true;
    try { self.dispatchEvent(new MessageEvent("message", { data: message })); }
    finally { replaying = false; }
  }

  function build() {
    if (IL2REF.index !== "kept") return;
    IL2REF.index = "building";
    replay(setup);
  }

  if (waits) {
    self.postMessage = function (message) {
      if (IL2REF.index === "building" && message && message.type === READY) {
        IL2REF.index = "built";
        waiting.splice(0).forEach(replay);
        return;
      }
      post(message);
    };
    new BroadcastChannel("il2ref-search").onmessage = function (event) {
      if (event.data === "focus") { IL2REF.wanted = true; build(); }
    };
  }

  addEventListener("message", function (event) {
    mendTokenSet();  // before Material's listener builds the index from SETUP
    var message = event.data;
    if (waits && !replaying && message && IL2REF.index !== "built") {
      if (message.type === SETUP) {
        event.stopImmediatePropagation();
        setup = message;
        IL2REF.index = "kept";
        post({ type: READY });
        if (IL2REF.wanted) build();
        return;
      }
      if (message.type === QUERY && setup) {
        event.stopImmediatePropagation();
        if (IL2REF.index === "kept" && !String(message.data).trim()) {
          post({ type: RESULT, data: { items: [] } });
          return;
        }
        waiting.push(message);
        build();
        return;
      }
    }
    if (message && message.type === QUERY && typeof message.data === "string") {
      message.data = rewrite(message.data);
    }
  });
  importScripts(new URL(IL2REF.material, here).href);
  // lunr 2.3.9 (inside Material's worker) stores the index's words in a TokenSet built by
  // fromArray, which merges equal word endings into shared nodes; for some sets of words the
  // merge lists a word no page has (here "30,000–50,004" beside "30,000–50,000", after an
  // unrelated edit). A query that reaches such a word throws in lunr's Index.query, and
  // Material then answers nothing: "grade 3" or "held 3 doses" found no page at all (lunr
  // issue #279, open, no option to avoid it). Built here as a plain tree of the same words,
  // nothing merged: a few thousand words, a little more memory, the same answers. Mended as
  // soon as lunr is there: after Material's script in a worker, at the first message in the
  // file:// shim (whose importScripts returns before the script has run).
  function mendTokenSet() {
    var lunr = self.lunr;
    if (!lunr || lunr.TokenSet.fromArray.il2ref) return;
    lunr.TokenSet.fromArray = function (words) {
      var root = new lunr.TokenSet();
      words.forEach(function (word) {
        var node = root;
        for (var i = 0; i < word.length; i++) {
          var c = word.charAt(i);
          node = node.edges[c] || (node.edges[c] = new lunr.TokenSet());
        }
        node.final = true;
      });
      return root;
    };
    lunr.TokenSet.fromArray.il2ref = true;
  }
  mendTokenSet();
})();
