"""Video rendering speed against the real floor, as whole processes, with the picture quality.

Two videos of the same 6-beat English story (about 28 s, 1080x1920, 30 fps, burned karaoke
captions, Piper's voice, loudness normalised):

* ``still``: the defaults (scenes cut, no pictures);
* ``full``: ``video.motion=true`` (every scene pushes in, 0.3 s cross-fades) and
  ``video.media=DIR`` with three photos, which push in under the frame's text.

For each, side by side in one run (the machine is shared and noisy: the ratios are what counts):

* ``contentkit``: the whole ``contentkit build -f video --no-cache`` process, start-up, script,
  voice, loudness, frames and encode included;
* ``floor``: one ffmpeg process encoding the very frames contentkit shows (read raw from a file
  in the page cache, so decoding costs nothing) with the same tuned constant-30-fps x264 flags
  (``encoder_args``): what any renderer of these frames must spend;
* ``veryfast``: the same frames with x264's ``veryfast`` preset and B-frames (contentkit's flags
  until 2026-12-02), for the quality and size the tuned flags are weighed against;
* ``naive``: what popular tools do, as a whole Python process: moviepy ``ImageClip`` per scene
  (``resized`` per frame for the push-in, ``CrossFadeIn`` for the cross-fades), a ``TextClip``
  per subtitle event, the voice track, ``write_videofile`` with libx264 at the same preset and
  CRF on 2 threads. It is handed contentkit's finished stills, subtitle times and voice for
  free, so the ratio flatters it.

The reference frames come from the same render with a lossless encoder (x264 ``qp 0``), decoded
once; PSNR and SSIM (ffmpeg's ``psnr``/``ssim`` filters) of every encode are taken against them.
``--reps`` paired runs (contentkit and floor back to back, the order alternating) give medians.

Run: python benchmarks/bench_video.py [--reps 3] [--skip-naive] [--cases still,full]
(needs the ``[bench]`` extra for moviepy: run it in a venv of its own, moviepy pins Pillow 11)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

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

CASES = {"still": [], "full": ["video.motion=true", "video.media={media}"]}


def make_media(folder: Path) -> None:
    """Three photo-like pictures with detail everywhere (gradients, noise, shapes), named so the
    file-name rule gives them to the Georgia, Rome and 1855 beats."""
    import random

    from PIL import Image, ImageDraw, ImageFilter

    folder.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(7)
    for name, base in (("georgia-jars.jpg", (150, 90, 60)), ("rome-legions.jpg", (70, 110, 150)),
                       ("1855-bordeaux.jpg", (120, 40, 60))):
        img = Image.effect_noise((1600, 1200), 40).convert("RGB")
        tint = Image.new("RGB", img.size, base)
        img = Image.blend(img, tint, 0.6)
        d = ImageDraw.Draw(img)
        for _ in range(40):
            x, y, r = rnd.randrange(1600), rnd.randrange(1200), rnd.randrange(20, 160)
            d.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rnd.randrange(256) for _ in range(3)))
        img.filter(ImageFilter.GaussianBlur(2)).save(folder / name, quality=90)


class Timed:
    def __init__(self, wall: float, cpu: float, rss_mb: float):
        self.wall, self.cpu, self.rss_mb = wall, cpu, rss_mb


def timed(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> Timed:
    """Wall and CPU seconds of a whole process tree, and the largest process's peak RSS (run in
    a fresh wrapper so the peak is this command's own)."""
    probe = ("import resource,subprocess,sys,time,json;t=time.perf_counter();"
             "r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.PIPE);"
             "w=time.perf_counter()-t;u=resource.getrusage(resource.RUSAGE_CHILDREN);"
             "sys.stderr.write(r.stderr.decode()[-2000:] if r.returncode else '');"
             "print(json.dumps([r.returncode,w,u.ru_utime+u.ru_stime,u.ru_maxrss/1024]))")
    r = subprocess.run([sys.executable, "-c", probe, *cmd], capture_output=True, text=True, cwd=cwd, env=env)
    rc, wall, cpu, rss = json.loads(r.stdout.strip().splitlines()[-1])
    if rc != 0:
        raise SystemExit(f"failed ({rc}): {' '.join(cmd)}\n{r.stderr}")
    return Timed(wall, cpu, rss)


def ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def build_cmd(story: Path, out: Path, opts: list[str]) -> list[str]:
    cmd = [sys.executable, "-m", "contentkit", "build", str(story), "-f", "video", "-o", str(out), "--no-cache"]
    for o in opts:
        cmd += ["-O", o]
    return cmd


# --------------------------------------------------------------------------- reference run
REFERENCE = r"""
import json, shutil, sys
from pathlib import Path
import contentkit.formats.video as V

dump = Path(sys.argv[1]); sys.argv = ["contentkit", *sys.argv[2:]]

def lossless(o, fps, frames):
    return {"vcodec": "libx264", "qp": 0, "preset": "ultrafast", "pix_fmt": "yuv420p", "r": fps,
            "frames:v": frames, "threads": 2, "map_metadata": -1, "fflags": "+bitexact", "flags": "+bitexact"}

V.encoder_args = lossless
encode = V.VideoFormat._encode

def keep(self, scenes, events, bases, size, fps, o, fonts, work, mp4, audio_path, *rest, **kw):
    dump.mkdir(parents=True, exist_ok=True)
    for i, img in enumerate(bases):
        img.save(dump / f"scene-{i:02d}.png")
    encode(self, scenes, events, bases, size, fps, o, fonts, work, mp4, audio_path, *rest, **kw)
    for name in ("loud.wav", "sound.wav"):
        if (work / name).exists():
            shutil.copy(work / name, dump / "voice.wav")
            break
    layers = kw.get("layers") or (rest[4] if len(rest) > 4 else {}) or {}
    pics = {}
    for i in layers:
        shutil.copy(scenes[i].image, dump / f"photo-{i:02d}.png")
        pics[i] = f"photo-{i:02d}.png"
    for i, p in (layers or {}).items():
        shutil.copy(p, dump / f"layer-{i:02d}.png")
    (dump / "timeline.json").write_text(json.dumps({
        "fps": fps, "motion": o.motion, "font": str(fonts.body.path), "photos": pics,
        "layers": {str(i): f"layer-{i:02d}.png" for i in (layers or {})},
        "scenes": [[sc.start_f, sc.frames] for sc in scenes],
        "events": [[e.start_f, e.end_f, "\n".join(e.lines)] for e in events]}))

V.VideoFormat._encode = keep
from contentkit.cli import main
main()
"""


def reference(story: Path, opts: list[str], work: Path) -> tuple[Path, Path, dict]:
    """Lossless render of the same video, decoded to raw frames; the stills, voice and timeline
    it used, for the naive baseline."""
    dump = work / "ref-inputs"
    out = work / "ref-out"
    cmd = [sys.executable, "-c", REFERENCE, str(dump), *build_cmd(story, out, opts)[3:]]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        raise SystemExit("reference render failed:\n" + r.stderr[-3000:])
    raw = work / "ref.yuv"
    subprocess.run([ffmpeg(), "-v", "error", "-y", "-i", str(out / "video/video.mp4"), "-f", "rawvideo",
                    "-pix_fmt", "yuv420p", str(raw)], check=True)
    meta = json.loads((dump / "timeline.json").read_text())
    return raw, dump, meta


def floor_cmd(raw: Path, frames: int, out: Path, flags: dict | None = None) -> list[str]:
    from contentkit.formats import video as V

    args = V.encoder_args(V.VideoOptions(), 30, frames) if flags is None else flags
    cmd = [ffmpeg(), "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", "1080x1920",
           "-r", "30", "-i", str(raw)]
    for k, v in args.items():
        cmd += [f"-{k}", str(v)]
    return cmd + [str(out)]


def veryfast_flags(frames: int) -> dict:
    from contentkit.formats import video as V

    flags = V.encoder_args(V.VideoOptions(), 30, frames)
    flags.update({"preset": "veryfast", "crf": 20, "x264-params": "threads=2"})
    return flags


def quality(mp4: Path, raw: Path) -> tuple[float, float]:
    """PSNR (dB, average) and SSIM (all) of an encode against the raw reference frames."""
    r = subprocess.run([ffmpeg(), "-hide_banner", "-nostdin", "-i", str(mp4), "-f", "rawvideo", "-pix_fmt",
                        "yuv420p", "-s", "1080x1920", "-r", "30", "-i", str(raw), "-lavfi",
                        "[0:v]split[a][b];[1:v]split[c][d];[a][c]ssim;[b][d]psnr", "-f", "null", "-"],
                       capture_output=True, text=True)
    import re

    psnr = re.search(r"PSNR .*average:([0-9.inf]+)", r.stderr)
    ssim = re.search(r"SSIM .*All:([0-9.]+)", r.stderr)
    return float(psnr.group(1)) if psnr else float("nan"), float(ssim.group(1)) if ssim else float("nan")


