"""Safe YAML loading that keeps line numbers, so every error can name its place.

PyYAML gives positions only on the node tree, not on the constructed data, so we keep both:
the data for validation and the nodes to map a field path back to `line:col`.
"""

from __future__ import annotations

import copy
import re
import unicodedata
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


_PLAIN_NAME = re.compile(r"[A-Za-z_$][\w$-]*\Z")


def field_name(path: Sequence[str | int]) -> str:
    """sections[0].excerpts[1].claim; a name that is not a plain word is quoted, so a key
    typed with a newline or a colon cannot break the one-line `file:line:col: field:` form."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not _PLAIN_NAME.match(str(part)):
            out += f"[{str(part)!r}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top)"


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


# ---------------------------------------------------------------------------------------------
# Characters a reader cannot see

# Unicode gives control characters no names (unicodedata.name fails for them), only aliases:
# these are the C0 aliases, so a message can say "U+001B ESCAPE" as it says "U+202E
# RIGHT-TO-LEFT OVERRIDE".
_C0 = ("NULL", "START OF HEADING", "START OF TEXT", "END OF TEXT", "END OF TRANSMISSION",
       "ENQUIRY", "ACKNOWLEDGE", "ALERT", "BACKSPACE", "CHARACTER TABULATION", "LINE FEED",
       "LINE TABULATION", "FORM FEED", "CARRIAGE RETURN", "SHIFT OUT", "SHIFT IN",
       "DATA LINK ESCAPE", "DEVICE CONTROL ONE", "DEVICE CONTROL TWO", "DEVICE CONTROL THREE",
       "DEVICE CONTROL FOUR", "NEGATIVE ACKNOWLEDGE", "SYNCHRONOUS IDLE",
       "END OF TRANSMISSION BLOCK", "CANCEL", "END OF MEDIUM", "SUBSTITUTE", "ESCAPE",
       "INFORMATION SEPARATOR FOUR", "INFORMATION SEPARATOR THREE",
       "INFORMATION SEPARATOR TWO", "INFORMATION SEPARATOR ONE")


def invisible(char: str, *, typed: bool = True) -> bool:
    """A character no reader sees, or one that changes what they see around it: control
    characters (Cc; tab and line breaks aside), format characters (Cf: bidi overrides and
    isolates, zero-width characters, soft hyphen, tags), line and paragraph separators, lone
    surrogates and non-characters. Unicode's categories decide, not a hand-kept list. A
    carriage return is only a line break when typed (YAML folds it); written as the escape
    "\\r" it stays in the text."""
    cp = ord(char)
    if char in "\t\n" or (typed and char == "\r"):
        return False
    if 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE:
        return True
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs")


def char_name(char: str) -> str:
    """'U+202E RIGHT-TO-LEFT OVERRIDE', 'U+001B ESCAPE'."""
    cp = ord(char)
    if cp < len(_C0):
        name = _C0[cp]
    elif cp == 0x7F:
        name = "DELETE"
    elif cp == 0x85:
        name = "NEXT LINE"
    elif 0x80 <= cp <= 0x9F:
        name = "C1 CONTROL CHARACTER"
    elif unicodedata.category(char) == "Cs":
        name = "a lone surrogate"
    else:
        name = unicodedata.name(char, "a non-character")
    return f"U+{cp:04X} {name}"


_YAML_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)
_SINGLE = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v",
           "f": "\f", "r": "\r", "e": "\x1b", "N": "\x85", "L": "\u2028", "P": "\u2029"}


def _at(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def _unseen_message(char: str, escape: str = "") -> str:
    how = f"the escape {escape} writes" if escape else "here is"
    direction = unicodedata.bidirectional(char)
    steers = direction in _BIDI_CONTROLS or (
        unicodedata.category(char) == "Cf" and direction in ("L", "R", "AL"))
    what = ("it can reorder what a reader sees, digits included" if steers
            else "it can hide text, or break a page or an export")
    return (f"{how} an invisible character, {char_name(char)}: {what}; delete it (it usually "
            "comes with pasted text)")


# Unicode's bidirectional classes of the characters that steer direction (overrides,
# embeddings, isolates); the marks (LRM, RLM, ALM) are format characters of class L, R, AL.
_BIDI_CONTROLS = {"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}


def _typed_unseen(text: str, display: str) -> list[Diagnostic]:
    """Every invisible character typed or pasted anywhere in the file, comments included (a
    byte-order mark opening the file aside). A line that is all printable text is passed over
    at C speed; only the others are read character by character."""
    found = []
    for n, line in enumerate(text.split("\n"), 1):
        if line.replace("\t", " ").replace("\r", " ").isprintable():
            continue
        for col, char in enumerate(line, 1):
            if invisible(char) and not (n == col == 1 and char == "\ufeff"):
                found.append(Diagnostic(display, n, col, "(text)", _unseen_message(char),
                                        "E007"))
    return found


def _escaped_unseen(root: yaml.Node, text: str, display: str) -> list[Diagnostic]:
    """Invisible characters written as escapes in double-quoted text ("\\x1b", "\\u202e"),
    which the file's own characters do not show. Every escape starts with a backslash: a
    text without one has none, and its scalars are not walked (8% of validating 10,000
    excerpts, measured)."""
    if "\\" not in text:
        return []
    found = []
    for path, node in _scalars(root):
        if node.style != '"' or not any(invisible(c, typed=False) for c in node.value):
            continue
        source = text[node.start_mark.index:node.end_mark.index]
        for m in _YAML_ESCAPE.finditer(source):
            code = m[1]
            char = chr(int(code[1:], 16)) if len(code) > 1 else _SINGLE.get(code, "")
            if len(char) == 1 and invisible(char, typed=False):
                line, col = _at(text, node.start_mark.index + m.start())
                found.append(Diagnostic(display, line, col, field_name(path),
                                        _unseen_message(char, m[0]), "E007"))
    return found


def _scalars(root: yaml.Node) -> list[tuple[list[str | int], yaml.ScalarNode]]:
    """Every scalar (keys included) with its field path; each node once."""
    out: list[tuple[list[str | int], yaml.ScalarNode]] = []
    seen: set[int] = set()
    stack: list[tuple[list[str | int], yaml.Node]] = [([], root)]
    while stack:
        path, node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            out.append((path, node))
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                name = k.value if isinstance(k, yaml.ScalarNode) else "?"
                stack += [([*path, name], k), ([*path, name], v)]
        elif isinstance(node, yaml.SequenceNode):
            stack += [([*path, i], v) for i, v in enumerate(node.value)]
    return out


def _field_at(root: yaml.Node | None, index: int) -> str:
    """The field whose text holds the character at `index` (keys and values), for a message."""
    if root is None:
        return "(text)"
    for path, node in _scalars(root):
        if node.start_mark.index <= index < node.end_mark.index:
            return field_name(path)
    return "(comment)"


# ---------------------------------------------------------------------------------------------
# Aliases

# Aliases share one node, so loading a "billion laughs" file is quick; everything that walks
# the data afterwards (duplicate keys, the schema, rendering) would visit every copy. A page
# may reuse a block a few times (a sources list, say); past this many copied values it is a
# mistake or an attack, refused before anything walks it.
MAX_ALIAS_COPIES = 10_000
# An alias (*name) can only name an anchor (&name) written before it, and an anchor is "&"
# followed by at least one character that is not a space. A text without one has no alias,
# and its walk is skipped (a fifth of validating 10,000 excerpts, measured). "&" inside a
# quoted value only costs the walk.
_MAY_ANCHOR = re.compile(r"&\S")


def _alias_problem(root: yaml.Node, display: str) -> Diagnostic | None:
    """How many values the aliases copy (the tree's size as walked, less the nodes written),
    counted over the shared node graph in linear time; an alias inside its own block loops."""
    size: dict[int, int] = {}
    refs: dict[int, int] = {}
    nodes: dict[int, yaml.Node] = {}
    open_: set[int] = set()
    # An iterative post-order walk: deep nesting cannot exhaust Python's stack.
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            open_.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in children)
            continue
        refs[key] = refs.get(key, 0) + 1
        if key in size:
            continue
        if key in open_:
            line, col = node.start_mark.line + 1, node.start_mark.column + 1
            return Diagnostic(display, line, col, "(syntax)",
                              "an alias (*name) is used inside the very block its anchor "
                              "(&name) names, so the block would contain itself forever; "
                              "write the values out", "E006")
        open_.add(key)
        nodes[key] = node
        stack.append((node, True))
        stack += [(c, False) for c in children]
        # (a child reached twice is counted by `refs`; its size is computed once)
    copies = size[id(root)] - len(size)
    if copies <= MAX_ALIAS_COPIES:
        return None
    worst = max((k for k in refs if refs[k] > 1), key=lambda k: (refs[k] - 1) * size[k])
    mark = nodes[worst].start_mark
    return Diagnostic(display, mark.line + 1, mark.column + 1, "(syntax)",
                      f"aliases (*name) repeat this block so often that the file would hold "
                      f"{copies:,} copied values, over the {MAX_ALIAS_COPIES:,} a page may "
                      "hold; write the values out, or use fewer aliases", "E006")


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _friendly(problem: str, line_text: str = "") -> str:
    indent = line_text[: len(line_text) - len(line_text.lstrip())]
    # The word "tab", not the letters: "unacceptable" holds them too.
    if "\t" in indent or "\t" in problem or re.search(r"\btabs?\b", problem.lower()):
        return "a tab character is used for indentation; indent with spaces only"
    if "could not determine a constructor" in problem:
        return "YAML tags such as !!python/... are not allowed; write plain text, lists and maps"
    return problem


# `make serve` only (set by the hook): each file's last reading, reused while its bytes are
# the same; a rebuild after one edit then reads one file. Everything `_read` returns is a
# function of the bytes and the file's display name alone.
REMEMBER = {"on": False}
_READ: dict[str, tuple[bytes, Any, str, list[Diagnostic]]] = {}


def load(path: Path, display: str) -> tuple[YamlDocument | None, list[Diagnostic]]:
    """Read one YAML file safely. Returns the document, or None with diagnostics."""
    if not REMEMBER["on"] or path.stat().st_size > MAX_BYTES:
        return _read(path, display)
    kept = _READ.get(display)
    if kept is None or kept[0] != path.read_bytes():
        doc, problems = _read(path, display)
        if doc is None:
            return doc, problems
        # Keyed by the text this reading parsed (a strict UTF-8 decoding: the bytes exactly).
        # Callers may change what they are given: the kept copy is never handed out.
        kept = _READ[display] = (doc.text.encode("utf-8"), copy.deepcopy(doc.data), doc.text,
                                 problems)
        return doc, problems
    _, data, text, problems = kept
    # Without its node tree: `position` composes it again from the text if a message needs it.
    return YamlDocument(display, copy.deepcopy(data), None, text), list(problems)


def _read(path: Path, display: str) -> tuple[YamlDocument | None, list[Diagnostic]]:
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

    # Before YAML reads it: YAML refuses some of these characters and stops at the first,
    # and lets others through; the editor hears of each one, where it is.
    unseen = _typed_unseen(text, display)
    loader = None
    try:
        loader = Loader(text)  # the pure-Python reader checks characters here already
        root = loader.get_single_node()
        bomb = (_alias_problem(root, display)
                if root is not None and _MAY_ANCHOR.search(text) else None)
        if bomb is not None:  # nothing may walk the data: report it alone
            return None, [*unseen, bomb]
        dupes = _duplicate_keys(root, display)
        data = _construct(loader, root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or str(exc)
        lines = text.splitlines()
        line_text = lines[line - 1] if 0 < line <= len(lines) else ""
        return None, [*unseen, *_unless_unseen(
            Diagnostic(display, line, col, "(syntax)", _friendly(problem, line_text), "E001"),
            unseen)]
    except yaml.reader.ReaderError:
        # A character YAML refuses: always one `_typed_unseen` names (tests check).
        return None, unseen or [Diagnostic(display, 1, 1, "(syntax)",
                                           "the file holds a character YAML does not allow",
                                           "E001")]
    except yaml.YAMLError as exc:
        return None, [*unseen, Diagnostic(display, 1, 1, "(syntax)", _friendly(str(exc)),
                                          "E001")]
    except RecursionError:  # thousands of nested brackets: the constructor recurses
        return None, [Diagnostic(display, 1, 1, "(syntax)",
                                 "the blocks are nested too deeply to read; a page needs a few "
                                 "levels only", "E001")]
    finally:
        if loader is not None:
            loader.dispose()
    if data is None:
        return None, [*unseen, Diagnostic(display, 1, 1, "(file)", "file is empty", "E003")]
    unseen = [Diagnostic(d.path, d.line, d.col, _field_at(root, _index(text, d.line, d.col)),
                         d.message, d.code) for d in unseen]
    assert root is not None
    return YamlDocument(display, data, root, text), [
        *unseen, *_escaped_unseen(root, text, display), *dupes]


_STR, _MAP, _SEQ = (f"tag:yaml.org,2002:{t}" for t in ("str", "map", "seq"))
_MERGE = "tag:yaml.org,2002:merge"


def _construct(loader: Any, node: yaml.Node) -> Any:
    """The data of a node tree, as `loader.construct_document` gives it, in a fifth of the
    time: PyYAML's constructor is pure Python even under the C loader and goes through a
    generator per block (0.47 s of 1.3 s reading 10,000 excerpts, measured). Plain blocks and
    text are built here; every other node (a number, true, null, a tag, a merge key `<<`, a
    block as a key) goes to PyYAML's own constructor, which also raises its errors. An alias
    gives a copy here where PyYAML shares one object: the same values (their number is capped
    by `_alias_problem` first)."""
    if isinstance(node, yaml.ScalarNode):
        return node.value if node.tag == _STR else loader.construct_object(node, deep=True)
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
        return [_construct(loader, v) for v in node.value]
    if (isinstance(node, yaml.MappingNode) and node.tag == _MAP
            and all(isinstance(k, yaml.ScalarNode) and k.tag != _MERGE for k, _ in node.value)):
        return {_construct(loader, k): _construct(loader, v) for k, v in node.value}
    return loader.construct_object(node, deep=True)


def _index(text: str, line: int, col: int) -> int:
    lines = text.splitlines(keepends=True)
    return sum(len(x) for x in lines[:line - 1]) + col - 1


def _unless_unseen(syntax: Diagnostic, unseen: list[Diagnostic]) -> list[Diagnostic]:
    """A syntax error caused by an invisible character is the same mistake: say it once, by
    the character's name. YAML counts a few of them as line breaks (so its line numbers
    differ from the editor's after one): then it is always their doing."""
    if any(d.line == syntax.line or any(b in d.message for b in _YAML_BREAKS)
           for d in unseen):
        return []
    return [syntax]


_YAML_BREAKS = ("U+0085 ", "U+2028 ", "U+2029 ")


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
