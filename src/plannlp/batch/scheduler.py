"""Is a Dask scheduler there? A quick TCP connection before the Dask client is made.

``distributed.Client(address)`` waits 30 s for a scheduler that is not there, then fails
with a long traceback; a closed port or an unknown host is known at once by connecting.
"""

from __future__ import annotations

import socket
import urllib.parse

from ..errors import SchedulerUnreachableError, os_error_reason

#: Seconds to wait for the scheduler's port to accept a connection.
CONNECT_TIMEOUT = 5.0
#: Dask's default scheduler port, when the address names none.
DEFAULT_PORT = 8786
#: Address schemes that are TCP underneath (``inproc://`` and ``ucx://`` are not checked).
TCP_SCHEMES = ("tcp", "tls", "ws", "wss")


def scheduler_host_port(address: str) -> tuple[str, int] | None:
    """(host, port) of a TCP scheduler address (``tcp://HOST:PORT`` or ``HOST:PORT``)."""
    parts = urllib.parse.urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme not in TCP_SCHEMES or not parts.hostname:
        return None
    try:
        return parts.hostname, parts.port or DEFAULT_PORT
    except ValueError:  # a port that is not a number
        raise SchedulerUnreachableError(f"'{address}' is not a scheduler address.") from None


def check_scheduler(address: str, timeout: float = CONNECT_TIMEOUT) -> None:
    """Raise :class:`SchedulerUnreachableError` unless something accepts connections there."""
    target = scheduler_host_port(address)
    if target is None:
        return
    try:
        with socket.create_connection(target, timeout=timeout):
            pass
    except TimeoutError:
        raise SchedulerUnreachableError(
            f"The Dask scheduler at {address} did not answer within {timeout:g} s.") from None
    except OSError as e:
        reason = e.strerror or os_error_reason(e)
        raise SchedulerUnreachableError(f"Cannot reach the Dask scheduler at {address} ({reason}).") from None
