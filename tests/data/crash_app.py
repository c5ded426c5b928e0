"""An app that fails on every run, served with the project's .streamlit/config.toml."""

raise RuntimeError("secret detail /work/example/path")
