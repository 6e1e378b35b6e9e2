"""Sphinx configuration of the sklearn-attngen documentation.

Build (from the repository root; warnings are errors)::

    make -C docs html

Gallery modes, read from the environment variable ``ATTNGEN_GALLERY``:

- ``full`` (default): run every example of ``examples/``;
- ``fast``: run only the examples listed in ``FAST_EXAMPLES`` below, and show
  the others' code without output;
- ``off``: run no example (same as ``make -C docs html-noplot``).
"""

import os
import re
import sys
from pathlib import Path

# Small networks on a shared machine: one torch thread is faster than several
# spin-waiting ones (README, "Tip"). An explicit setting wins.
os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # document the working tree, not an installed copy

import sklearn_attngen  # noqa: E402

# -- Project -----------------------------------------------------------------
project = "sklearn-attngen"
author = "sklearn-attngen developers"
copyright = "sklearn-attngen developers"
release = sklearn_attngen.__version__
version = ".".join(release.split(".")[:2])

# -- General -----------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "matplotlib.sphinxext.plot_directive",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**/sg_execution_times.rst"]
default_role = "literal"
nitpicky = False

# -- autodoc / autosummary / numpydoc -------------------------------------------
autosummary_generate = True
autosummary_imported_members = True
autodoc_typehints = "none"
autodoc_inherit_docstrings = False  # a method documents itself or is not listed
# Methods are listed by the class template (_templates/autosummary/class.rst):
# the package's own, not the dozens skorch's NeuralNet and scikit-learn's
# BaseEstimator bring.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# -- myst ----------------------------------------------------------------------
myst_heading_anchors = 3

# -- plot directive (figures in the user guide) -------------------------------
plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 100)]
plot_rcparams = {"figure.figsize": (6, 3.2)}

# -- sphinx-gallery ----------------------------------------------------------
# Examples that together take about a minute; the ``fast`` mode runs only these.
FAST_EXAMPLES = ("plot_quick_start", "plot_datasets", "plot_saliency_logo")

gallery_mode = os.environ.get("ATTNGEN_GALLERY", "full").strip().lower()
if gallery_mode not in ("full", "fast", "off"):
    raise ValueError(f"ATTNGEN_GALLERY must be full, fast or off, got {gallery_mode!r}.")
if gallery_mode == "fast":
    filename_pattern = "/(" + "|".join(FAST_EXAMPLES) + r")\.py$"
else:
    filename_pattern = "/plot_"

sphinx_gallery_conf = {
    "examples_dirs": ["../examples"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": filename_pattern,
    "ignore_pattern": r"__init__\.py",
    # Topic folders in reading order; "*" places any other folder with a
    # README.txt (e.g. examples/scaling/) without listing it here.
    "subsection_order": [
        "../examples/getting_started",
        "../examples/datasets",
        "../examples/model_selection",
        "../examples/interpretation",
        "../examples/motifs",
        "../examples/evaluation",
        "*",
    ],
    "within_subsection_order": "FileNameSortKey",
    "doc_module": ("sklearn_attngen",),
    "backreferences_dir": "generated/backreferences",
    "plot_gallery": "False" if gallery_mode == "off" else "True",
    # one example a CPU core (each runs torch on one thread, above); set
    # ATTNGEN_GALLERY_JOBS=1 to run them one after the other
    "parallel": int(os.environ.get("ATTNGEN_GALLERY_JOBS", os.cpu_count() or 1)),
    "image_scrapers": ("matplotlib",),
    "matplotlib_animations": False,
    "remove_config_comments": True,
    "show_memory": False,
    "min_reported_time": 1,
}

# -- HTML --------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"sklearn-attngen {release}"
html_static_path = ["_static"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 7,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {
    page: []
    for page in (
        "install",
        "quick_start",
        "changelog",
        "benchmarks",
        "benchmarks_full_train",
        "saliency_study",
    )
}
html_show_sourcelink = False


# -- Docstring fix-ups ---------------------------------------------------------
# In reStructuredText a word ending in "_" is a link reference, so a shape
# such as ``(n_positions_,)`` in a numpydoc type line ("saliency_ : ndarray of
# shape (n_positions_,)") is an error. Escape that underscore in shapes.
_SHAPE_NAME = re.compile(r"(?<=[(\s,])([A-Za-z]\w*?)_(?=[,)])")


def _escape_shape_underscores(app, what, name, obj, options, lines):
    for i, line in enumerate(lines):
        if "shape (" in line.lower() and "``" not in line:
            lines[i] = re.sub(
                r"[Ss]hape \([^)]*\)",
                lambda m: _SHAPE_NAME.sub(r"\1\\_", m.group(0)),
                line,
            )


def _skip_foreign_members(app, what, name, obj, skip, options):
    # Motif's fields are documented in its Parameters section already
    if (getattr(obj, "__doc__", None) or "").startswith("Alias for field number"):
        return True
    # scikit-learn's and skorch's own methods (set_output, set_*_request, ...)
    # are documented by them; list the package's methods only
    function = getattr(obj, "fget", obj)
    if (getattr(function, "__module__", None) or "").startswith(("sklearn.", "skorch.")):
        return True
    return None


def setup(app):
    # before numpydoc (priority 500) turns the lines into field lists
    app.connect("autodoc-process-docstring", _escape_shape_underscores, priority=400)
    app.connect("autodoc-skip-member", _skip_foreign_members)
