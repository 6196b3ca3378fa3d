"""The print page's in-page links land (il2ref.site.print_anchors), in a page shaped as
mkdocs-print-site-plugin 2.9 leaves it. The hook runs the pass on every print build: the hostile
twins' print page (test_hostile_outputs) and the real site's EPUB (test_export) are checked
link by link."""

from __future__ import annotations

import lxml.html

from conftest import print_page_misses
from il2ref.site import print_anchors

ADDRESS = "https://il2.example.org/print_page/"

# As the plugin writes it: every link is `#<page key>-<id>`; the first id on a line whose first tag
# is h1-h6, sup or li was renamed, every other id was not; a nav group is single-quoted.
PLUGIN_OUTPUT = """<html><body>
<header id="top"><input id="__drawer"><a href="#__drawer">menu</a></header><article>
<div id="print-site-page"><section class="print-page" id="renal" heading-number="1">
<h1 id="renal-renal">Renal<a class="headerlink" href="#renal-renal">&para;</a></h1>
<p>Urine <span class="claim" id="renal-ex-1">under 10 mL/h</span><sup
id="renal-fnref:pi"><a href="#renal-fn:pi">1</a></sup> and <span id="ex-2">oliguria</span><sup
id="fnref2:pi"><a href="#renal-fn:pi">1</a></sup></p>
<p id="note" class="n">A note <a href="#renal-ex-2">see</a>, a form <input
aria-describedby="note msg"><output id="msg"></output></p>
<div class="footnote"><ol><li id="renal-fn:pi"><p>Label <a href="#renal-fnref:pi">back</a><a
href="#renal-fnref2:pi">back</a></p></li></ol></div>
</section><section class='print-page md-section' id='section-2' heading-number='2'>
<h1>Group</h1><section class="print-page" id="management" heading-number="2.1">
<nav class='md-tags'><span class='md-tag'>tag</span></nav><h1 id="management">Management</h1>
<p id="note">Another note: <a href="#renal-ex-1">renal</a> <a href="#renal">page</a>
<a href="#management-management">top</a> <a href="../files/card.pdf">card</a>
<a href="https://example.com/x">away</a> <a href="../changes.xml?a=1&amp;b=2">feed</a></p>
</section></section></div></article><footer id="footer"><a href="../renal/">renal</a></footer>
</body></html>"""


def test_every_link_lands_on_its_own_page_and_each_id_once() -> None:
    before = lxml.html.fromstring(PLUGIN_OUTPUT)
    assert set(print_page_misses(before)) == {  # the plugin's leftovers, as found in the site
        "lands nowhere: #renal-ex-2", "lands nowhere: #renal-fnref2:pi",
        "lands nowhere: #management-management", "id used twice: management",
        "id used twice: note"}
    fixed = print_anchors.fix(PLUGIN_OUTPUT, ADDRESS)
    assert print_page_misses(lxml.html.fromstring(fixed)) == []
    for renamed in ('id="renal-ex-2"', 'id="renal-fnref2:pi"', 'id="renal-note"',
                    '<h1 id="management-management">'):
        assert renamed in fixed
    # an id the plugin renamed, or one that is neither linked nor (any longer) used twice, stays
    for kept in ('<p id="note">Another', 'id="renal-ex-1"', 'id="renal-fnref:pi"', 'id="msg"',
                 "id='section-2'", 'id="top"', 'id="footer"', 'class="print-page" id="management"'):
        assert kept in fixed
    assert 'aria-describedby="renal-note msg"' in fixed  # a reference follows its id


def test_links_to_files_beside_the_pages_point_at_the_published_site() -> None:
    fixed = print_anchors.fix(PLUGIN_OUTPUT, ADDRESS)
    assert 'href="https://il2.example.org/files/card.pdf"' in fixed
    assert 'href="https://il2.example.org/changes.xml?a=1&amp;b=2"' in fixed
    assert 'href="https://example.com/x"' in fixed
    assert 'href="../renal/"' in fixed  # the theme's footer is not part of the book


def test_nothing_but_the_attributes_changes() -> None:
    fixed = print_anchors.fix(PLUGIN_OUTPUT, ADDRESS)
    strip = lambda s: lxml.html.fromstring(s).text_content()  # noqa: E731
    assert strip(fixed) == strip(PLUGIN_OUTPUT)
    assert fixed.count("<") == PLUGIN_OUTPUT.count("<")
    assert print_anchors.fix(fixed, ADDRESS) == fixed  # and a second pass has nothing to do
    alone = "<p id='x'>no print page</p>"
    assert print_anchors.fix(alone, ADDRESS) == alone
