"""Data exchange with the upper platform: outbox delivery, dead letters, replay, inbound transfers."""
