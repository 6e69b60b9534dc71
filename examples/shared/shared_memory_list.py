"""A ShareableList: a fixed-length list of simple values in shared memory."""

from multiprocessing import Process
from multiprocessing.shared_memory import ShareableList


def work(name):
    items = ShareableList(name=name)  # attach by the block's name
    items[0] = items[0] * 10  # int: replaced in place
    items[1] = "done"  # a str no longer than the one it replaces
    try:
        items[1] = "a much longer string"
    except ValueError as error:
        print(f"child: ValueError: {error}")
    items.shm.close()


if __name__ == "__main__":
    items = ShareableList([4, "ready", 2.5, None])
    print(f"before: {list(items)}")
    p = Process(target=work, args=(items.shm.name,))
    p.start()
    p.join()
    print(f"after:  {list(items)}")
    try:
        items.append(5)
    except AttributeError:
        print("a ShareableList has no append(): its length is fixed")
    items.shm.close()
    items.shm.unlink()  # once, by one process
