"""Property-based tests (Hypothesis) for the parts every statement passes through: the YAML
loader, the validator, lab-value parsing with SI conversion, and escaping. Generated input may
fail only with a diagnostic (file:line:col and a code), never a traceback, and no generated
text may become live markup. Case counts are printed by --hypothesis-show-statistics."""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path
from typing import Any

import lxml.html
import markdown
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from il2ref.core.model import Threshold
from il2ref.core.units import NUMBER, parse_lab
from il2ref.load import yaml_source
from il2ref.load.corpus import load_corpus
from il2ref.render.inline import prose

# The site's own Markdown extensions (mkdocs.yml), snippets aside (it reads files).
EXTENSIONS = ["abbr", "admonition", "attr_list", "footnotes", "tables",
              "pymdownx.blocks.caption", "pymdownx.details", "pymdownx.superfences"]
CASES = settings(max_examples=150, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture,
                                        HealthCheck.too_slow])
DIAGNOSTIC = re.compile(r"^[^:]+:\d+:\d+: .+ \[[EWN]\d{3}\]$")
GOOD = yaml.safe_load((FIXTURES / "mini" / "docs" / "data" / "good.yaml").read_text(
    encoding="utf-8"))

# Any YAML value: what a careless editor can put where another value belongs.
values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=6)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*path, i))
    return out


PATHS = [p for p in _paths(GOOD) if p]


@CASES
@given(text=st.text(max_size=400))
def test_any_text_loads_or_gets_a_diagnostic(tmp_path: Path, text: str) -> None:
    target = tmp_path / "page.yaml"
    target.write_text(text, encoding="utf-8", errors="surrogatepass")
    doc, problems = yaml_source.load(target, "docs/data/page.yaml")
    assert (doc is None) == bool(problems) or doc is not None
    for p in problems:
        assert DIAGNOSTIC.match(str(p)), str(p)
        assert p.line >= 1 and p.col >= 1


