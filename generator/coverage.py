"""``docs/coverage.md``: every operation of every spec against the modern clients, the legacy
drop-ins and the sandbox, derived, never written by hand.

- operations: the specs (``generator/clients.toml``), read as the generator reads them;
- modern: the typed attributes of the public clients (``FlowrouteClient.port_orders``, ...) and,
  for each method of a generated resource, the operation constant its code refers to;
- legacy: the drop-in modules under ``overlays/smsclients/legacy``, read as source (``ast``): a
  public method covers an operation when it, or a helper of its module it calls, calls a resource
  method of the modern client it is built on (``self._client.messages.send``, ``self._numbers.get``
  after ``self._numbers = client.numbers``, ``....with_raw_response.status``);
- sandbox: the operations the sandbox app registers (``SandboxApp.operations``);
- not covered: each spec's top-level ``x-not-covered`` list;
- source conflicts: each spec's ``# Source conflict:`` comments, with where they stand.

``python -m generator coverage`` writes the file, ``--check`` fails when it is out of date.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import sys
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import FunctionType, ModuleType
from typing import Any

import yaml

from .catalog import REPO_ROOT, ClientEntry, load_catalog
from .spec_model import Operation, operations

OUTPUT = REPO_ROOT / "docs" / "coverage.md"
LEGACY_PACKAGE = "smsclients.legacy"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_TEMPLATE = re.compile(r"\{[^}]*\}")
_KEY = re.compile(
    r"^(?P<indent>\s*)(?P<item>- )?(?P<key>'[^']*'|\"[^\"]*\"|[^\s#'\"][^:#]*?):(?:\s+(?P<value>[^#]*))?$"
)


@dataclass
class Row:
    """One operation of one spec and what covers it."""

    op: Operation
    modern: list[str] = field(default_factory=list)
    legacy: list[str] = field(default_factory=list)
    sandbox: bool = False


@dataclass
class Surface:
    entry: ClientEntry
    title: str
    rows: list[Row]
    not_covered: list[Mapping[str, Any]]
    conflicts: list[tuple[str, str]]


# ---------------------------------------------------------------------------- modern
def _request(method: str, path: str) -> str:
    """``"GET /v2/numbers/{}"``: the generated constants write path templates without names."""
    return f"{method.upper()} {_TEMPLATE.sub('{}', path)}"


def _operation_names(function: Any) -> set[str]:
    """``"POST /v2/portorders"`` of each generated ``Operation`` constant a resource method's code uses."""
    code = getattr(function, "__code__", None)
    if code is None:
        return set()
    module_globals: Mapping[str, Any] = getattr(function, "__globals__", {})
    names = set()
    for name in code.co_names:
        constant: Any = module_globals.get(name)
        if type(constant).__name__ == "Operation" and isinstance(getattr(constant, "path", None), str):
            names.add(_request(constant.method, constant.path))
    return names


def _resource_methods(resource: type) -> dict[str, set[str]]:
    """Public method name -> requests (``"GET /v2/numbers"``), for one generated resource class."""
    found: dict[str, set[str]] = {}
    for name, member in vars(resource).items():
        if name.startswith("_") or not isinstance(member, FunctionType):
            continue
        ops = _operation_names(member)
        if ops:
            found[name] = ops
    return found


def _facade_clients(*, with_async: bool = False) -> list[type]:
    """The public client classes of ``smsclients``: the sync ones (the async ones mirror them), or both."""
    smsclients = importlib.import_module("smsclients")
    facade = importlib.import_module("smsclients.facade")
    names = getattr(smsclients, "__all__", None) or [n for n in dir(smsclients) if not n.startswith("_")]
    bases = (facade.SyncClient, facade.AsyncClient) if with_async else (facade.SyncClient,)
    classes = {getattr(smsclients, n) for n in names}
    return sorted(
        (c for c in classes if isinstance(c, type) and issubclass(c, bases) and c not in bases),
        key=lambda c: c.__name__,
    )


@dataclass(frozen=True)
class Attachment:
    """A resource attribute of a public client: ``client.attribute`` is an instance of ``resource``."""

    client: str
    attribute: str
    package: str
    methods: Mapping[str, frozenset[str]]


def _hints(client: type) -> dict[str, Any]:
    """The client's resolved class annotations; a base whose annotations do not resolve is skipped."""
    for base in client.__mro__:
        # Names a module imports on first use (resource classes) must be loaded to resolve.
        module = sys.modules.get(base.__module__)
        for name in getattr(module, "__all__", ()):
            getattr(module, name, None)
    try:
        return typing.get_type_hints(client)
    except (NameError, TypeError):
        hints: dict[str, Any] = {}
        for base in reversed(client.__mro__):
            try:
                hints.update(typing.get_type_hints(base))
            except (NameError, TypeError):
                continue
        return hints


