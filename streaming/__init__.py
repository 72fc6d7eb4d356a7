"""Live council sessions: event log, brokers, websockets, chair console."""
