"""What a process costs before any work: starting it, and pickling."""

import multiprocessing as mp
import pickle
import threading
import time
from concurrent.futures import ProcessPoolExecutor


def best(action):
    """Milliseconds of the fastest of >= 5 rounds over >= 0.2 s."""
    times, stop = [], time.perf_counter() + 0.2
    while len(times) < 5 or time.perf_counter() < stop:
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def start_and_join(kind):
    worker = kind(target=int)
    worker.start()
    worker.join()


if __name__ == "__main__":
    print(f"start method {mp.get_start_method()}")
    data = list(range(1_000_000))  # a large argument: a million ints
    blob = pickle.dumps(data)
    with ProcessPoolExecutor(1) as pool:
        pool.submit(int).result()  # the worker has started: not timed
        ms = {
            "start a thread": best(lambda: start_and_join(threading.Thread)),
            "start a process": best(lambda: start_and_join(mp.Process)),
            "pickle.dumps(data)": best(lambda: pickle.dumps(data)),
            "pickle.loads(blob)": best(lambda: pickle.loads(blob)),
            "submit(len, data)": best(lambda: pool.submit(len, data).result()),
            "sum(data)": best(lambda: sum(data)),
        }
    print(f"\n{'cost (best round)':<20}{'ms':>9}")
    for what, t in ms.items():
        print(f"{what:<20}{t:>9.3f}")
    print(f"\npickled data: {len(blob) / 1e6:.1f} MB")
    dearer = ms["start a process"] > ms["start a thread"]
    print("a process costs more than a thread to start:", dearer)
    dearer = ms["submit(len, data)"] > ms["sum(data)"]
    print("sending data to a process costs more than sum(data):", dearer)