def _attachments(client: type) -> list[Attachment]:
    found = []
    for attribute, hint in _hints(client).items():
        if not isinstance(hint, type) or ".resources." not in hint.__module__:
            continue
        methods = {name: frozenset(ops) for name, ops in _resource_methods(hint).items()}
        if methods:
            found.append(Attachment(client.__name__, attribute, hint.__module__.split(".", 1)[0], methods))
    return found


# ---------------------------------------------------------------------------- legacy
def _chain(node: ast.expr) -> list[str]:
    """``self._client.messages`` -> ``["self", "_client", "messages"]`` (``[]`` if not a plain chain)."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return parts[::-1]
    return []


class _LegacyModule:
    """The resource calls of one legacy module's functions, and which of them are public entry points."""

    def __init__(self, name: str, source: str, resources: Mapping[str, Attachment]) -> None:
        self.name = name
        self.resources = resources
        tree = ast.parse(source)
        self.functions: dict[str, ast.AST] = {}  # "Class.method" or "function"
        self.aliases: dict[str, Mapping[str, str]] = {}  # per function: its class's resource aliases
        self.public: list[str] = []
        # Resource aliases any class of the module defines (a base class's serve its subclasses).
        shared = {
            alias: resource
            for node in tree.body
            if isinstance(node, ast.ClassDef)
            for alias, resource in self._aliases(node).items()
        }
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                self._add(node.name, node, public=not node.name.startswith("_"))
            elif isinstance(node, ast.ClassDef):
                aliases = shared
                for item in node.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                        public = not node.name.startswith("_") and not item.name.startswith("_")
                        self._add(f"{node.name}.{item.name}", item, public=public, aliases=aliases)

    def _aliases(self, cls: ast.ClassDef) -> dict[str, str]:
        """``self._numbers = client.numbers``, or a property or method ``_numbers`` returning ``….numbers``
        -> ``{"_numbers": "numbers"}``."""
        found: dict[str, str] = {}
        for node in ast.walk(cls):
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = _chain(node.targets[0]), _chain(node.value)
                if len(target) == 2 and target[0] == "self" and value and value[-1] in self.resources:
                    found[target[1]] = value[-1]
            elif isinstance(node, ast.FunctionDef):  # a property or method returning ``….numbers``
                returned = [n.value for n in ast.walk(node) if isinstance(n, ast.Return) and n.value is not None]
                if len(returned) == 1 and isinstance(returned[0], ast.Attribute) and returned[0].attr in self.resources:
                    found[node.name] = returned[0].attr
        return found

    def _add(self, key: str, node: ast.AST, *, public: bool, aliases: Mapping[str, str] | None = None) -> None:
        self.functions[key] = node
        self.aliases[key] = aliases or {}
        if public:
            self.public.append(key)

    def _resource_of(self, value: ast.expr, aliases: Mapping[str, str]) -> str | None:
        """The resource an expression evaluates to: ``….numbers``, ``self._numbers`` or ``self._numbers()``."""
        if isinstance(value, ast.Call):
            value = value.func
        chain = _chain(value)
        if len(chain) == 2 and chain[0] == "self" and chain[1] in aliases:
            return aliases[chain[1]]
        if isinstance(value, ast.Attribute) and value.attr in self.resources:
            return value.attr
        return None

    def _direct(self, key: str) -> tuple[set[tuple[str, str]], set[str]]:
        """Resource methods ``(attribute, method)`` a function calls or passes on (``_call(x.account.get)``),
        and the module helpers it calls."""
        node = self.functions[key]
        aliases = self.aliases[key]
        owner = key.split(".", 1)[0] if "." in key else None
        # Locals bound to a resource: ``messages = self._messages()``.
        local: dict[str, str] = {}
        for assign in ast.walk(node):
            if isinstance(assign, ast.Assign) and len(assign.targets) == 1 and isinstance(assign.targets[0], ast.Name):
                resource = self._resource_of(assign.value, aliases)
                if resource is not None:
                    local[assign.targets[0].id] = resource
        calls: set[tuple[str, str]] = set()
        helpers: set[str] = set()
        for item in ast.walk(node):
            if isinstance(item, ast.Attribute):
                chain = _chain(item)
                if len(chain) >= 2 and chain[-2] == "with_raw_response":
                    chain = chain[:-2] + chain[-1:]
                if len(chain) >= 2:
                    holder = chain[-2]
                    if len(chain) == 3 and chain[0] == "self" and holder in aliases:
                        holder = aliases[holder]
                    elif len(chain) == 2 and holder in local:
                        holder = local[holder]
                    if holder in self.resources and chain[-1] in self.resources[holder].methods:
                        calls.add((holder, chain[-1]))
            if not isinstance(item, ast.Call):
                continue
            chain = _chain(item.func)
            if len(chain) == 1 and chain[0] in self.functions:
                helpers.add(chain[0])
            if len(chain) == 2 and chain[0] == "self" and owner and f"{owner}.{chain[1]}" in self.functions:
                helpers.add(f"{owner}.{chain[1]}")
        return calls, helpers

    def operations_of(self, key: str) -> set[str]:
        """Requests (``"GET /v2/numbers"``) a function reaches, through the module's own helpers too."""
        seen: set[str] = set()
        pending = [key]
        ops: set[str] = set()
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            calls, helpers = self._direct(current)
            for attribute, method in calls:
                ops |= set(self.resources[attribute].methods.get(method, ()))
            pending += sorted(helpers - seen)
        return ops


