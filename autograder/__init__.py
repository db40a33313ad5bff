"""«Нейросети с нуля»: student checks (``autograder.checks``) and the instructor's pipeline."""

__version__ = "0.1.0"
