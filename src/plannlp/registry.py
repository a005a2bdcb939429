"""The stage registry: named stage factories and their contracts.

A stage is registered as a *factory*: ``factory(settings) -> (PlanDocument -> PlanDocument)``,
with what it ``needs`` and what it ``adds`` (see :mod:`plannlp.pipeline`, which composes
them). Stage modules import this module to register themselves; it imports none of them
(``STAGE_MODULES`` names them, and :func:`get_stage` imports one on first use).
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import ConfigError
from .model import PlanDocument

DocumentFn = Callable[[PlanDocument], PlanDocument]

#: Where each registered stage lives; imported on first use so heavy dependencies stay lazy.
STAGE_MODULES: dict[str, str] = {
    "clean": "plannlp.stages.clean",
    "structure": "plannlp.stages.structure",
    "segment": "plannlp.stages.segment",
    "tokenize": "plannlp.stages.tokenize",
    "classify_roles": "plannlp.classify.roles",
    "link_sdgs": "plannlp.classify.sdg",
    "indicators": "plannlp.stages.indicators",
}


@dataclass(frozen=True)
class StageSpec:
    name: str
    factory: Callable[[Any], DocumentFn]
    needs: frozenset[str]
    adds: frozenset[str]
    settings_type: type | None  # a dataclass with defaults for every field
    per_sentence: bool = False  # see plannlp.pipeline's docstring
    neighbours: int = 0  # a per-sentence stage may read this many sentences on each side


_REGISTRY: dict[str, StageSpec] = {}


def register_stage(
    name: str,
    *,
    needs: Iterable[str] = (),
    adds: Iterable[str] = (),
    settings: type | None = None,
    per_sentence: bool = False,
    neighbours: int = 0,
) -> Callable[[Callable[[Any], DocumentFn]], Callable[[Any], DocumentFn]]:
    """Register a stage factory under ``name`` (decorator)."""

    def decorator(factory: Callable[[Any], DocumentFn]) -> Callable[[Any], DocumentFn]:
        _REGISTRY[name] = StageSpec(name, factory, frozenset(needs), frozenset(adds), settings,
                                    per_sentence, neighbours)
        return factory

    return decorator


def get_stage(name: str) -> StageSpec:
    if name not in _REGISTRY and name in STAGE_MODULES:
        importlib.import_module(STAGE_MODULES[name])
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(set(STAGE_MODULES) | set(_REGISTRY)))
        raise ConfigError(f"Unknown stage '{name}'. Known stages: {known}.") from None


def make_settings(spec: StageSpec | str, values: Mapping[str, Any]) -> Any:
    """Build a stage's settings dataclass, rejecting keys it does not know."""
    if isinstance(spec, str):
        spec = get_stage(spec)
    if spec.settings_type is None:
        if values:
            raise ConfigError(f"Stage '{spec.name}' takes no settings, got: {', '.join(values)}.")
        return None
    known = {f.name for f in dataclasses.fields(spec.settings_type)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(
            f"Stage '{spec.name}' has no setting {', '.join(map(repr, unknown))}; "
            f"it accepts: {', '.join(sorted(known))}."
        )
    return spec.settings_type(**values)
