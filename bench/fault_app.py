"""The portal for the fault tests, which hammer one route from one address: CSRF and rate
limits off, so that what they measure is the fault and not the refusals."""

from flask import Flask

from app import create_app


def create() -> Flask:
    return create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})


app = create()
