"""The portal as benchmarks serve it: the real factory, with CSRF and rate limits switched off
so that a load test measures the work and not the refusals."""

from flask import Flask

from app import create_app


def create() -> Flask:
    return create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})


app = create()
