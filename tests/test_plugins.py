"""Plugin discovery: a third-party format found through the contentkit.formats entry points."""

from __future__ import annotations

import pytest

import importlib
import json
import sys
import textwrap

from contentkit import plugins

from .conftest import ZH, read_manifest

PLUGIN_SRC = textwrap.dedent('''
    from contentkit.plugins import FormatOptions

    class Options(FormatOptions):
        shout: bool = False

    class Outline:
        name = "outline"
        description = "A one-file outline of the story (third-party test plugin)"
        options_model = Options

        def render(self, story, options, out):
            lines = [story.title] + [s.heading for s in story.sections if s.heading]
            text = "\\n".join(lines) + "\\n"
            if options.shout:
                text = text.upper()
            return [out.write("outline/outline.txt", text, format=self.name)]

    plugin = Outline()
''')


def install_fake_distribution(tmp_path, monkeypatch):
    """A real installed distribution on sys.path: package + dist-info with entry_points.txt."""
    site = tmp_path / "site"
    (site / "ck_outline").mkdir(parents=True)
    (site / "ck_outline" / "__init__.py").write_text(PLUGIN_SRC, "utf-8")
    dist = site / "ck_outline-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: ck-outline\nVersion: 1.0\n", "utf-8")
    (dist / "entry_points.txt").write_text("[contentkit.formats]\noutline = ck_outline:plugin\n", "utf-8")
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    monkeypatch.setattr(plugins, "_loaded", {})


def test_builtins_are_entry_points():
    from importlib.metadata import entry_points

    names = {ep.name for ep in entry_points(group="contentkit.formats")}
    assert "article" in names


def test_third_party_plugin_is_discovered_and_renders(cli, tmp_path, monkeypatch):
    install_fake_distribution(tmp_path, monkeypatch)
    assert "outline" in plugins.available()
    r = cli("formats", "--json")
    rows = {x["name"]: x for x in json.loads(r.stdout)}
    assert rows["outline"]["description"].startswith("A one-file outline")
    out = tmp_path / "o"
    r = cli("build", ZH, "-f", "outline", "-O", "outline.shout=true", "-o", out, "-q")
    assert r.exit_code == 0, r.output
    m = read_manifest(out)
    assert [a["path"] for a in m["artifacts"]] == ["outline/outline.txt"]
    assert m["formats"]["outline"]["shout"] is True
    assert (out / "outline/outline.txt").read_text("utf-8").startswith("一杯红酒里的八千年\n起源")
    sys.modules.pop("ck_outline", None)


def test_register_api_and_validation(tmp_path, cli):
    class Tiny:
        name = "tiny"
        description = "tiny"
        options_model = plugins.FormatOptions

        def render(self, story, options, out):
            return [out.write("tiny.txt", story.a.language, format="tiny")]

    plugins.register(Tiny())
    try:
        out = tmp_path / "o"
        assert cli("build", ZH, "-f", "tiny", "-o", out, "-q").exit_code == 0
        assert (out / "tiny.txt").read_text() == "zh-Hans"
        r = cli("build", ZH, "-f", "tiny", "-o", out, "-O", "tiny.colour=red")
        assert r.exit_code == 2 and "unknown option 'tiny.colour'" in r.stderr
    finally:
        plugins.unregister("tiny")

    class NoRender:
        name, description, options_model = "norender", "x", plugins.FormatOptions

    class BadOptions:
        name, description, options_model = "badopts", "x", dict

        def render(self, story, options, out):
            return []

    from contentkit.errors import ContentkitError

    with pytest.raises(ContentkitError, match="has no 'render'"):
        plugins.register(NoRender())
    with pytest.raises(ContentkitError, match="options_model must be a pydantic model"):
        plugins.register(BadOptions())
    assert "norender" not in plugins.available() and "badopts" not in plugins.available()


def test_broken_plugin_is_a_clear_error(cli, tmp_path, monkeypatch):
    site = tmp_path / "site"
    (site / "ck_broken").mkdir(parents=True)
    (site / "ck_broken" / "__init__.py").write_text("raise ImportError('needs libfoo')\n")
    dist = site / "ck_broken-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: ck-broken\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[contentkit.formats]\nbroken = ck_broken:plugin\n")
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    r = cli("build", ZH, "-f", "broken", "-o", tmp_path / "o")
    assert r.exit_code == 1
    assert r.stderr.strip() == "error: format plugin 'broken' failed to load: needs libfoo"


def test_formats_never_import_each_other():
    """Formats are clients of the core (canvas, layout, editorial...), never of another format."""
    import ast

    from .conftest import ROOT

    formats_dir = ROOT / "contentkit" / "formats"
    names = {p.stem for p in formats_dir.glob("*.py") if p.stem != "__init__"}
    for path in formats_dir.glob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            mods = []
            if isinstance(node, ast.ImportFrom) and node.module:
                mods = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            for m in mods:
                parts = m.split(".")
                if parts[:2] == ["contentkit", "formats"] and len(parts) > 2 and parts[2] in names:
                    assert parts[2] == path.stem, f"{path.name} imports the {parts[2]} format ({m})"


def test_a_malformed_format_class_fails_when_it_is_defined():
    from contentkit.plugins import Format, FormatOptions

    with pytest.raises(TypeError, match="has no 'options_model'"):
        class NoOptions(Format):  # noqa: F841
            name = "x"
            description = "x"

    with pytest.raises(TypeError, match="must derive from FormatOptions"):
        class WrongOptions(Format):  # noqa: F841
            name, description, options_model = "y", "y", dict

    class Good(Format[FormatOptions]):
        name, description, options_model = "good", "fine", FormatOptions

    assert Good().renders(None) is True


def test_one_warning_channel(tmp_path):
    """A warning given with a write and one given with ``out.warn(path=...)`` land in the same
    place: the artifact's entry and the build's list (as ``path: message``), once each."""
    from contentkit.output import Output

    out = Output(tmp_path / "o").open()
    try:
        out.write("a.txt", "x", format="t", warnings=["too long"])
        out.warn("too long", path="a.txt")
        out.warn("cut a line", path="a.txt")
        out.warn("story-level")
        art = out.artifacts[0]
        assert art.warnings == ["too long", "cut a line"]
        assert out.warnings == ["a.txt: too long", "a.txt: cut a line", "story-level"]
    finally:
        out.abort()
