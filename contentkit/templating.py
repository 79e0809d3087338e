"""The one Jinja2 environment for the package's HTML templates (autoescaping on)."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def env():
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(loader=PackageLoader("contentkit", "templates"),
                       autoescape=select_autoescape(["html", "j2"]), keep_trailing_newline=True)



def render_with_font(name: str, story=None, **context) -> str:
    """Render a page, then again with an embedded subset of the CJK font (none for a page
    without CJK text). With ``story``, the subset covers the whole story and the language's
    built-in phrases, so every page of a build shares one subset (made once)."""
    from contentkit.webfont import font_face_css, story_text

    template = env().get_template(name)
    page = template.render(font_css="", **context)
    css = font_face_css(page, story_text(story) if story is not None and font_face_css(page, probe=True) else "")
    return template.render(font_css=css, **context) if css else page
