"""One module per exercise notebook; importing this package registers every check."""

from micrograd.exercises.checks import (  # noqa: F401, I001 - each module registers its checks
    ops,  # notebook 01
    graph,  # 02
    numerical,  # 03
    nn,  # 04
    optim,  # 05
    training,  # 06
    shapes,  # 07
)
