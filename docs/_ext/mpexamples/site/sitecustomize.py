"""Make a start method the default, as if the platform chose it.

The runner puts this directory on ``PYTHONPATH`` and names the method in
``MPEXAMPLES_START_METHOD``.  Python imports ``sitecustomize`` at start-up in
the example and in every child it spawns, so no runner frame appears in a
traceback and the example file needs no edit.

Only the *default* is changed: an example may still call
``multiprocessing.set_start_method()`` or ``get_context()`` itself, exactly
as it could on a platform whose default is this method.
"""

import os

_method = os.environ.get("MPEXAMPLES_START_METHOD")
if _method:
    import multiprocessing
    import multiprocessing.context

    # DefaultContext picks _default_context at first use unless
    # set_start_method() was called; this is the platform's choice.  The
    # attribute is private, so typeshed does not declare it.
    _default = multiprocessing.context._default_context
    _default._default_context = multiprocessing.get_context(_method)  # type: ignore[attr-defined]
