"""submissions -> grades: collecting, sandboxed execution, verdicts, gradebook and reports."""
