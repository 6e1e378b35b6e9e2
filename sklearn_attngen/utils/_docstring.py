"""Docstring text shared by several public functions, put in place at import."""

import re
import textwrap

_SLOT = re.compile(r"^(?P<indent>[ ]*)\{(?P<name>\w+)\}$", flags=re.MULTILINE)


def fill_doc(**fragments):
    """Decorator putting ``fragments[name]`` in place of each docstring line ``{name}``.

    A fragment is written without indentation and takes the indentation of
    the line it replaces, so one text serves a function's and a method's
    docstring alike. Only lines holding nothing but ``{name}`` are replaced;
    a name without a fragment raises KeyError when the module is imported.

    Examples
    --------
    >>> @fill_doc(y="y : None\\n    Ignored.")
    ... def fit(X, y=None):
    ...     '''Fit.
    ...
    ...     Parameters
    ...     ----------
    ...     {y}
    ...     '''
    >>> print(fit.__doc__.splitlines()[-3:-1])
    ['    y : None', '        Ignored.']
    """
    fragments = {name: textwrap.dedent(text).strip("\n") for name, text in fragments.items()}

    def fill(match):
        return textwrap.indent(fragments[match["name"]], match["indent"])

    def decorate(obj):
        if obj.__doc__:  # None under python -OO
            obj.__doc__ = _SLOT.sub(fill, obj.__doc__)
        return obj

    return decorate
