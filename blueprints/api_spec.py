"""The OpenAPI 3.1 description of every public endpoint under /api/v1/.

Kept as data next to the API so a test can check that each route is described and schemathesis
can check that each answer matches its schema.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from blueprints.api_spec_esquemas import SCHEMAS
from blueprints.api_spec_rutas import PATHS


@cache
def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "API pública de Derechohabiencia",
            "version": "1.0.0",
            "description": (
                "Validación y generación de CURP, verificación de constancias y claves públicas. "
                "Sin datos personales; CORS abierto sin credenciales; límites por IP con "
                "encabezados RateLimit-* y Retry-After."
            ),
        },
        "paths": PATHS,
        "components": {"schemas": SCHEMAS},
    }
