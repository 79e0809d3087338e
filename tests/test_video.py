"""The video format: script timing, subtitle rules (parsed back with independent libraries),
and real MP4s decoded with PyAV."""

from __future__ import annotations

import hashlib

import json
import math
import re
import wave
from pathlib import Path

import pytest

from .conftest import EN, ZH, build_format, parse, read_manifest

FPS = 30


def spoken(path: Path, parts: list[float], pause: float = 0.6, freq: float = 330.0, rate: int = 22050) -> Path:
    """A stand-in recording: a sine tone per spoken part, a silence between parts."""
    import struct

    frames = b""
    for k, seconds in enumerate(parts):
        frames += b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * freq * i / rate)))
                           for i in range(int(seconds * rate)))
        if k + 1 < len(parts):
            frames += b"\0\0" * int(pause * rate)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return path


def tone(path: Path, seconds: float, freq: float = 440.0, rate: int = 22050) -> Path:
    return spoken(path, [seconds], freq=freq, rate=rate)


def probe(path: Path) -> dict:
    import av

    with av.open(str(path)) as c:
        v = c.streams.video[0]
        frames = sum(1 for _ in c.decode(video=0))
        info = {"codec": v.codec_context.name, "w": v.codec_context.width, "h": v.codec_context.height,
                "pix_fmt": v.codec_context.pix_fmt, "fps": float(v.average_rate), "frames": frames,
                "audio": [s.codec_context.name for s in c.streams.audio],
                "subs": [s.codec_context.name for s in c.streams.subtitles]}
    return info


def build(cli, story, out, *opts):
    return build_format(cli, "video", story, out, *opts)


@pytest.fixture(scope="module")
def zh_video(tmp_path_factory):
    from typer.testing import CliRunner

    from contentkit.cli import app

    out = tmp_path_factory.mktemp("video") / "zh"
    r = CliRunner().invoke(app, ["build", str(ZH), "-f", "video", "-o", str(out), "-q", "-O", "video.duration=45"])
    assert r.exit_code == 0, r.output
    return out


@pytest.fixture(scope="module")
def en_script(tmp_path_factory):
    from typer.testing import CliRunner

    from contentkit.cli import app

    out = tmp_path_factory.mktemp("video") / "en"
    r = CliRunner().invoke(app, ["build", str(EN), "-f", "video", "-o", str(out), "-q",
                                 "-O", "video.duration=60", "-O", "video.render=false"])
    assert r.exit_code == 0, r.output
    return out


def scenes(folder: Path) -> dict:
    return json.loads((folder / "video/script.json").read_text("utf-8"))


@pytest.mark.parametrize("which", ["zh", "en"])
def test_script_timing(which, zh_video, en_script):
    folder = zh_video if which == "zh" else en_script
    data = scenes(folder)
    sc = data["scenes"]
    assert sc[0]["kind"] == "hook" and sc[0]["start_s"] == 0 and sc[-1]["kind"] == "cta"
    beats = [s for s in sc if s["kind"] == "beat"]
    assert 4 <= len(beats) <= 8
    assert data["duration_s"] <= data["target_s"]
    f = 0
    for s in sc:
        assert s["start_frame"] == f and s["frames"] > 0
        assert s["voiceover"] and s["on_screen"] and s["shot"]
        f += s["frames"]
    assert f == data["frames"]
    # durations come from the speaking rate (zh 4 chars/s, en 150 wpm) and never undershoot it
    for s in sc:
        if which == "zh":
            need = len(re.findall(r"[\u4e00-\u9fff]", s["voiceover"])) / 4.0
        else:
            need = len(s["voiceover"].split()) / 2.5
        assert s["duration_s"] >= need - 0.05
    # every beat traces back to a section; dropped ones are listed, never cut mid-sentence
    for s in beats:
        assert s["section"] >= 0
    md = (folder / "video/script.md").read_text("utf-8")
    assert all(s["voiceover"].replace("|", "\\|") in md for s in sc)


def test_shorter_target_drops_weakest_beats_not_sentences(tmp_path, cli):
    data30 = scenes(Path(read_manifest(_quick(cli, EN, tmp_path / "a", "30")) and tmp_path / "a"))
    data60 = scenes(Path(read_manifest(_quick(cli, EN, tmp_path / "b", "60")) and tmp_path / "b"))
    assert data30["duration_s"] <= 30 < data60["duration_s"] <= 60
    vo30 = {s["voiceover"] for s in data30["scenes"]}
    vo60 = {s["voiceover"] for s in data60["scenes"]}
    assert vo30 <= vo60  # the same whole sentences, fewer of them
    assert data30["dropped_beats"]


def _quick(cli, story, out, duration):
    r = cli("build", story, "-f", "video", "-o", out, "-q", "-O", f"video.duration={duration}",
            "-O", "video.render=false")
    assert r.exit_code == 0, r.output
    return out


def _check_rules(events, lang, script, tol=0.002):
    """Every professional timed-text rule, on events parsed back by an independent library."""
    max_line, max_cps = (16, 9.0) if lang.startswith("zh") else (42, 17.0)
    prev_end = None
    for start, end, lines in events:
        dur = end - start
        assert 1 <= len(lines) <= 2, lines
        assert all(0 < len(ln) <= max_line for ln in lines), lines
        assert 5 / 6 - tol <= dur <= 7.0 + tol, (dur, lines)
        assert len("".join(lines)) / (dur + tol) <= max_cps, (lines, dur)
        if prev_end is not None:
            assert start - prev_end >= 2 / FPS - tol, (prev_end, start)
        prev_end = end
    # times agree with the script: each scene's voice-over is exactly its events' text
    for s in script["scenes"]:
        t0, t1 = s["start_s"], s["start_s"] + s["duration_s"]
        inside = [ls for a, b, ls in events if a >= t0 - tol and b <= t1 + tol]
        joined = "".join("".join(ls) for ls in inside)
        assert re.sub(r"\s", "", joined) == re.sub(r"\s", "", s["voiceover"]), s["index"]


def _check_word_breaks(events, source: str, lang: str):
    if lang.startswith("zh"):
        from contentkit.layout import tokenize

        for _, _, lines in events:
            if len(lines) == 2:
                toks = tokenize("".join(lines))
                # the break falls on a token boundary
                acc, bounds = "", set()
                for t in toks:
                    acc += t
                    bounds.add(len(acc.replace(" ", "")))
                assert len(lines[0].replace(" ", "")) in bounds, lines
    else:
        words = set(re.findall(r"[A-Za-zÀ-ÿ'’\-]+", source))
        for _, _, lines in events:
            for ln in lines:
                for w in re.findall(r"[A-Za-zÀ-ÿ'’\-]+", ln):
                    assert w in words, (w, ln)
                assert not re.search(r"\b(a|an|the)$", ln, re.I), ln  # article stays with its noun


@pytest.mark.parametrize("which", ["zh", "en"])
def test_subtitles_follow_the_rules_in_every_format(which, zh_video, en_script):
    import srt
    import webvtt
    import ass

    folder = zh_video if which == "zh" else en_script
    script = scenes(folder)
    lang = script["language"]
    source = (ZH if which == "zh" else EN).read_text("utf-8")
    srt_events = [(s.start.total_seconds(), s.end.total_seconds(), s.content.split("\n"))
                  for s in srt.parse((folder / "video/subtitles.srt").read_text("utf-8"))]
    vtt_events = [(_vtt_s(c.start), _vtt_s(c.end), c.text.split("\n"))
                  for c in webvtt.read(str(folder / "video/subtitles.vtt"))]
    with open(folder / "video/subtitles.ass", encoding="utf-8-sig") as f:
        doc = ass.parse(f)
    # the text a player shows: override blocks (the karaoke \k timings) are not text
    ass_events = [(e.start.total_seconds(), e.end.total_seconds(), re.sub(r"\{[^}]*\}", "", e.text).split("\\N"))
                  for e in doc.events]
    assert len(srt_events) == len(vtt_events) == len(ass_events) > 5
    for events, tol in ((srt_events, 0.002), (vtt_events, 0.002), (ass_events, 0.011)):  # ASS: centiseconds
        _check_rules(events, lang, script, tol)
        _check_word_breaks(events, source, lang)
    for (a0, a1, al), (b0, b1, bl) in zip(srt_events, ass_events):
        assert abs(a0 - b0) < 0.011 and abs(a1 - b1) < 0.011 and al == bl
    style = doc.styles[0]
    assert style.fontname and style.fontsize > 0


def _vtt_s(stamp) -> float:
    h, m, s = str(stamp).split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


@pytest.mark.slow
def test_mp4_decodes_to_the_script(zh_video):
    data = scenes(zh_video)
    info = probe(zh_video / "video/video.mp4")
    assert (info["codec"], info["w"], info["h"], info["pix_fmt"]) == ("h264", 1080, 1920, "yuv420p")
    assert info["fps"] == FPS
    assert abs(info["frames"] - data["frames"]) <= 1
    assert info["audio"] == ["aac"]  # the synthetic voice: there is no recording
    raw = (zh_video / "video/video.mp4").read_bytes()
    assert 0 < raw.find(b"moov") < raw.find(b"mdat")  # faststart
    m = read_manifest(zh_video)
    art = next(a for a in m["artifacts"] if a["path"] == "video/video.mp4")
    assert art["duration_s"] == data["duration_s"] and (art["width"], art["height"]) == (1080, 1920)
    for rel in ("video/poster.png", "video/storyboard.png"):
        assert (zh_video / rel).stat().st_size > 10_000


