"""Build hook: ships ``specs/*.yaml`` inside the wheel as ``smsclients_sandbox/specs/``.

Everything else about the distribution is in ``pyproject.toml``. The repository's ``specs/`` stays
the single source: the sandbox validates against them as package data once installed, and
``smsclients_sandbox.surfaces.SPECS_DIR`` finds them in either place.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SPECS = Path(__file__).resolve().parent / "specs"
TARGET = Path("smsclients_sandbox", "specs")


class BuildPyWithSpecs(build_py):
    """``build_py`` that also copies the OpenAPI documents next to the sandbox package."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib, TARGET)
        target.mkdir(parents=True, exist_ok=True)
        for spec in self._specs():
            shutil.copyfile(spec, target / spec.name)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs: list[str] = super().get_outputs(include_bytecode)
        return outputs + [str(Path(self.build_lib, TARGET, spec.name)) for spec in self._specs()]

    @staticmethod
    def _specs() -> list[Path]:
        specs = sorted(SPECS.glob("*.yaml"))
        if not specs:
            raise SystemExit(f"no OpenAPI documents in {SPECS}: build from a clone or the sdist")
        return specs


setup(cmdclass={"build_py": BuildPyWithSpecs})
