"""What the MessageMedia Messages drop-ins (1.1.0 and 2.x) share: wire shapes, models, the call engine."""
