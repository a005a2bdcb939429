"""role_features is the role model's contract: pinned feature dicts for a few sentences.

A speed-up or a refactoring of the feature code must leave these exactly as they are (same
keys, same values); changing them means retraining the shipped model.
"""

from __future__ import annotations

import pytest

from plannlp.classify.role_features import RoleExample, role_features
from plannlp.stages.tokenize import Morphology

CASES = [
    (('佐久市まちづくり活動支援金の活用を促進するとともに、市民が主体となった地域づくり活動を積極的に支援します。', 'bullet', 'measure', 0.3), [
        'bias', 'kind=bullet', 'hint=measure', 'rule=measure', 'form=verbal', 'pred=支援', 'predpos=名詞-普通名詞',
        'tense=nonpast', 'aspect=simple', 'pred_tense=支援|nonpast|simple', 'after=為る', 'cue=polite_commit',
        'cue=measure_verb', 'tail0=為る', 'tail0pos=動詞-非自立可能', 'tail0inf=連用形-一般', 'tail1=支援',
        'tail1pos=名詞-普通名詞', 'tail2=だ', 'tail2pos=助動詞', 'tail2inf=連用形-ニ', 'tail3=的', 'tail3pos=接尾辞-形状詞的',
        'tail4=積極', 'tail4pos=名詞-普通名詞', 'tail5=を', 'tail5pos=助詞-格助詞', 'bi=を_積極', 'bi=積極_的', 'bi=的_だ',
        'bi=だ_支援', 'bi=支援_為る', 'lastverb=為る', 'endnoun=積極', 'endnoun=支援', 'end2=積極', 'end2=極的', 'end2=的に',
        'end2=に支', 'end2=支援', 'end2=援す', 'end2=する', 'end3=積極的', 'end3=極的に', 'end3=的に支', 'end3=に支援',
        'end3=支援す', 'end3=援する',
        # length, opening, content words
        'len_bin=2', 'head0=サク', 'bow=サク', 'head1=市', 'bow=市', 'bow=町作り', 'bow=活動', 'bow=支援', 'bow=活用', 'bow=促進', 'bow=為る', 'bow=共', 'bow=市民', 'bow=主体', 'bow=成る', 'bow=地域', 'bow=作り', 'bow=積極',
    ]),
    (('平成24年度に市民活動サポートセンターを開設しました。', 'prose', 'issue', 0.95), [
        'bias', 'kind=prose', 'hint=issue', 'rule=achievement', 'form=verbal', 'pred=開設', 'predpos=名詞-普通名詞',
        'tense=past', 'aspect=simple', 'pred_tense=開設|past|simple', 'after=た', 'after=為る', 'cue=past',
        'cue=numeric', 'tail0=た', 'tail0pos=助動詞', 'tail0inf=終止形-一般', 'tail1=為る', 'tail1pos=動詞-非自立可能',
        'tail1inf=連用形-一般', 'tail2=開設', 'tail2pos=名詞-普通名詞', 'tail3=を', 'tail3pos=助詞-格助詞', 'tail4=センター',
        'tail4pos=名詞-普通名詞', 'tail5=サポート', 'tail5pos=名詞-普通名詞', 'bi=サポート_センター', 'bi=センター_を', 'bi=を_開設',
        'bi=開設_為る', 'bi=為る_た', 'lastverb=為る', 'endnoun=センター', 'endnoun=開設', 'end2=ンタ', 'end2=ター', 'end2=ーを',
        'end2=を開', 'end2=開設', 'end2=設し', 'end2=した', 'end3=ンター', 'end3=ターを', 'end3=ーを開', 'end3=を開設',
        'end3=開設し', 'end3=設した',
        # length, opening, content words
        'len_bin=1', 'head0=平成', 'bow=平成', 'head1=24', 'bow=24', 'bow=年度', 'bow=市民', 'bow=活動', 'bow=サポート', 'bow=センター', 'bow=開設', 'bow=為る',
    ]),
    (('第2節\u3000現状と課題', 'heading', None, 0.0), [
        'bias', 'kind=heading', 'rule=other', 'form=nominal', 'pred=課題', 'predpos=名詞-普通名詞', 'tense=nonpast',
        'aspect=simple', 'pred_tense=課題|nonpast|simple', 'cue=problem', 'cue=no_period', 'cue=numeric',
        'tail0=課題', 'tail0pos=名詞-普通名詞', 'tail1=と', 'tail1pos=助詞-格助詞', 'tail2=現状', 'tail2pos=名詞-普通名詞',
        'tail3=節', 'tail3pos=名詞-普通名詞', 'tail4=2', 'tail4pos=名詞-数詞', 'tail5=第', 'tail5pos=接頭辞', 'bi=第_2',
        'bi=2_節', 'bi=節_現状', 'bi=現状_と', 'bi=と_課題', 'endnoun=現状', 'endnoun=課題', 'end2=2節', 'end2=節\u3000',
        'end2=\u3000現', 'end2=現状', 'end2=状と', 'end2=と課', 'end2=課題', 'end3=2節\u3000', 'end3=節\u3000現',
        'end3=\u3000現状', 'end3=現状と', 'end3=状と課', 'end3=と課題', 'len<15',
        # length, opening, content words
        'len_bin=0', 'head0=第', 'head1=2', 'bow=2', 'bow=節', 'bow=現状', 'bow=課題',
    ]),
]


@pytest.fixture(scope="module")
def morphology() -> Morphology:
    return Morphology()


@pytest.mark.parametrize(("case", "expected"), CASES)
def test_features_of_a_sentence_are_pinned(morphology, case, expected):
    text, kind, hint, _ = case  # the last value was a position in the document, no longer a feature
    example = RoleExample(text, tuple(morphology.tokens(text)), kind, hint)
    assert role_features(example) == dict.fromkeys(expected, 1.0)
    assert not any(k.startswith("hint=") for k in role_features(example, use_hint=False))
