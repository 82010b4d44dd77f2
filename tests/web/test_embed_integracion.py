"""/integracion: the builder of the widget's snippets, with and without options and htmx."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import make_app


def test_builder_default_snippets(client) -> None:
    response = client.get("/integracion")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (
        "&lt;script src=&#34;http://127.0.0.1:5000/static/embed.js&#34; async&gt;&lt;/script&gt;"
        in html
    )
    assert (
        "&lt;iframe src=&#34;http://127.0.0.1:5000/embed/curp&#34;\n  title=&#34;Revisa tu CURP"
        in html
    )
    assert 'data-copy-target="codigo-script"' in html and 'data-copy-target="codigo-iframe"' in html
    # They copy with JavaScript only: hidden until integracion.js shows them.
    assert html.count("<div data-copiar hidden>") == 2
    assert 'src="/static/js/integracion.js" defer' in html
    assert '<iframe class="vista-previa" src="/embed/curp"' in html
    assert "Cualquier sitio con https" in html
    assert "explica los errores de la CURP en el mismo idioma" in html
    assert "Las respuestas JSON de la API están siempre en español" in html


def test_a_forged_host_changes_no_link(client) -> None:
    # Answers that a shared cache might keep for everyone: links name PUBLIC_BASE_URL only.
    forged = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
    for path in ("/integracion", "/embed/curp?curp=PXNE660720HMCXTN06", "/embed/curp?lang=en"):
        html = client.get(path, headers=forged).get_data(as_text=True)
        assert "evil.example" not in html, path
        assert "http://127.0.0.1:5000/" in html, path


def test_builder_with_every_option(client) -> None:
    query = {
        "idioma": "en",
        "tema": "dark",
        "compacto": "1",
        "enlaces": "0",
        "eventos": "curp",
        "origen": "https://www.sitio.gob.mx",
    }
    html = client.get("/integracion", query_string=query).get_data(as_text=True)
    script = re.search(r'<code id="codigo-script">([^<]*)</code>', html)
    assert script
    assert script.group(1).endswith(
        "async\n  data-lang=&#34;en&#34;\n  data-theme=&#34;dark&#34;"
        "\n  data-compact=&#34;true&#34;\n  data-links=&#34;false&#34;"
        "\n  data-share-curp=&#34;true&#34;&gt;&lt;/script&gt;"
    )
    iframe = re.search(r'<code id="codigo-iframe">([^<]*)</code>', html)
    assert iframe
    assert (
        "/embed/curp?lang=en&amp;amp;theme=dark&amp;amp;compact=1&amp;amp;links=0"
        "&amp;amp;origin=https://www.sitio.gob.mx&amp;amp;share_curp=1" in iframe.group(1)
    )
    assert "title=&#34;Check your CURP&#34;" in iframe.group(1)
    # The preview has no listener on this page, so it neither posts nor shares.
    assert 'src="/embed/curp?lang=en&amp;theme=dark&amp;compact=1&amp;links=0"' in html
    assert 'value="curp" checked' in html and 'value="dark" checked' in html


def test_builder_without_an_origin_leaves_events_out_of_the_iframe(client) -> None:
    html = client.get("/integracion?eventos=valid&origen=no-es-un-sitio").get_data(as_text=True)
    assert "no es una dirección de sitio" in html
    iframe = re.search(r'<code id="codigo-iframe">([^<]*)</code>', html)
    assert iframe and "events=" not in iframe.group(1) and "origin=" not in iframe.group(1)
    assert "data-events=&#34;true&#34;" in html  # the script tag knows its origin by itself


def test_builder_htmx_swaps_only_the_snippets(client) -> None:
    response = client.get("/integracion?idioma=en", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="codigo-script"' in html
    assert "HX-Request" in response.headers.get("Vary", "")
    # The address follows the options (a reload keeps them) without a history entry per option.
    assert 'hx-replace-url="true"' in client.get("/integracion").get_data(as_text=True)


def test_builder_mentions_a_restricted_list(tmp_path: Path) -> None:
    app = make_app(
        tmp_path, f"sqlite:///{tmp_path}/r.sqlite3", ENV={"EMBED_ALLOWED_ORIGINS": "https://a.mx"}
    )
    html = app.test_client().get("/integracion").get_data(as_text=True)
    assert "<code>https://a.mx</code>" in html
