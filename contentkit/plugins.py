"""The format plugin interface and its discovery through the ``contentkit.formats`` entry points.

A format plugin is any object with::

    name: str                      # "article", "cards", ...
    description: str               # one line for `contentkit formats`
    options_model: type[FormatOptions]   # a pydantic model; unknown keys are errors
    def render(self, story: Story, options: FormatOptions, out: Output) -> list[Artifact]

Third parties publish one under the entry-point group ``contentkit.formats``::

    [project.entry-points."contentkit.formats"]
    slides = "my_package.slides:plugin"

``render`` reads the analysed Story (never the Markdown), writes files with ``out.write`` /
``out.staged_path`` + ``out.register`` (paths relative to the output folder) and returns the
artifacts. Heavy imports belong inside ``render``.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel, ConfigDict

from contentkit.errors import ContentkitError, UsageError, closest, first_problem

if TYPE_CHECKING:
    from contentkit.output import Artifact, Output
    from contentkit.platforms import Platform
    from contentkit.story import Story

GROUP = "contentkit.formats"

# Used only when contentkit runs from a source tree that was never installed (no metadata).
_BUILTIN_FALLBACK = {
    "article": "contentkit.formats.article:plugin",
    "cards": "contentkit.formats.cards:plugin",
    "video": "contentkit.formats.video:plugin",
    "live": "contentkit.formats.live:plugin",
}


class FormatOptions(BaseModel):
    """Base options every format accepts. Subclass it and add fields with defaults."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    platforms: tuple[str, ...] = ()  # empty: every platform the format supports


Opt = TypeVar("Opt", bound=FormatOptions)


@runtime_checkable
class FormatPlugin(Protocol):
    """What the core needs of a format: any object with these (duck-typed third parties)."""

    name: str
    description: str
    options_model: type[FormatOptions]

    def render(self, story: Any, options: Any, out: Any) -> list[Any]: ...


class Format(Generic[Opt]):
    """The typed base class of the built-in formats (third parties may use it too).

    ``render(story, options, out)`` gets the analysed ``Story``, its validated options and the
    build's ``Output`` (``out.write``/``out.register`` stage files, ``out.warn(message,
    path=...)`` is the one warning channel; ``warnings=`` on a write goes through it). ``renders(platform)`` says which rows of the platform table the format
    can render; ``plan()`` refuses any other before anything is read. A subclass is checked
    when it is defined (as MkDocs does), so a malformed format fails on import, clearly."""

    name: ClassVar[str]
    description: ClassVar[str]
    options_model: ClassVar[type[FormatOptions]]
    default_platforms: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for attr in ("name", "description", "options_model"):
            if not hasattr(cls, attr):
                raise TypeError(f"format class {cls.__name__} has no '{attr}'")
        if not (isinstance(cls.options_model, type) and issubclass(cls.options_model, FormatOptions)):
            raise TypeError(f"format class {cls.__name__}: options_model must derive from FormatOptions")

    def renders(self, platform: "Platform") -> bool:
        return True

    def cache_inputs(self, story: "Story", options: Opt) -> list[Any] | None:
        """What the output depends on besides the parsed story, the files it names, the
        options, contentkit's code and the libraries (``contentkit.cache``): a list of
        strings and ``Path``s (their bytes count). ``None``, the default, means "not known":
        the format renders on every build. A format that reads anything else (a file an
        option names, the clock, the network) must list it here before it returns a list."""
        return None

    def overlaps(self, options: Opt) -> bool:
        """True when this render mostly waits on child processes (an encoder) and may run on a
        thread beside the story's other formats. Its children must be started with
        ``contentkit.proc.run`` so that a cancelled build ends them. Default: False."""
        return False

    def render(self, story: "Story", options: Opt, out: "Output") -> list["Artifact"]:
        raise NotImplementedError


_registered: dict[str, FormatPlugin] = {}
_loaded: dict[str, FormatPlugin] = {}


def register(plugin: FormatPlugin) -> None:
    """Register a plugin object directly (tests, embedding); entry points are the usual way."""
    _check(plugin, repr(plugin))
    _registered[plugin.name] = plugin
    _loaded[plugin.name] = plugin


def unregister(name: str) -> None:
    _registered.pop(name, None)
    _loaded.pop(name, None)


def _entry_points() -> dict[str, Any]:
    eps = {ep.name: ep for ep in entry_points(group=GROUP)}
    return eps


def available() -> list[str]:
    """Names of all formats, sorted, without importing them."""
    names = set(_entry_points()) | set(_registered)
    if not names or "article" not in names:
        names |= set(_BUILTIN_FALLBACK)
    return sorted(n for n in names if _importable(n))


def _importable(name: str) -> bool:
    if name in _registered or name in _entry_points():
        return True
    import importlib.util

    target = _BUILTIN_FALLBACK.get(name)
    if not target:
        return False
    return importlib.util.find_spec(target.split(":")[0]) is not None


def _check(plugin: Any, origin: str) -> None:
    for attr in ("name", "description", "options_model", "render"):
        if not hasattr(plugin, attr):
            raise ContentkitError(f"format plugin {origin} has no '{attr}'")
    if not (isinstance(plugin.options_model, type) and issubclass(plugin.options_model, BaseModel)):
        raise ContentkitError(f"format plugin {origin}: options_model must be a pydantic model")


def load(name: str) -> FormatPlugin:
    if name in _loaded:
        return _loaded[name]
    eps = _entry_points()
    if name in eps:
        try:
            plugin = eps[name].load()
        except Exception as exc:  # a broken third-party plugin must not crash the CLI
            raise ContentkitError(f"format plugin '{name}' failed to load: {exc}") from None
        origin = eps[name].value
    elif name in _BUILTIN_FALLBACK and _importable(name):
        import importlib

        mod, attr = _BUILTIN_FALLBACK[name].split(":")
        plugin = getattr(importlib.import_module(mod), attr)
        origin = _BUILTIN_FALLBACK[name]
    else:
        raise UsageError(f"unknown format '{name}'{closest(name, available())}; "
                         f"available: {', '.join(available())}")
    _check(plugin, origin)
    _loaded[name] = plugin
    return plugin


def parse_options(plugin: FormatPlugin, values: dict[str, Any], where: str = "") -> FormatOptions:
    """Validate option values into the plugin's model; errors name the key and suggest one."""
    from pydantic import ValidationError

    model = plugin.options_model
    known = list(model.model_fields)
    for key in values:
        if key not in known:
            raise UsageError(f"unknown option '{plugin.name}.{key}'{closest(key, known)}; "
                             f"options: {', '.join(known)}", path=where or None)
    try:
        return model(**values)
    except ValidationError as exc:
        loc, msg, err = first_problem(exc)
        raise ContentkitError(f"{msg} (got {err.get('input')!r})", path=where or None,
                              key=f"{plugin.name}.{loc}") from None


def describe_options(plugin: FormatPlugin) -> list[dict[str, Any]]:
    out = []
    for name, f in plugin.options_model.model_fields.items():
        ann = f.annotation
        type_name = getattr(ann, "__name__", None) or str(ann).replace("typing.", "")
        default = f.default
        if isinstance(default, tuple):
            default = list(default)
        out.append({"name": name, "type": type_name, "default": default,
                    "help": f.description or ""})
    return out
