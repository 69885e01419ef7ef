"""Each generated SDK installs as a distribution: its pyproject.toml builds a wheel (setuptools, as
it names, with deprecations as errors), pip installs that wheel, and the package imports from
there with its metadata. The other tests import the packages from the checkout instead."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

SDKS = Path(__file__).resolve().parent.parent


def build_and_install(project: str, package: str, tmp_path: Path) -> str:
    # Built from a copy: setuptools writes build/ and *.egg-info beside pyproject.toml, which must
    # not appear in the generated tree (pnpm generate:sdks --check would count them as drift).
    source = tmp_path / "source"
    shutil.copytree(SDKS / project, source, ignore=shutil.ignore_patterns("__pycache__"))
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    # A deprecated pyproject.toml (e.g. a license table) fails instead of warning.
    environment["PYTHONWARNINGS"] = "error::UserWarning"

    def run(*args: str) -> str:
        result = subprocess.run([sys.executable, *args], env=environment, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"python {' '.join(args)} exited with {result.returncode}:\n{result.stdout}{result.stderr}"
        return result.stdout

    def pip(*args: str) -> None:
        run("-m", "pip", "--disable-pip-version-check", "--no-input", *args)

    # --no-build-isolation: setuptools comes from the test environment's lock, not from an index.
    pip("wheel", "--no-deps", "--no-build-isolation", "--no-index", "--wheel-dir", str(tmp_path / "wheels"), str(source))
    [wheel] = (tmp_path / "wheels").glob("*.whl")
    pip("install", "--no-deps", "--no-index", "--target", str(tmp_path / "site"), str(wheel))

    probe = (
        "import importlib.metadata as m, importlib.resources as r, re;"
        f"import {package}, {package}.api, {package}.models;"
        f"print({package}.__file__);"
        f"print(m.version('{project}'));"
        f"print(r.files('{package}').joinpath('py.typed').is_file());"
        f"print(sorted(re.match(r'[A-Za-z0-9._-]+', d)[0] for d in m.requires('{project}')))"
    )
    environment["PYTHONPATH"] = str(tmp_path / "site")
    return run("-c", probe)


def test_mmtel_callcontrol_builds_and_installs_as_a_distribution(tmp_path):
    location, version, typed, requires = build_and_install("mmtel-callcontrol", "mmtel_callcontrol", tmp_path).splitlines()

    assert Path(location).is_relative_to(tmp_path / "site")
    assert version == "0.1.0"
    assert typed == "True"
    assert requires == str(sorted(["pydantic", "python-dateutil", "typing-extensions", "urllib3"]))


def test_mmtel_callevent_builds_and_installs_as_a_distribution(tmp_path):
    location, version, typed, requires = build_and_install("mmtel-callevent", "mmtel_callevent", tmp_path).splitlines()

    assert Path(location).is_relative_to(tmp_path / "site")
    assert version == "0.1.0"
    assert typed == "True"
    assert requires == str(sorted(["pydantic", "python-dateutil", "typing-extensions", "urllib3"]))
