"""The contentkit command line (typer + rich). Heavy modules are imported inside commands."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from contentkit import __version__
from contentkit.errors import ExitStatus

app = typer.Typer(
    name="contentkit",
    help="Turn one Markdown story into article text, image cards, a short video and live-stream notes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout, nothing else.")]


def _err(msg: str) -> None:
    sys.stderr.write(msg.rstrip("\n") + "\n")


def _guard(fn):
    """Run a command body: clear one-line errors, stable exit codes, no tracebacks."""
    from contentkit.errors import ContentkitError

    try:
        return fn()
    except ContentkitError as exc:
        _err(f"error: {exc.render()}")
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        _err("interrupted")
        raise typer.Exit(ExitStatus.INTERRUPTED) from None
    except typer.Exit:
        raise
    except Exception as exc:  # an unexpected failure: still one line unless debugging
        if os.environ.get("CONTENTKIT_DEBUG"):
            raise
        first = str(exc).splitlines()[0] if str(exc) else ""
        _err(f"error: internal error: {type(exc).__name__}: {first} "
             "(set CONTENTKIT_DEBUG=1 for a traceback)")
        raise typer.Exit(ExitStatus.INTERNAL) from None


def _version(value: bool) -> None:
    if value:
        print(f"contentkit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True,
                                                    help="Show the version and exit.")] = None,
) -> None:
    """contentkit: one story in, every format out."""


def _reporter(quiet: bool, json_out: bool):
    """Progress: rich status on a terminal, plain lines on stderr otherwise, silent if asked."""
    if quiet or json_out:
        return None, None
    if sys.stderr.isatty():
        from rich.console import Console

        console = Console(stderr=True)
        status = console.status("starting")
        status.start()
        return (lambda msg: status.update(msg)), status
    return (lambda msg: _err(f"contentkit: {msg}")), None


def _print_json(obj) -> None:
    from contentkit.output import dumps

    sys.stdout.write(dumps(obj))


def _summary(results, quiet: bool) -> None:
    if quiet:
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(stderr=True)
    for out_dir, manifest in results:
        table = Table(title=f"{manifest['story']['title']} -> {out_dir}", title_justify="left",
                      show_edge=False, pad_edge=False)
        table.add_column("format")
        table.add_column("platform")
        table.add_column("file")
        table.add_column("size", justify="right")
        for art in manifest["artifacts"]:
            size = f"{art['width']}x{art['height']}" if art.get("width") else f"{art['bytes']:,} B"
            table.add_row(art["format"], art.get("platform", ""), art["path"], size)
        console.print(table)
        for w in manifest["warnings"]:
            console.print(f"[yellow]warning:[/] {w}", markup=True, highlight=False)


@app.command()
def build(
    stories: Annotated[Optional[list[str]], typer.Argument(help="Markdown story files; '-' reads standard input. Default: the bundled sample story.")] = None,
    format: Annotated[Optional[list[str]], typer.Option("-f", "--format", help="Format to build (repeatable); default: all.")] = None,
    out: Annotated[Optional[Path], typer.Option("-o", "--out", help="Output folder; default out/<story-slug>/.")] = None,
    platform: Annotated[Optional[list[str]], typer.Option("-p", "--platform", help="Only these platforms (repeatable).")] = None,
    option: Annotated[Optional[list[str]], typer.Option("-O", "--option", help="FORMAT.KEY=VALUE, e.g. article.emoji=true or analysis.zh_chars_per_s=5.")] = None,
    json_out: JsonOpt = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No progress or summary.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors (exit 3, nothing written).")] = False,
    allow_outside: Annotated[Optional[list[Path]], typer.Option("--allow-outside", help="Also allow local images from this folder (repeatable); by default only the story's folder.")] = None,
    jobs: Annotated[int, typer.Option("-j", "--jobs", min=0, help="Stories built at once (0: one per core, 1: one after another).")] = 0,
    brand: Annotated[Optional[Path], typer.Option("--brand", help="A brand kit (brand.toml) for stories that name none in their front matter.")] = None,
) -> None:
    """Render STORY into formats; writes files and manifest.json to the output folder."""

    def body():
        from contentkit.build import BuildRequest, build as run_build, split_option

        opts: dict[str, dict] = {}
        for item in option or []:
            fmt, key, value = split_option(item)
            opts.setdefault(fmt, {})[key] = value
        from contentkit.bundled import default_story

        req = BuildRequest(stories=list(stories or [default_story()]), formats=list(format or []), out=out,
                           platforms=list(platform or []), options=opts, strict=strict,
                           allow_outside=list(allow_outside or []), jobs=jobs, brand=brand)
        say, status = _reporter(quiet, json_out)
        try:
            results = run_build(req, say)
        finally:
            if status is not None:
                status.stop()
        if json_out:
            _print_json(results[0][1] if len(results) == 1 else [m for _, m in results])
        else:
            _summary(results, quiet)

    _guard(body)


@app.command()
def formats(json_out: JsonOpt = False) -> None:
    """List format plugins with their descriptions and options."""

    def body():
        from contentkit import plugins

        rows = []
        for name in plugins.available():
            p = plugins.load(name)
            rows.append({"name": name, "description": p.description,
                         "options": plugins.describe_options(p)})
        if json_out:
            _print_json(rows)
            return
        from rich.console import Console

        console = Console()
        for r in rows:
            console.print(f"[bold]{r['name']}[/]  {r['description']}", highlight=False)
            for o in r["options"]:
                default = o["default"]
                console.print(f"    -O {r['name']}.{o['name']}={default!r}  [dim]{o['help']}[/]",
                              highlight=False)

    _guard(body)


@app.command()
def platforms(json_out: JsonOpt = False) -> None:
    """List the platform profile table (limits and sizes)."""

    def body():
        from contentkit.platforms import platforms as table

        rows = [{"name": p.name, "label": p.label, "formats": list(p.formats), **p.limits}
                for p in table().values()]
        if json_out:
            _print_json(rows)
            return
        from rich.console import Console
        from rich.table import Table

        t = Table(show_edge=False)
        for col in ("name", "label", "formats", "limits"):
            t.add_column(col)
        for p in table().values():
            limits = ", ".join(f"{k}={'x'.join(map(str, v)) if isinstance(v, list) else v}"
                               for k, v in p.limits.items() if k != "source")  # --json has it
            t.add_row(p.name, p.label, ", ".join(p.formats), limits)
        Console().print(t)

    _guard(body)


@app.command()
def voices(json_out: JsonOpt = False) -> None:
    """List the voices this machine can give a video, per language."""

    def body():
        from dataclasses import asdict

        from contentkit.voice import AUTO_ORDER, available

        rows = [asdict(v) for v in available()]
        firsts = {}
        for r in rows:  # what video.voice=auto picks per language
            if r["installed"] and r["backend"] in AUTO_ORDER and r["language"] not in firsts:
                firsts[r["language"]] = r["backend"]
        for r in rows:
            r["auto"] = firsts.get(r["language"]) == r["backend"]
        if json_out:
            _print_json(rows)
            return
        for r in rows:
            state = ("ready (auto)" if r["auto"] else "ready") if r["installed"] else "not installed"
            print(f"{r['language']:<8} {r['backend'] + ':' + r['voice']:<26} {state:<14} {r['quality']}"
                  + ("" if r["installed"] else f"; {r['how']}"))

    _guard(body)


@app.command()
def themes(json_out: JsonOpt = False) -> None:
    """List card themes (TOML files you can copy, edit and pass with -O cards.theme=PATH)."""

    def body():
        from contentkit.themes import builtin_names, load_theme

        rows = []
        for name in builtin_names():
            t = load_theme(name)
            rows.append({"name": name, "description": t.description, "background": t.style.background,
                         "accent": t.colors.accent, "fonts": t.fonts.model_dump(),
                         "file": str(Path(__file__).parent / "themes" / f"{name}.toml")})
        if json_out:
            _print_json(rows)
            return
        from rich.console import Console

        console = Console()
        for r in rows:
            console.print(f"[bold]{r['name']}[/]  {r['description']}  [dim]{r['file']}[/]", highlight=False)

    _guard(body)


@app.command()
def check(
    stories: Annotated[list[str], typer.Argument(help="Markdown story files; '-' reads standard input.")],
    platform: Annotated[Optional[list[str]], typer.Option("-p", "--platform", help="Check limits of these platforms only.")] = None,
    json_out: JsonOpt = False,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail the check too (exit 3).")] = False,
) -> None:
    """Lint a story: title, platform limits, empty sections, missing images. Exit 1 on errors."""

    def body():
        from contentkit.errors import EXIT_INPUT, EXIT_STRICT
        from contentkit.lint import lint

        results = [lint(s, list(platform or [])) for s in stories]
        if json_out:
            _print_json(results[0] if len(results) == 1 else results)
        else:
            from rich.console import Console

            console = Console(stderr=False)
            for r in results:
                for p in r["problems"]:
                    style = "red" if p["level"] == "error" else "yellow"
                    console.print(f"[{style}]{p['level']}[/]: {p['where']}: {p['message']}", highlight=False)
                n_e = sum(1 for p in r["problems"] if p["level"] == "error")
                n_w = len(r["problems"]) - n_e
                console.print(f"{r['story']}: {n_e} error(s), {n_w} warning(s)", highlight=False)
        errors = any(p["level"] == "error" for r in results for p in r["problems"])
        warnings = any(r["problems"] for r in results)
        if errors:
            raise typer.Exit(EXIT_INPUT)
        if strict and warnings:
            raise typer.Exit(EXIT_STRICT)

    _guard(body)


@app.command()
def run(
    recipe: Annotated[Path, typer.Argument(help="A TOML recipe, e.g. recipes/red-wine.toml.")],
    json_out: JsonOpt = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No progress or summary.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
    jobs: Annotated[int, typer.Option("-j", "--jobs", min=0, help="Stories built at once (0: one per core, 1: one after another).")] = 0,
) -> None:
    """Run a batch recipe: stories x formats x platforms with options."""

    def body():
        from contentkit.build import build as run_build
        from contentkit.recipe import load_recipe

        requests = load_recipe(recipe, strict=strict)
        say, status = _reporter(quiet, json_out)
        results = []
        try:
            for req in requests:
                req.jobs = jobs
                results.extend(run_build(req, say))
        finally:
            if status is not None:
                status.stop()
        if json_out:
            _print_json([m for _, m in results])
        else:
            _summary(results, quiet)

    _guard(body)


def main() -> None:
    import signal

    def _terminated(signum, frame):  # noqa: ARG001
        # a SIGTERM (CI cancelling, kill) unwinds like Ctrl-C: the staging folder is removed,
        # the temporary frames are deleted and ffmpeg is killed by subprocess.run
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminated)
    try:
        rv = app(standalone_mode=False)  # returns a command's exit code instead of exiting
    except typer.Abort:
        _err("interrupted")
        sys.exit(ExitStatus.INTERRUPTED)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.TyperException as exc:  # usage errors: one line, like every other error
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
            print(ctx.get_help())
            sys.exit(exc.exit_code)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        _err(f"error: {exc.format_message()}{hint}")
        sys.exit(exc.exit_code)
    sys.exit(rv if isinstance(rv, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
