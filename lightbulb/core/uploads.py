"""An upload handler that stops reading a request body at `REQUEST_MAX_BYTES`.

`RequestSizeLimitMiddleware` refuses a request whose declared length is too large; a body sent
without a length (chunked) is counted here as it arrives and stopped at the limit, so no file larger
than the limit is ever written to disk or held in memory.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class LimitedUploadHandler(FileUploadHandler):
    """Counts every uploaded byte of a request and stops the upload past the limit."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.REQUEST_MAX_BYTES:
            if self.request is not None:
                setattr(self.request, "upload_too_large", True)  # noqa: B010 - views may say why the file went missing
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
