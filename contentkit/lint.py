"""`contentkit check`: lint a story before building it."""

from __future__ import annotations

from typing import Any

from contentkit.errors import ContentkitError


def lint(path: str, only_platforms: list[str] | None = None) -> dict[str, Any]:
    from contentkit.parser import parse_file
    from contentkit.platforms import get_platform, platforms

    problems: list[dict[str, str]] = []

    def add(level: str, where: str, message: str) -> None:
        problems.append({"level": level, "where": where, "message": message})

    try:
        story = parse_file(path)
    except ContentkitError as exc:
        where = f"{exc.path or path}" + (f":{exc.line}" if exc.line else "")
        add("error", where, (f"{exc.key}: " if exc.key else "") + exc.message)
        return {"story": path, "problems": problems}

    for w in story.warnings:
        where, _, msg = w.partition(": ")
        if "no title in front matter" in msg:
            add("error", where, "missing title: add 'title:' to the front matter or a '# heading'")
        elif "local image" in msg and "not found" in msg:
            add("error", where, msg)
        else:
            add("warning", where, msg)

    chosen = [get_platform(p) for p in only_platforms] if only_platforms else list(platforms().values())
    for p in chosen:
        limit = p.title_max
        title = str(story.meta.platform_override(p.name).get("title") or story.title)
        if limit and p.title_length(title) > limit:
            add("warning", f"{path}: title",
                f"{p.title_length(title):g} characters, over {p.name}'s {limit}; it will be shortened "
                f"(set platforms.{p.name}.title in the front matter)")
    for sec in story.sections:
        if sec.heading and not sec.plain.strip() and not any(b.kind == "image" for b in sec.blocks):
            add("warning", f"{path}:{sec.line}", f"section '{sec.heading}' is empty")
    if not story.meta.cta:
        add("warning", f"{path}: cta", "no call to action ('cta:' in the front matter)")
    return {"story": path, "title": story.title, "problems": problems}
