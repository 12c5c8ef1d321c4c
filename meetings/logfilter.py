"""Keep delegates' secret links out of the logs.

Django logs the path of every 4xx/5xx response (`django.request`) and runserver logs every
request line (`django.server`); a token in those lines would be a credential in a log file.
"""

import logging
import re

# /d/<token>/... : the personal page, feed and downloads; /programme/<token>.ics: the
# complete programme of a mission (meetings.public_urls).
SECRET_PATH = re.compile(r"(/d/|/programme/)[^/\s?\"']+")


def redact(text: str) -> str:
    return SECRET_PATH.sub(r"\1[token]", text)


class HideSecretLinks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        request = getattr(record, "request", None)
        if request is not None and SECRET_PATH.search(getattr(request, "path", "")):
            # Handlers that describe the request (the admins' error mail) must not see it.
            record.request = None
        return True