def _legacy_modules() -> Iterator[ModuleType]:
    package = importlib.import_module(LEGACY_PACKAGE)
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            yield importlib.import_module(f"{LEGACY_PACKAGE}.{info.name}")


def _imports_from(source: str, module: str, package: str = LEGACY_PACKAGE) -> bool:
    """Whether ``source`` (a module of ``package``) imports anything from ``module``: a drop-in reaching
    the client through a helper. Relative imports (``from ..flowroute import …``) count too."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]) if node.level else ""
            name = ".".join(part for part in (base, node.module or "") if part)
            if name == module:
                return True
        if isinstance(node, ast.Import) and any(alias.name == module for alias in node.names):
            return True
    return False


def _private_helpers(source: str, package: str = LEGACY_PACKAGE) -> list[ModuleType]:
    """The private modules of ``package`` (``_mm_sdk``) that ``source`` imports from or imports."""
    found = []
    for info in pkgutil.iter_modules(importlib.import_module(package).__path__):
        if info.name.startswith("_") and _imports_from(source, f"{package}.{info.name}"):
            found.append(importlib.import_module(f"{package}.{info.name}"))
    return found


def legacy_coverage(clients: Iterable[type]) -> dict[tuple[str, str], list[str]]:
    """``(package, "METHOD path")`` -> the legacy methods (``module.Class.method``) that call it."""
    clients = list(clients)
    by_class = {c.__name__: {a.attribute: a for a in _attachments(c)} for c in clients}
    modules = {c.__name__: c.__module__ for c in clients}
    found: dict[tuple[str, str], list[str]] = {}
    for module in _legacy_modules():
        source = inspect.getsource(module)
        # The modern client(s) it is built on: imported by name, or their module imported from, by
        # the module itself or by a private helper module of the package it imports from.
        helpers = [inspect.getsource(m) for m in _private_helpers(source)]
        used = [
            name
            for name in by_class
            if name in vars(module) or any(_imports_from(text, modules[name]) for text in (source, *helpers))
        ]
        resources: dict[str, Attachment] = {}
        for name in used:
            resources.update(by_class[name])
        reader = _LegacyModule(module.__name__.rsplit(".", 1)[-1], source, resources)
        for key in reader.public:
            for op in reader.operations_of(key):
                packages = {a.package for a in resources.values() if any(op in ops for ops in a.methods.values())}
                for package in packages:
                    found.setdefault((package, op), []).append(f"{reader.name}.{key}")
    return found


# ---------------------------------------------------------------------------- sandbox
def sandbox_operations() -> set[tuple[str, str]]:
    """``(surface name, operationId)`` of every operation the sandbox implements."""
    app_module = importlib.import_module("smsclients_sandbox.app")
    options = importlib.import_module("smsclients_sandbox.options")
    app = app_module.build_app(options.SandboxOptions())
    try:
        return {(op.surface.name, op.operation_id) for op in app.operations}
    finally:
        app.close()


# ---------------------------------------------------------------------------- specs
def source_conflicts(text: str) -> list[tuple[str, str]]:
    """``(where, text)`` of each ``# Source conflict:`` comment, ``where`` being the key below it."""
    lines = text.splitlines()
    stack: list[tuple[int, str]] = []
    found: list[tuple[str, str]] = []
    pending: list[str] | None = None
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("#"):
            comment = stripped.lstrip("#").strip()
            if "Source conflict:" in comment:
                pending = [comment[comment.index("Source conflict:") + len("Source conflict:") :].strip()]
            elif pending is not None and comment:
                pending.append(comment)
            continue
        match = _KEY.match(line)
        if not match:
            continue
        item = match.group("item") is not None
        indent = len(match.group("indent")) + (2 if item else 0)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        key = match.group("key").strip("'\"")
        if item and key == "name" and match.group("value"):  # a parameter: its name says where
            key = match.group("value").strip().strip("'\"")
        stack.append((indent, key))
        if pending is not None:
            found.append((" / ".join(key for _, key in stack), " ".join(pending)))
            pending = None
    if pending is not None:  # a comment at the very end
        found.append(("(end of document)", " ".join(pending)))
    return found


