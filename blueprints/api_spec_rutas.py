"""The OpenAPI description of each path under /api/v1/: its parameters and its answers."""

from __future__ import annotations

from typing import Any

from blueprints.api_spec_esquemas import (
    CODIGO_PATTERN,
    FOLIO_PATTERN,
    TOO_MANY,
    json_response,
    problem_response,
    query,
)

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
