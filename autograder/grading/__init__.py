"""submissions -> grades: collecting, sandboxed execution, verdicts, gradebook and reports."""

from ..fastimport import skip_slow_format_checkers

skip_slow_format_checkers()  # a Dask worker imports this package before nbformat