@pytest.mark.slow
def test_frames_show_subtitles_in_their_band_only(zh_video):
    """Decode frames at each scene and check: subtitle band has the subtitle, card text stays
    above it, and the platform UI areas (bottom 20 %, right 15 %) are free of text."""
    import av

    data = scenes(zh_video)
    frames = json.loads((zh_video / "video/frames.json").read_text("utf-8"))
    W, H = frames["width"], frames["height"]
    sx0, sy0, sx1, sy1 = frames["subtitle_box"]
    assert sy1 <= H * 0.80 and sx1 <= W * 0.85
    for sc in frames["scenes"]:
        for t in sc["texts"]:
            for b in t["line_boxes"]:
                assert b[3] <= sy0, (sc["index"], t["role"])  # card text never reaches the subtitles
                assert b[2] <= W * 0.85 + 1 or t["role"] in ("brand",), (sc["index"], t["role"], b)
    wanted = {round((s["start_s"] + min(1.0, s["duration_s"] / 2)) * FPS) for s in data["scenes"]}
    with av.open(str(zh_video / "video/video.mp4")) as c:
        for i, frame in enumerate(c.decode(video=0)):
            if i not in wanted:
                continue
            img = frame.to_image().convert("L")
            band = img.crop((sx0, sy0, sx1, sy1))
            lo, hi = band.getextrema()
            assert hi - lo > 150  # white subtitle text on its dark plate
            # the platform UI zone holds no text: its edge density stays far below a subtitle band's
            # (decorative shapes have few, smooth edges; a line of text has many)
            from PIL import ImageFilter

            def edges(im):
                e = im.filter(ImageFilter.FIND_EDGES)
                return sum(e.histogram()[61:]) / (e.width * e.height)

            assert edges(img.crop((0, int(H * 0.82), W, H))) < 0.02


@pytest.mark.slow
def test_voiceover_music_and_soft_subtitles(cli, tmp_path, story_file):
    path = story_file("---\ntitle: Short\ncta: Follow me\n---\n\n## One\n\nThe first idea is short and clear.\n\n"
                      "## Two\n\nThe second idea is also short.\n\n## Three\n\nA third idea closes it.\n\n"
                      "## Four\n\nAnd a fourth one for luck.\n")
    out0 = tmp_path / "plain"
    build(cli, path, out0, "video.render=false")
    planned = scenes(out0)["duration_s"]
    voice = tone(tmp_path / "voice.wav", planned * 1.3, 220)
    music = tone(tmp_path / "music.wav", 3.0, 660)
    out = tmp_path / "o"
    m = build(cli, path, out, f"video.voiceover={voice}", f"video.music={music}", "video.subtitles=soft")
    data = scenes(out)
    assert abs(data["duration_s"] - planned * 1.3) <= 1 / FPS + 1e-6  # stretched to the recording
    info = probe(out / "video/video.mp4")
    assert info["audio"] == ["aac"] and info["subs"] == ["mov_text"]
    assert abs(info["frames"] - data["frames"]) <= 1
    assert any("stretched" in w for w in m["warnings"])


def mp4_boxes(path: Path) -> list[str]:
    """The MP4's box types, walked through the containers that hold tracks and edit lists."""
    import struct

    data = path.read_bytes()
    found: list[str] = []

    def walk(off: int, end: int) -> None:
        while off < end:
            size, kind = struct.unpack(">I4s", data[off:off + 8])
            head = 8
            if size == 1:
                size, head = struct.unpack(">Q", data[off + 8:off + 16])[0], 16
            name = kind.decode("latin-1")
            found.append(name)
            if name in ("moov", "trak", "edts", "mdia", "minf", "stbl"):
                walk(off + head, off + size)
            off += size or end

    walk(0, len(data))
    return found


def test_the_mp4_has_no_edit_list_and_its_sound_keeps_sync(cli, tmp_path, story_file):
    """YouTube's and Instagram's upload specifications ask for an MP4 without edit lists; the
    AAC encoder's 1024 samples of priming must then neither delay the picture nor the sound. A
    click in the creator's recording at 2.000 s is heard at 2.000 s of the video, whose frames
    are at k / 30 s."""
    import struct

    import av
    import numpy as np

    path = story_file("---\ntitle: Sync\n---\n\n## One\n\nThe first idea is short and clear.\n\n"
                      "## Two\n\nThe second idea is also short.\n")
    plain = tmp_path / "plain"
    build(cli, path, plain, "video.render=false")
    rate, seconds = 48000, scenes(plain)["duration_s"]
    samples = [0] * int(seconds * rate)
    for i in range(2 * rate, 2 * rate + 240):
        samples[i] = 12000 if (i // 24) % 2 == 0 else -12000
    rec = tmp_path / "click.wav"
    with wave.open(str(rec), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", v) for v in samples))
    out = tmp_path / "o"
    build(cli, path, out, f"video.voiceover={rec}", "video.subtitles=soft")
    mp4 = out / "video/video.mp4"
    boxes = mp4_boxes(mp4)
    assert "moov" in boxes and "trak" in boxes and "edts" not in boxes and "elst" not in boxes, boxes
    with av.open(str(mp4)) as c:
        times = [f.time for f in c.decode(video=0)][:5]
    assert times == pytest.approx([k / FPS for k in range(5)], abs=1e-6)
    with av.open(str(mp4)) as c:
        first = None
        chunks = []
        for f in c.decode(audio=0):
            first = f.time if first is None else first
            chunks.append(f.to_ndarray()[0])
    sound = np.concatenate(chunks)
    onset = first + int(np.argmax(np.abs(sound) > 0.5 * np.abs(sound).max())) / rate
    assert first == 0 and abs(onset - 2.0) <= 0.002, onset


@pytest.mark.parametrize("make, fragment", [
    (lambda d: d / "none.wav", "voiceover file not found"),
    (lambda d: (d / "text.wav").write_text("not audio at all") and d / "text.wav", "not audio"),
    (lambda d: tone(d / "long.wav", 400.0, 300, rate=8000), "voice-over is 400.0 s"),
    (lambda d: tone(d / "short.wav", 1.0, 300, rate=8000), "voice-over is 1.0 s"),
])
def test_bad_voiceover_inputs(cli, tmp_path, make, fragment):
    f = make(tmp_path)
    out = tmp_path / "o"
    r = cli("build", ZH, "-f", "video", "-o", out, "-O", f"video.voiceover={f}")
    assert r.exit_code == 1, r.output
    err = r.stderr.strip().splitlines()[-1]
    assert err.startswith("error: ") and fragment in err
    assert not out.exists()


def test_no_voice_says_so_and_names_what_to_install(cli, tmp_path, monkeypatch):
    from contentkit import voice

    for backend in voice.BACKENDS.values():
        monkeypatch.setattr(backend, "installed", lambda lang: False)
    out = tmp_path / "o"
    m = build(cli, EN, out, "video.render=false")
    warned = [w for w in m["warnings"] if "no voice for en" in w]
    assert warned and "pip install" in warned[0]
    assert scenes(out)["audio"]["voiceover"] == "none" and scenes(out)["audio"]["voice"] is None


def test_voice_none_is_silent_and_said(cli, tmp_path):
    out = tmp_path / "o"
    build(cli, EN, out, "video.voice=none", "video.render=false")
    assert scenes(out)["audio"] == {"music": False, "voice": None, "voiceover": "none"}


def test_every_language_has_an_offline_voice_here(cli):
    """What the README's first command installs: a neural English voice and a Mandarin one,
    from pip alone; `contentkit voices --json` says which one auto picks."""
    r = cli("voices", "--json")
    rows = json.loads(r.output)
    auto = {row["language"]: row["backend"] for row in rows if row["auto"]}
    assert auto == {"en": "piper", "zh-Hans": "espeak", "zh-Hant": "espeak"}


def test_captions_follow_the_spoken_words():
    """Pure stage: events start on the frame their first word is spoken (within 150 ms), and
    karaoke pieces add up to each event; speech faster than the reading-speed rule makes an
    event wait, never breaks the rule."""
    from contentkit.subtitles import Event, Rules, align_to_speech

    rules = Rules.for_language("en")
    text = "One two three four five six seven. Eight nine ten eleven twelve thirteen."
    offs = [m.start() for m in re.finditer(r"\S+", text)]
    times = [0.0, 0.4, 0.8, 1.2, 1.6, 2.0, 2.4, 3.6, 4.0, 4.4, 4.8, 5.2, 5.6]  # a pause before "Eight"
    words = tuple(zip(offs, times))
    evs = [Event(0, 100, ("One two three four five six seven.",)),
           Event(102, 200, ("Eight nine ten eleven twelve thirteen.",))]
    out = align_to_speech(evs, text, words, 200, 30, rules)
    assert abs(out[1].start_f / 30 - 3.6) <= 0.15
    for e in out:
        assert sum(n for _, n in e.karaoke) == e.end_f - e.start_f
        assert "".join(p for p, _ in e.karaoke).strip() == " ".join(e.lines)
        assert rules.min_s <= (e.end_f - e.start_f) / 30 <= rules.max_s
    fast = tuple((o, t / 4) for o, t in words)  # four times too fast to read
    for e in align_to_speech(evs, text, fast, 200, 30, rules):
        d = (e.end_f - e.start_f) / 30
        assert len(" ".join(e.lines)) / d <= rules.max_cps and d >= rules.min_s


@pytest.mark.slow
@pytest.mark.parametrize("which, backend", [("en", "piper:"), ("zh", "espeak:")])
def test_every_sample_video_speaks_at_platform_loudness(cli, tmp_path, which, backend, request):
    import subprocess

    import ass

    from contentkit.formats.video import ffmpeg_exe

    if which == "zh":
        out = request.getfixturevalue("zh_video")  # the full 45 s render the other tests decode
    else:
        out = tmp_path / "o"
        build(cli, EN, out, "video.duration=30")
    data = scenes(out)
    assert data["audio"]["voiceover"] == "tts" and data["audio"]["voice"].startswith(backend)
    mp4 = out / "video/video.mp4"
    assert probe(mp4)["audio"] == ["aac"]
    r = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(mp4), "-af",
                        "ebur128=peak=true:framelog=quiet", "-f", "null", "-"], capture_output=True, text=True)
    loudness = float(re.findall(r"I:\s+(-?[\d.]+) LUFS", r.stderr)[-1])
    assert -15.5 <= loudness <= -12.5, loudness
    # speech brought up to -14 LUFS would peak over the ceiling: the limiter keeps it under,
    # after the AAC encode too
    peak = float(re.findall(r"Peak:\s+(-?[\d.]+) dBFS", r.stderr)[-1])
    assert peak <= -1.0, peak
    with open(out / "video/subtitles.ass", encoding="utf-8-sig") as f:
        doc = ass.parse(f)
    lit = [e for e in doc.events if "\\k" in e.text]
    assert len(lit) >= 0.8 * len(doc.events)  # karaoke timing on (nearly) every event
    for e in lit:
        ks = sum(int(k) for k in re.findall(r"\\k(\d+)", e.text)) / 100
        assert abs(ks - (e.end - e.start).total_seconds()) <= 0.05 * len(re.findall(r"\\k", e.text)) + 0.05


