"""Batch recipes: a TOML file naming stories, formats, platforms and options."""

from __future__ import annotations

import tomllib
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from contentkit.build import BuildRequest
from contentkit.errors import ContentkitError, closest, first_problem


class Job(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stories: list[str] = Field(min_length=1)
    formats: list[str] = []
    platforms: list[str] = []
    out: str | None = None
    options: dict[str, dict[str, Any]] = {}
    strict: bool = False
    allow_outside: list[str] = []  # folders (relative to the recipe) local images may also come from
    brand: str | None = None  # a brand kit (relative to the recipe) for every story of the job

    @field_validator("out")
    @classmethod
    def _safe_out(cls, v: str | None) -> str | None:
        if v is None:
            return v
        p = PurePosixPath(v.replace("\\", "/"))
        if p.is_absolute() or ".." in p.parts or not p.parts:
            raise ValueError("must be a relative folder inside the working directory, without '..'")
        return v


class Recipe(Job):
    stories: list[str] = []
    jobs: list[Job] = []


def _line_of(text: str, key: str) -> int | None:
    for i, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith((f"{key} ", f"{key}=")) or line.strip() in (f"[{key}]",):
            return i
    return None


def load_recipe(path: Path, strict: bool = False) -> list[BuildRequest]:
    where = str(path)
    if not path.is_file():
        raise ContentkitError("recipe not found", path=where)
    text = path.read_text("utf-8", errors="replace")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ContentkitError(f"invalid TOML: {exc}", path=where) from None
    try:
        recipe = Recipe(**data)
    except ValidationError as exc:
        loc, msg, err = first_problem(exc)
        top = str(err["loc"][0])
        if err["type"] == "extra_forbidden":
            msg += closest(top, list(Recipe.model_fields))
        raise ContentkitError(msg, path=where, line=_line_of(text, top), key=loc) from None
    jobs = recipe.jobs or [recipe]
    if not recipe.jobs and not recipe.stories:
        raise ContentkitError("a recipe needs 'stories' (or [[jobs]] with stories)", path=where, key="stories")
    base = path.resolve().parent
    import os

    cwd = Path(os.path.realpath(Path.cwd()))
    for j in jobs + [recipe]:
        if j.out:
            real = Path(os.path.realpath(j.out))  # symlinks resolved: the check is on the real place
            if not (real == cwd or real.is_relative_to(cwd)):
                raise ContentkitError("out leads outside the working directory (through a symlink)",
                                      path=where, line=_line_of(text, "out"), key="out")
    out: list[BuildRequest] = []
    for job in jobs:
        merged_opts = {k: dict(v) for k, v in recipe.options.items()}
        for k, v in job.options.items():
            merged_opts.setdefault(k, {}).update(v)
        stories = []
        for s in job.stories:
            p = Path(s)
            full = p if p.is_absolute() else base / p
            if not full.is_file():
                raise ContentkitError(f"story '{s}' not found (paths are relative to the recipe)",
                                      path=where, line=_line_of(text, "stories"), key="stories")
            stories.append(os.path.normpath(full))
        out.append(BuildRequest(
            stories=stories,
            formats=job.formats or recipe.formats,
            platforms=job.platforms or recipe.platforms,
            out=Path(str(job.out or recipe.out)) if (job.out or recipe.out) else None,
            options=merged_opts,
            strict=strict or job.strict or recipe.strict,
            where=where,
            allow_outside=[base / a for a in (job.allow_outside or recipe.allow_outside)],
            brand=(base / str(job.brand or recipe.brand)) if (job.brand or recipe.brand) else None,
        ))
    return out
