"""A Manager's dict, list and Namespace, changed by several children."""

from multiprocessing import Manager, Process


def work(i, squares, log, ns):
    squares[i] = i * i  # one message to the manager: __setitem__
    log.append(f"{ns.prefix} {i}")  # two: read ns.prefix, then append


if __name__ == "__main__":
    with Manager() as manager:  # starts the manager's server process
        squares = manager.dict()
        log = manager.list()
        ns = manager.Namespace()
        ns.prefix = "child"
        print(type(squares).__name__, type(log).__name__, type(ns).__name__)
        children = [
            Process(target=work, args=(i, squares, log, ns)) for i in range(3)
        ]
        for p in children:
            p.start()
        for p in children:
            p.join()
        print(f"squares: {dict(sorted(squares.items()))}")
        print(f"log, sorted: {sorted(log)}")
        print(f"ns: {ns}")
