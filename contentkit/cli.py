"""The contentkit command line (typer + rich). Heavy modules are imported inside commands."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

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

NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Render everything; neither read nor fill the build cache.")]
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


class _Display:
    """Progress of a build: on a terminal one rich display (a bar over the whole batch, sized
    by the estimated cost of each story, and a line per story being built); plain lines on
    stderr otherwise; nothing with --quiet or --json."""

    def __init__(self, quiet: bool, json_out: bool) -> None:
        self.mode = "off" if (quiet or json_out) else ("rich" if sys.stderr.isatty() else "plain")
        self.rows: dict[tuple[int, str], Any] = {}
        self.cost: dict[tuple[int, str], float] = {}
        self.done = 0
        self.total = 0
        self._progress: Any = None
        self._all: Any = None

    def start(self, plan=None) -> "_Display":
        """``plan``: the batch's jobs (contentkit.batch.Job), for the bar and its estimate."""
        jobs = plan or []
        self.total = len(jobs)
        for j in jobs:
            self.cost[(j.entry, j.story)] = max(j.estimate_s, 0.05)
        if self.mode == "rich":
            from rich.console import Console
            from rich.progress import (BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn,
                                       TimeRemainingColumn)

            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                      TextColumn("{task.fields[note]}"), TimeElapsedColumn(),
                                      TimeRemainingColumn(), console=Console(stderr=True), transient=False)
            est = sum(self.cost.values())
            self._all = self._progress.add_task(f"{self.total} stories" if self.total != 1 else "1 story",
                                                total=est or None, note=f"~{est:.0f} s estimated" if est else "")
            self._progress.start()
        elif self.mode == "plain" and jobs:
            est = sum(j.estimate_s for j in jobs)
            _err(f"contentkit: {len(jobs)} stories, about {est:.0f} s on this machine "
                 f"({sum(1 for j in jobs if len(j.cached) == len(j.formats))} entirely from the cache)")
        return self

    def for_entry(self, entry: int):
        return lambda story, msg: self.update(entry, story, msg)

    def update(self, entry: int, story: str, msg: str) -> None:
        key = (entry, story)
        name = Path(story).name if story != "-" else "stdin"
        if msg == "done":
            self.done += 1
        if self.mode == "plain":
            counter = f"[{self.done}/{self.total}] " if self.total and msg == "done" else ""
            _err(f"contentkit: {counter}{name}: {msg}")
            return
        if self._progress is None:
            return
        p = self._progress
        if key not in self.rows:
            self.rows[key] = p.add_task(f"  {name}", total=None, note="")
        if msg == "done":
            p.update(self.rows[key], visible=False)
            p.advance(self._all, self.cost.get(key, 1.0))
        else:
            p.update(self.rows[key], note=msg.replace(story, "").strip() or msg)

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def _print_json(obj) -> None:
    from contentkit.output import dumps

    sys.stdout.write(dumps(obj))


