"""Tests of the local provider sandbox (``sandbox/``)."""
