"""The sources of the exercise notebooks (percent format, solutions marked as in nbgrader)."""
