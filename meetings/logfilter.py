"""Keep secret links out of every log line.

Four kinds of address are credentials: a delegate's personal link `/d/<token>/...` (page,
feed, single-meeting downloads), a B2B participant's `/b2b/<token>/...` (page, feed), a
mission's programme feed `/programme/<token>.ics`, and a password-reset link
`/accounts/reset/<uid>/<token>/`. They reach log lines through

- Django's request log (`django.request`: the path of every 4xx/5xx answer),
- the security logs (`django.security.csrf`: "Forbidden (CSRF cookie not set.): <path>",
  and the other `django.security.*` loggers),
- runserver's request lines (`django.server`) and gunicorn's access and error logs, which
  carry the raw request line as the client sent it: percent-encoded (`/%64/<token>/` reaches
  the same view as `/d/<token>/`), in a query string (`?next=%2Fd%2F<token>%2F`), in the
  Referer.

`redact()` replaces each secret with `[token]` in its plain, mixed-case and percent-encoded
(up to three times) forms, and any long token-shaped query-string value. `HideSecretLinks`
applies it to a whole log record (message, traceback, stack) and hides the request object
from handlers that would describe it. settings.LOGGING puts the filter on every handler (so
any logger is covered) and on the Django loggers that write paths (so handlers attached
later, pytest's included, see the redacted record); `GunicornLogger`, the logger_class of
config/gunicorn.conf.py, redacts gunicorn's access-log atoms and filters its own loggers.
"""

import logging
import re
from urllib.parse import quote, unquote

from gunicorn.glogging import Logger as _GunicornBaseLogger
from gunicorn.glogging import SafeAtoms

PLACEHOLDER = "[token]"

# One path segment or query value: stops where a URL part or a log line's quoting does.
_SEGMENT = r"[^/\s?#&;\"'<>]+"
_PLAIN_SECRETS = [
    # /d/<token>/... (paths are case-sensitive, but redact generously: /D/, //d//)
    (re.compile(rf"(?i)(/+d/+){_SEGMENT}"), rf"\1{PLACEHOLDER}"),
    # /b2b/<token>/... (a B2B participant's page and calendar, matchmaking/public_urls.py)
    (re.compile(rf"(?i)(/+b2b/+){_SEGMENT}"), rf"\1{PLACEHOLDER}"),
    # /programme/<token>.ics
    (
        re.compile(r"(?i)(/+programme/+)[^/\s?#&;\"'<>]+?(\.ics)?(?=[/\s?#&;\"'<>]|$)"),
        rf"\1{PLACEHOLDER}\2",
    ),
    # /accounts/reset/<uid>/<token>/ (Django then redirects to .../<uid>/set-password/)
    (
        re.compile(rf"(?i)(/+reset/+{_SEGMENT}/+)(?!set-password(?:[/\s?#]|$)){_SEGMENT}"),
        rf"\1{PLACEHOLDER}",
    ),
    # ?anything=<long token-shaped value>: our secrets are 43 URL-safe characters.
    (
        re.compile(r"([?&;][^=&\s#\"'<>]*=)[A-Za-z0-9_-]{22,}(?=[&;#\s\"'<>]|$)"),
        rf"\1{PLACEHOLDER}",
    ),
]
# A run of non-blank text holding a percent escape: decoded before it is checked.
_ENCODED_WORD = re.compile(r"[^\s\"'<>]*%[0-9A-Fa-f]{2}[^\s\"'<>]*")
# Kept as they are when a redacted word is written back (everything else is escaped, so a
# decoded %0A cannot start a forged log line).
_SAFE = "/:?&=;@!$()*+,~[]#"


def _redact_plain(text: str) -> str:
    for pattern, replacement in _PLAIN_SECRETS:
        text = pattern.sub(replacement, text)
    return text


def _redact_encoded(match: re.Match) -> str:
    word = decoded = match.group()
    for _round in range(3):
        decoded = unquote(decoded)
        cleaned = _redact_plain(decoded)
        if cleaned != decoded:
            return quote(cleaned, safe=_SAFE)
        if "%" not in decoded:
            break
    return word


def redact(text: str) -> str:
    """`text` with every secret link replaced by [token]."""
    return _ENCODED_WORD.sub(_redact_encoded, _redact_plain(text))


def contains_secret(text: str) -> bool:
    return redact(text) != text


def _request_text(request) -> str:
    """What a handler could print about a Django request (path, raw URI, query, referer)."""
    meta = getattr(request, "META", None)
    if not isinstance(meta, dict):
        return ""
    parts = [getattr(request, "path", "")]
    parts += [str(meta.get(key, "")) for key in ("RAW_URI", "REQUEST_URI", "PATH_INFO")]
    parts += [str(meta.get(key, "")) for key in ("QUERY_STRING", "HTTP_REFERER")]
    return " ".join(parts)


_FORMATTER = logging.Formatter()


class HideSecretLinks(logging.Filter):
    """Redacts a record in place; never drops one (the event is still logged)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: let the handler report it as logging does
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            text = _FORMATTER.formatException(record.exc_info)
            if contains_secret(text):
                record.exc_text = redact(text)
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        request = getattr(record, "request", None)
        if request is not None and contains_secret(_request_text(request)):
            # Handlers that describe the request (an error mail, Sentry) must not see it.
            record.request = None
        return True


class _RedactedAtoms(SafeAtoms):
    """Each atom the access-log format asks for, redacted (only those: they are few)."""

    def __getitem__(self, key):
        value = super().__getitem__(key)
        return redact(value) if isinstance(value, str) else value


class GunicornLogger(_GunicornBaseLogger):
    """gunicorn's logger without secrets: `logger_class` in config/gunicorn.conf.py.

    The access log is built from atoms (%(r)s the raw request line, %(U)s the path, %(q)s the
    query, %(f)s the referer, %({header}i)s ...): every text atom the format uses is
    redacted, whatever access_log_format says. The error and access loggers also get
    HideSecretLinks, which covers gunicorn's own error lines ("Error handling request
    /d/...") and any handler an operator adds through logconfig_dict or syslog.
    """

    atoms_wrapper_class = _RedactedAtoms

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, HideSecretLinks) for f in log.filters):
                log.addFilter(HideSecretLinks())