@CASES
@given(where=st.sampled_from(PATHS), value=values)
# Found by this test, kept as fixed regressions: a list as a label version crashed the label
# check (TypeError), and a key holding a newline broke the one-line message form.
@example(where=("sections", 0, "excerpts", 1, "label_version"), value=[None])
@example(where=("sections", 0, "excerpts", 1, "sources", 0), value={"\n": None})
def test_any_value_anywhere_gets_a_diagnostic_never_a_traceback(
        tmp_path_factory: Any, where: tuple[Any, ...], value: Any) -> None:
    project = tmp_path_factory.mktemp("p")
    shutil.copytree(FIXTURES / "mini", project, dirs_exist_ok=True)
    data = copy.deepcopy(GOOD)
    node = data
    for part in where[:-1]:
        node = node[part]
    node[where[-1]] = value
    (project / "docs" / "data" / "good.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _, diagnostics = load_corpus(project)
    for d in diagnostics:
        assert DIAGNOSTIC.match(str(d)), str(d)


numbers = st.from_regex(rf"\A(?:{NUMBER})\Z")


@CASES
@given(measure=st.sampled_from(["creatinine", "bilirubin"]), low=numbers)
def test_every_number_of_the_grammar_is_read_exactly(measure: str, low: str) -> None:
    parsed = parse_lab(f"{measure} {low} mg/dL")
    assert isinstance(parsed, Threshold)
    assert parsed.value == float(low.replace(",", ""))


@CASES
@given(inner=st.text(max_size=40))
def test_any_text_in_braces_is_read_or_refused_with_a_reason(inner: str) -> None:
    parsed = parse_lab(inner)
    assert isinstance(parsed, Threshold | str)
    if isinstance(parsed, Threshold):  # only the grammar's own form is ever read
        assert re.fullmatch(rf"\S+ (?:{NUMBER})(?: ?[–-] ?(?:{NUMBER}))? ?\S+", inner)


@CASES
@given(text=st.text(max_size=200))
def test_no_text_becomes_live_markup(text: str) -> None:
    """Whatever an editor types, the page shows it: no element, link, citation or
    footnote comes out of it (the site's own Markdown extensions included)."""
    html = markdown.markdown(str(prose(text)), extensions=EXTENSIONS)
    body = re.sub(r"^<p>|</p>$", "", html.strip())
    assert "<" not in body.replace("&lt;", ""), (text, html)
    assert "[@" not in body and "[^" not in body


# The escaping boundary, case by case: text that Markdown (with the site's extensions) or
# pymdownx would read as structure at the start of a line or anywhere in it.
@pytest.mark.parametrize("text", [
    "1. a numbered list", "1) a list", "# a heading", "> a quote", "- a bullet", "+ a bullet",
    "= a setext line", ": a definition", "&amp; an entity", "&#60; a numeric entity",
    "\\bibliography", "--8<-- \"docs/includes/abbreviations.md\"", "[@textor1987]",
    "[^1] a footnote", "*emphasis* and __strong__", "`code`", "<b>bold</b>",
    "| a | table |", "!!! warning \"admonition\"", "[a link](https://example.org)",
    "![an image](x.png)", "{ #id .class }", "*[IL-2]: an abbreviation", "    indented code",
    "??? details \"collapsed\"", "/// caption", "$x$ maths", "~~struck~~",
])
def test_each_markup_form_is_shown_as_typed(text: str) -> None:
    html = markdown.markdown(str(prose(text)), extensions=EXTENSIONS)
    body = re.sub(r"^<p>|</p>$", "", html.strip())
    assert "<" not in body.replace("&lt;", ""), (text, html)
    shown = lxml.html.fromstring(f"<div>{html}</div>").text_content()
    assert " ".join(shown.split()) == " ".join(text.split()), (text, shown)


def _both_ways(text: str) -> tuple[Any, Any]:
    """(PyYAML's construct_document, yaml_source's _construct) of one text, as `_read` reaches
    them: each the data, the error's class and problem, or E006 for an alias loop or bomb."""
    out = []
    for build in (lambda loader, root: loader.construct_document(root),
                  yaml_source._construct):
        loader = yaml_source.Loader(text)
        try:
            root = loader.get_single_node()
            if root is not None and yaml_source._alias_problem(root, "x") is not None:
                out.append("E006")  # refused before anything walks it, both ways (`_read`)
            else:
                out.append(None if root is None else build(loader, root))
        except (yaml.YAMLError, RecursionError) as exc:
            out.append((type(exc).__name__, getattr(exc, "problem", str(exc))))
        finally:
            loader.dispose()
    return out[0], out[1]


# Every kind of node PyYAML's safe constructor knows, and its refusals.
YAML_FORMS = [
    "a: 1\nb: 1.5\nc: true\nd: ~\ne: 2026-01-02\nf: '007'\ng: 0x1F\nh: .inf\ni: 1_000\n",
    "- a\n- [1, 2, {b: c}]\n- {}\n- []\n- ''\n- null\n- NO\n- yes\n",
    "base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\nlist: [*b, *b]\n",
    "? [a, b]\n: c\n", "? {a: 1}\n: c\n", "a: !!set {x, y}\n", "a: !!omap [x: 1, y: 2]\n",
    "a: !!pairs [x: 1, x: 2]\n", "a: !!binary aGVsbG8=\n", "a: !!str 12\n", "a: !!int '12'\n",
    "a: !!float 1\n", "a: !custom x\n", "a: !!python/object:os.system x\n", "1: one\n~: none\n",
    "a: 1\na: 2\n", "a: &x [1, *x]\n", "'quoted': \"double \\x41\"\n", "[" * 300 + "]" * 300,
]


@pytest.mark.parametrize("text", YAML_FORMS)
def test_the_fast_reading_gives_pyyamls_data_for_every_form(text: str) -> None:
    pyyaml, ours = _both_ways(text)
    assert ours == pyyaml


@given(text=st.text(max_size=300) | st.from_regex(
    r"\A([ -]{0,4}[a-z<]{1,3}: (&a |\*a |!!\w{3,5} )?[\w.{}\[\],:'\"-]{0,8}\n){1,6}\Z"))
@settings(max_examples=300)
def test_the_fast_reading_gives_pyyamls_data_for_any_text(text: str) -> None:
    pyyaml, ours = _both_ways(text)
    assert ours == pyyaml


def test_the_fast_reading_gives_pyyamls_data_for_every_real_and_fixture_file() -> None:
    files = [*sorted((FIXTURES.parent.parent / "docs" / "data").rglob("*.yaml")),
             *sorted(FIXTURES.rglob("*.yaml"))]
    assert len(files) > 40
    for file in files:
        text = file.read_text(encoding="utf-8", errors="replace")
        pyyaml, ours = _both_ways(text)
        assert ours == pyyaml, file


# The JSON editions are written by il2ref.render.data.json_text, which must give exactly the
# text of json.dumps(value, ensure_ascii=False, indent=2).
_JSON_SCALARS = (st.none() | st.booleans() | st.integers() | st.floats()
                 | st.text(alphabet=st.characters(codec="utf-8")))
_JSON_VALUES = st.recursive(_JSON_SCALARS, lambda inner: (
    st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(st.text() | st.integers() | st.floats() | st.booleans() | st.none(),
                      inner, max_size=4)), max_leaves=30)


@CASES
@given(_JSON_VALUES)
@example({"nan": float("nan"), 2: [float("inf"), -0.0, 1e16], None: {}, True: [[]]})
def test_json_editions_are_written_as_json_dumps_writes_them(value: Any) -> None:
    import json

    from il2ref.render.data import json_text

    assert json_text(value) == json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def test_the_built_json_editions_are_json_dumps_text(built_site: Path) -> None:
    import json

    written = sorted((built_site / "files").glob("*.json"))
    assert len(written) == 3  # the data, its schema, the FHIR bundle
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n" == text, path


def test_json_text_refuses_what_json_refuses() -> None:
    from il2ref.render.data import json_text

    for bad in ({"set": {1}}, [object()], {(1, 2): "tuple key"}):
        with pytest.raises(TypeError):
            json_text(bad)
