"""Where the kit finds its files, decided in one place.

The data folder in use is, in order: `$ANALYSIS_HELPERS_DATA`; the `data/` folder of the
checkout the package runs from (an editable install or `PYTHONPATH=src`); the copy of `data/`
that the wheel ships inside the package (`bundled_data/`). Notebooks and reports live in the
checkout, or in the working folder when the kit is installed elsewhere. Every file the kit
writes goes through `write_atomically`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

DATA_DIR_ENV = "ANALYSIS_HELPERS_DATA"
DESCRIPTOR = "datapackage.json"

PACKAGE_DIR = Path(__file__).resolve().parent
#: Where `pip install .` puts the data package (see `[tool.hatch.build.targets.wheel.force-include]`).
BUNDLED_DATA_DIR = PACKAGE_DIR / "bundled_data"


def checkout_root() -> Path | None:
    """The source checkout the package runs from, or None when it is installed elsewhere."""
    root = PACKAGE_DIR.parents[1]
    return root if (root / "pyproject.toml").is_file() and (root / "data" / DESCRIPTOR).is_file() else None


def default_data_dir() -> Path:
    """The data folder in use (see the module docstring); FileNotFoundError when there is none."""
    configured = os.environ.get(DATA_DIR_ENV)
    if configured:
        return Path(configured).expanduser().resolve()
    return kit_data_dir()


def kit_data_dir() -> Path:
    """The kit's own data package (the checkout's `data/`, else the bundled copy), whatever
    `$ANALYSIS_HELPERS_DATA` says: where shared definitions such as the scenario schema live."""
    root = checkout_root()
    if root is not None:
        return root / "data"
    if (BUNDLED_DATA_DIR / DESCRIPTOR).is_file():
        return BUNDLED_DATA_DIR
    raise FileNotFoundError(
        f"no data package found: set {DATA_DIR_ENV} to a folder holding {DESCRIPTOR} "
        "(e.g. the data/ folder of the kit's repository)")


def project_root() -> Path:
    """The folder holding `notebooks/` and `reports/`: the checkout, else the working folder."""
    return checkout_root() or Path.cwd()


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` via a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; reports are meant to be shared
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
