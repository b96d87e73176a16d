"""`pip install .` into a fresh virtual environment outside the checkout gives a kit whose
`load()` works: the wheel carries the data package, and paths come from `analysis_helpers.paths`."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile

from conftest import REPO_ROOT


def test_wheel_installed_outside_the_checkout_loads_its_data(tmp_path):
    env_dir = tmp_path / "env"
    # Reuse the test environment's packages (pandas, pandera...) so no download is needed;
    # only the kit itself is installed, from a wheel built from this checkout.
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site_packages = next(env_dir.glob("lib/python3*/site-packages"))
    # The test environment's third-party packages, without the .pth files that point at this checkout.
    parent = next(p for p in sys.path if p.endswith("site-packages") and os.path.isdir(p))
    (site_packages / "test_environment.pth").write_text(parent + "\n")
    wheel_dir = tmp_path / "wheel"
    clean = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "ANALYSIS_HELPERS_DATA"}}
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(wheel_dir), str(REPO_ROOT)], capture_output=True, text=True, env=clean)
    assert build.returncode == 0, build.stderr
    [wheel] = wheel_dir.glob("analysis_helpers-*.whl")
    # A wheel is a zip of the package's files; unpacking it is all a pure-Python install does that
    # load() needs. (`pip install --prefix` from this environment would uninstall its own editable kit.)
    with zipfile.ZipFile(wheel) as archive:
        assert "analysis_helpers/py.typed" in archive.namelist()  # PEP 561: type checkers read the kit's hints
        archive.extractall(site_packages)
    probe = ("import analysis_helpers as ah, analysis_helpers.paths as p; "
             "print(p.checkout_root(), p.default_data_dir().name, len(ah.load('regions')))")
    # Run from an empty folder so that nothing of the checkout is on the path.
    result = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, cwd=tmp_path, env=clean)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["None", "bundled_data", "27"]