def test_ffmpeg_failure_is_one_clear_line_and_no_mp4(cli, tmp_path, monkeypatch):
    from contentkit.formats import video

    fake = tmp_path / "ffmpeg"
    fake.write_text("#!/bin/sh\necho 'Unknown encoder libx264' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(video, "ffmpeg_exe", lambda: str(fake))
    out = tmp_path / "o"
    r = cli("build", EN, "-f", "video", "-o", out)
    assert r.exit_code == 4
    err = r.stderr.strip().splitlines()[-1]
    assert err == f"error: {EN}: video: ffmpeg failed while encoding the video: Unknown encoder libx264"
    assert not out.exists()


@pytest.mark.slow
@pytest.mark.parametrize("body", ["只有一句话的故事。", "\n\n".join(
    f"## 第{i}节\n\n" + f"第{i}节讲述葡萄酒历史上的一个片段，内容丰富。" * 20 for i in range(30))])
def test_odd_stories_render(cli, tmp_path, story_file, body):
    path = story_file(f"---\ntitle: 故事\n---\n\n{body}\n")
    out = tmp_path / "o"
    build(cli, path, out, "video.duration=30")
    data = scenes(out)
    assert data["duration_s"] <= 30 + 1e-6 or len(data["scenes"]) == 2
    info = probe(out / "video/video.mp4")
    assert abs(info["frames"] - data["frames"]) <= 1


@pytest.mark.slow
def test_video_is_deterministic(cli, tmp_path, story_file):
    path = story_file("---\ntitle: 小故事\n---\n\n## 一\n\n第一句话很短。\n\n## 二\n\n第二句话也很短。\n")
    a, b = tmp_path / "a", tmp_path / "b"
    build(cli, path, a)
    build(cli, path, b)
    assert read_manifest(a) == read_manifest(b)


@pytest.mark.slow
def test_motion_render(cli, tmp_path, story_file):
    path = story_file("---\ntitle: Motion\n---\n\n## One\n\nA slow zoom keeps the eye moving.\n\n"
                      "## Two\n\nSubtitles stay where they are.\n")
    out = tmp_path / "o"
    build(cli, path, out, "video.motion=true")
    data = scenes(out)
    info = probe(out / "video/video.mp4")
    assert (info["w"], info["h"], info["fps"]) == (1080, 1920, FPS)
    assert abs(info["frames"] - data["frames"]) <= 1
    # scenes cross-fade (xfade), no dip to black: mid-transition the frame mixes both scenes
    from PIL import ImageStat

    sc = data["scenes"][1]
    before = ImageStat.Stat(_frame_at(out / "video/video.mp4", sc["start_frame"] - 2).convert("L")).mean[0]
    mid = ImageStat.Stat(_frame_at(out / "video/video.mp4", sc["start_frame"] + 4).convert("L")).mean[0]
    after = ImageStat.Stat(_frame_at(out / "video/video.mp4", sc["start_frame"] + 12).convert("L")).mean[0]
    assert mid > 0.6 * min(before, after), (before, mid, after)
    # each scene pushes in about its centre, steadily: the accent panel's top edge (above the
    # centre) only ever moves up, and by no more than the 6 % zoom allows
    import av
    import numpy as np

    sc = data["scenes"][1]
    first, last = sc["start_frame"] + 10, sc["start_frame"] + sc["frames"] - 2
    picks = np.linspace(first, last, 6).astype(int).tolist()
    edges = []
    with av.open(str(out / "video/video.mp4")) as c:
        for i, f in enumerate(c.decode(video=0)):
            if i in picks:
                col = np.asarray(f.to_image().convert("RGB"))[:960, 540].astype(int)
                dark = np.nonzero(col.sum(axis=1) < 450)[0]  # the accent panel (#8E1B3A-ish)
                edges.append(int(dark[0]))
            if i > last:
                break
    assert all(b <= a for a, b in zip(edges, edges[1:])), edges
    assert 0 < edges[0] - edges[-1] <= 0.06 * (960 - edges[-1]) + 4, edges


@pytest.mark.slow
def test_voice_and_music_give_the_same_bytes_every_time(cli, tmp_path, story_file):
    """The voice/music mix once depended on the order frames reached ffmpeg's filter graph."""
    path = story_file("---\ntitle: Short\n---\n\n## One\n\nThe first idea is short.\n\n## Two\n\nThe second one too.\n")
    plain = tmp_path / "plain"
    build(cli, path, plain, "video.render=false")
    voice = tone(tmp_path / "voice.wav", scenes(plain)["duration_s"], 220)
    music = tone(tmp_path / "music.wav", 2.0, 660)
    digests = set()
    for k in range(3):
        out = tmp_path / f"o{k}"
        build(cli, path, out, f"video.voiceover={voice}", f"video.music={music}")
        digests.add(hashlib.sha256((out / "video/video.mp4").read_bytes()).hexdigest())
    assert len(digests) == 1


@pytest.mark.slow
def test_a_video_without_a_voice_says_so(cli, tmp_path, story_file):
    path = story_file("# Quiet\n\n## One\n\nA short line to say.\n")
    out = tmp_path / "o"
    r = cli("build", path, "-o", out, "-f", "video", "-O", "video.voice=none")
    assert r.exit_code == 0, r.output
    assert probe(out / "video/video.mp4")["audio"] == []
    assert any("the video has no voice" in w for w in read_manifest(out)["warnings"])
    assert "no voice" in r.stderr


def test_voices_lists_a_voice_per_language(cli):
    import json as _json

    r = cli("voices", "--json")
    assert r.exit_code == 0
    rows = _json.loads(r.stdout)
    assert {row["language"] for row in rows} == {"zh-Hans", "zh-Hant", "en"}
    assert all(row["backend"] and row["voice"] for row in rows)


def test_a_recording_is_aligned_at_its_pauses(cli, tmp_path, story_file):
    """Each scene starts when its words do: at the recording's pause, not at an even stretch."""
    path = story_file("---\ntitle: Pauses\ncta: Follow me\n---\n\n## One\n\nThe first idea is short and clear.\n\n"
                      "## Two\n\nThe second idea takes a little longer to explain to you.\n\n"
                      "## Three\n\nA third idea closes it.\n")
    plain = tmp_path / "plain"
    build(cli, path, plain, "video.render=false")
    planned = [s["duration_s"] for s in scenes(plain)["scenes"]]
    # the creator lingers on the second scene and hurries through the third
    factors = [1.0, 1.0, 1.8, 0.6, 1.0][: len(planned)]
    parts = [max(0.8, d * f - 0.6) for d, f in zip(planned, factors)]
    voice = spoken(tmp_path / "voice.wav", parts)
    out = tmp_path / "o"
    m = build(cli, path, out, "video.render=false", f"video.voiceover={voice}")
    got = [s["start_s"] for s in scenes(out)["scenes"]][1:]
    expected, t = [], 0.0
    for p in parts[:-1]:
        t += p + 0.6
        expected.append(t - 0.3)  # the middle of the pause before the scene
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert abs(g - e) <= 0.1, (got, expected)
    assert not any("pauses match" in w for w in m["warnings"])


def test_a_recording_without_pauses_is_reported(cli, tmp_path, story_file):
    path = story_file("---\ntitle: Flat\n---\n\n## One\n\nThe first idea.\n\n## Two\n\nThe second idea.\n\n"
                      "## Three\n\nThe third idea.\n")
    plain = tmp_path / "plain"
    build(cli, path, plain, "video.render=false")
    voice = tone(tmp_path / "flat.wav", scenes(plain)["duration_s"], 220)
    m = build(cli, path, tmp_path / "o", "video.render=false", f"video.voiceover={voice}")
    assert any("pauses match 0 of" in w for w in m["warnings"])


@pytest.mark.slow
def test_audio_is_normalised_to_the_platforms_loudness(cli, tmp_path, story_file):
    """-14 LUFS integrated (EBU R128), measured back with ffmpeg's ebur128 filter."""
    import re
    import subprocess

    from contentkit.formats.video import ffmpeg_exe

    path = story_file("# Loud\n\n## One\n\nThe first idea is short.\n\n## Two\n\nThe second one too.\n")
    plain = tmp_path / "plain"
    build(cli, path, plain, "video.render=false")
    quiet = tmp_path / "quiet.wav"
    tone(quiet, scenes(plain)["duration_s"], 220)
    out = tmp_path / "o"
    build(cli, path, out, f"video.voiceover={quiet}")
    r = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(out / "video/video.mp4"), "-map", "0:a",
                        "-af", "ebur128", "-f", "null", "-"], capture_output=True, text=True)
    lufs = float(re.findall(r"I:\s+(-?[\d.]+) LUFS", r.stderr)[-1])
    assert -15.0 <= lufs <= -13.0, lufs


