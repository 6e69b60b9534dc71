"""Check every example under examples/ with the plugin in docs/_ext (see pyproject.toml)."""

pytest_plugins = ["mpexamples.pytest_plugin"]
