"""A module global is not shared: each process changes its own copy."""

from multiprocessing import Process, get_start_method

log = ["import"]  # module level: set again wherever this file is imported


def child():
    log.append("child")
    print(f"child sees  {log}")


if __name__ == "__main__":
    print(f"start method: {get_start_method()}")
    log.append("parent")  # before start(): does the child see it?
    p = Process(target=child)
    p.start()
    p.join()  # the child has appended and printed by now
    print(f"parent sees {log}")
