"""Ideas: residents propose, support and discuss them; the municipality answers."""
