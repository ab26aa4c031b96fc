"""The wheel ships everything the app serves: assets (Bootstrap, plotly.js, topojson), the
embeds' static files and the curated CSVs (`make run` and deploys work from an installed wheel)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
SERVED = (
    "dashboard/assets",
    "dashboard/web/embed_static",
    "data_sources/curated",
)


@pytest.mark.slow
def test_the_wheel_ships_every_served_file(tmp_path: Path) -> None:
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    source = tmp_path / "src"
    for name in tracked:
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, target)
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
        + ["-w", str(tmp_path / "dist"), str(source)],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("pressure_points-*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    expected = {n for n in tracked if n.startswith(SERVED) and (ROOT / n).is_file()}
    assert expected, "nothing to check"
    missing = sorted(expected - shipped)
    assert not missing, missing
    assert "dashboard/app.py" in shipped and "data_sources/curated/places.csv" in shipped
