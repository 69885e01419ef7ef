"""Each generated SDK installs as a distribution: pip builds a wheel from its directory in the
checkout (flit_core, as its pyproject.toml names; it refuses invalid metadata) and installs it, the
package imports from there with its metadata, and the directory is left as it was. The other tests
import the packages from the checkout instead."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SDKS = Path(__file__).resolve().parent.parent


def files_under(directory: Path) -> set:
    return {path.relative_to(directory) for path in directory.rglob("*")}


def build_and_install(project: str, package: str, tmp_path: Path) -> str:
    source = SDKS / project
    before = files_under(source)
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}

    def run(*args: str) -> str:
        result = subprocess.run([sys.executable, *args], env=environment, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"python {' '.join(args)} exited with {result.returncode}:\n{result.stdout}{result.stderr}"
        return result.stdout

    def pip(*args: str) -> None:
        run("-m", "pip", "--disable-pip-version-check", "--no-input", *args)

    # --no-build-isolation: flit_core comes from the test environment's lock, not from an index.
    pip("wheel", "--no-deps", "--no-build-isolation", "--no-index", "--wheel-dir", str(tmp_path / "wheels"), str(source))
    # Nothing written into the generated tree (pnpm generate:sdks --check would count it as drift).
    assert files_under(source) == before
    [wheel] = (tmp_path / "wheels").glob("*.whl")
    pip("install", "--no-deps", "--no-index", "--no-compile", "--target", str(tmp_path / "site"), str(wheel))

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
    assert version == "0.2.0"
    assert typed == "True"
    assert requires == str(sorted(["pydantic", "python-dateutil", "typing-extensions", "urllib3"]))


def test_mmtel_callevent_builds_and_installs_as_a_distribution(tmp_path):
    location, version, typed, requires = build_and_install("mmtel-callevent", "mmtel_callevent", tmp_path).splitlines()

    assert Path(location).is_relative_to(tmp_path / "site")
    assert version == "0.2.0"
    assert typed == "True"
    assert requires == str(sorted(["pydantic", "python-dateutil", "typing-extensions", "urllib3"]))
