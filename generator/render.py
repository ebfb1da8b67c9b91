"""Run openapi-python-client over one or more specs, into a scratch directory.

Generation always happens outside the repository and is then compared or copied in, so the
output never depends on which ruff configuration happens to sit in a parent folder, and a
failed run leaves ``clients/`` untouched.

Customisation of openapi-python-client's output is done only through its own mechanisms: a config
object (package name, class overrides, literal enums) and custom templates. Our templates wrap the
upstream ones with ``{% include %}`` so that every generated module starts with a "generated"
marker and the package exposes the spec version and hash, without copying upstream templates; the
exceptions are ``literal_enum.py.jinja``, replaced so that enums read from a response are open
(tolerant reader), and ``package_init.py.jinja``, whose client classes load on first use. A
second step of ours (:mod:`generator.surface`) then adds the typed resources.
"""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version as installed_version
from pathlib import Path
from string import Template

import yaml

from .catalog import ClientEntry, SpecState
from .surface import render_resources

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

# Every upstream template that renders a .py file; each gets the marker line on top.
PYTHON_TEMPLATES = (
    "package_init.py.jinja",
    "types.py.jinja",
    "client.py.jinja",
    "errors.py.jinja",
    "models_init.py.jinja",
    "model.py.jinja",
    "str_enum.py.jinja",
    "int_enum.py.jinja",
    "literal_enum.py.jinja",
    "api_init.py.jinja",
    "endpoint_init.py.jinja",
    "endpoint_module.py.jinja",
)

# Same line length and rules as openapi-python-client's own generated ruff config; --isolated
# so that no ruff config found in a parent folder can change the bytes.
RUFF_COMMANDS = (
    ["check", "--isolated", "--fix-only", "--select", "E4,E7,E9,F,I,UP", "--line-length", "120", "--quiet"],
    ["format", "--isolated", "--line-length", "120", "--quiet"],
)


class GenerationError(Exception):
    """openapi-python-client or the formatter reported a problem."""


def generator_version() -> str:
    return installed_version("openapi-python-client")


# Templates of ours that replace an upstream one instead of wrapping it.
OWN_TEMPLATES = ("literal_enum.py.jinja", "package_init.py.jinja")


def _write_templates(entry: ClientEntry, state: SpecState, template_dir: Path) -> str:
    """Write the wrapper templates; returns the marker line every generated module starts with."""
    import openapi_python_client

    substitutions = {
        "generator_version": generator_version(),
        "spec_path": entry.spec,
        "spec_version": state.version,
        "spec_sha256": state.sha256,
        "package": entry.package,
    }
    marker = Template((TEMPLATES_DIR / "marker.txt").read_text(encoding="utf-8")).substitute(substitutions)
    spec_pin = Template((TEMPLATES_DIR / "spec_pin.txt").read_text(encoding="utf-8")).substitute(substitutions)

    template_dir.mkdir(parents=True)
    (template_dir / "upstream").symlink_to(Path(openapi_python_client.__file__).parent / "templates")
    for name in PYTHON_TEMPLATES:
        body = marker + '{% include "upstream/' + name + '" %}\n'
        if name in OWN_TEMPLATES:
            body = marker + (TEMPLATES_DIR / name).read_text(encoding="utf-8")
        if name == "package_init.py.jinja":
            # Raw block: the values are data, never Jinja.
            body += "{% raw %}" + spec_pin + "{% endraw %}"
        (template_dir / name).write_text(body, encoding="utf-8")
    return marker


def generate_into(entries: list[tuple[ClientEntry, SpecState]], scratch: Path) -> dict[str, Path]:
    """Generate every client under ``scratch``; returns package name -> generated directory."""
    from openapi_python_client import generate
    from openapi_python_client.config import ClassOverride, Config, ConfigFile, MetaType

    outputs: dict[str, Path] = {}
    for entry, state in entries:
        template_dir = scratch / "templates" / entry.package
        marker = _write_templates(entry, state, template_dir)
        output = scratch / "out" / entry.package
        config_file = ConfigFile(
            package_name_override=entry.package,
            literal_enums=True,
            post_hooks=[],  # formatting is done once for all clients below
            class_overrides={key: ClassOverride.model_validate(value) for key, value in entry.class_overrides.items()},
        )
        config = Config.from_sources(
            config_file,
            MetaType.NONE,
            entry.spec_path,
            "utf-8",
            overwrite=True,
            output_path=output,
        )
        errors = generate(config=config, custom_template_path=template_dir)
        if errors:
            details = "\n".join(f"  {error.level.name}: {error.header} {error.detail or ''}" for error in errors)
            raise GenerationError(f"openapi-python-client reported problems for {entry.spec}:\n{details}")
        render_resources(yaml.safe_load(entry.spec_path.read_bytes()), output, marker)
        # PEP 561 marker: meta "none" output has none, and this package ships as typed.
        (output / "py.typed").touch()
        outputs[entry.package] = output
    _format([str(path) for path in outputs.values()])
    return outputs


def _format(paths: list[str]) -> None:
    for args in RUFF_COMMANDS:
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *args, *paths], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise GenerationError(f"ruff {args[0]} failed:\n{result.stdout}{result.stderr}")
