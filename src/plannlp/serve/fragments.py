"""The document view's repeated parts, rendered in Python (every string escaped).

A window of the view holds 200 sentences and a plan has hundreds of sections: rendered with a
Jinja2 macro per link and item, they cost about 0.1 s of one process per view, and 20
concurrent views wait for each other's (the GIL). These functions give the same HTML as the
template did, in about a tenth of the time; the selected sentence, with its forms, is still
rendered by the template (document.html).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from urllib.parse import quote

from markupsafe import Markup, escape

from .review import ReviewSentence

#: the view's query parameters, in the order they appear in its links
FILTERS = ("role", "goal", "section", "max_confidence")


def query(filters: Mapping, over: Mapping | None = None) -> str:
    """A view link's query string: the current ``filters`` with ``over`` replacing some
    (``s``, the selected sentence, only when given and not empty)."""
    q = {**filters, **(over or {})}
    text = "?" + "&".join(f"{name}={quote(str(q[name]), safe='')}" for name in FILTERS)
    return text + (f"&s={quote(str(q['s']), safe='')}" if q.get("s") else "")


def filter_key(filters: Mapping) -> tuple:
    return tuple(str(filters[name]) for name in FILTERS)


def sentence_item(x: ReviewSentence, base: str, *, role_names: Mapping[str, str],
                  goal_names: Mapping[int, str], goal_colours: Mapping[int, str], low: float) -> Markup:
    """An unselected sentence of the list: its text as a link selecting it (``base``: the
    view's query string without ``s``), role, confidence (flagged below ``low`` unless a
    person set it), page, id and goal chips."""
    sid = escape(x.id)
    meta = [escape(role_names.get(x.role, "—"))]
    if x.confidence is not None:
        flagged = x.confidence < low and x.role_source != "human"
        meta.append(f'<span class="{"low" if flagged else ""}">{x.confidence:.2f}{" ⚠ low" if flagged else ""}</span>')
    if x.role_source == "human":
        meta.append('<span class="human-mark">human</span>')
    meta.append(f"p.{escape(x.page or '—')} · {sid}")
    chips = "".join(
        f'<span class="chip{" human" if g["source"] == "human" else ""}" style="background: '
        f'{escape(goal_colours[g["goal"]])}" title="{escape(g["source"])} {escape(g["confidence"])}">'
        f'{g["goal"]} {escape(goal_names[g["goal"]])}</span>' for g in x.goals)
    return Markup(
        f'<li id="{sid}" class="role-{escape(x.role or "none")}" data-id="{sid}">\n'
        f'  <a href="{escape(base)}&amp;s={escape(quote(x.id, safe=""))}#{sid}" class="select">{escape(x.text)}</a>\n'
        f'  <div class="meta">{" ".join(meta)}</div>\n'
        f"  <div>{chips}</div>\n</li>")


def section_links(sections: Sequence[Mapping], filters: Mapping) -> Markup:
    """The section tree at the side: a link per section filtering the view to it (and its
    subsections), indented by level; the current one marked ``aria-current``."""
    head, _, tail = escape(query(filters, {"section": "\0", "s": ""})).partition("%00")
    links = [f'<a href="{head}{tail}">(all sections)</a>']
    for sec in sections:
        current = ' aria-current="true"' if filters.get("section") == sec["id"] else ""
        links.append(f'<a href="{head}{escape(quote(sec["id"], safe=""))}{tail}" '
                     f'style="padding-left: {(sec["level"] - 1) * 0.8:.1f}em"{current}>{escape(sec["title"])}</a>')
    return Markup("\n".join(links))


class Fragments:
    """The rendered sentence items and section trees of one corrected document, kept per set
    of filters (the ``keep`` latest sets), so that a view renders only what it has not shown
    before: with the same filters, only the selected sentence."""

    def __init__(self, sentences: Sequence[ReviewSentence], sections: Sequence[Mapping], *,
                 role_names: Mapping[str, str], goal_names: Mapping[int, str],
                 goal_colours: Mapping[int, str], low: float, keep: int = 8) -> None:
        self._sentences, self._sections, self._keep = sentences, sections, keep
        self._style = {"role_names": role_names, "goal_names": goal_names, "goal_colours": goal_colours, "low": low}
        self._items: dict[tuple, dict[str, Markup]] = {}
        self._navs: dict[tuple, Markup] = {}
        self._lock = threading.Lock()

    def _kept(self, cache: dict, key: tuple, make):
        with self._lock:
            if key not in cache:
                if len(cache) >= self._keep:
                    cache.pop(next(iter(cache)))
                cache[key] = make()
            return cache[key]

    def items(self, shown: Sequence[ReviewSentence], filters: Mapping) -> dict[str, Markup]:
        """The items of ``shown`` (sentences of this document) as the view lists them with ``filters``."""
        rendered = self._kept(self._items, filter_key(filters), dict)
        base = query(filters)
        for x in shown:
            if x.id not in rendered:
                rendered[x.id] = sentence_item(x, base, **self._style)
        return rendered

    def nav(self, filters: Mapping) -> Markup:
        return self._kept(self._navs, filter_key(filters), lambda: section_links(self._sections, filters))

    def warm(self, filters: Mapping) -> None:
        """Render every sentence and the section tree for ``filters`` now (after an ingest,
        for the unfiltered view that staff open first)."""
        self.items(self._sentences, filters)
        self.nav(filters)
