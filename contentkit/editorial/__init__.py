"""The editorial layer: between the parsed Story and the renderers.

``edit`` cleans the story (sets aside boilerplate, navigation, credits and markup debris) and
finds its sections when it has no usable headings; ``section_units`` turns each section into
units a format can show on their own. Every format reads the result through ``story.a``.
"""

from __future__ import annotations

import dataclasses

from contentkit.editorial.clean import clean_sections
from contentkit.editorial.structure import label_sections, structure
from contentkit.editorial.units import opener_kind, section_units
from contentkit.story import SetAside, Story

__all__ = ["edit", "opener_kind", "section_units"]


def edit(story: Story, cjk: bool) -> tuple[Story, tuple[SetAside, ...]]:
    """The story with what is not the story set aside and its sections found."""
    sections, aside = clean_sections(story.sections, story.base_dir, story.meta.editorial_clean)
    if story.meta.editorial_structure:
        sections = structure(sections, cjk)
    if not any(s.blocks for s in sections):  # everything was boilerplate: keep the original
        return story, ()
    if story.meta.editorial_structure:
        opening = sections[0].plain[:400] if sections else ""
        sections = label_sections(sections, cjk, "\n".join([story.meta.title, story.meta.subtitle, opening]))
    return dataclasses.replace(story, sections=sections), aside
