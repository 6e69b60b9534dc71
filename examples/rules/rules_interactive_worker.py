"""A module the child can import: where the interactive code's f lives."""


def f():
    print("f() ran in the child")
