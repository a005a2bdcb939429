"""The pipeline's contracts: registered stages, order checks, settings, immutability, errors."""

from __future__ import annotations

import dataclasses

import pytest

from plannlp.errors import ConfigError, PipelineOrderError
from plannlp.model import PlanDocument, Source
from plannlp.pipeline import Pipeline, StageError, load_pipeline
from plannlp.registry import make_settings, register_stage


@dataclasses.dataclass(frozen=True)
class _UpperSettings:
    suffix: str = ""


@register_stage("_test_upper", needs=("raw_text",), adds=("text",), settings=_UpperSettings)
def _make_upper(settings: _UpperSettings):
    def upper(doc: PlanDocument) -> PlanDocument:
        text = doc.raw_text.upper() + settings.suffix
        return dataclasses.replace(doc, text=text, offsets=tuple(range(len(text) + 1)))

    return upper


@register_stage("_test_needs_sentences", needs=("sentences",), adds=("roles",))
def _make_needs_sentences(settings):
    return lambda doc: doc


@register_stage("_test_broken", needs=("raw_text",))
def _make_broken(settings):
    def broken(doc: PlanDocument) -> PlanDocument:
        raise ZeroDivisionError("boom")

    return broken


def _doc(text: str = "abc") -> PlanDocument:
    return PlanDocument(source=Source("x.txt", "x.txt", "0" * 64, "text/plain", len(text)), raw_text=text)


def test_stage_runs_and_input_is_not_modified():
    doc = _doc()
    out = Pipeline(["_test_upper"]).run(doc)
    assert out.text == "ABC" and doc.text == ""
    assert out.stages == ("_test_upper",)


def test_settings_reach_the_stage_and_unknown_settings_are_rejected():
    out = Pipeline(["_test_upper"], settings={"_test_upper": {"suffix": "!"}}).run(_doc())
    assert out.text == "ABC!"
    with pytest.raises(ConfigError, match="no setting 'sufix'"):
        Pipeline(["_test_upper"], settings={"_test_upper": {"sufix": "!"}})
    with pytest.raises(ConfigError, match="not in the pipeline"):
        Pipeline(["_test_upper"], settings={"segment": {}})


def test_order_is_checked_when_the_pipeline_is_built():
    with pytest.raises(PipelineOrderError, match="needs sentences"):
        Pipeline(["_test_needs_sentences"])


def test_unknown_stage_is_a_config_error():
    with pytest.raises(ConfigError, match="Unknown stage 'nope'"):
        Pipeline(["nope"])


def test_a_failing_stage_is_named_in_the_error():
    with pytest.raises(StageError, match="stage '_test_broken' failed: ZeroDivisionError"):
        Pipeline(["_test_broken"]).run(_doc())


def test_fingerprint_changes_with_settings():
    a = Pipeline(["_test_upper"]).fingerprint
    b = Pipeline(["_test_upper"], settings={"_test_upper": {"suffix": "!"}}).fingerprint
    assert a != b and a == Pipeline(["_test_upper"]).fingerprint


def test_make_settings_rejects_settings_for_a_stage_without_any():
    with pytest.raises(ConfigError, match="takes no settings"):
        make_settings("_test_needs_sentences", {"x": 1})


def test_pipeline_files_are_validated(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[pipeline]\nstages = ["_test_upper"]\n[extra]\nx = 1\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="Unknown tables"):
        load_pipeline(bad)
    with pytest.raises(ConfigError, match="No pipeline named 'missing'"):
        load_pipeline("missing")
    good = tmp_path / "good.toml"
    good.write_text('[pipeline]\nname = "t"\nstages = ["_test_upper"]\n[stages._test_upper]\nsuffix = "?"\n',
                    encoding="utf-8")
    assert load_pipeline(good).run(_doc("x")).text == "X?"


def test_sdg_linking_needs_the_tokens():
    with pytest.raises(PipelineOrderError, match="'link_sdgs' needs tokens"):
        Pipeline(["clean", "structure", "segment", "link_sdgs"])


def test_a_pipeline_that_drops_tokens_writes_the_same_outputs(default_pipeline, tmp_path):
    """Seed 003 as ``plannlp ingest`` builds the pipeline: every sentence loses its tokens
    after SDG linking, and the JSON-LD and CSV are the bytes the token-keeping pipeline writes."""
    from conftest import seed_path
    from plannlp.export import write_document

    dropping = load_pipeline(keep_tokens=False)
    kept = default_pipeline.ingest(seed_path("003"))
    dropped = dropping.ingest(seed_path("003"))
    assert sum(len(s.tokens) for s in kept.sentences) > 20_000
    assert not any(s.tokens for s in dropped.sentences)
    assert dropped == kept.without_tokens()  # roles, confidences, SDG links, stages, models
    assert dropping.fingerprint == default_pipeline.fingerprint  # a batch's resume is unaffected
    for suffix in (".jsonld", ".csv"):
        write_document(kept, tmp_path / f"kept{suffix}")
        write_document(dropped, tmp_path / f"dropped{suffix}")
        assert (tmp_path / f"kept{suffix}").read_bytes() == (tmp_path / f"dropped{suffix}").read_bytes()


def test_a_sentence_copied_with_changes_is_what_dataclasses_replace_gives(default_pipeline):
    from conftest import seed_path
    from plannlp.model import Sentence

    sentence = next(s for s in default_pipeline.ingest(seed_path("004")).sentences if s.sdgs)
    for changes in ({"tokens": ()}, {"role": None, "sdgs": ()}, {"text": "別の文。", "end": 4}):
        copy = sentence.copy_with(**changes)
        assert copy == dataclasses.replace(sentence, **changes) and type(copy) is Sentence
        assert copy != sentence and hash(copy) == hash(dataclasses.replace(sentence, **changes))
    with pytest.raises(TypeError, match="no field tokenz"):
        sentence.copy_with(tokenz=())
    with pytest.raises(dataclasses.FrozenInstanceError):
        sentence.copy_with(tokens=()).tokens = ()
