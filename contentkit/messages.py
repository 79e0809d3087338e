"""Built-in phrases from the per-language catalogue ``data/messages.toml``.

zh-Hant is never written by hand: it is converted from zh-Hans with OpenCC, Taiwan (s2twp, with
phrase conversion) or Hong Kong (s2hk) standard, so the two scripts are never mixed.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

_PATH = Path(__file__).resolve().parent / "data" / "messages.toml"
_OPENCC = {"zh-TW": "s2twp", "zh-HK": "s2hk", "zh-Hant": "s2twp"}


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, dict[str, Any]]:
    return tomllib.loads(_PATH.read_text("utf-8"))


@lru_cache(maxsize=4)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config + ".json")


def to_traditional(text: str, locale: str = "zh-TW") -> str:
    return _converter(_OPENCC.get(locale, "s2twp")).convert(text)


def in_script(text: str, locale: str) -> str:
    """Built-in Simplified text (a platform's name) in the script of ``locale``'s messages."""
    return to_traditional(text, locale) if locale in _OPENCC else text


@lru_cache(maxsize=8)
def catalogue(locale: str) -> dict[str, Any]:
    """All phrases for a language or locale: en, zh-Hans, zh-Hant, zh-TW, zh-HK."""
    cat = _catalogue()
    if locale in cat:
        return dict(cat[locale])
    if locale in _OPENCC:
        conv = (lambda s: to_traditional(s, locale))  # noqa: E731
        return {k: ([conv(x) for x in v] if isinstance(v, list) else conv(v)) for k, v in cat["zh-Hans"].items()}
    return dict(cat["zh-Hans" if locale.startswith("zh") else "en"])


def msg(locale: str, key: str, **kw: Any) -> Any:
    """One phrase, formatted with ``kw`` (lists are returned as they are)."""
    value = catalogue(locale)[key]
    return value.format(**kw) if kw and isinstance(value, str) else value


def for_story(story) -> dict[str, Any]:
    return catalogue(story.a.messages_locale)
