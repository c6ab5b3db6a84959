"""The consultation pages (``dflow serve``): Starlette and Jinja2, imported only by the command
that serves them, so ``dflow --help`` never loads them."""
