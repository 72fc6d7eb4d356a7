"""The advisory votes of bench/votes.py: residents who vote through the real endpoint, and
what the 303 answers say the database must hold afterwards.

Each resident's votes go one after the other on one connection, so the last choice answered
303 is the one stored; each vote is a different choice than the one before, so each is a cast
or a change that appends one audit link.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from time import perf_counter
from urllib.parse import urlencode

from bench._client import Connection, Resident, Sample
from participation.ratelimit import VOTE_PER_ACCOUNT
from voting.models import CHOICES

CLIENTS = 64
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@dataclass
class Voter:
    resident: Resident
    turn: int  # the next choice is CHOICES[turn % 3]: never the one before
    budget: int = VOTE_PER_ACCOUNT.limit  # votes left within the rate limit
    accepted: list[str] = field(default_factory=list)  # choices answered 303, in order


@dataclass
class VoteRun:
    sample: Sample = field(default_factory=Sample)
    statuses: Counter[int] = field(default_factory=Counter)
    size: int = 0  # of a 303 answer

    @property
    def votes_per_second(self) -> float:
        return self.statuses[303] / self.sample.elapsed if self.sample.elapsed else 0.0

    def add(self, other: VoteRun) -> None:
        self.sample.add(other.sample)
        self.statuses.update(other.statuses)
        self.size = other.size or self.size


async def cast(
    port: int, connection: Connection, item: int, voter: Voter, run: VoteRun
) -> Connection:
    """One vote, the next choice in the voter's turn; the connection to go on with."""
    choice = CHOICES[voter.turn % len(CHOICES)]
    voter.turn += 1
    voter.budget -= 1
    body = urlencode({"choice": choice, "csrf_token": voter.resident.token}).encode()
    headers = {**FORM, "Cookie": voter.resident.cookie}
    sent = perf_counter()
    try:
        reply = await connection.request("POST", f"/items/{item}/advisory-vote", headers, body)
    except (ConnectionError, asyncio.IncompleteReadError):
        run.statuses[0] += 1  # dropped by the server, after an error
        await connection.close()
        return await Connection.open(port)
    run.sample.latencies.append(perf_counter() - sent)
    run.statuses[reply.status] += 1
    if reply.status == 303:
        voter.accepted.append(choice)
        run.size = len(reply.body)
    return connection


async def first_votes(port: int, item: int, voters: list[Voter]) -> VoteRun:
    """CLIENTS clients take the voters in turn; each voter casts one vote."""
    run = VoteRun()
    queue = iter(voters)
    pool = await asyncio.gather(*(Connection.open(port) for _ in range(CLIENTS)))
    start = perf_counter()

    async def client(connection: Connection) -> None:
        try:
            for voter in queue:
                connection = await cast(port, connection, item, voter, run)
        finally:
            await connection.close()

    await asyncio.gather(*(client(connection) for connection in pool))
    run.sample.elapsed = perf_counter() - start
    return run


async def changes(port: int, item: int, voters: list[Voter], seconds: float) -> VoteRun:
    """Client i votes for voters i, i + CLIENTS, ... in turn, so that each voter's votes go
    one after the other (their last 303 is their last vote), until `seconds` are up."""
    run = VoteRun()
    pool = await asyncio.gather(*(Connection.open(port) for _ in range(CLIENTS)))
    start = perf_counter()
    deadline = start + seconds

    async def client(index: int, connection: Connection) -> None:
        mine = voters[index::CLIENTS]
        try:
            while perf_counter() < deadline:
                ready = [voter for voter in mine if voter.budget > 0]
                if not ready:
                    return
                for voter in ready:
                    if perf_counter() >= deadline:
                        break
                    connection = await cast(port, connection, item, voter, run)
        finally:
            await connection.close()

    await asyncio.gather(*(client(i, c) for i, c in enumerate(pool)))
    run.sample.elapsed = perf_counter() - start
    return run


def links_of(voters: list[Voter]) -> int:
    """Casts and changes: a 303 whose choice differs from the one before (none at first)."""
    total = 0
    for voter in voters:
        before = None
        for choice in voter.accepted:
            total += choice != before
            before = choice
    return total
