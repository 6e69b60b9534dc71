"""callback and error_callback run in the parent, as each task finishes."""

import threading
from multiprocessing import Pool


def square(x):
    if x == 3:
        raise ValueError(f"no square for {x}")
    return x * x


def on_result(value):
    where = threading.current_thread() is threading.main_thread()
    print(f"callback got {value} (in the main thread: {where})")
    results.append(value)


def on_error(error):
    print(f"error_callback got {error!r}")
    errors.append(error)


if __name__ == "__main__":
    results, errors = [], []
    with Pool(2) as pool:
        for i in range(5):
            pool.apply_async(
                square, (i,), callback=on_result, error_callback=on_error
            )
        pool.close()
        pool.join()  # every callback has run when join() returns
    print(f"results: {sorted(results)}")
    print(f"errors: {errors}")
