"""Try contentkit as an attacker and a careless user would; count passing cases per category.

    python tools/attack_audit.py [--contentkit PATH] [--json]

Each case builds a hostile story or command in a fresh temporary folder with the given
contentkit executable (default: the one beside this Python) and checks one promise of issue 11
from the outside: no file outside the story folder is read into an output, no script reaches
an HTML page, story text stays text in subtitles, bad input never ends in an internal error
(exit 70), nothing hangs, nothing is written outside the output folder, a build is atomic, a
video keeps its ceiling, ffmpeg never reads a path as a protocol, errors are one line, and
Chinese pages carry their glyphs. Used to report before/after counts; the test suite pins the
same promises one by one.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PNG = (ROOT / "samples/images/qvevri.png").read_bytes()
CASES: list[tuple[str, str, object]] = []


def case(category: str):
    def deco(fn):
        CASES.append((category, fn.__name__, fn))
        return fn
    return deco


class Ctx:
    def __init__(self, exe: str, base: Path) -> None:
        self.exe, self.base = exe, base
        self.story_dir = base / "story"
        self.story_dir.mkdir()
        (base / "elsewhere").mkdir()
        (base / "elsewhere/secret.png").write_bytes(PNG + b"SECRET-MARKER")

    def story(self, text: str, name: str = "s.md") -> Path:
        p = self.story_dir / name
        p.write_text(text, "utf-8")
        return p

    def run(self, *args, timeout: float = 120, cwd: Path | None = None) -> subprocess.CompletedProcess:
        try:
            return subprocess.run([self.exe, *map(str, args)], capture_output=True, text=True,
                                  timeout=timeout, cwd=cwd or self.base, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return subprocess.CompletedProcess(args, 124, "", "timeout")

    def outside_untouched(self) -> bool:
        return sorted(p.name for p in (self.base / "elsewhere").iterdir()) == ["secret.png"]


def _no_leak(ctx: Ctx, src: str) -> bool:
    s = ctx.story(f"# T\n\n## A\n\nSome text.\n\n![x]({src})\n")
    r = ctx.run("build", s, "-o", ctx.base / "o", "-f", "article", "-f", "cards", "-q")
    if r.returncode == 70:
        return False
    images = ctx.base / "o/article/images"
    copied = list(images.iterdir()) if images.is_dir() else []
    page = (ctx.base / "o/article/longform.html").read_text("utf-8") if r.returncode == 0 else ""
    return not copied and "data:image" not in page and "data:application" not in page


@case("file disclosure")
def etc_passwd(ctx):
    return _no_leak(ctx, "/etc/passwd")


@case("file disclosure")
def proc_environ(ctx):
    return _no_leak(ctx, "/proc/self/environ")


@case("file disclosure")
def dotdot_png(ctx):
    return _no_leak(ctx, "../elsewhere/secret.png")


@case("file disclosure")
def percent_dotdot(ctx):
    return _no_leak(ctx, "%2e%2e/elsewhere/secret.png")


@case("file disclosure")
def absolute_png(ctx):
    return _no_leak(ctx, str(ctx.base / "elsewhere/secret.png"))


@case("file disclosure")
def symlink_out(ctx):
    os.symlink(ctx.base / "elsewhere/secret.png", ctx.story_dir / "link.png")
    return _no_leak(ctx, "link.png")


@case("file disclosure")
def text_named_png(ctx):
    (ctx.story_dir / "x.png").write_text("API_KEY=hunter2", "utf-8")
    return _no_leak(ctx, "x.png")


def _no_script(ctx: Ctx, url: str, where: str) -> bool:
    fm = f'---\ntitle: T\ncta: Buy\nproduct: {{name: Kit, url: "{url}"}}\n---\n\n' if where == "product" else "# T\n\n"
    body = f"## A\n\nA [link]({url}) here.\n" if where == "link" else "## A\n\nText.\n"
    r = ctx.run("build", ctx.story(fm + body), "-o", ctx.base / "o", "-f", "article", "-q")
    if r.returncode != 0:
        return r.returncode in (1, 2)
    for rel in ("article/newsletter.html", "article/longform.html"):
        page = (ctx.base / "o" / rel).read_text("utf-8").lower()
        if re.search(r"""(href|src)\s*=\s*["']?\s*(java|vb)\s*script""", page):
            return False
    return True


@case("script in HTML")
def product_javascript(ctx):
    return _no_script(ctx, "javascript:alert(1)", "product")


@case("script in HTML")
def product_mixed_case(ctx):
    return _no_script(ctx, "JaVaScRiPt:alert(1)", "product")


@case("script in HTML")
def product_leading_space(ctx):
    return _no_script(ctx, " javascript:alert(1)", "product")


@case("script in HTML")
def body_link_javascript(ctx):
    return _no_script(ctx, "javascript:alert(1)", "link")


