"""A list inside a managed dict: appending to it changes only a copy."""

from multiprocessing import Manager, Process


def work(d):
    d["lost"].append(1)  # d["lost"] is a copy: the append is lost

    items = d["kept"]  # a copy, changed here ...
    items.append(1)
    d["kept"] = items  # ... and sent back: the manager stores it

    d["proxy"].append(1)  # a proxy inside: the manager's own list


if __name__ == "__main__":
    with Manager() as manager:
        d = manager.dict(lost=[], kept=[], proxy=manager.list())
        p = Process(target=work, args=(d,))
        p.start()
        p.join()
        print(f"d['lost']:  {d['lost']}")
        print(f"d['kept']:  {d['kept']}")
        print(f"d['proxy']: {d['proxy'][:]}")
