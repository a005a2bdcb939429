"""``plannlp serve``: run the review page (plannlp.serve) with uvicorn."""

from __future__ import annotations

from pathlib import Path

import click

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=int, help="TCP port to listen on.")
@click.option("--data", "data_dir", default="plannlp-data", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder for uploads, results and the SQLite file (created if missing).")
def serve(host: str, port: int, data_dir: Path) -> None:
    """Serve the review page: upload drafts, correct roles and goals, export."""
    try:
        import uvicorn

        from ..serve import create_app
    except ModuleNotFoundError as e:
        raise click.ClickException(f"{e.name} is missing: pip install 'plannlp[serve]'") from e
    if host not in LOOPBACK:
        click.echo(f"plannlp: warning: binding to {host}: the page has no login; anyone who can "
                   "reach this address can read and correct the documents.", err=True)
    click.echo(f"plannlp: serving {data_dir} on http://{host}:{port}/", err=True)
    uvicorn.run(create_app(data_dir), host=host, port=port, log_level="info")
