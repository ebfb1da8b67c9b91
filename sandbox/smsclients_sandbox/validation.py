"""Validation adapter: checks sandbox traffic against the very spec files the clients come from.

openapi-core (V31 request/response validators) sees each request as the real provider would:
the sandbox URL ``http://127.0.0.1:<port>/<prefix>/<spec path>`` is mapped to the spec's
``servers[0].url`` + spec path. Request problems are returned in a neutral form
(:class:`Problem`) that the app turns into the provider's error shape; response problems are
sandbox bugs and are reported as strings for a loud log line and a 500.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from jsonschema.exceptions import ValidationError as SchemaError  # type: ignore[import-untyped]
from jsonschema.exceptions import best_match
from jsonschema_path import SchemaPath
from openapi_core import V31RequestValidator, V31ResponseValidator
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.media_types.exceptions import MediaTypeNotFound
from openapi_core.templating.paths.exceptions import PathError
from openapi_core.validation.request.exceptions import (
    MissingRequiredParameter,
    MissingRequiredRequestBody,
    ParameterValidationError,
    RequestBodyValidationError,
    SecurityValidationError,
)
from openapi_schema_validator import OAS31Validator
from werkzeug.datastructures import Headers, ImmutableMultiDict

from smsclients_sandbox.surfaces import Surface

Location = Literal["path", "query", "header", "body", "media-type", "operation"]


@dataclass(frozen=True)
class Problem:
    """One reason a request does not conform to the spec."""

    location: Location
    name: str
    messages: tuple[str, ...]

    def describe(self) -> str:
        where = f"{self.location} {self.name}".strip()
        return f"{where}: {'; '.join(self.messages)}" if self.messages else where


class SpecRequest:
    """A request in openapi-core's ``Request`` protocol, addressed to the spec's server."""

    def __init__(
        self,
        surface: Surface,
        method: str,
        rel_path: str,
        query: Iterable[tuple[str, str]],
        headers: Iterable[tuple[str, str]],
        body: bytes,
    ) -> None:
        self.host_url = surface.server_origin
        self.path = surface.server_base_path + rel_path
        self.method = method.lower()
        header_map = Headers(list(headers))
        self.parameters = RequestParameters(query=ImmutableMultiDict(list(query)), header=header_map, cookie={})
        self.body: bytes | None = body or None
        self.content_type = header_map.get("content-type", "application/octet-stream").lower()


class SpecResponse:
    """A sandbox reply in openapi-core's ``Response`` protocol."""

    def __init__(self, status: int, headers: Mapping[str, str], data: bytes) -> None:
        self.status_code = status
        self.headers = Headers(list(headers.items()))
        self.data = data
        self.content_type = self.headers.get("content-type", "").lower()


def _binary_string(data: bytes) -> str:
    """A body of any type (``*/*``, a file) as ``type: string, format: binary`` means: one character per byte."""
    return data.decode("latin-1")


@functools.cache
def load_spec(path: Path) -> dict[str, Any]:
    """Parse a spec once per process (several apps in one test run share it)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as handle:
        value = yaml.load(handle, Loader=loader)
    if not isinstance(value, dict):
        raise TypeError(f"{path} is not an OpenAPI document")
    return value


class SpecValidator:
    """Request, response and component-schema checks for one surface."""

    def __init__(self, surface: Surface) -> None:
        self.surface = surface
        self.document = load_spec(surface.spec_path)
        spec = SchemaPath.from_dict(self.document)
        deserializers: dict[str, Callable[[bytes], Any]] = {"*/*": _binary_string}
        self._requests = V31RequestValidator(spec, extra_media_type_deserializers=deserializers)
        self._responses = V31ResponseValidator(spec, extra_media_type_deserializers=deserializers)
        self._components: dict[str, OAS31Validator] = {}

    def request_problems(self, request: SpecRequest) -> list[Problem]:
        problems = []
        for error in self._requests.iter_errors(request):
            problem = _problem(error)
            if problem is not None:
                problems.append(problem)
        return problems

    def response_problems(self, request: SpecRequest, response: SpecResponse) -> list[str]:
        messages = []
        for error in self._responses.iter_errors(request, response):
            details = _schema_messages(error.__cause__)
            messages.append(f"{error}" + (f" ({'; '.join(details)})" if details else ""))
        return messages

    def schema_errors(self, component: str, value: Any) -> list[str]:
        """Errors of ``value`` against ``components/schemas/<component>`` (batch items etc.)."""
        validator = self._components.get(component)
        if validator is None:
            schema = {"$ref": f"#/components/schemas/{component}", "components": self.document["components"]}
            validator = OAS31Validator(schema)
            self._components[component] = validator
        return [_format(e) for e in sorted(validator.iter_errors(value), key=lambda e: list(e.path))]


@functools.cache
def validator_for(surface: Surface) -> SpecValidator:
    """One validator per surface per process; building one costs tens of milliseconds."""
    return SpecValidator(surface)


def _problem(error: Exception) -> Problem | None:
    if isinstance(error, SecurityValidationError):
        return None  # the sandbox authenticates before validating; see smsclients_sandbox.auth
    if isinstance(error, PathError):
        return Problem("operation", "", (str(error),))
    if isinstance(error, ParameterValidationError):
        location: Location = error.location if error.location in ("path", "query", "header") else "query"  # type: ignore[assignment]
        if isinstance(error, MissingRequiredParameter):
            return Problem(location, error.name, ("is required",))
        cause = error.__cause__
        messages = _schema_messages(cause) or [f"has an invalid value ({type(cause).__name__})"]
        return Problem(location, error.name, tuple(messages))
    if isinstance(error, MissingRequiredRequestBody):
        return Problem("body", "", ("a request body is required",))
    if isinstance(error, RequestBodyValidationError):
        cause = error.__cause__
        if isinstance(cause, MediaTypeNotFound):
            return Problem("media-type", "", (f"unsupported content type {cause.mimetype}",))
        messages = _schema_messages(cause)
        return Problem("body", "", tuple(messages) if messages else (str(error),))
    return Problem("operation", "", (str(error),))


def _schema_messages(cause: BaseException | None) -> list[str]:
    errors = getattr(cause, "schema_errors", None)
    if not errors:
        return []
    return [_format(e) if isinstance(e, SchemaError) else str(e) for e in errors]


def _format(error: SchemaError) -> str:
    if error.context:
        # A oneOf/anyOf: report the alternative the value got furthest into (a JSON:API
        # wrapper with a bad attribute is about that attribute, not about the flat form).
        branches: dict[Any, list[SchemaError]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0] if sub.relative_schema_path else None, []).append(sub)
        closest = max(branches.values(), key=lambda subs: min(len(sub.absolute_path) for sub in subs))
        error = best_match(closest) or error
    path = _json_path(error.absolute_path)
    return f"{path}: {error.message}" if path else error.message


def _json_path(parts: Iterable[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def dumps(value: Any) -> bytes:
    """The sandbox's JSON encoding (compact, UTF-8), shared by replies and validation."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