def test_beat_frames_lead_with_their_figure_and_show_progress():
    """A beat whose phrase leads with a year leads its scene with that figure (else its beat
    number); every beat frame carries a progress bar of as many segments as there are beats
    (the cards' engine draws both), and the phrase sits on a full-width accent panel."""
    from contentkit.canvas import Designer, Fonts, SafeArea
    from contentkit.formats.video import _beat_spec
    from contentkit.layout import pick_font
    from contentkit.themes import load_theme

    sp = _beat_spec("1855：一张改变波尔多的名单", 4, True)
    assert (sp.kind, sp.figure, sp.heading) == ("scene", "1855", "一张改变波尔多的名单")
    plain = _beat_spec("罗马：把葡萄种遍欧洲", 2, True)
    assert (plain.kind, plain.figure, plain.label) == ("scene", "", "02")
    font = pick_font("sans", "zh-Hans", "一张改变波尔多的名单1855小酿说酒梅多克")
    d = Designer(1080, 1920, load_theme("paper"), Fonts(font, font), SafeArea(bottom=0.4), "zh-Hans", "小酿说酒", [])
    sp.progress = (2, 5)
    sp.items = ("梅多克",)
    lay = d.layout(sp, "")
    bars = [b for k, b, _ in lay.shapes if k == "bar"]
    panels = [b for k, b, _ in lay.shapes if k == "panel"]
    assert len(bars) == 5 and lay.family == "scene"
    assert len(panels) == 1 and panels[0][2] - panels[0][0] == 1080 and panels[0][3] - panels[0][1] >= 0.25 * 1920
    roles = {p.role: p.block.box for p in lay.texts}
    assert roles["figure"][3] <= panels[0][1] < roles["heading"][1] < roles["heading"][3] <= panels[0][3]
    assert panels[0][3] <= roles["terms"][1]  # the names the voice says, under the panel


def test_scene_terms_are_figures_and_names_the_voice_says():
    from contentkit.formats.video import scene_terms

    en = scene_terms('In the Tang dynasty the poet Wang Han wrote of "fine grape wine"; in 1892 '
                     "Zhang Bishi founded the Changyu winery in Yantai.", False)
    assert en[:4] == ["Tang", "Wang Han", "1892", "Zhang Bishi"]
    assert "two" not in scene_terms("It was planted in two plots.", False)
    zh = scene_terms("1855年，波尔多为巴黎世博会评出了列级酒庄，下午5点30分开始。", True)
    assert zh[0].startswith("1855") and "波尔多" in zh and "30" not in zh


def test_a_word_in_capitals_is_a_name_only_with_evidence():
    """"continued to HATE tea" is emphasis, not a name; an acronym the story defines in
    brackets, uses again, or that has no vowel to say, is one."""
    from contentkit.formats.video import acronyms, scene_terms

    story = ("Americans protested against tea taxed via the East India Company (EIC). For many "
             "decades they continued to HATE tea and drank coffee. Boston joined the NASA of tea "
             "smuggling; the EIC lost, and HTML was not invented yet.")
    known = acronyms(story)
    assert known == {"EIC", "HTML"}
    terms = scene_terms("For many decades they continued to HATE tea, and the EIC lost Boston to HTML.",
                        False, known)
    assert "HATE" not in terms and {"EIC", "Boston", "HTML"} <= set(terms)
    assert "NASA" not in scene_terms("Boston joined the NASA of tea smuggling.", False, known)


@pytest.mark.parametrize("story", [ZH, EN])
def test_no_frame_is_mostly_empty_field(cli, tmp_path, story):
    """Every scene of the samples fills at least a fifth of the frame (a designed text scene:
    figure, panel, terms; the cover: title and hook; the close: a band and a follow button),
    measured on the drawn frames against the plain field they are drawn on."""
    out = tmp_path / "o"
    r = cli("build", story, "-f", "video", "-O", "video.render=false", "-o", out, "-q")
    assert r.exit_code == 0, r.output
    frames = json.loads((out / "video/frames.json").read_text("utf-8"))
    shares = [sc["background"] for sc in frames["scenes"]]
    assert shares and max(shares) <= 0.80, shares
    assert frames["scenes"][0]["family"] == "headline"
    cover_roles = {t["role"] for t in frames["scenes"][0]["texts"]}
    assert {"title", "hook"} <= cover_roles  # the thumbnail says what the video is and why to watch


def _clip(path: Path, seconds: float = 3.0, size: str = "640x360") -> Path:
    """A moving test clip (ffmpeg's testsrc2), made with the bundled ffmpeg."""
    import subprocess

    from contentkit.formats.video import ffmpeg_exe

    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
                    f"testsrc2=s={size}:d={seconds}:r=30", "-pix_fmt", "yuv420p", "-y", str(path)], check=True)
    return path


def _frame_at(mp4: Path, index: int):
    import av

    with av.open(str(mp4)) as c:
        for i, f in enumerate(c.decode(video=0)):
            if i == index:
                return f.to_image().convert("RGB")
    raise AssertionError(f"no frame {index}")


MEDIA_STORY = ("---\ntitle: Harbour Wine\n---\n\nDid you know how far a bottle of wine travels before you open it?\n\n## Harbour\n\nThe harbour at Bordeaux shipped wine to London.\n\n"
               "## Cellar\n\nIn the cellar the barrels rest for two years.\n\n"
               "## Market\n\nThe market sets the price each spring.\n\n## Table\n\nAt the table it is poured.\n")


@pytest.mark.slow
def test_media_folder_photos_and_clips_appear_in_their_scenes(cli, tmp_path, story_file):
    """video.media: a photo matched by its file name (pushing in slowly), a clip pinned by
    shots.toml (trimmed and moving under the frame's text), a spare photo as B-roll; the
    decoded MP4 shows each in its scene, and the shot list names the files."""
    from PIL import Image, ImageStat

    media = tmp_path / "media"
    media.mkdir()
    red = Image.new("RGB", (900, 600), (210, 30, 30))
    for x in range(0, 900, 60):  # some detail for the subject crop to find
        red.paste((240, 200, 200), (x, 0, x + 8, 600))
    red.save(media / "harbour.png")
    Image.new("RGB", (600, 900), (30, 60, 200)).save(media / "zz-spare.jpg")
    _clip(media / "b-roll.mp4")
    (media / "shots.toml").write_text('[[shots]]\nfile = "b-roll.mp4"\nmatch = "barrels"\nstart = 0.5\n', "utf-8")
    path = story_file(MEDIA_STORY)
    out = tmp_path / "o"
    build(cli, path, out, f"video.media={media}", "video.voice=none", "video.duration=30")
    data = scenes(out)
    by_name = {}
    for sc in data["scenes"]:
        for name in ("harbour.png", "b-roll.mp4", "zz-spare.jpg"):
            if name in sc["shot"]:
                by_name[name] = sc
    assert set(by_name) == {"harbour.png", "b-roll.mp4", "zz-spare.jpg"}, [s["shot"] for s in data["scenes"]]
    assert "Harbour" in by_name["harbour.png"]["on_screen"] and "barrels" in by_name["b-roll.mp4"]["voiceover"]
    mp4 = out / "video/video.mp4"

    def region(sc, at: float):  # the upper-middle of the frame: picture, above the scrim and text
        f = sc["start_frame"] + int(sc["frames"] * at)
        return _frame_at(mp4, f).crop((100, 300, 980, 800))

    photo = ImageStat.Stat(region(by_name["harbour.png"], 0.5)).mean
    assert photo[0] > 150 and photo[1] < 110, photo
    spare = ImageStat.Stat(region(by_name["zz-spare.jpg"], 0.5)).mean
    assert spare[2] > 140 and spare[0] < 90, spare
    clip_a, clip_b = region(by_name["b-roll.mp4"], 0.2), region(by_name["b-roll.mp4"], 0.7)
    from PIL import ImageChops

    moved = ImageStat.Stat(ImageChops.difference(clip_a, clip_b).convert("L")).mean[0]
    assert moved > 3, moved  # the clip plays: frames of its scene differ
    # a photo pushes in slowly (Ken Burns) under its still text: its frames change too
    still_a = region(by_name["harbour.png"], 0.2)
    still_b = region(by_name["harbour.png"], 0.7)
    assert ImageStat.Stat(ImageChops.difference(still_a, still_b).convert("L")).mean[0] > 1
    frames = json.loads((out / "video/frames.json").read_text("utf-8"))
    assert all(sc["background"] <= 0.80 for sc in frames["scenes"])


