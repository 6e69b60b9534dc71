"""A class defined inside a function: its objects cannot be pickled."""

from multiprocessing import Pool


def area(shape):
    return shape.width * shape.height


def main():
    class Rect:  # local: pickle cannot find it by name
        def __init__(self, width, height):
            self.width, self.height = width, height

    with Pool(2) as pool:
        print(pool.map(area, [Rect(2, 3), Rect(4, 5)]))


if __name__ == "__main__":
    main()
