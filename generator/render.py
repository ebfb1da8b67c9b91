"""Run openapi-python-client over one or more specs, into a scratch directory.

Generation always happens outside the repository and is then compared or copied in, so the
output never depends on which ruff configuration happens to sit in a parent folder, and a
failed run leaves ``clients/`` untouched.

Customisation of openapi-python-client's output is done only through its own mechanisms: a config
object (package name, class overrides, literal enums) and custom templates. Two templates are ours:
``literal_enum.py.jinja``, replaced so that enums read from a response are open (tolerant reader),
and ``package_init.py.jinja``, whose client classes load on first use. A second step of ours
(:mod:`generator.surface`) then adds the typed resources, and every generated module gets the
"generated" marker on top; the package's ``__init__`` also gets the spec version and hash. Those
are added to the files after rendering, as literals (``json.dumps``) and checked one-line comments:
no spec text is ever given to Jinja as template source.

The spec's surface is planned (every name and value checked, see :mod:`generator.safety`) before
openapi-python-client runs, so a spec that cannot be rendered safely fails fast, naming the problem.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version as installed_version
from pathlib import Path
from string import Template

import yaml

from .catalog import ClientEntry, SpecState
from .safety import SpecError, one_line
from .surface import plan_resources, render_resources

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
    """openapi-python-client or the formatter reported a problem, or the spec cannot be rendered safely."""


def generator_version() -> str:
    return installed_version("openapi-python-client")


# Templates of ours that replace an upstream one instead of wrapping it.
OWN_TEMPLATES = ("literal_enum.py.jinja", "package_init.py.jinja")


def _stamps(entry: ClientEntry, state: SpecState) -> tuple[str, str]:
    """The marker line every generated module starts with, and the spec pin of the package's ``__init__``."""
    try:
        comment = {
            "generator_version": one_line(generator_version(), "the generator version"),
            "spec_path": one_line(entry.spec, "the spec path"),
            "spec_version": one_line(state.version, "info.version"),
            "spec_sha256": one_line(state.sha256, "the spec hash"),
        }
    except SpecError as exc:
        raise GenerationError(f"{entry.spec}: {exc}") from exc
    literals = {key: json.dumps(value) for key, value in comment.items()}
    literals["generator"] = json.dumps(f"openapi-python-client {comment['generator_version']}")
    marker = Template((TEMPLATES_DIR / "marker.txt").read_text(encoding="utf-8")).substitute(comment)
    spec_pin = Template((TEMPLATES_DIR / "spec_pin.txt").read_text(encoding="utf-8")).substitute(literals)
    return marker, spec_pin


def _write_templates(template_dir: Path) -> None:
    """Our template and, for the upstream ones, plain includes (kept so the template set stays explicit)."""
    import openapi_python_client

    template_dir.mkdir(parents=True)
    (template_dir / "upstream").symlink_to(Path(openapi_python_client.__file__).parent / "templates")
    for name in PYTHON_TEMPLATES:
        body = '{% include "upstream/' + name + '" %}\n'
        if name in OWN_TEMPLATES:
            body = (TEMPLATES_DIR / name).read_text(encoding="utf-8")
        (template_dir / name).write_text(body, encoding="utf-8")


def _stamp(output: Path, marker: str, spec_pin: str) -> None:
    """Put the marker on top of every module openapi-python-client wrote, and the pin into ``__init__``."""
    for path in sorted(output.rglob("*.py")):
        text = marker + path.read_text(encoding="utf-8")
        if path == output / "__init__.py":
            text += spec_pin
        path.write_text(text, encoding="utf-8")


def generate_into(entries: list[tuple[ClientEntry, SpecState]], scratch: Path) -> dict[str, Path]:
    """Generate every client under ``scratch``; returns package name -> generated directory."""
    from openapi_python_client import generate
    from openapi_python_client.config import ClassOverride, Config, ConfigFile, MetaType

    outputs: dict[str, Path] = {}
    for entry, state in entries:
        raw = yaml.safe_load(entry.spec_path.read_bytes())
        try:
            plan_resources(raw)  # every name and value checked before anything runs
        except SpecError as exc:
            raise GenerationError(f"{entry.spec}: {exc}") from exc
        template_dir = scratch / "templates" / entry.package
        _write_templates(template_dir)
        marker, spec_pin = _stamps(entry, state)
        output = scratch / "out" / entry.package
        config_file = ConfigFile(
            package_name_override=entry.package,
            literal_enums=True,
            post_hooks=[],  # formatting is done once for all clients below
            class_overrides={key: ClassOverride.model_validate(value) for key, value in entry.class_overrides.items()},
            # A binary body of any type (`*/*`, a media upload or download) is raw bytes to it too.
            content_type_overrides={"*/*": "application/octet-stream"},
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
        _stamp(output, marker, spec_pin)
        render_resources(raw, output, marker)
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