def _subs(ctx: Ctx, text: str) -> dict[str, str] | None:
    s = ctx.story(f"# Subs\n\n## One\n\n{text}\n\n## Two\n\nA calm second part of the story.\n")
    r = ctx.run("build", s, "-o", ctx.base / "o", "-f", "video", "-O", "video.render=false", "-q")
    if r.returncode != 0:
        return None
    return {ext: (ctx.base / f"o/video/subtitles.{ext}").read_text("utf-8") for ext in ("srt", "vtt", "ass")}


@case("subtitle injection")
def ass_override(ctx):
    subs = _subs(ctx, r"Look {\fs300\c&H0000FF&}here now, please.")
    return subs is not None and "{\\fs300" not in subs["ass"]


@case("subtitle injection")
def literal_backslash_n(ctx):
    subs = _subs(ctx, r"Line one \N line two stays on one line.")
    return subs is not None and "\\N line" not in subs["ass"] and "one \nline" not in subs["srt"]


@case("subtitle injection")
def vtt_script(ctx):
    subs = _subs(ctx, "Careful <script>alert(1)</script> here.")
    return subs is not None and "<script" not in subs["vtt"] and "<script" not in subs["srt"]


def _not_internal(ctx: Ctx, text: str, *opts: str) -> bool:
    r = ctx.run("build", ctx.story(text), "-o", ctx.base / "o", "-f", "article", "-f", "video",
                "-O", "video.render=false", *opts)
    return r.returncode in (0, 1, 2, 3, 4) and "Traceback" not in r.stderr


@case("internal errors")
def long_zh_title(ctx):
    return _not_internal(ctx, "---\ntitle: " + "长" * 400 + "\n---\n\n## A\n\n正文。\n")


@case("internal errors")
def long_en_title(ctx):
    return _not_internal(ctx, "---\ntitle: " + "word " * 120 + "\n---\n\n## A\n\nText.\n")


@case("internal errors")
def override_int(ctx):
    return _not_internal(ctx, "---\ntitle: T\nplatforms:\n  x: {hashtags: 7}\n---\n\n## A\n\nText.\n")


@case("internal errors")
def override_list_of_ints(ctx):
    return _not_internal(ctx, "---\ntitle: T\nplatforms:\n  x: {hashtags: [1, 2]}\n---\n\n## A\n\nText.\n")


@case("internal errors")
def nan_rate(ctx):
    r = ctx.run("build", ctx.story("# T\n\n## A\n\nText.\n"), "-o", ctx.base / "o", "-f", "video",
                "-O", "video.render=false", "-O", "analysis.en_words_per_min=nan")
    return r.returncode == 1


@case("hangs and unbounded reads")
def fifo(ctx):
    f = ctx.story_dir / "fifo.md"
    os.mkfifo(f)
    r = ctx.run("build", f, "-o", ctx.base / "o", "-f", "article", timeout=20)
    return r.returncode not in (0, 70, 124)


@case("hangs and unbounded reads")
def dev_zero(ctx):
    r = ctx.run("build", "/dev/zero", "-o", ctx.base / "o", "-f", "article", timeout=20)
    return r.returncode not in (0, 70, 124)


@case("hangs and unbounded reads")
def no_punctuation_10k(ctx):
    s = ctx.story("# T\n\n## A\n\n" + "红酒葡萄园陶罐罗马人修道院" * 800 + "\n")
    r = ctx.run("build", s, "-o", ctx.base / "o", "-f", "video", "-O", "video.render=false",
                "-O", "video.duration=60", timeout=60)
    return r.returncode != 124


@case("output escapes")
def recipe_out_symlink(ctx):
    work = ctx.base / "work"
    work.mkdir()
    os.symlink(ctx.base / "elsewhere", work / "link")
    recipe = work / "r.toml"
    story = ctx.story("# T\n\n## A\n\nText.\n")
    recipe.write_text(f'stories = ["{story}"]\nformats = ["article"]\nout = "link/x"\n', "utf-8")
    ctx.run("run", recipe, cwd=work)
    return ctx.outside_untouched()


@case("output escapes")
def symlink_inside_out(ctx):
    out = ctx.base / "o"
    out.mkdir()
    os.symlink(ctx.base / "elsewhere", out / "article")
    ctx.run("build", ctx.story("# T\n\n## A\n\nText.\n"), "-o", out, "-f", "article", "-q")
    return ctx.outside_untouched()


