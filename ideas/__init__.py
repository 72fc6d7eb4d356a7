"""Ideas and collaboration pacts."""
