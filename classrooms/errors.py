"""The portal's refusals: a message a person can act on, shown inline on the form or page."""


class ClassroomError(Exception):
    """A classroom operation refused with `message` (nothing changed)."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.message = message
        self.field = field  # the form field the message belongs to, when there is one
