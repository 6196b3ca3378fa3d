"""A rebuild reuses what an edit did not change (issue #27, il2ref.site.rebuild_cache): after
each kind of edit an editor makes, the site rebuilt in `make serve`'s process, and the site
rebuilt by a new process with `.cache/` kept from the build before (first filled in another
folder), are byte-identical to a build of the same files by a new process with nothing kept
and every page converted whole (none in parts)."""

from __future__ import annotations

import filecmp
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from conftest import ENV, copy_project
from il2ref.site import rebuild_cache
from il2ref.tools.rebuild_probe import apply


def _copied_page(project: Path) -> str:
    """A new page file: an existing one with every id, the title and the order changed."""
    data = yaml.safe_load((project / "docs/data/mechanism.yaml").read_text(encoding="utf-8"))

    def rename(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "id" and isinstance(value, str):
                    node[key] = f"copy-{value}"
                else:
                    rename(value)
        elif isinstance(node, list):
            for value in node:
                rename(value)

    rename(data)
    data["title"], data["order"] = "A copied page", int(data.get("order", 0)) + 50
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _steps(project: Path) -> list[tuple[str, list[dict[str, str | None]]]]:
    """Every kind of edit an editor makes, a few to a rebuild (each step is compared whole, so
    a result reused when it should not have been shows in that step's pages)."""
    edited: dict[str, str] = {}

    def changed(path: str, old: str, new: str) -> dict[str, str | None]:
        text = edited.get(path) or (project / path).read_text(encoding="utf-8")
        assert old in text, (path, old)
        edited[path] = text.replace(old, new, 1)
        return {"path": path, "text": edited[path]}

    outline = sorted((project / "docs/data/sources").glob("*.yaml"))[0].relative_to(project)
    return [
        ("an excerpt's claim", [changed("docs/data/renal.yaml", "claim: ", "claim: Edited. ")]),
        ("a rule, a source outline, a reference, the abbreviations every page appends, "
         "the readers' words", [
             changed("docs/data/renal.yaml", "criterion: ", "criterion: Edited "),
             changed(outline.as_posix(), "title: ", "title: Edited "),
             changed("references.bib", "title = {", "title = {Edited "),
             changed("docs/includes/abbreviations.md", "*[",
                     "*[XYZQ]: An edited abbreviation\n*["),
             changed("docs/includes/vocabulary.yaml", "synonym: [pitting oedema,",
                     "synonym: [edited swelling, pitting oedema,")]),
        ("a hand-written page, the site's settings, a theme template, a page file added", [
            changed("docs/about.md", "\n## ", "\nAn edited line.\n\n## "),
            changed("mkdocs.yml", "copyright: ", "copyright: Edited. "),
            changed("scripts/il2ref/site/theme/main.html",
                    '#report-an-error">Report an error in this page',
                    '#report-an-error">Report an error on this page'),
            {"path": "docs/data/copied-page.yaml", "text": _copied_page(project)}]),
        ("that file deleted", [{"path": "docs/data/copied-page.yaml", "text": None}]),
    ]


def _differences(one: Path, two: Path) -> list[str]:
    found: list[str] = []

    def walk(cmp: filecmp.dircmp[str], here: str) -> None:
        found.extend(f"{here}{name} (only in one)" for name in cmp.left_only + cmp.right_only)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files,
                                               shallow=False)
        found.extend(f"{here}{name}" for name in mismatch + errors)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{here}{name}/")

    walk(filecmp.dircmp(one, two), "")
    return found


def _probe(project: Path, *args: str, whole: bool = False) -> None:
    env = {**ENV, "IL2REF_WHOLE_PAGES": "1"} if whole else ENV
    out = subprocess.run([sys.executable, "-m", "il2ref.tools.rebuild_probe", *args],
                         cwd=project, env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]