def test_bad_media_is_a_clear_error(cli, tmp_path, story_file):
    path = story_file(MEDIA_STORY)
    r = cli("build", path, "-f", "video", "-O", "video.render=false", "-O", f"video.media={tmp_path / 'nope'}",
            "-o", tmp_path / "o")
    assert r.exit_code == 1 and "media folder not found" in r.stderr
    media = tmp_path / "m"
    media.mkdir()
    (media / "a.png").write_bytes(b"not a png")
    (media / "shots.toml").write_text('[[shots]]\nfile = "../../etc/passwd"\nscene = 2\n', "utf-8")
    r = cli("build", path, "-f", "video", "-O", "video.render=false", "-O", f"video.media={media}",
            "-o", tmp_path / "o")
    assert r.exit_code == 1 and "shots.toml" in r.stderr and "shots.0.file" in r.stderr
    assert "Traceback" not in r.output
    (media / "shots.toml").write_text('[[shots]]\nfile = "a.png"\nfocus = [2, 0.5]\n', "utf-8")
    r = cli("build", path, "-f", "video", "-O", "video.render=false", "-O", f"video.media={media}",
            "-o", tmp_path / "o")
    assert r.exit_code == 1 and "shots.0.focus" in r.stderr


@pytest.mark.slow
def test_burned_captions_light_up_word_by_word_and_frame_zero_is_the_poster(zh_video):
    """The burned-in subtitles follow the voice word by word (libass draws the ASS karaoke: a
    spoken word turns from white to the karaoke yellow), inside the subtitle band; the first
    frame is the designed cover, the same picture as poster.png."""
    import math as _math

    from PIL import Image, ImageChops, ImageStat

    from contentkit.subtitles import KARAOKE
    from contentkit.themes import rgb

    import pysubs2

    mp4 = zh_video / "video/video.mp4"
    frames = json.loads((zh_video / "video/frames.json").read_text("utf-8"))
    sx0, sy0, sx1, sy1 = frames["subtitle_box"]
    subs = pysubs2.load(str(zh_video / "video/subtitles.ass"))
    ev = max((e for e in subs if "\\k" in e.text), key=lambda e: e.end - e.start)
    first = round(ev.start * FPS / 1000) + 2
    last = round(ev.end * FPS / 1000) - 2
    ky = rgb(KARAOKE)

    def lit(index: int) -> int:
        band = _frame_at(mp4, index).crop((sx0, sy0 - 40, sx1, sy1 + 40))
        px = band.load()
        return sum(1 for x in range(0, band.width, 2) for y in range(0, band.height, 2)
                   if abs(px[x, y][0] - ky[0]) < 40 and abs(px[x, y][1] - ky[1]) < 40 and px[x, y][2] < 150)

    early, late = lit(first), lit(last)
    assert late > early + 50, (early, late)  # more of the event is lit as it is spoken
    poster = Image.open(zh_video / "video/poster.png").convert("RGB")
    frame0 = _frame_at(mp4, 0)
    mse = ImageStat.Stat(ImageChops.difference(poster, frame0).convert("L").point(lambda v: v * v)).mean[0]
    psnr = 10 * _math.log10(255 ** 2 / max(mse, 1e-9))
    assert psnr > 32, psnr


def test_the_text_layer_over_a_moving_picture_is_the_still_frame_minus_the_picture():
    """overlay_layer (put over clips and photos that move) draws what draw() draws over a
    still: scrim, brand line, progress bar and texts; composited over the same picture it gives
    the same frame."""
    from PIL import Image, ImageChops, ImageStat

    from contentkit.canvas import Designer, Fonts, SafeArea, Spec, _cover_crop, draw, overlay_layer
    from contentkit.layout import pick_font
    from contentkit.themes import load_theme

    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        pic = Path(tmp) / "p.png"
        Image.new("RGB", (1080, 1920), (40, 120, 200)).save(pic)
        font = pick_font("sans", "en", "Harbour the wine Talk 0123")
        theme = load_theme("paper")
        d = Designer(1080, 1920, theme, Fonts(font, font), SafeArea(bottom=0.4), "en", "Wine Talk", [])
        sp = Spec("image", heading="Harbour", image=pic)
        sp.progress = (2, 4)
        lay = d.layout(sp, "")
        still = draw(lay, theme, None)
        over = _cover_crop(pic, 1080, 1920).convert("RGBA")
        over.alpha_composite(overlay_layer(lay, theme))
        diff = ImageStat.Stat(ImageChops.difference(still, over.convert("RGB")).convert("L")).mean[0]
        assert diff < 1.0, diff


def test_a_video_rendered_beside_the_other_formats_gives_the_same_bytes(cli, tmp_path, story_file, monkeypatch):
    """The rendered video runs on a thread while the story's other formats render; the build
    is byte for byte the one that renders them one after another (CONTENTKIT_OVERLAP=0)."""
    path = story_file("---\ntitle: 小故事\n---\n\n## 一\n\n第一句话很短，说的是 1855 年。\n\n"
                      "## 二\n\n第二句话也很短。\n")
    opts = ("-O", "live.cue_cards=false", "-O", 'cards.platforms=["xiaohongshu"]')
    r = cli("build", path, "-o", tmp_path / "beside", "-q", *opts)
    assert r.exit_code == 0, r.output
    monkeypatch.setenv("CONTENTKIT_OVERLAP", "0")
    r = cli("build", path, "-o", tmp_path / "sequential", "-q", *opts)
    assert r.exit_code == 0, r.output
    a = sorted(p.relative_to(tmp_path / "beside") for p in (tmp_path / "beside").rglob("*") if p.is_file())
    b = sorted(p.relative_to(tmp_path / "sequential") for p in (tmp_path / "sequential").rglob("*") if p.is_file())
    assert a == b and any(p.name == "video.mp4" for p in a)
    for rel in a:
        assert (tmp_path / "beside" / rel).read_bytes() == (tmp_path / "sequential" / rel).read_bytes(), rel


def test_a_format_failing_beside_a_rendering_video_ends_its_encoder(cli, tmp_path, story_file):
    """A format that fails while the video renders on its thread: one clear line, no output
    folder, and no ffmpeg or voice process of this build left running."""
    import os

    from contentkit import plugins

    class Fails:
        name, description, options_model = "fails", "x", plugins.FormatOptions

        def render(self, story, options, out):
            import time

            time.sleep(1.0)  # the video's children are running by now
            raise plugins.ContentkitError("it broke")

    plugins.register(Fails())
    try:
        path = story_file("---\ntitle: 小故事\n---\n\n## 一\n\n第一句话很短。\n\n## 二\n\n第二句话也很短。\n")
        out = tmp_path / "o"
        r = cli("build", path, "-f", "video", "-f", "fails", "-o", out)
        assert r.exit_code == 1, r.output
        assert "fails: it broke" in r.stderr and "Traceback" not in r.output
        assert not out.exists()
        mine = []
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open(f"/proc/{d}/stat") as f:
                        parent = int(f.read().rsplit(")", 1)[1].split()[1])
                    with open(f"/proc/{d}/cmdline", "rb") as f:
                        cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
                except OSError:
                    continue
                if parent == os.getpid() and ("ffmpeg" in cmd or "contentkit.voice" in cmd or "espeak" in cmd):
                    mine.append(cmd)
        assert not mine, mine  # the video's encoder and voice processes have ended
    finally:
        plugins.unregister("fails")


def test_english_shot_notes_name_things_not_loose_words():
    """Without a part-of-speech tagger, single content words made notes such as "Close-up:
    completely; cutaway: different". Names come first (a people's adjective with its noun),
    then key phrases that read as things; no participle, adverb or modal verb in them."""
    from contentkit.formats.video import _en_subjects

    subs = _en_subjects("One such Chinese monk brought back the seeds from a new-to-him plant, "
                        "the tea bush, which the British turned into a drink.", set())
    assert subs[:2] == ["Chinese monk", "tea bush"]
    assert not any(s.startswith("British") for s in subs)  # "the British turned": a verb follows
    subs = _en_subjects("In the early 1990s, Twinings created Lady Grey tea, named after Mary "
                        "Elizabeth Grey, the wife of Charles Grey.", set())
    assert subs[0] == "Mary Elizabeth Grey" and "Twinings created Lady" not in subs
    subs = _en_subjects("One should not laugh at the artificial intelligence hype by saying linear "
                        "regressions could suffice.", set())
    assert "artificial intelligence hype" in subs and not any("could" in s for s in subs)
    for s in subs:
        assert not s.split()[0].lower().endswith("ly") and not s.lower().endswith(("ed", "ly"))
    # a verb at either end, an adjective at the end, a relative clause (seen on the English corpus)
    subs = _en_subjects("The era of open, private voice assistants begins now, and we'd love for you to be "
                        "part of it. Hardware that hears you gives you clear feedback.", set())
    assert "private voice assistants" in subs
    assert not any(s.endswith(("begins", "open")) or " that " in f" {s} " for s in subs), subs
    subs = _en_subjects("Instead, write a concrete article with examples that show linear regressions "
                        "outperform AI methods. We gave it a sleek but unobtrusive design.", set())
    assert not any(s.lower().startswith(("show ", "write ")) or s.endswith("unobtrusive") for s in subs), subs


