"""Every command's --help ends with an example, through the real command."""

from __future__ import annotations

import argparse

import pytest
from cli_helpers import autograder

from autograder.cli import build_parser


def command_paths(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list:
    """Every command and sub-command, e.g. ("manual", "import")."""
    paths = [prefix]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                paths += command_paths(sub, (*prefix, name))
    return paths


@pytest.mark.parametrize("path", command_paths(build_parser()), ids=" ".join)
def test_help_shows_an_example(path, tmp_path):
    done = autograder(*path, "--help", cwd=tmp_path)
    assert done.returncode == 0
    example = done.stdout.split("example", 1)[-1]
    assert "example" in done.stdout and "autograder " + " ".join(path) in example
