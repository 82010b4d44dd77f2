"""bench/floor_app.py, the ceiling bench/load.py prints beside the portal's search: it must pay
for what it says (a CSRF check against the session, a registry lookup, an answer with a fresh
token), or its ratio would promise a search cheaper than any that does the work."""

from __future__ import annotations

import re

from bench.floor_app import app

REGISTERED = "AAAA000000HDFXXX00"


def _token(client) -> str:  # type: ignore[no-untyped-def]
    page = client.get("/buscar").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def test_the_search_refuses_a_post_without_the_session_token() -> None:
    client = app.test_client()
    assert client.post("/buscar", data={"curp": REGISTERED}).status_code == 400
    other = app.test_client()
    token = _token(other)  # a token of another session is refused as well
    assert client.post("/buscar", data={"csrf_token": token, "curp": REGISTERED}).status_code == 400


def test_the_search_looks_the_curp_up_and_answers_with_a_form_of_its_own() -> None:
    client = app.test_client()
    token = _token(client)
    found = client.post("/buscar", data={"csrf_token": token, "curp": REGISTERED.lower()})
    assert found.status_code == 200
    answer = found.get_data(as_text=True)
    assert "(Ficticio)" in answer and REGISTERED in answer
    assert 'name="csrf_token" value="' in answer
    missing = client.post("/buscar", data={"csrf_token": token, "curp": "PEGJ850315HJCRRN06"})
    assert "Ficticio" not in missing.get_data(as_text=True)
