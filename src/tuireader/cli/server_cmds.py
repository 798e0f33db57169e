"""`tuireader server status|stop`: the resident search process (tuireader.server)."""

from __future__ import annotations

import click

from tuireader.cli.output import echo_json
from tuireader.server import address, client
from tuireader.text.wording import counted


@click.group("server")
def server_group() -> None:
    """The background process that answers search, related, list and saved run in
    milliseconds. The first such command starts it; it leaves after 10 idle minutes.
    TUIREADER_SERVER=off (or `server = false` in config.toml) turns it off."""


@server_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def status_cmd(as_json: bool) -> None:
    """Whether a server runs for this setup, and what it holds."""
    import os

    found = client.control("status")
    path = address.socket_path(os.environ)
    if as_json:
        echo_json({"running": found is not None, "socket": str(path), **(found or {})})
        return
    if found is None:
        state = "off" if not address.enabled(os.environ) else "not running"
        click.echo(f"server: {state} ({path})")
        return
    if found.get("busy"):
        click.echo("server: running, busy with a command")
        return
    click.echo(
        f"server: running, pid {found.get('pid')}, "
        f"{counted(_number(found.get('served')), 'command')} answered, "
        f"up {found.get('up')} s, leaves after {found.get('idle')} idle seconds"
    )
    for root in found.get("libraries") or []:  # type: ignore[attr-defined]
        click.echo(f"  library: {click.format_filename(str(root))}")


@server_group.command("stop")
def stop_cmd() -> None:
    """Ask the server to leave now (the next search runs in its own process again)."""
    found = client.control("stop")
    if found is None:
        click.echo("server: not running")
    elif found.get("busy"):
        click.echo("server: busy with a command; it leaves once that is done")
    else:
        click.echo("server: stopped")


def _number(value: object) -> int:
    return value if isinstance(value, int) else 0
