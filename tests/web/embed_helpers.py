"""What the widget tests share: two CURPs, the demo frame-ancestors, a cookie-less page fetch."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

VALID = "PXNE660720HMCXTN06"
INVALID = "PXNE661320HMCXTN07"  # month 13 and a wrong check digit
DEMO_ANCESTORS = "frame-ancestors 'self' https: http://localhost:* http://127.0.0.1:*"


def html_of(client: FlaskClient, url: str, status: int = 200, **kwargs: Any) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert "Set-Cookie" not in response.headers, url
    return response.get_data(as_text=True)