def test_on_screen_text_drops_an_aside_and_never_leaves_a_bracket_open():
    from contentkit.formats.video import on_screen_text

    assert on_screen_text("自动挡半坡起步方法（手刹、左脚刹车、右脚刹车、上坡辅助、自动驻车、电子手刹）", True, 16, 48) \
        == "自动挡半坡起步方法"
    cut = on_screen_text("自动挡半坡起步方法（手刹、左脚刹车、右脚刹车、上坡辅助、自动驻车", True)
    assert "（" not in cut and cut.startswith("自动挡半坡起步方法")
    assert on_screen_text("Introducing Home Assistant Voice Preview Edition", False) \
        == "Introducing Home Assistant Voice Preview Edition"
    # a series' name and its number ("·其三") give way to the title after them, uncut
    assert on_screen_text("资产和被动收入·其三 资产的量化评估", True) == "资产的量化评估"
    assert on_screen_text("周末厨房笔记（第 12 篇）：一锅到底的番茄牛腩怎么炖才不柴", True) == "一锅到底的番茄牛腩怎么炖才不柴"


def test_mixed_chinese_headings_fit_on_screen_and_shots_name_things():
    """A Latin letter is half a Hanzi wide: "TUXEDO Stellaris 16 Gen 5 概览" showed as
    "TUXEDO…". Nouns written together name one thing ("特写：官方；再切：商店"), and a noun no
    camera can point at is no subject ("再切：情况")."""
    from contentkit.editorial.lexicon import nouns
    from contentkit.formats.video import _zh_noun_pairs, on_screen_text

    assert on_screen_text("TUXEDO Stellaris 16 Gen 5 概览", True) == "TUXEDO Stellaris 16 Gen 5 概览"
    assert on_screen_text("自动挡半坡起步方法与技巧大全以及注意事项总结", True).endswith("…")
    text = "前往官方商店列表，在两个插槽都插满的情况下，古罗马的葡萄酒陶罐上刻着产地。"
    pairs = _zh_noun_pairs(text, nouns(text, True))
    assert "官方商店" in pairs and "葡萄酒陶罐" in pairs and "官方" not in pairs
    from contentkit.editorial.data import words

    assert "情况" in words("shots", "zh_abstract")


def test_the_hook_is_said_without_the_storytellers_own_speaker_label():
    from contentkit.text import own_voice

    assert own_voice("我：请问凉粉、烧仙草和龟苓膏有什么区别？") == "请问凉粉、烧仙草和龟苓膏有什么区别？"
    assert own_voice("姐姐：凉粉就是仙草。") == "姐姐：凉粉就是仙草。"  # another speaker keeps the label
    assert own_voice("Me: what is the difference?") == "what is the difference?"
    assert own_voice("Meanwhile: tea.") == "Meanwhile: tea."


# A story of eight parts whose beats, planned at the estimated rate, fill 45 s to the frame:
# the synthetic voice said them in 46.8 s, over the ceiling (an essay's long sentences did the same)
TIGHT = """# Stream of tokens

What does a model think while it computes the next token?

## Part A of the purpose

The context instinct question optimizer weight signal optimizer question token window answer decoder keeps moving through the night. The weight bias purpose layer signal weight bias circuit entropy answer optimizer purpose purpose entropy window keeps moving through the night.

## Part B of the stream

The token question answer context awareness instinct memory gradient pattern pattern signal token purpose keeps moving through the night. The token signal signal bias pattern circuit instinct token optimizer window purpose keeps moving through the night.

## Part C of the window

The answer decoder awareness stream question entropy entropy layer instinct keeps moving through the night. The window purpose answer context purpose instinct circuit circuit token keeps moving through the night.

## Part D of the gradient

The answer gradient optimizer optimizer gradient context pattern layer optimizer pattern token keeps moving through the night. The gradient instinct awareness optimizer optimizer token question optimizer circuit awareness keeps moving through the night.

## Part E of the pattern

The window pattern gradient layer purpose entropy optimizer entropy optimizer keeps moving through the night. The optimizer pattern memory bias stream awareness layer memory optimizer answer decoder stream keeps moving through the night.

## Part F of the memory

The answer entropy signal answer layer memory question context weight window context circuit circuit instinct context optimizer keeps moving through the night. The context pattern awareness bias instinct gradient instinct gradient signal purpose awareness optimizer token bias token window keeps moving through the night.

## Part G of the bias

The entropy weight layer gradient entropy pattern weight memory question purpose keeps moving through the night. The context circuit weight context signal optimizer weight bias awareness keeps moving through the night.

## Part H of the signal

The question weight memory signal weight memory bias memory signal instinct instinct purpose gradient entropy bias keeps moving through the night. The decoder signal decoder instinct window purpose context optimizer answer signal circuit gradient bias question question context keeps moving through the night.
"""


def test_a_slower_voice_never_takes_the_video_past_its_ceiling(tmp_path, cli):
    story = tmp_path / "tight.md"
    story.write_text(TIGHT, "utf-8")
    out = _quick(cli, story, tmp_path / "out", "45")
    data = scenes(out)
    assert data["duration_s"] <= 45, data["duration_s"]
    assert sum(1 for s in data["scenes"] if s["kind"] == "beat") >= 3
    assert abs(sum(s["duration_s"] for s in data["scenes"]) - data["duration_s"]) < 0.05


@pytest.mark.slow
def test_two_scenes_showing_one_photo_render(tmp_path, cli):
    """A short story of one part with one photo: its beats all show that photo, and ffmpeg-python
    made one input of the two, fed to two filters ("multiple outgoing edges"): an internal error."""
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (800, 600), (40, 90, 160))
    ImageDraw.Draw(im).ellipse((300, 200, 500, 400), fill=(240, 200, 40))
    im.save(tmp_path / "sun.png")
    story = tmp_path / "s.md"
    story.write_text("# The Sunny Balcony\n\n## Morning\n\n![The balcony in the morning sun](sun.png)\n\n"
                     "The balcony gets the first sun at seven. The tomatoes there grew twice as fast this year. "
                     "A small table fits between the pots. Coffee tastes better out there in May.\n", "utf-8")
    out = tmp_path / "o"
    r = cli("build", story, "-f", "video", "-o", out, "-q", "-O", "video.duration=30")
    assert r.exit_code == 0, r.output
    data = scenes(out)
    shown = [s for s in data["scenes"] if s["kind"] == "beat" and "sun.png" in s["shot"]]
    assert len(shown) >= 2, data["scenes"]
    info = probe(out / "video/video.mp4")
    assert (info["w"], info["h"]) == (1080, 1920) and info["frames"] >= 25 * data["duration_s"]


def test_a_long_key_point_is_said_as_its_first_sentence_when_that_stands_alone():
    """An essay's carried points ("The inspiration … a Turing Test. It is probably worth it…",
    17 s) left a 45-second video two beats; "They also…" cannot open a beat on its own."""
    from contentkit.analysis import Rates
    from contentkit.formats.video import _first_alone

    r = Rates()
    long = ("The inspiration for this short story came to me while reading a post about a Turing Test. "
            "It is probably worth it, though not required, to skim that post to get a bit of background "
            "on some of this story before you go on reading it.")
    assert _first_alone(long, r, False).endswith("Turing Test.")
    short = "Romans planted vines. They pruned them."
    assert _first_alone(short, r, False) == short  # short enough to say whole
    zh = "今天欧洲许多著名产区，最早都是罗马人开垦的。他们还总结出了修剪、嫁接和陈年的技巧，并用木桶取代笨重的陶罐，让葡萄酒可以运往整个帝国，成为日常饮品。"
    assert _first_alone(zh, r, True) == "今天欧洲许多著名产区，最早都是罗马人开垦的。"


def test_a_scene_never_highlights_a_word_cut_across_an_adverb():
    """The zh sample's closing scene showed "酒都" (jieba's rare "wine capital") from
    "每一口酒都会多一层味道"; 成都 and 京都 are places."""
    from contentkit.formats.video import scene_terms

    assert "酒都" not in scene_terms("懂一点历史，每一口酒都会多一层味道。", True)
    assert {"成都", "京都"} <= set(scene_terms("我在成都住了三年，后来去了京都。", True))


def test_a_long_procedure_is_never_cut_to_its_first_steps():
    from contentkit.analysis import Rates
    from contentkit.formats.video import _first_alone

    steps = ("①打蛋到碗里②打开计时器记录热锅时间（后面会用到），电磁炉开到最高档位（2200w）。③锅冒烟后倒入花生油，"
             "转动锅让油铺满锅底。④倒入鸡蛋，等待三十秒再翻面。⑤关火，撒盐，装盘。")
    assert _first_alone(steps, Rates(), True) == steps


def test_a_voice_says_a_sentence_without_its_bracketed_asides():
    from contentkit.analysis import Rates, analyze
    from contentkit.formats.video import candidate_beats, spoken
    from contentkit.parser import parse_text

    assert spoken("大廠（統一、光泉）靠規模議價壓通路費率；小農品牌靠品牌溢價讓消費者多付兩三成。", True) == \
        "大廠靠規模議價壓通路費率；小農品牌靠品牌溢價讓消費者多付兩三成。"
    assert spoken("First get a model large enough that it can overfit (i.e. focus on training loss) and then "
                  "regularize it.", False) == "First get a model large enough that it can overfit and then regularize it."
    assert spoken("拉菲（Château Lafite Rothschild）", True) == "拉菲（Château Lafite Rothschild）"  # too little left
    story = analyze(parse_text("# 乳品\n\n台灣的鮮乳大多在超商賣出，通路的抽成決定了乳品廠能賺多少。\n\n## 通路\n\n"
                               "大廠（統一、光泉）靠規模議價壓通路費率，小農品牌靠品牌溢價讓消費者多付兩三成。\n\n## 包裝\n\n"
                               "保久乳用無菌的利樂包（六層複合紙）裝，常溫可以放上半年。\n",
                               source="t.md", base_dir=Path(".")))
    beats = candidate_beats(story, Rates())
    assert len(beats) >= 2 and all("（" not in b.voiceover for b in beats)


