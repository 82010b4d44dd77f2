"""The floor for HTTP benchmarks: a bare Flask app with one tiny endpoint (and /healthz)."""

from flask import Flask

app = Flask(__name__)


@app.get("/healthz")
@app.get("/bare")
def bare() -> str:
    return "ok"
