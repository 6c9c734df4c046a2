"""`python -m cli` runs tailor (the same as the `tailor` console script)."""

from cli.app import main

main()