def _surfaces(sandbox: set[tuple[str, str]], legacy: Mapping[tuple[str, str], list[str]]) -> list[Surface]:
    clients = _facade_clients()
    modern: dict[tuple[str, str], list[str]] = {}
    for client in clients:
        for attachment in _attachments(client):
            for method, ops in sorted(attachment.methods.items()):
                for op in ops:
                    modern.setdefault((attachment.package, op), []).append(f"{attachment.attribute}.{method}")
    surfaces = []
    for entry in load_catalog():
        text = entry.spec_path.read_text(encoding="utf-8")
        raw = yaml.safe_load(text)
        rows = [
            Row(
                op,
                modern=modern.get((entry.package, _request(op.http_method, op.path)), []),
                legacy=sorted(legacy.get((entry.package, _request(op.http_method, op.path)), [])),
                sandbox=(entry.name, op.operation_id) in sandbox,
            )
            for op in operations(raw)
        ]
        title = str(raw.get("info", {}).get("title", entry.name))
        surfaces.append(Surface(entry, title, rows, list(raw.get("x-not-covered") or []), source_conflicts(text)))
    return surfaces


# ---------------------------------------------------------------------------- rendering
def _code(items: Iterable[str]) -> str:
    return "<br>".join(f"`{item}`" for item in items) or "—"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def render(surfaces: list[Surface], client_names: Mapping[str, str]) -> str:
    out = [
        "<!-- Generated by `python -m generator coverage` (make coverage / make regenerate). Do not edit. -->",
        "# Coverage of the providers' public APIs",
        "",
        "Every operation of every spec (`specs/`), and what implements it: the modern clients (a method",
        "of a resource, sync and async alike), the legacy drop-ins (`smsclients.legacy`; the methods that",
        "call it) and the sandbox. Derived from the specs, the clients and the sandbox by",
        "`generator/coverage.py`; a test keeps it current. Operations the providers document that the specs",
        "do not describe are each spec's `x-not-covered`; where the specs depart from a source, its",
        "`# Source conflict:` comments (both listed below, per spec).",
        "",
        "| spec | operations | modern | legacy | sandbox | documented, not described |",
        "|---|---|---|---|---|---|",
    ]
    for s in surfaces:
        n = len(s.rows)
        counts = (
            sum(bool(r.modern) for r in s.rows),
            sum(bool(r.legacy) for r in s.rows),
            sum(r.sandbox for r in s.rows),
        )
        out.append(
            f"| [{s.title}](#{s.entry.name}) (`{s.entry.spec}`) | {n} | {counts[0]} | {counts[1]} | {counts[2]} "
            f"| {len(s.not_covered)} |"
        )
    for s in surfaces:
        client = client_names.get(s.entry.package, "")
        out += [
            "",
            f'<a id="{s.entry.name}"></a>',
            f"## {s.title}",
            "",
            f"`{s.entry.spec}`, package `{s.entry.package}`" + (f", on `{client}`" if client else "") + ".",
            "",
            "| operation | request | modern | legacy | sandbox |",
            "|---|---|---|---|---|",
        ]
        for r in s.rows:
            out.append(
                f"| `{r.op.operation_id}` {_cell(r.op.summary)} | `{r.op.http_method} {r.op.path}` "
                f"| {_code(r.modern)} | {_code(r.legacy)} | {'yes' if r.sandbox else '—'} |"
            )
        if s.not_covered:
            out += ["", "Documented by the provider, not described by the spec:", ""]
            out += ["| operation | source | why |", "|---|---|---|"]
            for gap in s.not_covered:
                cells = (_cell(gap.get(key, "")) for key in ("operation", "source", "why"))
                out.append("| " + " | ".join(cells) + " |")
        if s.conflicts:
            out += ["", "Where the spec departs from a source (`# Source conflict:`):", ""]
            out += ["| where | what, and the choice |", "|---|---|"]
            for where, text in s.conflicts:
                out.append(f"| `{_cell(where)}` | {_cell(text)} |")
    return "\n".join(out) + "\n"


def build() -> str:
    clients = _facade_clients()
    names = {a.package: c.__name__ for c in reversed(clients) for a in _attachments(c)}
    # A drop-in may be built on the async client as well as on the sync one.
    legacy = legacy_coverage(_facade_clients(with_async=True))
    return render(_surfaces(sandbox_operations(), legacy), names)


def write(path: Path = OUTPUT) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(build(), encoding="utf-8")
    print(f"wrote {path.relative_to(REPO_ROOT)}")
    return 0


def check(path: Path = OUTPUT) -> int:
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    if current != build():
        print(f"{path.relative_to(REPO_ROOT)} is out of date: run `make coverage`", flush=True)
        return 1
    print(f"{path.relative_to(REPO_ROOT)} is current")
    return 0
