"""The OpenAPI 3.1 description of every public endpoint under /api/v1/.

Kept as data next to the API so a test can check that each route is described and schemathesis
can check that each answer matches its schema.
"""

from __future__ import annotations

from functools import cache
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


PATHS: dict[str, Any] = {
    "/api/v1/curp/{curp}": {
        "get": {
            "operationId": "validarCurp",
            "summary": "Valida una CURP y explica cada error",
            "description": (
                "Responde 200 para cualquier texto, aunque no sea una CURP; también para uno"
                " vacío (/api/v1/curp/), y sin importar su largo (input repite los primeros"
                " 256 caracteres)."
            ),
            "parameters": [
                {"name": "curp", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {
                "200": json_response(
                    "Resultado de la revisión", {"$ref": "#/components/schemas/CurpResult"}
                ),
                "304": {"description": "Sin cambios (ETag)"},
                "404": problem_response(
                    "Solo /api/v1/curp/generar/: con la barra final no es la generación"
                ),
                "429": TOO_MANY,
            },
        }
    },
    "/api/v1/curp/generar": {
        "get": {
            "operationId": "generarCurp",
            "summary": "Calcula los primeros 16 caracteres de una CURP con datos personales",
            "description": (
                "La respuesta repite datos personales: solo la guarda la caché del cliente "
                "(Cache-Control: private)."
            ),
            "parameters": [
                query("nombre", "Nombre o nombres", maxLength=120),
                query("primer_apellido", "Primer apellido", maxLength=120),
                query(
                    "segundo_apellido",
                    "Segundo apellido (vacío si no hay)",
                    required=False,
                    maxLength=120,
                ),
                query(
                    "fecha_nacimiento",
                    "AAAA-MM-DD, desde 1900 y no futura",
                    format="date",
                    pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                ),
                query("sexo", "H (hombre), M (mujer) o X (no binario)", enum=["H", "M", "X"]),
                query("entidad", "Clave o nombre de la entidad (NE: extranjero)", maxLength=120),
            ],
            "responses": {
                "200": json_response(
                    "Primeros 16 caracteres y su explicación",
                    {"$ref": "#/components/schemas/GeneratedCurp"},
                ),
                "304": {"description": "Sin cambios (ETag)"},
                "422": problem_response("Datos incompletos o imposibles, con un mensaje por campo"),
                "429": TOO_MANY,
            },
        }
    },
    "/api/v1/estatus/{curp}": {
        "get": {
            "operationId": "estatusAfiliacion",
            "summary": "Dice si una CURP tiene afiliación vigente hoy al IMSS y al ISSSTE",
            "description": (
                "Solo sí o no, nunca un nombre. Apagada salvo que el operador defina "
                "EMBED_STATUS_LOOKUP=1 (si no, responde 404). Límite por IP y por sitio que "
                "incrusta (encabezado Origin o Referer); la misma cuota que el widget."
            ),
            "parameters": [
                {
                    "name": "curp",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "maxLength": 1024},
                }
            ],
            "responses": {
                "200": json_response(
                    "Afiliación vigente hoy, por institución",
                    {
                        "type": "object",
                        "required": ["curp", "imss_vigente", "issste_vigente"],
                        "additionalProperties": False,
                        "properties": {
                            "curp": {"type": "string", "pattern": "^[A-Z0-9]{18}$"},
                            "imss_vigente": {"type": "boolean"},
                            "issste_vigente": {"type": "boolean"},
                        },
                    },
                ),
                "404": problem_response("La consulta de estatus está apagada en este portal"),
                "422": problem_response("La CURP no es válida; el detalle dice qué revisar"),
                "429": TOO_MANY,
            },
        }
    },
    "/api/v1/constancias/{folio}": {
        "get": {
            "operationId": "verificarConstancia",
            "summary": "Dice si una constancia es auténtica y si sigue vigente",
            "description": (
                "Folio y código de verificación tal como vienen en el documento (el código va "
                "junto al QR). Un folio desconocido y un código equivocado dan la misma "
                "respuesta 404. El nombre va enmascarado: solo iniciales."
            ),
            "parameters": [
                {
                    "name": "folio",
                    "in": "path",
                    "required": True,
                    "description": "Como en el documento; también en minúsculas o sin guiones",
                    "schema": {
                        "type": "string",
                        "pattern": FOLIO_PATTERN,
                        "examples": ["NA-2026-000123"],
                    },
                },
                query(
                    "c",
                    "Código de verificación: 12 letras y números (también en minúsculas)",
                    pattern=CODIGO_PATTERN,
                ),
            ],
            "responses": {
                "200": json_response(
                    "Constancia auténtica", {"$ref": "#/components/schemas/Verificacion"}
                ),
                "404": problem_response("No auténtica: no hay constancia con ese folio y código"),
                "422": problem_response(
                    "Folio o código ausente o mal escrito (también /api/v1/constancias/, sin folio)"
                ),
                "429": TOO_MANY,
                "503": problem_response(
                    "No se puede verificar por ahora: al portal le falta la clave con que se "
                    "firmó (no quiere decir que sea falsa)"
                ),
            },
        }
    },
    "/api/v1/claves": {
        "get": {
            "operationId": "clavesPublicas",
            "summary": "Claves públicas Ed25519 con que se firman las constancias",
            "description": "Incluye las claves retiradas, para verificar documentos antiguos.",
            "responses": {
                "200": json_response(
                    "Claves publicadas",
                    {"type": "array", "items": {"$ref": "#/components/schemas/ClavePublica"}},
                ),
                "429": TOO_MANY,
                "503": problem_response("El portal no tiene ninguna clave configurada"),
            },
        }
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
