"""A creator's media folder for the video (``video.media=DIR``): photos and clips matched to beats.

Matching, in order:

1. ``shots.toml`` in the folder pins files to scenes::

       [[shots]]
       file = "cellar.mp4"      # a file in the folder
       scene = 3                # the scene number of script.md, or
       match = "1855"           # a phrase of the beat's voice-over or on-screen text
       start = 2.5              # clips: the second to start at
       focus = [0.3, 0.5]       # photos: the subject (0-1 from the left, from the top)

2. File names: ``1855-classification.jpg`` goes to the beat that says "1855" or
   "classification" (every word of three or more letters, or any Chinese word, counts; the
   beat with most words wins).
3. What is left, in file-name order, goes to the beats still without a picture (B-roll).

Photos are cropped to 9:16 around their subject (``focus``, else the window with the most
detail); clips are cropped to 9:16 around their centre and trimmed to the scene (looped when
shorter).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from contentkit import proc
from contentkit.errors import ContentkitError, first_problem

IMAGES = {".jpg", ".jpeg", ".png", ".webp"}
CLIPS = {".mp4", ".mov", ".m4v", ".webm", ".mkv"}
SHOTS = "shots.toml"


class Shot(BaseModel):
    model_config = ConfigDict(extra="forbid")

    file: str
    scene: int | None = Field(None, ge=1)
    match: str | None = Field(None, min_length=1)
    start: float = Field(0.0, ge=0.0, le=36000.0, allow_inf_nan=False)
    focus: tuple[float, float] | None = None

    @field_validator("file")
    @classmethod
    def _plain_name(cls, v: str) -> str:
        if Path(v).name != v or v.startswith("."):
            raise ValueError("must be the name of a file in the media folder (no folders, no '..')")
        return v

    @field_validator("focus")
    @classmethod
    def _unit(cls, v):
        if v is not None and not all(0.0 <= x <= 1.0 for x in v):
            raise ValueError("must be two numbers from 0 to 1: [from the left, from the top]")
        return v


class ShotList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shots: list[Shot] = []


@dataclass
class Media:
    path: Path
    clip: bool
    start: float = 0.0
    focus: tuple[float, float] | None = None
    duration: float = 0.0


def load(folder: str) -> tuple[list[Path], list[Shot], Path]:
    """The folder's photos and clips (sorted by name) and its shots, checked."""
    root = Path(folder).expanduser()
    if not root.is_dir():
        raise ContentkitError("media folder not found", path=folder, key="video.media")
    files = sorted(p for p in root.iterdir() if p.is_file() and not p.name.startswith(".")
                   and p.suffix.lower() in IMAGES | CLIPS)
    shots: list[Shot] = []
    listing = root / SHOTS
    if listing.is_file():
        text = listing.read_text("utf-8", errors="replace")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ContentkitError(f"invalid TOML: {exc}", path=str(listing)) from None
        try:
            shots = ShotList(**data).shots
        except ValidationError as exc:
            loc, msg, _ = first_problem(exc)
            raise ContentkitError(msg, path=str(listing), key=loc) from None
        names = {p.name for p in files}
        for i, s in enumerate(shots):
            if s.file not in names:
                raise ContentkitError(f"'{s.file}' is not a photo or clip in {root}", path=str(listing),
                                      key=f"shots.{i}.file")
    return files, shots, root


def probe_clip(path: Path) -> float:
    """A clip's duration (s), read by the ffmpeg binary; a clear error if it has no video."""
    from contentkit.formats.video import ffmpeg_exe

    r = proc.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path.resolve()), "-map", "0:v:0",
                        "-c", "copy", "-f", "null", "-"], capture_output=True, text=True)
    if r.returncode != 0:
        raise ContentkitError("clip has no video stream (or is not a video)", path=str(path), key="video.media")
    m = re.search(r"Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)", r.stderr)
    dur = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3)) if m else 0.0
    if dur < 0.1:
        raise ContentkitError(f"clip is empty ({dur:.2f} s)", path=str(path), key="video.media")
    return dur


