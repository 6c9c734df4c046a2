"""`python -m tailor.cli` runs tailor (the same as the `tailor` console script)."""

from tailor.cli.entry import main

main()
