"""DejaVu Sans, which has every Vietnamese letter, for the PDF report and the /stats chart.

matplotlib ships it; its files are found without importing matplotlib, which alone would cost a
commune's process about 50 MB (bench/memory_bench.py)."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path


def _folder() -> Path:
    spec = find_spec("matplotlib")
    assert spec is not None and spec.submodule_search_locations, "matplotlib is installed with Loa Làng"
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


FOLDER = _folder()
REGULAR = FOLDER / "DejaVuSans.ttf"
BOLD = FOLDER / "DejaVuSans-Bold.ttf"
OBLIQUE = FOLDER / "DejaVuSans-Oblique.ttf"
