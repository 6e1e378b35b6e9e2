"""The documentation's promises about the public API and the example gallery.

- Every public class and function carries a numpydoc Examples section (the
  doctests themselves run through ``--doctest-modules``).
- ``docs/api.rst`` lists every public name, so the API reference is complete.
- Every folder of ``examples/`` that holds gallery scripts has a README.txt:
  sphinx-gallery silently skips a folder without one.
- The ``>>>`` examples written into the documentation pages run.
"""

import doctest
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import sklearn_attngen

ROOT = Path(__file__).resolve().parents[1]
API_RST = ROOT / "docs" / "api.rst"
EXAMPLES = ROOT / "examples"


def _public_modules():
    names = ["sklearn_attngen"]
    for info in pkgutil.walk_packages(sklearn_attngen.__path__, "sklearn_attngen."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return [importlib.import_module(name) for name in names]


def _public_names():
    """(qualified name, object) of every name in a public module's ``__all__``."""
    found = {}
    for module in _public_modules():
        for name in getattr(module, "__all__", ()):
            found[f"{module.__name__}.{name}"] = getattr(module, name)
    return sorted(found.items())


PUBLIC = _public_names()
DOCUMENTED = [(name, obj) for name, obj in PUBLIC if inspect.isclass(obj) or callable(obj)]


def test_public_api_is_found():
    names = {name for name, _ in DOCUMENTED}
    assert "sklearn_attngen.AttnGenClassifier" in names
    assert "sklearn_attngen.callbacks.mask_fraction_at" in names


@pytest.mark.parametrize("name, obj", DOCUMENTED, ids=[name for name, _ in DOCUMENTED])
def test_public_docstring_has_examples(name, obj):
    doc = inspect.getdoc(obj) or ""
    assert re.search(r"^Examples\n-{8}\n", doc, flags=re.MULTILINE), (
        f"{name} has no numpydoc 'Examples' section"
    )
    assert ">>> " in doc.split("Examples\n--------\n", 1)[1], f"{name}: Examples has no doctest"


def _api_reference_objects():
    """Objects listed in docs/api.rst (autosummary entries and ``.. data::``)."""
    objects = []
    sections = re.split(r"^\.\. currentmodule:: ", API_RST.read_text(encoding="utf-8"), flags=re.M)
    for section in sections[1:]:
        module = importlib.import_module(section.split("\n", 1)[0].strip())
        for short in re.findall(r"^(?:   |\.\. data:: )(\w+)$", section, flags=re.M):
            objects.append(getattr(module, short))
    return objects


@pytest.mark.skipif(not API_RST.exists(), reason="docs/ is not part of this installation")
@pytest.mark.parametrize("name, obj", PUBLIC, ids=[name for name, _ in PUBLIC])
def test_public_name_is_in_api_reference(name, obj):
    # re-exports (sklearn_attngen.KmerEncoder) count when listed under any module
    assert any(listed is obj for listed in _api_reference_objects()), (
        f"{name} is not listed in docs/api.rst"
    )


@pytest.mark.skipif(not EXAMPLES.exists(), reason="examples/ is not part of this installation")
def test_every_gallery_folder_has_a_readme():
    assert (EXAMPLES / "README.txt").exists()
    folders = {path.parent for path in EXAMPLES.rglob("plot_*.py")}
    missing = sorted(str(f.relative_to(ROOT)) for f in folders if not (f / "README.txt").exists())
    assert not missing, f"sphinx-gallery skips folders without README.txt: {missing}"


def _doc_pages_with_doctests():
    generated = {"_build", "generated", "auto_examples"}
    pages = sorted((ROOT / "docs").rglob("*.rst")) if (ROOT / "docs").exists() else []
    return [
        page
        for page in pages
        if not generated.intersection(page.relative_to(ROOT / "docs").parts)
        and ">>> " in page.read_text(encoding="utf-8")
    ]


@pytest.mark.parametrize(
    "page", _doc_pages_with_doctests(), ids=lambda page: str(page.relative_to(ROOT))
)
def test_doc_page_examples_run(page):
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testfile(str(page), module_relative=False, optionflags=flags)
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} example(s) of {page.name} failed (see stdout)"
