"""Which build of CPython is this, and is its GIL enabled right now?"""

import sys
import sysconfig

if __name__ == "__main__":
    version = f"Python {sys.version_info.major}.{sys.version_info.minor}"
    # 1 on a free-threaded build; 0, or None before 3.13, on the default one
    free_threaded = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    build = "free-threaded" if free_threaded else "default"
    is_gil_enabled = getattr(sys, "_is_gil_enabled", None)  # new in 3.13
    if is_gil_enabled is None:
        print(f"{version}, {build} build: no sys._is_gil_enabled()")
    else:
        print(f"{version}, {build} build: GIL enabled: {is_gil_enabled()}")
