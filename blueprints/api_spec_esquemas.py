"""The OpenAPI schemas of the public API's answers, and the response shapes its paths share
(blueprints/api_spec_rutas.py describes the paths; blueprints/api_spec.py puts them together).
"""

from __future__ import annotations

from typing import Any

from domain.folios import CODIGO_ALFABETO, CODIGO_LARGO

# The printed forms; the server also reads them in lower case, and the folio without hyphens.
FOLIO_PATTERN = "^[A-Z]{2}-[0-9]{4}-[0-9]{6,9}$"
CODIGO_PATTERN = f"^[{CODIGO_ALFABETO}]{{{CODIGO_LARGO}}}$"

PROBLEM = {
    "type": "object",
    "description": "Detalles del problema (RFC 9457), en español.",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}
CURP_PROBLEM = {
    "type": "object",
    "required": ["code", "positions", "message"],
    "properties": {
        "code": {
            "type": "string",
            "enum": [
                "length",
                "format",
                "vowel",
                "date",
                "century",
                "sex",
                "state",
                "consonant",
                "check_digit",
                "inconvenient_word",
            ],
        },
        "positions": {"type": "array", "items": {"type": "integer", "minimum": 1}},
        "message": {"type": "string", "description": "Para la persona, siempre en español."},
    },
}
CURP_RESULT = {
    "type": "object",
    "required": ["input", "curp", "valid", "errors", "warnings", "birth_date", "sex", "state"],
    "properties": {
        "input": {"type": "string", "maxLength": 256},
        "curp": {"type": ["string", "null"], "pattern": "^[A-Z0-9]{18}$"},
        "valid": {"type": "boolean"},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/CurpProblem"}},
        "warnings": {"type": "array", "items": {"$ref": "#/components/schemas/CurpProblem"}},
        "birth_date": {"type": ["string", "null"], "format": "date"},
        "sex": {"type": ["string", "null"], "enum": ["H", "M", "X", None]},
        "state": {
            "type": ["object", "null"],
            "required": ["code", "name"],
            "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
        },
    },
}
GENERATED = {
    "type": "object",
    "required": ["prefix", "hint", "note", "explanation"],
    "properties": {
        "prefix": {"type": "string", "pattern": "^[A-Z0-9]{16}$"},
        "hint": {"type": "string", "description": "CURP completa probable (0 o A y su dígito)."},
        "note": {"type": "string"},
        "explanation": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["positions", "value", "text"],
                "properties": {
                    "positions": {"type": "string"},
                    "value": {"type": "string"},
                    "text": {"type": "string"},
                },
            },
        },
    },
}

VERIFICACION = {
    "type": "object",
    "required": ["autentica", "folio", "tipo", "titular", "emitida", "valida_hasta", "estado",
                 "revocada", "vigente_hoy"],
    "properties": {
        "autentica": {"type": "boolean", "const": True},
        "folio": {"type": "string", "pattern": FOLIO_PATTERN},
        "tipo": {
            "type": "object",
            "required": ["clave", "titulo", "institucion"],
            "properties": {
                "clave": {"type": "string"},
                "titulo": {"type": "string"},
                "institucion": {"type": "string", "enum": ["IMSS", "ISSSTE"]},
            },
        },
        "titular": {"type": "string", "description": "Iniciales (J*** P***); vacío sin registro"},
        "emitida": {"type": "string", "format": "date-time"},
        "valida_hasta": {"type": ["string", "null"], "format": "date-time"},
        "estado": {"type": "string", "enum": ["vigente", "vencida", "revocada"]},
        "revocada": {"type": ["string", "null"], "format": "date-time"},
        "vigente_hoy": {
            "type": ["boolean", "null"],
            "description": (
                "Solo constancias de vigencia de derechos (carnet ISSSTE, folio VD; IMSS, folio "
                "VI): si la afiliación para la que se emitió el documento (su número de "
                "afiliación ISSSTE; en el IMSS, su NSS) da hoy derechos según el registro (en el "
                "IMSS, derecho a servicio médico; a un familiar, si además su titular los tiene). "
                "Otra afiliación de la misma persona no cuenta; false si el registro ya no tiene "
                "esa afiliación. null en los demás documentos"
            ),
        },
    },
}  # fmt: skip
CLAVE_PUBLICA = {
    "type": "object",
    "required": ["kid", "algorithm", "public_key", "public_key_pem", "active"],
    "properties": {
        "kid": {"type": "string", "description": "16 hex: SHA-256 de la clave pública, recortado"},
        "algorithm": {"type": "string", "const": "Ed25519"},
        "public_key": {"type": "string", "description": "32 bytes en base64"},
        "public_key_pem": {"type": "string"},
        "active": {"type": "boolean", "description": "La que firma los documentos nuevos"},
    },
}
SCHEMAS: dict[str, Any] = {
    "Problem": PROBLEM,
    "CurpProblem": CURP_PROBLEM,
    "CurpResult": CURP_RESULT,
    "GeneratedCurp": GENERATED,
    "Verificacion": VERIFICACION,
    "ClavePublica": CLAVE_PUBLICA,
}

RATE_HEADERS = {
    "RateLimit-Limit": {
        "description": "Solicitudes permitidas en la ventana del límite más estrecho",
        "schema": {"type": "integer"},
    },
    "RateLimit-Remaining": {
        "description": "Solicitudes que quedan en esa ventana",
        "schema": {"type": "integer"},
    },
    "RateLimit-Reset": {
        "description": "Segundos que faltan para que esa ventana empiece de nuevo",
        "schema": {"type": "integer"},
    },
}


def json_response(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": description,
        "headers": RATE_HEADERS,
        "content": {"application/json": {"schema": schema}},
    }


def problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


TOO_MANY = {
    **problem_response("Demasiadas solicitudes; espera lo que indique Retry-After."),
    "headers": {
        **RATE_HEADERS,
        "Retry-After": {
            "description": "Segundos que conviene esperar antes de volver a intentar",
            "schema": {"type": "integer"},
        },
    },
}


def query(name: str, description: str, required: bool = True, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": {"type": "string", **schema},
    }