# --------------------------------------------------------------------------- where the time goes
PROFILE = r"""
import json, sys, time
t0 = time.perf_counter()
import contentkit.formats.video as V
spent = {}

def timed(owner, name, label):
    f = getattr(owner, name)
    def g(*a, **k):
        t = time.perf_counter()
        try:
            return f(*a, **k)
        finally:
            spent[label] = spent.get(label, 0.0) + time.perf_counter() - t
    setattr(owner, name, staticmethod(g) if isinstance(owner.__dict__.get(name), staticmethod) else g)

timed(V, "synthesize", "voice")
timed(V, "mixed_audio", "sound (on its thread)")
timed(V.VideoFormat, "_render_platform", "render")
timed(V.VideoFormat, "_encode_picture", "picture encode (ffmpeg)")
timed(V.VideoFormat, "_encode", "encode + mux")
from contentkit.cli import main
sys.argv = ["contentkit", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
spent["whole process"] = time.perf_counter() - t0
print(json.dumps(spent))
"""


def profile(story: Path, opts: list[str], out: Path) -> dict:
    """One run with the stages timed inside the process (not paired: a breakdown, not a figure)."""
    r = subprocess.run([sys.executable, "-c", PROFILE, *build_cmd(story, out, opts)[3:]], capture_output=True, text=True)
    return json.loads(r.stdout.strip().splitlines()[-1]) if r.returncode == 0 else {}