SAID_TWICE = """---
title: 凉茶和糖水的区别
---

请问凉茶和糖水有什么区别？

## 两样东西看起来都在降火

总结：凉茶是煮出来的草药汤，糖水是加了糖的甜汤，它们都被说成能降火。

凉茶很苦，原料是夏枯草、金银花和菊花这些草药。

糖水很甜，常见的有绿豆沙、红豆沙和番薯糖水。

## 喝的时候

夏天喝凉茶的人多，冬天糖水铺子门口排队的人更多。

## 结语

简单来说，凉茶是煮出来的草药汤，糖水是加了糖的甜汤。
"""


def test_a_video_says_nothing_twice_and_each_beat_shows_a_line_of_its_own(cli, tmp_path, story_file):
    """A story's summary said again at its end is one beat, not two; beats of one part do
    not all carry that part's heading: the first does, the others show their own key
    phrase ("凉茶很苦")."""
    from contentkit.formats.video import key_phrase, restates

    assert restates("简单来说，凉茶是煮出来的草药汤，糖水是加了糖的甜汤。",
                    "总结：凉茶是煮出来的草药汤，糖水是加了糖的甜汤，它们都被说成能降火。", True)
    assert not restates("凉茶很苦，原料是夏枯草、金银花和菊花这些草药。", "糖水很甜，常见的有绿豆沙、红豆沙和番薯糖水。", True)
    # a refrain in two different sentences shares words, not what they say
    assert not restates("The answer decoder awareness stream keeps moving through the night.",
                        "The window purpose answer context circuit keeps moving through the night.", False)
    assert restates("In short, the harbour shipped wine to London every spring.",
                    "The harbour shipped wine to London every spring for centuries.", False)
    assert key_phrase("总结：凉茶是煮出来的草药汤，糖水是加了糖的甜汤。", True) == "凉茶是煮出来的草药汤"  # 16 Hanzi at most
    assert key_phrase("凉茶很苦，原料是夏枯草、金银花和菊花这些草药。", True) == "凉茶很苦"
    path = story_file(SAID_TWICE)
    out = tmp_path / "o"
    build(cli, path, out, "video.render=false", "video.voice=none")
    data = scenes(out)
    beats = [s for s in data["scenes"] if s["kind"] == "beat"]
    said = [s["voiceover"] for s in beats]
    assert len(beats) >= 3, said
    assert not any(restates(a, b, True) for i, a in enumerate(said) for b in said[i + 1:]), said
    screens = [s["on_screen"] for s in data["scenes"] if s["kind"] != "cta"]
    assert len(set(screens)) == len(screens), screens


RECIPE = """# 番茄炒蛋的做法

番茄炒蛋是一道十分钟就能上桌的家常菜，酸甜下饭，新手也能做好。

## 必备原料和工具

- 番茄
- 鸡蛋
- 白糖
- 盐

## 操作

1. 番茄洗净，顶部划十字，用开水烫一分钟后剥皮
2. 剥好的番茄切成大小均匀的块，放在碗里备用
3. 鸡蛋打入碗中，加一小撮盐，用筷子朝一个方向打散
4. 热锅倒油，油温七成热时倒入蛋液，凝固后立刻盛出
5. 锅里再加少许油，倒入番茄块，中火翻炒出汁
6. 加入一勺白糖和半勺盐，翻炒均匀，尝一下味道
7. 倒回炒好的鸡蛋，和番茄一起翻炒三十秒
8. 撒上葱花，关火装盘
9. 趁热上桌

## 附加内容

如果您遵循本指南的制作流程而发现有问题或可以改进的流程，请提出 Issue 或 Pull request 。
"""


def test_a_long_procedure_is_said_in_beats_of_whole_steps_in_order(cli, tmp_path, story_file):
    """A recipe's nine steps (about 30 s) had no beat: too long for one, and never to be cut.
    They are said in several beats of whole steps, in order, without their numbers; the
    repository's "请提出 Issue 或 Pull request" is no beat."""
    from contentkit.formats.video import procedure_parts

    class Rate:
        @staticmethod
        def speak_seconds(t):
            return len(t) / 5

    assert procedure_parts("①打蛋②搅匀", Rate, True) == []  # short: one beat
    parts = procedure_parts("①" + "甲" * 30 + "②" + "乙" * 30 + "③" + "丙" * 5 + "⑩丁丁11.出锅", Rate, True)
    assert parts == ["甲" * 30 + "。", "乙" * 30 + "。丙丙丙丙丙。丁丁。出锅。"], parts
    path = story_file(RECIPE)
    out = tmp_path / "o"
    # 38 s of steps: past 45 s with the hook, so the warning says to raise the length
    build(cli, path, out, "video.render=false", "video.voice=none", "video.duration=60")
    data = scenes(out)
    said = "".join(s["voiceover"] for s in data["scenes"] if s["kind"] == "beat")
    steps = ["剥皮", "备用", "打散", "盛出", "翻炒出汁", "尝一下味道", "三十秒", "关火装盘", "趁热上桌"]
    at = [said.find(x) for x in steps]
    assert all(k >= 0 for k in at) and at == sorted(at), (at, said)
    assert not re.search("[①②③④⑤⑥⑦⑧⑨]", said) and "Issue" not in said
    assert sum(1 for s in data["scenes"] if s["kind"] == "beat" and any(x in s["voiceover"] for x in steps)) >= 2
    assert data["duration_s"] <= 60


def test_english_shots_name_no_contraction_and_no_possessor():
    """kcd's productivity post: a shot read "cutaway: I'll", another "week blogpost newsletter"
    (from "this week's blogpost newsletter"); a part's title stopped at the colon of "11:00 PM"."""
    from contentkit.editorial.structure import title_for
    from contentkit.formats.video import _en_subjects

    got = _en_subjects("If it's Monday, I'll make sure my blog post is published, then start working on "
                       "this week's blogpost newsletter.", set())
    assert "I'll" not in got and not any(g.startswith("week") for g in got) and "blogpost newsletter" in got, got
    t = title_for("I play with the kids after dinner. Normally I go to bed before 11:00 PM every night. "
                  "My wife and I read together before bed.", ["A typical morning starts at six."], False)
    assert not t.endswith("before 11"), t


def test_chinese_shots_name_the_thing_not_the_verb_after_it():
    """A steamed-buns recipe's shots read "特写：蒸架放" (jieba's word for "把蒸架放里面"),
    "特写：花卷平铺" (平铺, lay flat, tagged a noun) and "特写：食用" (eat)."""
    from contentkit.formats.video import _subjects

    s = parse("# 蒸馒头\n\n## 操作\n\n往锅里倒入水，把蒸架放里面，把装馒头的碟子放在蒸架上，盖上锅盖。\n\n"
              "从馒头的包装袋中取出馒头，把馒头平铺在碟子上。\n\n碟子取出放凉至 50 度即可食用。\n")
    assert "蒸架放" not in s.a.keywords
    got = [_subjects(t, s) for t in ("把蒸架放里面，把装馒头的碟子放在蒸架上，盖上锅盖。", "把馒头平铺在碟子上。",
                                     "碟子取出放凉至 50 度即可食用。")]
    flat = [w for g in got for w in g]
    assert "蒸架" in got[0] and not any(w.endswith(("放", "平铺")) or w == "食用" for w in flat), got


def test_english_shots_are_no_interjection_or_comparison():
    """Unseen essays gave "Close-up: Wait", "Close-up: Hah", "Close-up: flat as Roman" and
    "Close-up: Regardless" (a list item's first word after "; ")."""
    from contentkit.formats.video import _en_subjects

    for text, bad in (("The answer is correct … Wait, am I out of a job now???", "Wait"),
                      ("I already thought “Hah, gotcha!” when it added a sneaky footnote.", "Hah"),
                      ("I've started to live in the same flat as Roman.", "flat as Roman"),
                      ("Even your favourite developers miss things; Regardless of your knowledge level, "
                       "confidence can vary.", "Regardless")):
        assert bad not in _en_subjects(text, set()), (text, _en_subjects(text, set()))
    # a name is capitalised mid-sentence, or in every word
    assert "London" in _en_subjects("I was supposed to join the React Native team in London.", set())
    assert "Voice Preview Edition" in _en_subjects("Today we ship the Voice Preview Edition to everyone.", set())


def test_a_dialogue_line_is_said_with_its_speaker():
    """cyrusyip's 凉粉 video said "姐姐：凉粉就是仙草…" as "姐姐 凉粉就是…", the label read as the
    sentence's first word; a topic label stays as written."""
    from contentkit.formats.video import said_by

    assert said_by("姐姐：凉粉就是仙草，龟苓膏是苦的。", True) == "姐姐说：凉粉就是仙草，龟苓膏是苦的。"
    assert said_by("老闆：今天公休。", True, hant=True) == "老闆說：今天公休。"
    assert said_by("总结：凉粉和龟苓膏是两种食物。", True) == "总结：凉粉和龟苓膏是两种食物。"
    assert said_by("Sister: it is bitter.", False) == "Sister: it is bitter."


def test_a_point_named_by_its_label_shows_the_label():
    """A zh-Hant review's pros, said one to a beat: "回答品質高：因為是基於特定文件…" showed
    "因為是基於特定文件" (a because-clause) on screen, and the list's heading "優點：" its colon."""
    from contentkit.formats.video import key_phrase, on_screen_text

    assert key_phrase("回答品質高：因為是基於特定文件，回答準確度很高。", True) == "回答品質高"
    assert key_phrase("总结：凉粉和烧仙草是同一种食物。", True) == "凉粉和烧仙草是同一种食物"
    assert key_phrase("姐姐：凉粉就是仙草，龟苓膏是另一种食品。", True).startswith("凉粉就是仙草")
    assert on_screen_text("優點：", True) == "優點"


