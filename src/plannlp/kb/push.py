"""Push plan graphs to a SPARQL 1.1 Graph Store Protocol endpoint (Oxigraph, Fuseki, Virtuoso…).

* Each document goes to its own named graph with an HTTP ``PUT`` (``?graph=<document IRI>``),
  which *replaces* that graph on the server: pushing twice does not duplicate anything.
* What plans share (their municipalities, in ``https://w3id.org/plannlp/shared``) is
  *merged* with an HTTP ``POST`` (the protocol's "add these triples"): pushing plan B never
  erases what plan A put there, and the same triple sent twice is still one triple.
* A server that does not answer within ``timeout`` seconds (:data:`DEFAULT_TIMEOUT`) is an
  :class:`~plannlp.errors.EndpointError`; a user name and password in the endpoint URL are
  used for basic authentication and never shown (:func:`mask_credentials`).
"""

from __future__ import annotations

import base64
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import EndpointError
from .store import SHARED_GRAPH, KnowledgeBase

#: Seconds to wait for the server (to connect, and for each answer) before giving up.
DEFAULT_TIMEOUT = 15.0


@dataclass(frozen=True)
class Pushed:
    graph: str
    triples: int
    status: int


@dataclass(frozen=True)
class Endpoint:
    """A Graph Store Protocol URL without its credentials, and the credentials."""

    url: str
    user: str | None = None
    password: str | None = None

    @property
    def shown(self) -> str:
        return mask_credentials(self.url)

    def authorization(self) -> str | None:
        if self.user is None:
            return None
        token = base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode()
        return f"Basic {token}"


def mask_credentials(url: str) -> str:
    """``url`` with any ``user:password@`` replaced by ``***@`` (for messages)."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"***@{host}"))


def endpoint_of(url: str, user: str | None = None, password: str | None = None) -> Endpoint:
    """The endpoint, with credentials written in the URL taken out of it (``--user`` and
    ``--password`` win over them)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError(f"'{mask_credentials(url)}' is not an http:// or https:// address.",
                            hint="Give the Graph Store Protocol URL, e.g. http://localhost:7878/store")
    if "@" in parts.netloc:
        host = parts.netloc.rsplit("@", 1)[1]
        url = urllib.parse.urlunsplit(parts._replace(netloc=host))
        if user is None:
            user = urllib.parse.unquote(parts.username or "")
            password = password if password is not None else urllib.parse.unquote(parts.password or "")
    return Endpoint(url, user, password)


def send_graph(endpoint: Endpoint, graph: str, ntriples: bytes, *, method: str = "PUT",
               timeout: float = DEFAULT_TIMEOUT) -> int:
    """``PUT`` (replace) or ``POST`` (merge) one graph; returns the HTTP status."""
    url = f"{endpoint.url}{'&' if '?' in endpoint.url else '?'}graph={urllib.parse.quote(graph, safe='')}"
    request = urllib.request.Request(url, data=ntriples, method=method,
                                     headers={"Content-Type": "application/n-triples"})
    if endpoint.authorization():
        request.add_header("Authorization", endpoint.authorization())
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as e:
        detail = _hide(e.read().decode("utf-8", "replace")[:200], endpoint)
        raise EndpointError(f"{endpoint.shown} refused graph {graph}: HTTP {e.code} {detail}".rstrip(),
                            hint="Check the Graph Store Protocol URL and your credentials.") from None
    except TimeoutError as e:
        raise _no_answer(endpoint, timeout) from e
    except urllib.error.URLError as e:
        if isinstance(e.reason, TimeoutError | socket.timeout):
            raise _no_answer(endpoint, timeout) from None
        raise EndpointError(f"Cannot reach {endpoint.shown} ({_hide(str(e.reason), endpoint)}).",
                            hint="Is the SPARQL server running, and is the URL right?") from None
    except OSError as e:  # the connection dropped mid-answer
        raise EndpointError(f"The connection to {endpoint.shown} failed ({e.strerror or e}).",
                            hint="Is the SPARQL server running, and is the URL right?") from None


def _no_answer(endpoint: Endpoint, timeout: float) -> EndpointError:
    return EndpointError(f"{endpoint.shown} did not answer within {timeout:g} s.",
                         hint="Is the server overloaded or the URL wrong? Try again, or give more "
                              "time with --timeout SECONDS.")


def _hide(text: str, endpoint: Endpoint) -> str:
    """``text`` without the endpoint's password (a server may echo the request)."""
    return text.replace(endpoint.password, "***") if endpoint.password else text


def push_files(paths: Iterable[str | Path], endpoint: str | Endpoint, *, user: str | None = None,
               password: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> list[Pushed]:
    """Load files into a temporary in-memory store, then PUT each document's graph (replacing
    it) and POST the shared graph once (merging it with what other plans put there)."""
    target = endpoint if isinstance(endpoint, Endpoint) else endpoint_of(endpoint, user, password)
    staging = KnowledgeBase()
    loaded = staging.load_files(paths)
    graphs = [g for g in loaded if g.iri != SHARED_GRAPH]
    shared = [g for g in loaded if g.iri == SHARED_GRAPH][-1:]  # the union of every file's shared nodes
    return [Pushed(g.iri, g.triples, send_graph(target, g.iri, staging.dump_graph(g.iri),
                                                method="POST" if g in shared else "PUT", timeout=timeout))
            for g in graphs + shared]
