"""The floor for HTTP benchmarks: a bare Flask app with one tiny endpoint (and /healthz), plus
one that answers ``size`` bytes, to show what a page's size alone costs."""

from flask import Flask

app = Flask(__name__)


@app.get("/healthz")
@app.get("/bare")
def bare() -> str:
    return "ok"


@app.get("/bare/<int:size>")
def sized(size: int) -> bytes:
    return b"x" * min(size, 1 << 20)
