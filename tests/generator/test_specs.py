"""Every spec in the catalog is a valid OpenAPI 3.1 document."""

from __future__ import annotations

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

from .repo import REPO_ROOT, catalog, load_spec

SPECS = [entry.spec for entry in catalog()]


def test_catalog_lists_the_four_surfaces() -> None:
    assert SPECS == [
        "specs/flowroute-messages-v2.yaml",
        "specs/flowroute-v2.yaml",
        "specs/bandwidth-messaging-v1.yaml",
        "specs/messagemedia-messages-v1.yaml",
    ]


@pytest.mark.parametrize("spec", SPECS)
def test_spec_validates(spec: str) -> None:
    path = REPO_ROOT / spec
    document = load_spec(path)
    assert document["openapi"] == "3.1.0"
    validate(document, base_uri=path.as_uri(), cls=OpenAPIV31SpecValidator)


@pytest.mark.parametrize("spec", SPECS)
def test_spec_has_version_server_and_security(spec: str) -> None:
    document = load_spec(REPO_ROOT / spec)
    assert isinstance(document["info"]["version"], str) and document["info"]["version"]
    assert document["servers"][0]["url"].startswith("https://")
    basic = document["components"]["securitySchemes"]["basicAuth"]
    assert (basic["type"], basic["scheme"]) == ("http", "basic")
    assert document["security"]
