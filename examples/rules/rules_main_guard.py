"""No __main__ guard: under spawn the child runs start() again, and fails."""

import os
from multiprocessing import Process


def greet():
    print(f"child {os.getpid()} says hello")


# Top level, with no "if __name__ == '__main__':" around it.  A spawned
# child imports this file again as __mp_main__, and so runs these lines.
print(f"top level runs in {os.getpid()}, as {__name__}")
p = Process(target=greet)
p.start()
p.join()
print(f"{__name__}: child exited with {p.exitcode}")
