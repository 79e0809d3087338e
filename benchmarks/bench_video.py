"""Video rendering speed: contentkit against the naive moviepy composition and the ffmpeg floor.

For a 30 s, 1080x1920, 30 fps video with 6 beats and burned subtitles, measured side by side in
one run (the machine is shared and noisy, so the figures that matter are the ratios):

* naive   - what popular tools do: moviepy ImageClip per scene + TextClip per subtitle event,
            composited, ``write_videofile`` (libx264, same preset/crf, 2 threads)
* floor   - ffmpeg encoding the same finished frames (contentkit's stills with the subtitles
            already drawn) with the same encoder settings: the least any renderer can spend
* contentkit - the whole ``video`` plugin render: script, subtitles, frames, previews, encode
* motion  - contentkit with the slow zoom and scene fades on

Run: python benchmarks/bench_video.py [--skip-naive]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STORY = """---
title: Six Things About Wine
cta: Follow for more wine stories every week
brand: {name: Wine Talk, handle: "@winetalk", color: "#8E1B3A"}
---

Did you know that people made wine before they could write?

## Georgia

**The oldest wine jars are eight thousand years old.**

## Egypt

**Pharaohs put labels on their wine jars.**

## Rome

**Roman legions planted vines across Europe.**

## Monks

**Monks mapped the best plots of Burgundy.**

## 1855

**A price list still ranks Bordeaux today.**

## Phylloxera

**An insect nearly wiped out European vines.**
"""


def peak_mb() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return me, kids


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-naive", action="store_true", help="skip the slow moviepy baseline")
    args = ap.parse_args()

    from contentkit.analysis import analyze
    from contentkit.formats import video as V
    from contentkit.output import Output
    from contentkit.parser import parse_text

    tmp = Path(tempfile.mkdtemp(prefix="bench-video-"))
    story = analyze(parse_text(STORY, source="bench.md", base_dir=tmp))
    plugin = V.VideoFormat()

    def render(**opts):
        out = Output(tmp / f"out-{len(list(tmp.iterdir()))}").open()
        t = time.perf_counter()
        plugin.render(story, V.VideoOptions(**opts), out)
        dt = time.perf_counter() - t
        out.commit()
        return dt, out

    # warm-up (jieba/fonts/imports), not timed
    render(render=False)
    t_ck, out = render()
    import json

    script = json.loads((out.root / "video/script.json").read_text())
    dur = script["duration_s"]
    beats = sum(1 for s in script["scenes"] if s["kind"] == "beat")
    print(f"video: {dur:.2f} s, {beats} beats, {len(script['scenes'])} scenes, 1080x1920@30")

    # the floor: the same finished frames, ffmpeg only, same encoder flags
    import ffmpeg

    from contentkit.canvas import Designer, Fonts, SafeArea, draw
    from contentkit.layout import pick_font
    from contentkit.subtitles import Rules, events_for_scene
    from contentkit.themes import load_theme

    warnings: list[str] = []
    scenes, _ = V.plan_script(story, 30, 30, warnings)
    rules = Rules.for_language(story.a.language)
    events = [e for sc in scenes for e in events_for_scene(sc.voiceover, sc.start_f, sc.start_f + sc.frames, 30, rules)]
    theme = load_theme("wine").with_accent("#8E1B3A")
    font_t = pick_font("serif", "en", STORY)
    font_b = pick_font("sans", "en", STORY)
    fonts = Fonts(font_t, font_b)
    designer = Designer(1080, 1920, theme, fonts, SafeArea.of(V.get_platform("douyin"), bottom=0.40), "en", "Wine Talk", [])
    bases = [draw(designer.layout(sp, ""), theme, None) for sp in V.frame_specs(story, scenes)]
    work = tmp / "floor"
    work.mkdir()
    lst = plugin.make_stills(scenes, events, bases, (1080, 1920), 30, True, font_b, work, warnings)
    total = sum(s.frames for s in scenes)
    o = V.VideoOptions()
    stream = (ffmpeg.input(str(lst), f="concat", safe=0).video.filter("format", "yuv420p").filter("fps", 30)
              .output(str(work / "floor.mp4"), **V.encoder_args(o, 30, total)).overwrite_output())
    t = time.perf_counter()
    V.run_ffmpeg(stream, "encoding the floor")
    t_floor = time.perf_counter() - t

    t_motion, _ = render(motion=True)

    t_naive = None
    if not args.skip_naive:
        t_naive = naive(bases, events, scenes, font_b.path, tmp / "naive.mp4", o)

    me, kids = peak_mb()
    print(f"floor (ffmpeg on finished frames): {t_floor:6.2f} s  ({dur / t_floor:5.1f}x real time)")
    print(f"contentkit (whole render):         {t_ck:6.2f} s  ({dur / t_ck:5.1f}x real time)  "
          f"= {t_ck / t_floor:.2f}x the floor (target <= 1.3x)")
    print(f"contentkit with motion:            {t_motion:6.2f} s  ({dur / t_motion:5.1f}x real time, target >= 1.5x)")
    if t_naive is not None:
        print(f"naive moviepy composition:         {t_naive:6.2f} s  ({dur / t_naive:5.2f}x real time)  "
              f"-> contentkit is {t_naive / t_ck:.1f}x faster (target >= 10x)")
    print(f"peak memory: python {me:.0f} MB, largest child (ffmpeg) {kids:.0f} MB")


def naive(bases, events, scenes, font_path, path, o) -> float:
    """moviepy: ImageClip per scene + TextClip per subtitle event, composited and encoded."""
    import numpy as np
    from moviepy import CompositeVideoClip, ImageClip, TextClip

    fps = 30
    clips = []
    for img, sc in zip(bases, scenes):
        clips.append(ImageClip(np.asarray(img)).with_start(sc.start_f / fps).with_duration(sc.frames / fps))
    for e in events:
        tc = (TextClip(font=font_path, text="\n".join(e.lines), font_size=52, color="white", stroke_color="black",
                       stroke_width=3, method="label", text_align="center")
              .with_start(e.start_f / fps).with_duration((e.end_f - e.start_f) / fps)
              .with_position(("center", 1340)))
        clips.append(tc)
    total = sum(s.frames for s in scenes) / fps
    comp = CompositeVideoClip(clips, size=(1080, 1920)).with_duration(total)
    t = time.perf_counter()
    comp.write_videofile(str(path), fps=fps, codec="libx264", preset=o.preset, threads=2,
                         ffmpeg_params=["-crf", str(o.crf), "-pix_fmt", "yuv420p"], audio=False, logger=None)
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
