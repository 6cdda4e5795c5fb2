"""Tests of ecslab.fargate: the task-size table's explanations, in both editions."""

from __future__ import annotations

import pytest

from ecslab import fargate, i18n


def test_an_invalid_size_keeps_aws_words_and_explains_in_japanese() -> None:
    """In the Japanese edition, is AWS's ClientException text kept in English (the learner
    meets it on AWS) and our hint, the memory values allowed, Japanese?"""
    with i18n.speaking("ja"), pytest.raises(fargate.FargateSizeError) as caught:
        fargate.validate(256, 4096)
    assert str(caught.value).startswith("No Fargate configuration exists for given values")
    assert caught.value.hint == "cpu が 256 のとき、memory に指定できる値: 512, 1024, 2048。"


def test_an_unknown_cpu_lists_the_valid_ones() -> None:
    """Does an unknown cpu name every cpu value Fargate offers (English, the default)?"""
    with pytest.raises(fargate.FargateSizeError) as caught:
        fargate.validate(300, 512)
    assert caught.value.hint == "Valid cpu values: 256, 512, 1024, 2048, 4096, 8192, 16384."
