"""Password rules for Oficina Virtual accounts, each refusal explained in Spanish.

NIST SP 800-63B's advice: a length floor and cap, no composition rules, and a refusal of what
an attacker tries first (common passwords and words, the person's own CURP and names).

>>> password_problem("abc")
'Tu contraseña debe tener al menos 7 caracteres: le faltan 4.'
>>> password_problem("password1")
'Esa contraseña está entre las 10,000 más usadas y es fácil de adivinar. Elige otra.'
>>> password_problem("casa-PRUEBA-azul", names=("Juan", "Prueba"))
'Tu contraseña no puede contener tu nombre ni tus apellidos (PRUEBA).'
>>> "una palabra o un nombre muy común" in password_problem("Corazón2024!")
True
"""

from __future__ import annotations

from collections.abc import Iterable

from domain import curp as curp_rules
from domain.curp_tables import fold
from domain.mensajes import N_, Mensaje
from domain.palabras_comunes import common_passwords, es_palabra_comun

MIN_PASSWORD = 7
MAX_PASSWORD = 128  # scrypt takes any length; a cap keeps one request from costing more


def _name_words(names: Iterable[str]) -> list[str]:
    words = (w for name in names for w in fold(name or "").replace("-", " ").split())
    return [w for w in words if len(w) >= 3]  # "DE", "LA", "LI" would forbid half the alphabet


def password_problem(password: str, curp: str = "", names: Iterable[str] = ()) -> str | None:
    """Why ``password`` cannot be used, in Spanish; None when it can."""
    if not password or not password.strip():
        return N_("Escribe una contraseña.")
    if len(password) < MIN_PASSWORD:
        missing = MIN_PASSWORD - len(password)
        return Mensaje(
            N_("Tu contraseña debe tener al menos %(minimo)s caracteres: le faltan %(faltan)s."),
            minimo=MIN_PASSWORD,
            faltan=missing,
        )
    if len(password) > MAX_PASSWORD:
        return Mensaje(
            N_("Tu contraseña es demasiado larga: usa a lo más %(maximo)s caracteres."),
            maximo=MAX_PASSWORD,
        )
    if password.lower() in common_passwords():
        return N_(
            "Esa contraseña está entre las 10,000 más usadas y es fácil de adivinar. Elige otra."
        )
    folded = fold(password)
    compacted = curp_rules.compact(curp) if curp else ""
    if len(compacted) == 18 and (compacted in folded or compacted[:10] in folded):
        return N_("Tu contraseña no puede contener tu CURP.")
    for word in _name_words(names):
        if word in folded:
            return Mensaje(
                N_("Tu contraseña no puede contener tu nombre ni tus apellidos (%(palabra)s)."),
                palabra=word,
            )
    if es_palabra_comun(password):  # after the names: "Pedro2024" hears the precise reason
        return N_(
            "Esa contraseña es una palabra o un nombre muy común (aunque lleve números o"
            " signos) y es fácil de adivinar. Prueba con una frase de tres o cuatro palabras."
        )
    return None
