import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


def pytest_addoption(parser):
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite the golden files under tests/ with the current output")


def pytest_configure(config):
    from tests import golden

    golden.UPDATE = config.getoption("--update-goldens")
