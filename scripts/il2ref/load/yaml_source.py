"""Safe YAML loading that keeps line numbers, so every error can name its place.

PyYAML gives positions only on the node tree, not on the constructed data, so we keep both:
the data for validation and the nodes to map a field path back to `line:col`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from il2ref.core.diagnostics import Diagnostic

# The C loader is several times faster; both are safe (no object construction).
if TYPE_CHECKING:
    _BaseLoader = yaml.SafeLoader
else:
    _BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 1_000_000  # a page file is a few kB; anything this big is a mistake


class Loader(_BaseLoader):
    """SafeLoader that keeps dates as text, so the schema sees exactly what the editor typed."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


@dataclass
class YamlDocument:
    path: str
    data: Any
    root: yaml.Node | None
    text: str = ""  # the file's text: without `root`, positions are found from it on demand

    def _root(self) -> yaml.Node | None:
        """The node tree, composed again if `forget_nodes` dropped it (only errors need it)."""
        if self.root is None and self.text:
            loader = Loader(self.text)
            try:
                self.root = loader.get_single_node()
            finally:
                loader.dispose()
        return self.root

    def forget_nodes(self) -> None:
        """Drop the node tree (thousands of objects per file): a corpus keeps its documents,
        and holding every tree made the garbage collector double validation time at 1,000
        pages. A later `position` parses the text again."""
        self.root = None

    def position(self, path: Sequence[str | int], *, key: bool = False) -> tuple[int, int]:
        """1-based line and column of the node at `path` (or its key), else its nearest parent."""
        node = self._root()
        line, col = (1, 1)
        if node is not None:
            line, col = node.start_mark.line + 1, node.start_mark.column + 1
        for i, part in enumerate(path):
            nxt = None
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if k.value == part:
                        last = i == len(path) - 1
                        nxt = k if (key and last) else v
                        break
            elif (isinstance(node, yaml.SequenceNode) and isinstance(part, int)
                  and 0 <= part < len(node.value)):
                nxt = node.value[part]
            if nxt is None:
                break
            node = nxt
            line, col = node.start_mark.line + 1, node.start_mark.column + 1
        return line, col


_CONTROL_NAMES = {0x00: "null", 0x07: "bell", 0x08: "backspace", 0x0B: "vertical tab",
                  0x0C: "form feed", 0x1B: "escape", 0x7F: "delete", 0xFFFE: "non-character",
                  0xFFFF: "non-character"}


def _reader_problem(exc: yaml.reader.ReaderError, text: str) -> Diagnostic | None:
    """A character YAML refuses (a pasted control character): name it and say where."""
    if not isinstance(exc.character, int):
        return None
    before = text[: exc.position]
    line, col = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
    code = exc.character
    name = _CONTROL_NAMES.get(code, "control character")
    return Diagnostic("", line, col, "(syntax)",
                      f"the file holds an invisible character here, U+{code:04X} ({name}), "
                      "which YAML does not allow; delete it (it usually comes with pasted "
                      "text)", "E001")


def _friendly(problem: str, line_text: str = "") -> str:
    indent = line_text[: len(line_text) - len(line_text.lstrip())]
    # The word "tab", not the letters: "unacceptable" holds them too.
    if "\t" in indent or "\t" in problem or re.search(r"\btabs?\b", problem.lower()):
        return "a tab character is used for indentation; indent with spaces only"
    if "could not determine a constructor" in problem:
        return "YAML tags such as !!python/... are not allowed; write plain text, lists and maps"
    return problem


def load(path: Path, display: str) -> tuple[YamlDocument | None, list[Diagnostic]]:
    """Read one YAML file safely. Returns the document, or None with diagnostics."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        return None, [
            Diagnostic(display, 1, 1, "(file)",
                       f"file is {size:,} bytes, over the {MAX_BYTES:,}-byte limit for one page; "
                       "split it or remove pasted material", "E004")
        ]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            Diagnostic(display, line, col, "(file)",
                       "file is not UTF-8 text; save it as UTF-8", "E002")
        ]
    if not text.strip() or all(
        ln.strip().startswith("#") for ln in text.splitlines() if ln.strip()
    ):
        return None, [Diagnostic(display, 1, 1, "(file)", "file is empty", "E003")]

    loader = None
    try:
        loader = Loader(text)  # the pure-Python reader checks characters here already
        root = loader.get_single_node()
        dupes = _duplicate_keys(root, display)
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or str(exc)
        lines = text.splitlines()
        line_text = lines[line - 1] if 0 < line <= len(lines) else ""
        return None, [
            Diagnostic(display, line, col, "(syntax)", _friendly(problem, line_text), "E001")
        ]
    except yaml.reader.ReaderError as exc:
        found = _reader_problem(exc, text)
        if found is not None:
            return None, [Diagnostic(display, found.line, found.col, found.field,
                                     found.message, found.code)]
        return None, [Diagnostic(display, 1, 1, "(syntax)", _friendly(str(exc)), "E001")]
    except yaml.YAMLError as exc:
        return None, [Diagnostic(display, 1, 1, "(syntax)", _friendly(str(exc)), "E001")]
    finally:
        if loader is not None:
            loader.dispose()
    if data is None:
        return None, [Diagnostic(display, 1, 1, "(file)", "file is empty", "E003")]
    return YamlDocument(display, data, root, text), dupes


def _duplicate_keys(node: yaml.Node | None, display: str) -> list[Diagnostic]:
    """PyYAML keeps the last of two equal keys silently; an editor would lose the first."""
    found: list[Diagnostic] = []
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for k, v in current.value:
                name = str(k.value)
                if name in seen:
                    found.append(Diagnostic(
                        display, k.start_mark.line + 1, k.start_mark.column + 1, name,
                        f"key appears twice in the same block (first on line {seen[name]})",
                        "E022"))
                else:
                    seen[name] = k.start_mark.line + 1
                stack.append(v)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return found
