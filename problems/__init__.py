"""Residents' problem reports ("Fix My Street"): reported with a pin and photos, routed to a
department, handled with public status updates until fixed, and shown on a public map."""
