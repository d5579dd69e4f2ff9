"""The one error extraction raises: input it refuses to read."""


class ExtractionError(ValueError):
    """The input cannot be read as text (undecodable bytes, binary data, a bad publication date)."""
