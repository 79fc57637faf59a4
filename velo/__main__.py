"""`python -m velo ...` runs the `velo` command (handy from a source checkout without the entry point)."""

from velo.cli.main import main

main()
