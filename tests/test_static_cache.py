"""Static bundles are compressed once and served from memory; dynamic answers are not kept."""

from __future__ import annotations

import brotli
from flask import Flask
from flask_compress import Compress

from dashboard import static_cache

BODY = "console.log('sala');\n" * 400


def _app() -> tuple[Flask, Compress]:
    app = Flask(__name__)
    app.config.update(
        COMPRESS_MIMETYPES=["application/javascript", "application/json"],
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_CACHE_KEY=static_cache.cache_key,
        COMPRESS_CACHE_BACKEND=static_cache.StaticCompressedCache,
    )
    calls = {"n": 0}

    @app.route("/_dash-component-suites/<path:p>")
    def suite(p):
        calls["n"] += 1
        return app.response_class(BODY, mimetype="application/javascript")

    @app.route("/_dash-update-component", methods=["POST"])
    def update():
        return app.response_class('{"n": %d}' % calls["n"] + " " * 600, mimetype="application/json")

    compress = Compress(app)
    return app, compress


def test_a_bundle_is_compressed_once_and_then_served_from_the_cache():
    app, compress = _app()
    client = app.test_client()
    first = client.get("/_dash-component-suites/dash/x.v1m2.js", headers={"Accept-Encoding": "br"})
    assert first.headers["Content-Encoding"] == "br"
    assert brotli.decompress(first.data).decode() == BODY
    assert len(compress.cache) == 1
    again = client.get("/_dash-component-suites/dash/x.v1m2.js", headers={"Accept-Encoding": "br"})
    assert again.data == first.data and len(compress.cache) == 1
    gz = client.get("/_dash-component-suites/dash/x.v1m2.js", headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and len(compress.cache) == 2


def test_callbacks_are_compressed_but_never_kept():
    app, compress = _app()
    client = app.test_client()
    one = client.post("/_dash-update-component", headers={"Accept-Encoding": "br"})
    client.get("/_dash-component-suites/dash/x.js", headers={"Accept-Encoding": "br"})
    two = client.post("/_dash-update-component", headers={"Accept-Encoding": "br"})
    assert one.headers["Content-Encoding"] == "br"
    assert brotli.decompress(one.data) != brotli.decompress(two.data)  # not served stale
    assert len(compress.cache) == 1  # only the bundle
