"""For a benchmark build with another tool in mpexamples' place: the
site's other mpexamples directives (charts, the map of APIs), accepted and
shown as nothing, as with the no-execution stand-in (``noexec``)."""

from noexec import add_directives


def setup(app):
    add_directives(app)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
