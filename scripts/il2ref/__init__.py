"""IL-2 toxicity reference: YAML source excerpts → validated model → Markdown → MkDocs."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("il2ref")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
