"""schemathesis against /api/v1/openapi.json: no server errors, every answer matches the schema."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import make_app, sqlite_database


@pytest.fixture
def api_app(tmp_path: Path) -> Flask:
    url = sqlite_database(tmp_path / "api.sqlite3")
    app = make_app(tmp_path, url, ENV={"EMBED_STATUS_LOOKUP": "1"})
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--count", "10"])
    assert result.exit_code == 0, result.output
    return app


def test_every_api_answer_matches_its_schema(api_app: Flask) -> None:
    # Operations are driven by hand: schemathesis' pytest plugin does not load on pytest 9.
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=40,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=checks)

        check()
