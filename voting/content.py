"""Voting's part in the shell's registries, loaded at start-up: the council's decisions on
ideas and pacts, for the pages that show them."""

from __future__ import annotations

from participation import decisions
from voting import loop

decisions.register("voting", loop.decisions)