def test_every_rebuild_equals_a_clean_build(tmp_path: Path, built_site: Path) -> None:
    served = copy_project(tmp_path / "served", cache=False)
    steps = _steps(served)
    (tmp_path / "steps.json").write_text(json.dumps([e for _, e in steps]), encoding="utf-8")
    _probe(served, "--steps", str(tmp_path / "steps.json"), str(tmp_path / "served-sites"))

    # The warm copy starts with the .cache/ the checkout's own build (built_site, the same
    # files in another folder) left: what is kept does not depend on where the project is.
    clean = copy_project(tmp_path / "clean", cache=False)
    warm = copy_project(tmp_path / "warm")
    (tmp_path / "none.json").write_text("[]", encoding="utf-8")
    _probe(warm, "--steps", str(tmp_path / "none.json"), str(tmp_path / "warm-0"))
    from_elsewhere = json.loads((tmp_path / "warm-0/reused.json").read_text("utf-8"))[0]
    warm_reused = []
    for n, (what, edits) in enumerate(steps, start=1):
        for edit in edits:
            apply(clean, edit)
            apply(warm, edit)
        # New processes: the clean one with nothing kept from any build before.
        shutil.rmtree(clean / ".cache", ignore_errors=True)
        _probe(clean, "--steps", str(tmp_path / "none.json"), str(tmp_path / f"clean-{n}"),
               whole=True)
        _probe(warm, "--steps", str(tmp_path / "none.json"), str(tmp_path / f"warm-{n}"))
        warm_reused.append(json.loads((tmp_path / f"warm-{n}/reused.json").read_text("utf-8")))
        assert _differences(tmp_path / "served-sites" / str(n),
                            tmp_path / f"clean-{n}" / "0") == [], what
        assert _differences(tmp_path / f"warm-{n}" / "0",
                            tmp_path / f"clean-{n}" / "0") == [], what
    # The edits reached the pages: the comparison is not of two unchanged sites.
    sites = tmp_path / "served-sites"
    assert "Edited." in (sites / "1/renal/index.html").read_text("utf-8")
    assert "Edited Autoimmune" in (sites / "2/cardiovascular/index.html").read_text("utf-8")
    assert "XYZQ" in (sites / "2/glossary/index.html").read_text("utf-8")
    assert "Report an error on this page" in (sites / "3/renal/index.html").read_text("utf-8")
    assert (sites / "3/copied-page/index.html").is_file()
    assert not (sites / "4/copied-page").exists()
    # And the rebuilds did reuse (else the comparisons prove nothing about reuse): after the
    # claim, every page's HTML but the two that show it (renal and Statements by source).
    reused = json.loads((sites / "reused.json").read_text("utf-8"))
    pages = len(list((sites / "1").rglob("index.html")))
    assert reused[0] == {}
    assert reused[1]["Markdown"] == reused[1]["template"] == reused[1]["search"] == pages - 2
    assert reused[1]["finish"] == pages - 2 + 1, reused[1]  # and 404.html
    # Statements by source was converted in parts: again only the sources' parts that show
    # the edited statement (the intro and every other source's part were kept).
    by_source = (sites / "1/by-source/index.html").read_text("utf-8")
    sources = by_source.split('<div class="source-records">')[1:]
    edited = [s for s in sources if "Edited." in s]
    assert len(sources) > 20 and 1 <= len(edited) <= 3, (len(sources), len(edited))
    assert reused[1]["part"] == len(sources) + 1 - len(edited), reused[1]
    # The new process read the same pages' HTML from .cache/; after the file list changed
    # (a page added, then deleted) nothing could be.
    assert warm_reused[0][0] == {"Markdown": pages - 2}, warm_reused[0]
    # Most pages came from the other folder's build (a `mkdocs build`: the few pages whose
    # Markdown differs under `make serve`, the edition and the addresses, were converted).
    assert from_elsewhere.get("Markdown", 0) > pages * 2 // 3, from_elsewhere
    assert warm_reused[2][0] == {}, warm_reused[2]


def test_no_theme_template_reads_the_build_time() -> None:
    """A page's theme output is reused without `build_date_utc` in its key (it changes every
    build): true only while no template of Material's or the site's reads it."""
    import material

    from conftest import ROOT

    folders = [Path(material.__file__).parent / "templates", ROOT / "scripts/il2ref/site/theme"]
    templates = [f for folder in folders for f in folder.rglob("*")
                 if f.suffix in (".html", ".xml", ".tpl", ".js") and ".icons" not in f.parts]
    assert len(templates) > 50  # Material's templates were found
    assert [f for f in templates if "build_date_utc" in f.read_text("utf-8", "replace")] == []


