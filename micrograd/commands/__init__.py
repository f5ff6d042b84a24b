"""The subcommands of the ``micrograd`` command line, one module each."""
