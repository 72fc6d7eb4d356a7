"""Councils, meetings, agenda items, council votes and advisory votes."""
