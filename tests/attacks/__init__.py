"""Hostile submissions for the adversarial grading suite (tests/test_attacks.py)."""