def _consistent(out: Path) -> bool:
    try:
        m = json.loads((out / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return not out.exists() or not any(p.is_file() for p in out.rglob("*"))
    listed = {a["path"] for a in m["artifacts"]} | {"manifest.json"}
    return {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()} == listed


@case("atomicity")
def concurrent_builds(ctx):
    out = ctx.base / "o"
    results = []
    s1 = ctx.story("# A\n\n## One\n\nFirst story text.\n", "a.md")
    s2 = ctx.story("# B\n\n## Two\n\nSecond story text, longer.\n", "b.md")

    def go(s):
        results.append(ctx.run("build", s, "-o", out, "-f", "article", "-f", "cards", "-q").returncode)

    ts = [threading.Thread(target=go, args=(s,)) for s in (s1, s2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return _consistent(out) and 70 not in results


@case("atomicity")
def stale_files(ctx):
    out = ctx.base / "o"
    s = ROOT / "samples/red-wine-history.md"
    args = ("-f", "cards", "-p", "xiaohongshu", "-O", "cards.contact_sheet=false", "-q")
    ctx.run("build", s, "-o", out, *args, "-O", "cards.max_cards=8")
    ctx.run("build", s, "-o", out, *args, "-O", "cards.max_cards=4")
    return _consistent(out)


@case("atomicity")
def killed_build_leftovers(ctx):
    out = ctx.base / "o"
    s = ROOT / "samples/red-wine-history.md"
    p = subprocess.Popen([ctx.exe, "build", str(s), "-o", str(out), "-f", "video", "-q"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        p.wait(timeout=4)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    ctx.run("build", s, "-o", out, "-f", "article", "-q")
    hidden = [x for x in out.iterdir() if x.name.startswith(".contentkit")] if out.exists() else []
    return not hidden and _consistent(out)


@case("ceilings")
def endless_hook(ctx):
    s = ctx.story("---\ntitle: T\nhook: " + "很长的钩子" * 1600 + "\n---\n\n## A\n\n正文一句。\n")
    r = ctx.run("build", s, "-o", ctx.base / "o", "-f", "video", "-O", "video.render=false", "-q")
    if r.returncode != 0:
        return r.returncode == 1
    d = json.loads((ctx.base / "o/video/script.json").read_text("utf-8"))
    return d["duration_s"] <= d["target_s"]


@case("ceilings")
def tiny_speaking_rate(ctx):
    s = ctx.story("# T\n\n## A\n\n正文一句。\n")
    r = ctx.run("build", s, "-o", ctx.base / "o", "-f", "video", "-O", "video.render=false",
                "-O", "analysis.zh_chars_per_s=0.01", "-q")
    if r.returncode != 0:
        return r.returncode == 1
    d = json.loads((ctx.base / "o/video/script.json").read_text("utf-8"))
    return d["duration_s"] <= d["target_s"]


@case("ffmpeg paths")
def colon_out(ctx):
    s = ctx.story("# T\n\n## A\n\nA short line to say.\n")
    r = ctx.run("build", s, "-o", "a:b", "-f", "video", "-q", timeout=300)
    return r.returncode == 0 and (ctx.base / "a:b/video/video.mp4").is_file()


@case("clear messages")
def usage_error_one_line(ctx):
    r = ctx.run("build", "--nope")
    return r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1


@case("clear messages")
def duration_hint_exists(ctx):
    s = ctx.story("# T\n\n" + "".join(f"## S{i}\n\n" + "一句很长的话，说了很多很多的内容，还没有说完。" * 3 + "\n\n" for i in range(8)))
    r = ctx.run("build", s, "-o", ctx.base / "o", "-f", "video", "-O", "video.render=false")
    return "--duration" not in r.stderr


@case("tofu")
def zh_pages_carry_font(ctx):
    r = ctx.run("build", ROOT / "samples/red-wine-history.md", "-o", ctx.base / "o", "-f", "article", "-f", "live",
                "-O", "live.cue_cards=false", "-q")
    if r.returncode != 0:
        return False
    return all("@font-face" in (ctx.base / "o" / rel).read_text("utf-8")
               for rel in ("article/longform.html", "live/teleprompter.html"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--contentkit", default=str(Path(sys.executable).with_name("contentkit")))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    results: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for category, name, fn in CASES:
        with tempfile.TemporaryDirectory(prefix="ck-attack-") as tmp:
            try:
                ok = bool(fn(Ctx(args.contentkit, Path(tmp))))
            except Exception as exc:  # a case that cannot even run counts as failing
                print(f"{name}: {type(exc).__name__}: {exc}", file=sys.stderr)
                ok = False
        results[category].append((name, ok))
    if args.json:
        print(json.dumps({c: {n: ok for n, ok in rs} for c, rs in results.items()}, indent=2, sort_keys=True))
        return 0
    total_ok = total = 0
    for category, rs in results.items():
        ok = sum(1 for _, x in rs if x)
        total_ok, total = total_ok + ok, total + len(rs)
        failing = ", ".join(n for n, x in rs if not x)
        print(f"{category:<28} {ok:>2}/{len(rs):<2} pass" + (f"   failing: {failing}" if failing else ""))
    print(f"{'TOTAL':<28} {total_ok:>2}/{total:<2} pass")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