def _words(stem: str) -> list[str]:
    from contentkit.text import has_han

    parts = [p for p in re.split(r"[-_.\s]+", stem.lower()) if p]
    return [p for p in parts if has_han(p) or len(p) >= 3]


def assign(scenes, folder: str, warnings: list[str]) -> dict[int, Media]:
    """{scene index: media} for the beats of ``scenes`` (hook and call to action keep their
    designed frames)."""
    from contentkit.canvas import usable_image

    files, shots, root = load(folder)
    beats = [sc for sc in scenes if sc.kind == "beat"]
    chosen: dict[int, Media] = {}
    used: set[Path] = set()

    def media(p: Path, shot: Shot | None = None) -> Media | None:
        if p.suffix.lower() in CLIPS:
            return Media(p, True, shot.start if shot else 0.0, None, probe_clip(p))
        if not usable_image(p, warnings):
            return None
        return Media(p, False, 0.0, shot.focus if shot else None)

    def said(sc) -> str:
        return f"{sc.voiceover} {sc.on_screen}".lower()

    for i, shot in enumerate(shots):
        p = root / shot.file
        if shot.scene is not None:
            target = next((sc for sc in scenes if sc.index == shot.scene), None)
            if target is None or target.kind != "beat":
                warnings.append(f"shots.toml: {shot.file}: scene {shot.scene} is not a beat of this video "
                                f"(beats are scenes {', '.join(str(b.index) for b in beats) or 'none'})")
                continue
        elif shot.match is not None:
            target = next((sc for sc in beats if sc.index not in chosen and shot.match.lower() in said(sc)), None)
            if target is None:
                warnings.append(f"shots.toml: {shot.file}: no beat says '{shot.match}'")
                continue
        else:
            continue  # listed only for its start or focus: matched by name or order below
        m = media(p, shot)
        if m is not None:
            chosen[target.index] = m
            used.add(p)
    by_file = {root / s.file: s for s in shots}
    rest = [p for p in files if p not in used]
    for p in list(rest):
        words = _words(p.stem)
        scored = [(sum(1 for w in words if w in said(sc)), -sc.index, sc) for sc in beats if sc.index not in chosen]
        scored = [x for x in scored if x[0] > 0]
        if not scored:
            continue
        _, _, sc = max(scored, key=lambda x: (x[0], x[1]))
        m = media(p, by_file.get(p))
        if m is not None:
            chosen[sc.index] = m
            rest.remove(p)
    free = [sc for sc in beats if sc.index not in chosen]
    for p in rest:
        if not free:
            break
        m = media(p, by_file.get(p))
        if m is not None:
            chosen[free.pop(0).index] = m
    left = len(files) - len(chosen)
    if left > 0 and not free:
        warnings.append(f"media: {left} file(s) not used: every beat already has a picture")
    return chosen


def still_of(m: Media, work: Path, size: tuple[int, int]) -> Path:
    """The picture a scene's frame is drawn with, at the frame's size: a photo cropped to it
    around ``focus`` (else around the window with the most detail), or a clip's frame at its
    start, cropped around its centre."""
    import hashlib

    from PIL import Image, ImageOps

    from contentkit.canvas import subject_centring
    from contentkit.formats.video import run_ffmpeg

    W, H = size
    tag = hashlib.sha256(f"{m.path}|{m.start}|{m.focus}|{W}x{H}".encode()).hexdigest()[:12]
    if m.clip:
        out = work / f"clip-{tag}.png"
        run_ffmpeg(["-ss", f"{min(m.start, max(0.0, m.duration - 0.05)):.3f}", "-i", str(m.path.resolve()),
                     "-frames:v", "1", "-vf", f"scale={W}:{H}:force_original_aspect_ratio=increase,crop={W}:{H}",
                    "-y", str(out)], "reading a frame of a clip")
        return out
    out = work / f"photo-{tag}.png"
    if not out.exists():
        with Image.open(m.path) as src:
            rgb = ImageOps.exif_transpose(src).convert("RGB")
            centring = m.focus or subject_centring(rgb, W, H)
            ImageOps.fit(rgb, (W, H), method=Image.Resampling.LANCZOS, centering=centring).save(
                out, compress_level=1)
    return out
