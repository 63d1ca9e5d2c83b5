"""Every command that cli/reporting.py adds has help text and a section in docs/reports.md."""
import os

import pytest
from click.testing import CliRunner

from ledger.cli.main import cli

DOCS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "reports.md")
COMMANDS = ("export", "panel", "cite", "import-table", "report", "chart")


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help_and_docs(name):
    command = cli.commands[name]
    assert command.help and command.get_short_help_str()
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output
    with open(DOCS, encoding="utf-8") as handle:
        assert f"### `ledger {name}`" in handle.read()
