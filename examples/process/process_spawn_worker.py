"""The child's target, in a module of its own (see process_spawn_main)."""

from multiprocessing import current_process

# Top level: runs on every import of this module, in any process.
print(f"[{current_process().name}] worker's top level, as {__name__}")


def greet(word):
    print(f"[{current_process().name}] greet({word!r}) from {__name__}")
