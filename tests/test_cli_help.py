"""``--help`` of every command is complete: each command says what it does, each option has a
help text (walks the click command tree, subgroups included)."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from plannlp.cli import COMMANDS, cli


def walk(command: click.Command, path: tuple[str, ...]):
    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            yield from walk(command.get_command(ctx, name), (*path, name))


ALL = list(walk(cli, ("plannlp",)))


def test_every_command_is_walked():
    names = {path[1] for path, _ in ALL if len(path) > 1}
    assert names == set(COMMANDS)
    assert ("plannlp", "kb", "load") in {path for path, _ in ALL}


@pytest.mark.parametrize(("path", "command"), ALL, ids=[" ".join(p) for p, _ in ALL])
def test_every_option_has_help(path, command):
    assert (command.help or command.short_help or "").strip(), f"{' '.join(path)} has no help text"
    missing = [param.opts[0] for param in command.params
               if isinstance(param, click.Option) and not param.hidden and not (param.help or "").strip()]
    assert not missing, f"{' '.join(path)}: options without help: {missing}"


@pytest.mark.parametrize(("path", "command"), ALL, ids=[" ".join(p) for p, _ in ALL])
def test_help_prints(path, command):
    result = CliRunner().invoke(cli, [*path[1:], "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
