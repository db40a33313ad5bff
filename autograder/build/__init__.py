"""solutions -> release -> publish: building the student release and the hidden-test reference."""
