"""A Value and an Array in shared memory, written by several children."""

import pickle
from multiprocessing import Array, Process, Value


def work(i, total, squares):
    squares[i] = i * i  # each child writes its own slot: no lock needed
    with total.get_lock():  # several children add to one number
        total.value += i * i


if __name__ == "__main__":
    total = Value("i", 0)  # a C int, 0 to start with
    squares = Array("d", 4)  # four C doubles, all 0.0
    print(type(total).__name__, total.get_obj(), total.get_lock())
    print(type(squares).__name__, squares[:], squares.get_lock())
    children = [
        Process(target=work, args=(i, total, squares)) for i in range(4)
    ]
    for p in children:
        p.start()
    for p in children:
        p.join()
    print(f"total.value = {total.value}")
    print(f"squares[:] = {squares[:]}")
    try:
        pickle.dumps(total)  # as a Queue or a Pool would send it
    except RuntimeError as error:
        print(f"RuntimeError: {error}")
