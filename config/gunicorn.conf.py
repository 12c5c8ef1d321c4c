"""gunicorn in production: `gunicorn -c config/gunicorn.conf.py` (from the project root).

Every value reads an environment variable first; a command-line option overrides both
(`gunicorn -c config/gunicorn.conf.py --bind 127.0.0.1:9000`).

| variable | meaning | default |
|---|---|---|
| `GUNICORN_BIND` | comma-separated addresses | `127.0.0.1:8000` (behind the TLS proxy) |
| `WEB_CONCURRENCY` | worker processes | 2 x CPUs + 1, at most 8 |
| `GUNICORN_TIMEOUT` | seconds a request may take before its worker is replaced | 30 |
| `GUNICORN_GRACEFUL_TIMEOUT` | seconds workers get to finish on restart or stop | 30 |
| `GUNICORN_MAX_REQUESTS` | requests before a worker is recycled (plus up to 10% jitter) | 1000 |
| `GUNICORN_ACCESS_LOG` | access log file, `-` for stdout, empty for none | `-` |
| `GUNICORN_ERROR_LOG` | error log file, `-` for stderr | `-` |
| `GUNICORN_LOG_LEVEL` | gunicorn's own log level | `info` |
| `FORWARDED_ALLOW_IPS` | proxies trusted for X-Forwarded-* | `127.0.0.1` |
| `GUNICORN_CONTROL_SOCKET` | gunicorn's control socket (`gunicornc`, gunicorn 25.1+) | none |

Secret links never reach the access or error log: `logger_class` redacts them
(meetings.logfilter.GunicornLogger); the application's own logs are redacted by
settings.LOGGING.
"""

import os


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError:
        raise SystemExit(f"{name}={value!r} is not a whole number") from None


wsgi_app = "config.wsgi:application"
bind = [a.strip() for a in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")]
bind = [address for address in bind if address]
workers = _env_int("WEB_CONCURRENCY", min(2 * (os.cpu_count() or 1) + 1, 8))

# A request slower than this is a bug (dates are bounded, so are pages): the worker is
# replaced rather than left pinned. The slowest legitimate request is a B2B "Schedule" press:
# the solver's time limit (at most matchmaking.models.MAX_SOLVER_SECONDS = 120 s) plus writing
# the meetings, hence 180 s.
timeout = _env_int("GUNICORN_TIMEOUT", 180)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Recycle workers now and then, not all at once.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max(max_requests // 10, 1) if max_requests else 0

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Apache's combined format plus the time taken in milliseconds.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
logger_class = "meetings.logfilter.GunicornLogger"

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# gunicorn 25.1+ opens a control socket at one per-user path by default, which a second
# instance on the machine (a load test, a staging copy) would take over: only on request.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
