"""Per-provider behaviour: each module turns validated calls into state changes and replies."""
