"""Collaboration pacts (the Bologna model), beside ideas: residents and organisations propose a
project for a public space or a social need, the city assesses and equips it, the public
advises, both parties sign, and everyone follows the work on a map."""
