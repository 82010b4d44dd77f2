"""The least a server-rendered, CSRF-protected CURP search can cost on this stack, for
bench/load.py to print beside the portal's search: Flask, Flask-WTF's CSRF check (a signed
session cookie and a signed token), one indexed SQLite lookup, and a small Jinja answer
carrying the download form with its own token. Nothing else: no rate limits, logs, metrics,
security headers, translations or proxy handling, all of which the portal's search also pays.
Its ratio to the bare endpoint is a ceiling for what any search written this way can reach.
"""

import sqlite3
import threading

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFProtect
from jinja2 import DictLoader

app = Flask(__name__)
app.config["SECRET_KEY"] = "floor-secret"
CSRFProtect(app)

FORM = """<form method="post" action="/buscar">
<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
<label for="curp">CURP</label><input id="curp" name="curp"><button>Buscar</button>
</form><div id="resultado"></div>"""

ANSWER = """<div class="panel panel--ok">
  <h2 data-focus-on-swap>No hay registro de esta CURP en el ISSSTE</h2>
  <p>La CURP {{ curp }} no aparece en el registro{% if nombre %} ({{ nombre }}){% endif %}.</p>
  <p>Tiene un folio y un código QR para que quien la reciba confirme que es auténtica.</p>
  <form action="/buscar/descargar" method="post">
    <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
    <input type="hidden" name="curp" value="{{ curp }}">
    <button type="submit" class="button">Descargar constancia (PDF)</button>
  </form>
</div>"""

# Loaded like files from templates/: compiled once, as render_template_string never is.
app.jinja_loader = DictLoader({"form.html": FORM, "answer.html": ANSWER})  # type: ignore[assignment]
_local = threading.local()


def _registry() -> sqlite3.Connection:
    # One connection per thread, as a pool would hand out; the table is tiny and indexed.
    connection = getattr(_local, "connection", None)
    if connection is None:
        connection = sqlite3.connect(":memory:")
        connection.execute("create table persona (curp text primary key, nombre text)")
        connection.execute("insert into persona values ('AAAA000000HDFXXX00', 'Ficticio')")
        _local.connection = connection
    return connection


@app.get("/healthz")
def healthz() -> str:
    return "ok"


@app.get("/buscar")
def form() -> str:
    return render_template("form.html")


@app.post("/buscar")
def search() -> str:
    curp = request.form.get("curp", "").strip().upper()
    row = _registry().execute("select nombre from persona where curp = ?", (curp,)).fetchone()
    return render_template("answer.html", curp=curp, nombre=row[0] if row else None)
