"""Inspraak: citizen participation and digital democracy for municipalities."""
