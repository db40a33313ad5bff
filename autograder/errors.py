"""Errors meant for the instructor: printed as one line by the CLI, which then exits non-zero."""


class CourseError(Exception):
    """A problem with the course's files or the command's arguments; the message is one line."""

    def __init__(self, where: object, problem: str):
        self.where = str(where)
        self.problem = problem
        super().__init__(f"{self.where}: {problem}")
