"""The one Jinja2 environment for the package's HTML templates (autoescaping on)."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def env():
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(loader=PackageLoader("contentkit", "templates"),
                       autoescape=select_autoescape(["html", "j2"]), keep_trailing_newline=True)

