"""The package version, in its own module so core modules can read it without importing the package root."""

__version__ = "0.1.0"