START = '<div class="part" markdown="1">'
TRICKY = f"""# A page in parts

Text with an abbreviation, IL-2, and a [link](renal.md#top).

<form class="raw"><input name="q"></form>

{START}

## First {{ #first }}

- a list item
- another, *emphasised*

| A | B |
|---|---|
| 1 | 2 |

</div>

{START}

## Second

```text
code in a fence
```

!!! note "An admonition"
    Inside it.

</div>

<p class="raw-end">Raw HTML last.</p>
"""


def _page(monkeypatch: Any, markdown: str) -> tuple[Any, Any, Any]:
    """A real MkDocs page of this site's settings, with `markdown` as its text."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page

    from conftest import ROOT

    monkeypatch.chdir(ROOT)  # the snippets extension appends the glossary from here
    config = load_config(str(ROOT / "mkdocs.yml"))
    files = Files([File(name, str(ROOT / "docs"), "/tmp/site", True)
                   for name in ("part.md", "renal.md")])
    page = Page(None, files.get_file_from_path("part.md"), config)
    page.meta = {rebuild_cache.PARTS_META: START}
    page.markdown = markdown
    return page, config, files


def test_a_page_converted_in_parts_equals_the_page_converted_whole(monkeypatch: Any) -> None:
    page, config, files = _page(monkeypatch, TRICKY)
    parts = rebuild_cache._parts(TRICKY, page)
    assert parts is not None and len(parts) == 3
    joined = rebuild_cache._convert_in_parts(parts, page, config, files, page.render)
    assert page.markdown == TRICKY  # put back after the parts
    page.render(config, files)
    whole = rebuild_cache._result(page)
    assert joined == whole
    assert '<abbr title="' in whole["content"] and 'id="second"' in whole["content"]
    assert [i[1] for i in whole["toc"][0][3]] == ["first", "second"]  # nested under the h1


def test_a_page_is_converted_whole_where_one_part_could_read_another(monkeypatch: Any) -> None:
    page, config, files = _page(monkeypatch, TRICKY)
    # Page-wide state: a footnote, a reference definition, an abbreviation of its own.
    for extra in ("A note.[^1]\n\n[^1]: The note.", "[a link][ref]\n\n[ref]: renal.md",
                  "*[XQZ]: An abbreviation"):
        assert rebuild_cache._parts(TRICKY + "\n" + extra + "\n", page) is None, extra
    # The same heading in two parts: the whole page would have made the second id unique.
    twice = TRICKY.replace("## Second", "## First again").replace("{ #first }", "")
    twice = twice.replace("## First again", "## First")
    parts = rebuild_cache._parts(twice, page)
    assert parts is not None
    assert rebuild_cache._convert_in_parts(parts, page, config, files, page.render) is None
    monkeypatch.setenv("IL2REF_WHOLE_PAGES", "1")
    assert rebuild_cache._parts(TRICKY, page) is None
    page.meta = {}
    monkeypatch.delenv("IL2REF_WHOLE_PAGES")
    assert rebuild_cache._parts(TRICKY, page) is None


def test_under_serve_mkdocs_finds_the_same_theme_files(monkeypatch: Any) -> None:
    """MkDocs' own search for the theme's static files, through the environment that keeps
    the installed folders' filtered listing, finds what it finds through its own; only the
    installed folder is kept, the project's own theme folder is listed at every build."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    from conftest import ROOT

    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(rebuild_cache, "_THEME_FILES", {})
    found = []
    for serving in (False, True, True):  # the second serve build uses what the first kept
        monkeypatch.setitem(rebuild_cache.ON, "serving", serving)
        config = load_config(str(ROOT / "mkdocs.yml"))
        rebuild_cache.reuse_theme_listing(config)
        files = Files([])
        files.add_files_from_theme(config.theme.get_env(), config)
        found.append(sorted((f.src_uri, f.abs_src_path) for f in files))
    assert len(found[0]) > 20 and found[0] == found[1] == found[2]  # Material's assets
    kept = {Path(key[0]).resolve() for key in rebuild_cache._THEME_FILES}
    assert Path(material_templates()).resolve() in kept
    assert (ROOT / "scripts/il2ref/site/theme").resolve() not in kept


def material_templates() -> str:
    import material

    return str(Path(material.__file__).parent / "templates")
