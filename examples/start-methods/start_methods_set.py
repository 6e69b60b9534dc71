"""Choose a start method once for the program, or per context."""

import multiprocessing as mp


def work(label):
    print(f"child started by {label}")


if __name__ == "__main__":
    mp.set_start_method("spawn")  # once, in the main block
    print(f"set_start_method: now {mp.get_start_method()}")
    try:
        mp.set_start_method("spawn")  # a second call, even with the same
    except RuntimeError as e:
        print(f"second call: RuntimeError: {e}")
    mp.set_start_method("spawn", force=True)  # force=True replaces it
    print("force=True: accepted")

    p = mp.Process(target=work, args=("the default context",))
    p.start()
    p.join()

    ctx = mp.get_context("spawn")  # a context: leaves the default alone
    print(f"context: {ctx.get_start_method()}")
    p = ctx.Process(target=work, args=("a context",))
    p.start()
    p.join()
