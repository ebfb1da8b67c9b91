"""Drop-in replacements for the legacy vendor SDKs' documented classes."""
