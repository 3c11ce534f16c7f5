"""The official IATI 2.03 activities schema, from the shared folder beside the repository
(``../shared/standards/iati-2.03/``; never copied into the project)."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from django.conf import settings
from lxml import etree

SCHEMA = Path("standards") / "iati-2.03" / "iati-activities-schema.xsd"


def schema_path() -> Path | None:
    """The schema in a ``shared`` folder next to the repository or one of its parents (a
    worktree or a clone may sit deeper than the main checkout)."""
    for folder in [settings.BASE_DIR, *Path(settings.BASE_DIR).parents]:
        candidate = folder / "shared" / SCHEMA
        if candidate.is_file():
            return candidate
    return None


@functools.cache
def _schema() -> etree.XMLSchema:
    # Its includes (iati-common.xsd, xml.xsd) are found beside it; no network.
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(schema_path()), parser))


def validate(content: bytes) -> etree._Element:
    """The parsed document; fails the test unless it is valid IATI 2.03 (skips without the
    schema)."""
    if schema_path() is None:
        pytest.skip("the IATI 2.03 schema is not in ../shared/standards/iati-2.03/")
    document = etree.fromstring(content, etree.XMLParser(no_network=True, resolve_entities=False))
    schema = _schema()
    assert schema.validate(document), "\n".join(str(e) for e in schema.error_log)
    return document
