"""Three processes print three-line records, with no lock."""

import time
from multiprocessing import Process


def report(i):
    """Print one record: three lines, with pauses in between."""
    print(f"[{i}] begin")
    time.sleep(0.1)
    print(f"[{i}] working")
    time.sleep(0.1)
    print(f"[{i}] end")


if __name__ == "__main__":
    workers = [Process(target=report, args=(i,)) for i in range(3)]
    for p in workers:
        p.start()
    for p in workers:
        p.join()
