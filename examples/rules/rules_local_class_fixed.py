"""The fix: define the class at the top level of a module."""

from multiprocessing import Pool


class Rect:
    def __init__(self, width, height):
        self.width, self.height = width, height


def area(shape):
    return shape.width * shape.height


if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(area, [Rect(2, 3), Rect(4, 5)]))