def test_beats_a_slower_voice_leaves_out_are_not_counted_on_screen(tmp_path, cli):
    """The voice made a beat go: the beats left are numbered 1..n on a progress bar of n
    segments (they had shown "01", "03", "04" over four segments for three beats)."""
    story = tmp_path / "tight.md"
    story.write_text(TIGHT, "utf-8")
    r = cli("build", story, "-f", "video", "-o", tmp_path / "out", "-O", "video.duration=45",
            "-O", "video.render=false", "--json")
    assert r.exit_code == 0, r.output
    assert any("left out the beat" in w for w in json.loads(r.stdout)["warnings"])
    n = sum(1 for s in scenes(tmp_path / "out")["scenes"] if s["kind"] == "beat")
    frames = json.loads((tmp_path / "out/video/frames.json").read_text("utf-8"))["scenes"]
    assert [f["progress"] for f in frames if "progress" in f] == [[k, n] for k in range(1, n + 1)]


def test_room_a_voice_leaves_is_refilled_with_spare_beats_in_story_order():
    """A spare beat goes back in when its planned length, at the voice's measured pace, fits the
    room under the ceiling, and stays only if its spoken length fits; best first, in story order."""
    from contentkit.formats.video import Scene, refill

    def scene(kind, section, frames, score=1.0, text=""):
        return Scene(0, kind, text or f"{kind} {section}", "", "", section, score, frames=frames)

    hook, cta = scene("hook", -1, 100), scene("cta", 99, 60)
    kept = [scene("beat", 2, 240), scene("beat", 5, 300)]
    scenes = [hook, *kept, cta]
    planned = {id(kept[0]): 200, id(kept[1]): 250}  # the voice took 1.2x the planned time
    spare = [scene("beat", 4, 600, 3.0, "too long at this pace"), scene("beat", 1, 150, 2.0, "fits"),
             scene("beat", 3, 160, 1.5, "fits when planned, not when spoken"), scene("beat", 6, 60, 1.0, "fits")]
    spoken = {"fits": 1.1, "fits when planned, not when spoken": 4.0}
    heard = []

    def speak_one(sc):
        heard.append(sc.voiceover)
        sc.frames = round(sc.frames * spoken[sc.voiceover])

    ceiling = 45 * 30
    room = ceiling - sum(s.frames for s in scenes)  # 650 frames
    added = refill(scenes, spare, planned, ceiling, speak_one, 30)
    # 600 planned frames are 720 at the voice's pace, over the 650 left: never spoken
    assert heard == ["fits", "fits when planned, not when spoken", "fits"]
    assert [s.section for s in added] == [1, 6]
    assert [s.section for s in scenes] == [-1, 1, 2, 5, 6, 99]
    assert sum(s.frames for s in scenes) == 700 + 165 + 66 <= ceiling and room == 650
    assert spare[2].frames == 160  # its planned length again, for the record


def test_refill_stops_at_eight_beats():
    from contentkit.formats.video import Scene, refill

    beats = [Scene(0, "beat", f"b{i}", "", "", i, 1.0, frames=30) for i in range(7)]
    spare = [Scene(0, "beat", f"s{i}", "", "", 10 + i, 1.0, frames=30) for i in range(3)]
    added = refill(beats, spare, {}, 10_000, lambda sc: None, 30)
    assert len(added) == 1 and len(beats) == 8


def test_a_pointer_named_by_its_aside_is_said_as_what_it_names():
    from contentkit.formats.video import spoken

    assert spoken("Americans didn’t like this (high taxed Tea via EIC) and protested in the form of the "
                  "Boston Tea Party.", False).startswith("Americans didn’t like high taxed Tea via EIC and protested")
    assert spoken("I tried this (see below) and it worked well enough for me.", False) == \
        "I tried this and it worked well enough for me."


def test_cantonese_particles_never_make_a_shot():
    from contentkit.formats.video import _subjects

    s = parse("# 香港仔\n\n## 座頭鯨\n\n講緊嘅就喺，有唔少人爲咗座頭鯨（香港）搞到好辛苦嘅時候，原嚟有人依然故我。\n")
    subjects = _subjects("講緊嘅就喺，有唔少人爲咗座頭鯨搞到好辛苦嘅時候，原嚟有人依然故我，自己顧自己嘅。", s)
    assert not any(ch in w for w in subjects for ch in "嘅喺咗爲"), subjects


def test_a_beat_with_nothing_to_film_is_said_to_camera_or_films_what_its_words_own():
    """A conference diary's beats read "Cutaways of what the line names" four times in seven:
    "We laughed so much that I almost cried in the end." is the storyteller on camera; "…waiting
    for my flights." films the flights."""
    from contentkit.formats.video import _en_owned, _shot

    assert _shot("beat", [], None, "en", "We laughed so much that I almost cried in the end.").startswith("Talking head")
    assert _shot("beat", [], None, "zh-Hans", "我笑到快哭了。").startswith("口播")
    assert _shot("beat", [], None, "en", "The same page rendered in 120ms.") == "Cutaways of what the line names"
    assert _en_owned("I again spend the rest of the day waiting for my flights.", set()) == ["flights"]
    assert _en_owned("When my talk ends the stress gone and I had to enjoy the rest of the conference.",
                     set()) == ["conference"]


def test_the_voice_says_no_face_and_no_tag_brackets_and_cuts_no_clause_that_waits():
    """Unseen zh-Hant diaries: "排比較快了XD" (a voice spells out "X D"), "太多了吧＝ ＝"; an
    English post's "the Usersnap's <script> tag"; a beat cut at "…为团队创造价值的同时。" (while…
    what?)."""
    from contentkit.analysis import Rates
    from contentkit.formats.video import leading_clauses, spoken
    from contentkit.text import drop_emoticons

    assert spoken("現在從成大醫院近來排比較快了XD，李立群大師的魅力真不是蓋的。", True) == \
        "現在從成大醫院近來排比較快了，李立群大師的魅力真不是蓋的。"
    assert drop_emoticons("這...人也太多了吧＝ ＝。") == "這...人也太多了吧。"
    assert drop_emoticons("好累(T_T)，睡了") == "好累，睡了"
    assert drop_emoticons("用QQ群聊天，XDR 协议") == "用QQ群聊天，XDR 协议"
    assert spoken("We should get the Usersnap's <script> tag and add it to our page.", False) == \
        "We should get the Usersnap's script tag and add it to our page."
    said = leading_clauses("每个人都是独立的个体，有鲜明的特点，在团队成员为团队创造价值的同时，团队是否能反馈给成员他们自己追寻的"
                           "东西呢：技术成长的空间、职业经历和职业提升空间、薪酬待遇。", Rates(), True, 6)
    assert not said.endswith("同时。"), said


def test_a_beat_that_does_not_say_its_part_title_shows_its_own_line():
    """A headingless diary's part is titled by a clause of its second beat; the first beat,
    about something else, had shown that title too."""
    from contentkit.formats.video import Scene, own_screens

    a = Scene(0, "beat", "由於大一大二太混了，都沒去聽通識講座，從昨天開始去聽。", "本來沒打算聽今天的講座", "", 0, 1.0)
    b = Scene(0, "beat", "本來沒打算聽今天的講座，在同學的慫恿下，也決定一起去了。", "本來沒打算聽今天的講座", "", 0, 0.9)
    own_screens([a, b], True)
    assert b.on_screen == "本來沒打算聽今天的講座" and a.on_screen != b.on_screen and a.on_screen in a.voiceover


def test_english_shots_skip_a_subject_with_its_verb():
    """The English sample's shots read "cutaway: world pays" (what the world pays), "sip tastes"
    (every sip tastes of…) and "list drawn" (a list drawn up from prices)."""
    from contentkit.formats.video import _en_subjects

    got = _en_subjects("A list drawn up from prices still shapes what the world pays for wine.", set())
    assert not {"list drawn", "world pays"} & set(got) and "list" in got, got
    got = _en_subjects("Know a little history, and every sip tastes of something more.", set())
    assert "sip tastes" not in got, got
    # a protocol explainer: "message delete" (…this message delete Mj), "months non-stop", "Style Dissemination" (of "Infection-Style Dissemination")
    for text, bad in (("All members receiving this message delete Mj from its local membership list.", "message delete"),
                      ("I hacked on the project for approximately 4 months non-stop!", "months non-stop"),
                      ("Infection-Style Dissemination - In a more robust version of SWIM.", "Style Dissemination"),
                      ("Tea leaves grow on bushes in Assam.", "Tea leaves grow"),
                      ("Write a concrete article with examples that show linear regressions outperform AI methods.",
                       "outperform")):
        got = _en_subjects(text, set())
        assert not any(bad in g for g in got if g != "Infection-Style Dissemination"), (text, got)


def test_chinese_shots_film_no_verb_or_preposition():
    """An unseen zh-Hans house-buying diary: "特写：流水无法；再切：联系" (no way, to contact)."""
    from contentkit.formats.video import _subjects

    s = parse("# 买房\n\n## 审核\n\n不通过的原因是流水无法证明够首付款。今天早上还去联系我的父母。\n")
    flat = [w for t in ("不通过的原因是流水无法证明够首付款。", "今天早上还去联系我的父母。") for w in _subjects(t, s)]
    assert not any("无法" in w or w == "联系" for w in flat), flat
