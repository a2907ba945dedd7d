"""Representative customer messages for the review's feedback section."""

from feedback_nlp.summarise.feedback import _central


def test_feedback_examples_are_central_and_not_near_repeats():
    texts = [
        "快递三天了还没到，物流信息一直不更新",
        "快递三天了还没到，物流信息一直不更新，电话13800000000",  # the same complaint, a number added
        "快递一直没到，物流信息也不更新，太慢了",
        "物流太慢了，快递到现在还没到",
        "客服说帮我查物流，结果一直没回复",
        "买的东西质量很差",  # far from the others: not central
    ]
    picked = _central(texts, 3)
    assert len(picked) == 3
    assert "买的东西质量很差" not in picked
    # of the two near-identical messages at most one is shown
    assert sum(t.startswith("快递三天了还没到") for t in picked) == 1
    # with fewer distinct complaints than asked for, the near-repeat is still left out
    assert len(_central(texts[:2], 3)) == 1