def _summary(results, quiet: bool) -> None:
    """What was built, one row per story and format (every file is in manifest.json and
    --json); then the warnings."""
    if quiet:
        return
    from collections import defaultdict

    from rich.console import Console
    from rich.table import Table

    console = Console(stderr=True)
    table = Table(show_edge=False, pad_edge=False)
    for col in ("story", "folder", "format", "files", "size", "from cache"):
        table.add_column(col, justify="right" if col in ("files", "size", "from cache") else "left")
    for out_dir, manifest in results:
        groups: dict[str, list] = defaultdict(list)
        for art in manifest["artifacts"]:
            groups[art["format"]].append(art)
        first = True
        for fmt, arts in sorted(groups.items()):
            cached = sum(1 for a in arts if a.get("cached"))
            table.add_row(manifest["story"]["title"] if first else "", str(out_dir) if first else "", fmt,
                          str(len(arts)), _size(sum(a["bytes"] for a in arts)),
                          ("all" if cached == len(arts) else str(cached)) if cached else "")
            first = False
        table.add_section()
    console.print(table)
    for out_dir, manifest in results:
        for w in manifest["warnings"]:
            prefix = f"{out_dir}: " if len(results) > 1 else ""
            console.print(f"[yellow]warning:[/] {prefix}{w}", markup=True, highlight=False)


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
    no_cache: NoCacheOpt = False,
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
                           allow_outside=list(allow_outside or []), jobs=jobs, brand=brand,
                           cache=not no_cache)
        display = _Display(quiet, json_out).start()
        try:
            results = run_build(req, display.for_entry(0))
        finally:
            display.stop()
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
    shard: Annotated[Optional[str], typer.Option("--shard", help="Build only share I of N (e.g. 2/4), balanced by expected cost: one CI matrix job each.")] = None,
    plan_only: Annotated[bool, typer.Option("--plan", help="Build nothing: list the jobs with their cost, shard and this machine's estimate.")] = False,
    no_cache: NoCacheOpt = False,
) -> None:
    """Run a batch recipe: stories x formats x platforms with options."""

    def body():
        from contentkit.batch import assign_shards, expand, parse_shard, requests_for
        from contentkit.build import build_all
        from contentkit.recipe import load_recipe

        requests = load_recipe(recipe, strict=strict)
        for req in requests:
            req.jobs = jobs
            req.cache = not no_cache
        i, n = parse_shard(shard) if shard else (1, 1)
        planned = assign_shards(expand(requests, check_cache=not no_cache), n)
        if plan_only:
            mine = [j for j in planned if j.shard == i] if shard else planned
            if json_out:
                _print_json({"recipe": str(recipe), "shards": n, "jobs": [j.to_json() for j in mine],
                             "cost_s": round(sum(j.cost_s for j in mine), 2),
                             "estimate_s": round(sum(j.estimate_s for j in mine), 2)})
            else:
                _plan_table(mine, n)
            return
        if shard:
            requests_i = requests_for(requests, planned, i)
            planned = [j for j in planned if j.shard == i]
        else:
            requests_i = list(enumerate(requests))
        display = _Display(quiet, json_out).start(planned)
        try:
            results = build_all(requests_i, display.update)
        finally:
            display.stop()
        if not shard and len(results) > 1:  # one calendar for the recipe's stories (a shard has a part)
            from contentkit.batch import series_plan

            root = Path(os.path.commonpath([os.path.abspath(d) for d, _ in results]))
            written = series_plan(results, root)
            if written and not quiet and not json_out:
                _err(f"contentkit: series plan of the recipe -> {written[0].parent}")
        if json_out:
            _print_json([m for _, m in results])
        else:
            _summary(results, quiet)

    _guard(body)


def _plan_table(jobs, shards: int) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(show_edge=False)
    for col in ("#", "story", "formats", "shard", "cost s", "here s", "cached"):
        t.add_column(col, justify="right" if col in ("#", "shard", "cost s", "here s") else "left")
    for j in jobs:
        t.add_row(str(j.index), os.path.relpath(j.story), ",".join(j.formats), f"{j.shard}/{shards}", f"{j.cost_s:.1f}",
                  f"{j.estimate_s:.1f}", ",".join(j.cached) if len(j.cached) < len(j.formats) else "all")
    c = Console()
    c.print(t)
    c.print(f"{len(jobs)} jobs, cost {sum(j.cost_s for j in jobs):.0f} s on the reference machine, "
            f"about {sum(j.estimate_s for j in jobs):.0f} s here", highlight=False)


@app.command("merge-manifests")
def merge_manifests(
    paths: Annotated[list[Path], typer.Argument(help="Output folders (searched for manifest.json) or manifest files, e.g. one per CI shard.")],
    out: Annotated[Optional[Path], typer.Option("-o", "--out", help="Write the merged list here instead of standard output.")] = None,
) -> None:
    """Merge the manifests of several builds (CI shards) into one JSON list, sorted by story."""

    def body():
        from contentkit.batch import merge_manifests as merge
        from contentkit.output import dumps, write_atomic

        merged = merge(list(paths))
        if out is not None:
            write_atomic(out, dumps(merged).encode("utf-8"))
            _err(f"contentkit: {len(merged)} manifests -> {out}")
        else:
            sys.stdout.write(dumps(merged))

    _guard(body)


cache_app = typer.Typer(help="The build cache: unchanged formats are copied from it, not rendered again.",
                        no_args_is_help=True)
app.add_typer(cache_app, name="cache")


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


@cache_app.command("info")
def cache_info(json_out: JsonOpt = False) -> None:
    """Where the cache is, how many entries it holds and its size cap."""

    def body():
        from contentkit.cache import Cache

        info = Cache().info()
        if json_out:
            _print_json(info)
            return
        state = "on" if info["enabled"] else "off (CONTENTKIT_NO_CACHE)"
        print(f"{info['path']}: {info['entries']} entries, {_size(info['bytes'])} of {_size(info['max_bytes'])}"
              f" (least recently used evicted first); {state}")

    _guard(body)


@cache_app.command("clear")
def cache_clear(json_out: JsonOpt = False) -> None:
    """Remove every cache entry (safe while other builds run: they render what they miss)."""

    def body():
        from contentkit.cache import Cache

        c = Cache()
        n = c.clear()
        if json_out:
            _print_json({"path": str(c.root), "removed": n})
        else:
            print(f"removed {n} entries from {c.root}")

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
