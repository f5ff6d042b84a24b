"""docs/glossary.md pairs the terms the course adds beyond the notes (issue 11)."""

from pathlib import Path

import pytest

GLOSSARY = (Path(__file__).resolve().parent.parent / "docs" / "glossary.md").read_text("utf-8")
ROWS = [line for line in GLOSSARY.splitlines() if line.startswith("| ")]

TERMS = [
    ("海森矩阵", "Hessian"),
    ("牛顿法", "Newton's method"),
    ("鞍点", "saddle point"),
    ("等高线", "contour line"),
    ("切线", "tangent line"),
    ("Nesterov 动量", "Nesterov momentum"),
    ("交叉熵", "cross-entropy"),
    ("softmax", "softmax"),
    ("ReLU", "rectified linear unit"),
    ("L2 正则化", "L2 regularization"),
    ("学习率衰减", "learning-rate decay"),
    ("特征值", "eigenvalue"),
    ("计算图", "computation graph"),
    ("拓扑排序", "topological order"),
    ("合页损失", "hinge loss"),
    ("间隔", "margin"),
    ("轮", "epoch"),
    ("过拟合", "overfitting"),
    ("测试准确率", "test accuracy"),
    ("混淆矩阵", "confusion matrix"),
]


@pytest.mark.parametrize(("chinese", "english"), TERMS)
def test_a_row_pairs_the_term(chinese, english):
    """The Chinese term in the first column, its English in the second, of one row."""
    assert any(chinese in row.split("|")[1] and english in row.split("|")[2] for row in ROWS), (
        chinese,
        english,
    )


def test_each_chinese_term_has_one_row():
    firsts = [row.split("|")[1].strip() for row in ROWS[2:]]  # after the header and its rule
    assert len(firsts) == len(set(firsts))
