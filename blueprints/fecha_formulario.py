"""The birth date as the HTML forms ask for it: a date control, drawn as day, month and year.

The domain's message for a date it cannot read names the API's typed format (AAAA-MM-DD). A
form's field is a date control, which sends nothing until day, month and year are all chosen,
so there that message asked for something the field cannot take (WCAG 3.3.2): the forms ask
for the whole date instead. A browser that draws the control as plain text sends what was
typed, and the domain reads 27/03/1985 as well as 1985-03-27.
"""

from __future__ import annotations

from domain.curp_generate import FECHA_AAAA_MM_DD
from domain.mensajes import N_

# Untranslated, as the domain's messages are: the forms show them through |traducir.
FECHA_INCOMPLETA = N_("Escribe tu fecha de nacimiento completa: día, mes y año.")


def pedir_fecha_completa(errors: dict[str, str]) -> dict[str, str]:
    """``errors`` (the domain's, untranslated) with the date's format message in a form's terms."""
    if errors.get("fecha_nacimiento") == FECHA_AAAA_MM_DD:
        errors["fecha_nacimiento"] = FECHA_INCOMPLETA
    return errors
