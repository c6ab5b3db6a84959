"""The command modules of `dflow`; `cli.py` (the entry point) assembles them."""