# --------------------------------------------------------------------------- naive moviepy
NAIVE = r"""
import json, sys
from pathlib import Path
import numpy as np
from moviepy import AudioFileClip, CompositeVideoClip, ImageClip, TextClip
from moviepy.video.fx import CrossFadeIn
from PIL import Image

d = Path(sys.argv[1]); out = sys.argv[2]; preset = sys.argv[3]; crf = sys.argv[4]
m = json.loads((d / "timeline.json").read_text())
fps = m["fps"]; W, H = 1080, 1920
clips = []
for i, (start, frames) in enumerate(m["scenes"]):
    dur = frames / fps + (0.3 if m["motion"] and i < len(m["scenes"]) - 1 else 0)
    if str(i) in m["layers"]:  # a photo pushing in under the frame's text
        photo = ImageClip(str(d / m["photos"][str(i)])).with_duration(dur)
        photo = photo.resized(lambda t, dur=dur: 1 + 0.08 * t / dur).with_position("center")
        layer = ImageClip(str(d / m["layers"][str(i)])).with_duration(dur)
        c = CompositeVideoClip([photo, layer], size=(W, H)).with_duration(dur)
    else:
        c = ImageClip(str(d / f"scene-{i:02d}.png")).with_duration(dur)
        if m["motion"]:
            c = CompositeVideoClip([c.resized(lambda t, dur=dur: 1 + 0.06 * t / dur).with_position("center")],
                                   size=(W, H)).with_duration(dur)
    c = c.with_start(start / fps)
    if m["motion"] and i:
        c = c.with_effects([CrossFadeIn(0.3)])
    clips.append(c)
for a, b, text in m["events"]:
    clips.append(TextClip(font=m["font"], text=text, font_size=60, color="white", stroke_color="black",
                          stroke_width=3, method="label", text_align="center")
                 .with_start(a / fps).with_duration((b - a) / fps).with_position(("center", 1300)))
total = sum(f for _, f in m["scenes"]) / fps
video = CompositeVideoClip(clips, size=(W, H)).with_duration(total)
voice = d / "voice.wav"
if voice.exists():
    video = video.with_audio(AudioFileClip(str(voice)).with_duration(total))
video.write_videofile(out, fps=fps, codec="libx264", preset=preset, threads=2, audio_codec="aac",
                      ffmpeg_params=["-crf", crf, "-pix_fmt", "yuv420p"], logger=None)
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3, help="paired runs per case (medians are reported)")
    ap.add_argument("--skip-naive", action="store_true", help="skip the slow moviepy baseline")
    ap.add_argument("--cases", default="still,full")
    args = ap.parse_args()

    from contentkit.formats import video as V

    tmp = Path(tempfile.mkdtemp(prefix="bench-video-"))
    story = tmp / "bench.md"
    story.write_text(STORY, "utf-8")
    make_media(tmp / "media")
    o = V.VideoOptions()
    print(f"x264 flags: preset {o.preset}, crf {o.crf}, {V.X264_PARAMS}; 2 cores: {os.cpu_count()} CPUs seen")
    # warm the machine's caches (jieba tables, font coverage, the voice model files), not timed
    subprocess.run(build_cmd(story, tmp / "warm", ["video.render=false"]), capture_output=True, check=True)
    for case in args.cases.split(","):
        opts = [x.format(media=tmp / "media") for x in CASES[case]]
        work = tmp / case
        work.mkdir()
        raw, inputs, meta = reference(story, opts, work)
        frames = sum(f for _, f in meta["scenes"])
        dur = frames / 30
        ck, fl = [], []
        for rep in range(args.reps):
            runs = [("ck", lambda r=rep: timed(build_cmd(story, work / f"ck-{r}", opts))),
                    ("fl", lambda r=rep: timed(floor_cmd(raw, frames, work / f"floor-{r}.mp4")))]
            for name, fn in (runs if rep % 2 == 0 else runs[::-1]):
                (ck if name == "ck" else fl).append(fn())
        vf = timed(floor_cmd(raw, frames, work / "veryfast.mp4", veryfast_flags(frames)))
        med = {k: statistics.median(t.wall for t in v) for k, v in (("ck", ck), ("fl", fl))}
        mp4 = work / "ck-0/video/video.mp4"
        q_ck, q_fl, q_vf = quality(mp4, raw), quality(work / "floor-0.mp4", raw), quality(work / "veryfast.mp4", raw)
        size = {k: p.stat().st_size / 1e6 for k, p in (("ck", mp4), ("fl", work / "floor-0.mp4"),
                                                         ("vf", work / "veryfast.mp4"))}
        print(f"\n{case}: {dur:.2f} s video, {len(meta['scenes'])} scenes, {len(meta['photos'])} photos, "
              f"motion {meta['motion']}; {args.reps} paired runs, medians")
        print(f"  contentkit (whole process): {med['ck']:6.2f} s ({dur / med['ck']:4.2f}x real time)  "
              f"cpu {statistics.median(t.cpu for t in ck):5.1f} s  peak {max(t.rss_mb for t in ck):4.0f} MB  "
              f"{size['ck']:5.2f} MB  PSNR {q_ck[0]:.2f} dB  SSIM {q_ck[1]:.5f}")
        print(f"  floor (tuned x264, same frames): {med['fl']:6.2f} s  cpu {statistics.median(t.cpu for t in fl):5.1f} s"
              f"  peak {max(t.rss_mb for t in fl):4.0f} MB  {size['fl']:5.2f} MB  PSNR {q_fl[0]:.2f} dB  "
              f"SSIM {q_fl[1]:.5f}")
        print(f"  x264 veryfast + B-frames, same frames: {vf.wall:6.2f} s  cpu {vf.cpu:5.1f} s  "
              f"peak {vf.rss_mb:4.0f} MB  {size['vf']:5.2f} MB  PSNR {q_vf[0]:.2f} dB  SSIM {q_vf[1]:.5f}")
        print(f"  contentkit / floor: {med['ck'] / med['fl']:.2f}x (goal <= 1.2x); per pair: "
              + ", ".join(f"{a.wall / b.wall:.2f}" for a, b in zip(ck, fl)))
        stages = profile(story, opts, work / "profile")
        print("  inside one contentkit run: " + ", ".join(f"{k} {v:.2f} s" for k, v in stages.items()))
        if not args.skip_naive:
            naive = timed([sys.executable, "-c", NAIVE, str(inputs), str(work / "naive.mp4"), o.preset, str(o.crf)])
            print(f"  naive moviepy (whole process): {naive.wall:6.2f} s ({dur / naive.wall:4.2f}x real time)  "
                  f"cpu {naive.cpu:5.1f} s  peak {naive.rss_mb:4.0f} MB -> contentkit is "
                  f"{naive.wall / med['ck']:.1f}x faster (goal >= 10x)")
        raw.unlink()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
