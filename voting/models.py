"""Councils and their members, meetings and agenda items, council and advisory ballots, and the
audit chain that makes every cast, change and close of a ballot verifiable afterwards."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from participation.database import UTCDateTime, one_of, utcnow
from participation.i18n import N_, gettext

TITLE_MAX = 200
TEXT_MAX = 20_000


class Basis(enum.StrEnum):
    """What a majority is counted against."""

    cast = "cast"  # votes cast, abstentions left out (the Flemish default)
    present = "present"  # members present
    in_office = "in_office"  # members in office


class Threshold(enum.StrEnum):
    majority = "majority"  # more than half
    two_thirds = "two_thirds"  # at least two thirds


class TieRule(enum.StrEnum):
    rejected = "rejected"
    chair_decides = "chair_decides"


class MeetingStatus(enum.StrEnum):
    planned = "planned"
    published = "published"
    in_session = "in_session"
    closed = "closed"


class BallotStatus(enum.StrEnum):
    """A council ballot: its pre-vote window, then the meeting, then the stored result."""

    scheduled = "scheduled"  # the pre-vote window has not opened yet
    pre_vote = "pre_vote"  # members may vote before the meeting
    waiting = "waiting"  # no window open: waiting for the chair at the meeting
    open = "open"  # opened by the chair in session
    closed = "closed"  # result computed and stored; never changes again


class AdvisoryStatus(enum.StrEnum):
    scheduled = "scheduled"
    open = "open"
    closed = "closed"


class Choice(enum.StrEnum):
    yes = "yes"
    no = "no"
    abstain = "abstain"


class Secrecy(enum.StrEnum):
    named = "named"  # each member's choice is public
    secret = "secret"  # noqa: S105 - for decisions about persons: who voted is stored apart from the choice


class ItemKind(enum.StrEnum):
    regular = "regular"
    question = "question"  # a resident's question to the council (CouncilQuestion)


class QuestionStatus(enum.StrEnum):
    submitted = "submitted"  # waiting for the clerk's admissibility check
    refused = "refused"  # not admissible, with the reasons
    scheduled = "scheduled"  # on a meeting's agenda as a question item
    answered = "answered"  # the answer of the mayor and aldermen is recorded
    withdrawn = "withdrawn"  # by the resident, before it was answered


class Outcome(enum.StrEnum):
    approved = "approved"
    rejected = "rejected"


CHOICES = tuple(c.value for c in Choice)
# Meeting and voting times read best with the weekday and without seconds, in every language.
MEETING_TIME = "EEEE d MMMM y, HH:mm"
RECUSED = "recused"  # a member declared a conflict of interest and does not vote

_LABELS = {
    MeetingStatus.planned: N_("Planned"),
    MeetingStatus.published: N_("Published"),
    MeetingStatus.in_session: N_("In session"),
    MeetingStatus.closed: N_("Closed"),
    Choice.yes: N_("Yes"),
    Choice.no: N_("No"),
    Choice.abstain: N_("Abstain"),
    RECUSED: N_("Recused"),
    Outcome.approved: N_("Approved"),
    Outcome.rejected: N_("Voted down"),
    BallotStatus.scheduled: N_("Pre-vote not open yet"),
    BallotStatus.pre_vote: N_("Pre-vote open"),
    BallotStatus.waiting: N_("Vote at the meeting"),
    BallotStatus.open: N_("Voting now"),
    BallotStatus.closed: N_("Vote closed"),
}


def label(value: str) -> str:
    """The translated name of a status, choice or outcome."""
    return gettext(_LABELS[value])


def _values(kind: type[enum.StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in kind)


def _fk(
    target: str, *, nullable: bool = False, ondelete: str = "CASCADE", unique: bool = False
) -> Column[int]:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, unique=unique)


class Council(SQLModel, table=True):
    """The municipal council or one of its committees, with the rules its votes follow."""

    __tablename__ = "councils"
    __table_args__ = (
        CheckConstraint(one_of("kind", ("council", "committee")), name="ck_councils_kind"),
        CheckConstraint(one_of("vote_basis", _values(Basis)), name="ck_councils_basis"),
        CheckConstraint(one_of("vote_threshold", _values(Threshold)), name="ck_councils_threshold"),
        CheckConstraint(one_of("tie_rule", _values(TieRule)), name="ck_councils_tie"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=TITLE_MAX)
    kind: str = Field(default="council", max_length=20)
    vote_basis: str = Field(default=Basis.cast.value, max_length=20)
    vote_threshold: str = Field(default=Threshold.majority.value, max_length=20)
    tie_rule: str = Field(default=TieRule.rejected.value, max_length=20)
    quorum_required: bool = Field(default=True)


class Mandate(SQLModel, table=True):
    """A seat held by a person for a time. Council votes stay with the mandate: public record."""

    __tablename__ = "mandates"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ck_mandates_period"),
        Index("ix_mandates_council", "council_id", "starts_on"),
        Index("ix_mandates_user", "user_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(sa_column=_fk("councils.id"))
    user_id: int | None = Field(
        default=None, sa_column=_fk("users.id", nullable=True, ondelete="SET NULL")
    )
    member_name: str = Field(max_length=80)
    political_group: str = Field(default="", max_length=80)
    starts_on: dt.date = Field(sa_column=Column(Date, nullable=False))
    ends_on: dt.date | None = Field(default=None, sa_column=Column(Date, nullable=True))

    def in_office_on(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class Meeting(SQLModel, table=True):
    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint(one_of("status", _values(MeetingStatus)), name="ck_meetings_status"),
        Index("ix_meetings_starts", "starts_at", "id"),
        Index("ix_meetings_status", "status", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(sa_column=_fk("councils.id", ondelete="RESTRICT"))
    title: str = Field(max_length=TITLE_MAX)
    starts_at: dt.datetime = Field(sa_type=UTCDateTime)
    location: str = Field(default="", max_length=TITLE_MAX)
    status: str = Field(default=MeetingStatus.planned.value, max_length=20)
    chair_id: int | None = Field(
        default=None, sa_column=_fk("users.id", nullable=True, ondelete="SET NULL")
    )
    secretary_id: int | None = Field(
        default=None, sa_column=_fk("users.id", nullable=True, ondelete="SET NULL")
    )
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    published_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    started_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Set while the chair has suspended the session; the live page says so.
    paused_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def is_public(self) -> bool:
        return self.status != MeetingStatus.planned


class Attendance(SQLModel, table=True):
    """A member present at a meeting; the quorum counts these."""

    __tablename__ = "attendances"
    __table_args__ = (UniqueConstraint("meeting_id", "mandate_id", name="uq_attendances_member"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(sa_column=_fk("meetings.id"))
    mandate_id: int = Field(sa_column=_fk("mandates.id"))
    checked_in_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    recorded_by_id: int | None = Field(
        default=None, sa_column=_fk("users.id", nullable=True, ondelete="SET NULL")
    )


class AgendaItem(SQLModel, table=True):
    __tablename__ = "agenda_items"
    __table_args__ = (
        Index("ix_agenda_items_meeting", "meeting_id", "position"),
        CheckConstraint(one_of("kind", _values(ItemKind)), name="ck_agenda_items_kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(sa_column=_fk("meetings.id"))
    position: int = Field(default=0)
    title: str = Field(max_length=TITLE_MAX)
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    closed_session: bool = Field(default=False)
    kind: str = Field(default="regular", max_length=10)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ItemDocument(SQLModel, table=True):
    """A dossier document: an uploaded PDF (stored outside the public uploads) or a link."""

    __tablename__ = "item_documents"
    __table_args__ = (
        CheckConstraint("(url IS NULL) <> (file_name IS NULL)", name="ck_item_documents_source"),
        Index("ix_item_documents_item", "item_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(sa_column=_fk("agenda_items.id"))
    title: str = Field(max_length=TITLE_MAX)
    url: str | None = Field(default=None, max_length=500)
    file_name: str | None = Field(default=None, max_length=100)
    size: int = Field(default=0)
    added_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ItemLink(SQLModel, table=True):
    """An idea or pact that an agenda item decides on: closes the loop from proposal to vote."""

    __tablename__ = "item_links"
    __table_args__ = (
        UniqueConstraint("item_id", "subject", "subject_id", name="uq_item_links_subject"),
        Index("ix_item_links_subject", "subject", "subject_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(sa_column=_fk("agenda_items.id"))
    subject: str = Field(max_length=40)
    subject_id: int


class CouncilBallot(SQLModel, table=True):
    """The council's vote on an item. `chain_seq`/`chain_head` are the audit chain's end;
    every cast locks this row first, so appends to the chain never race."""

    __tablename__ = "council_ballots"
    __table_args__ = (
        CheckConstraint(one_of("status", _values(BallotStatus)), name="ck_council_ballots_status"),
        CheckConstraint(one_of("secrecy", _values(Secrecy)), name="ck_council_ballots_secrecy"),
        CheckConstraint(
            "outcome IS NULL OR " + one_of("outcome", _values(Outcome)),
            name="ck_council_ballots_outcome",
        ),
        CheckConstraint(
            "opens_at IS NULL OR closes_at IS NULL OR opens_at < closes_at",
            name="ck_council_ballots_window",
        ),
        Index("ix_council_ballots_status", "status", "opens_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(sa_column=_fk("agenda_items.id", unique=True))
    secrecy: str = Field(default=Secrecy.named.value, max_length=10)
    status: str = Field(default=BallotStatus.waiting.value, max_length=20)
    opens_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    closes_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    outcome: str | None = Field(default=None, max_length=10)
    yes: int | None = Field(default=None)
    no: int | None = Field(default=None)
    abstain: int | None = Field(default=None)
    present: int | None = Field(default=None)
    in_office: int | None = Field(default=None)
    chain_seq: int = Field(default=0)
    chain_head: str = Field(default="", max_length=64)


class CouncilVote(SQLModel, table=True):
    """One member's vote in one ballot. In a secret ballot `choice` stays empty: the choice
    only adds to `SecretTally`, so no stored row links a member to a choice."""

    __tablename__ = "council_votes"
    __table_args__ = (
        UniqueConstraint("ballot_id", "mandate_id", name="uq_council_votes_member"),
        CheckConstraint(
            "choice IS NULL OR " + one_of("choice", (*CHOICES, RECUSED)),
            name="ck_council_votes_choice",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    ballot_id: int = Field(sa_column=_fk("council_ballots.id"))
    mandate_id: int = Field(sa_column=_fk("mandates.id"))
    choice: str | None = Field(default=None, max_length=10)
    cast_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    changed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    recorded_by_id: int | None = Field(
        default=None, sa_column=_fk("users.id", nullable=True, ondelete="SET NULL")
    )


class SecretTally(SQLModel, table=True):
    """The running totals of a secret ballot; no time or order of the choices is kept."""

    __tablename__ = "secret_tallies"

    ballot_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("council_ballots.id", ondelete="CASCADE"), primary_key=True
        )
    )
    yes: int = Field(default=0)
    no: int = Field(default=0)
    abstain: int = Field(default=0)


class AdvisoryBallot(SQLModel, table=True):
    """Residents' advisory vote on an item, in its own window."""

    __tablename__ = "advisory_ballots"
    __table_args__ = (
        CheckConstraint(one_of("status", _values(AdvisoryStatus)), name="ck_advisory_status"),
        CheckConstraint("opens_at < closes_at", name="ck_advisory_window"),
        CheckConstraint("yes >= 0 AND no >= 0 AND abstain >= 0", name="ck_advisory_totals"),
        Index("ix_advisory_ballots_status", "status", "opens_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(sa_column=_fk("agenda_items.id", unique=True))
    question: str = Field(max_length=300)
    status: str = Field(default=AdvisoryStatus.scheduled.value, max_length=20)
    opens_at: dt.datetime = Field(sa_type=UTCDateTime)
    closes_at: dt.datetime = Field(sa_type=UTCDateTime)
    results_visible: bool = Field(default=False)  # while open; hidden avoids bandwagon effects
    closed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Running totals, changed by each cast under the ballot's lock: the results page reads
    # three numbers, however many residents voted.
    yes: int = Field(default=0)
    no: int = Field(default=0)
    abstain: int = Field(default=0)
    chain_seq: int = Field(default=0)
    chain_head: str = Field(default="", max_length=64)


class AdvisoryVote(SQLModel, table=True):
    """A resident's advisory vote. `voter_key` is an HMAC of the voter's verified identity,
    kept while the ballot is open so that erasing and re-registering cannot vote twice."""

    __tablename__ = "advisory_votes"
    __table_args__ = (
        UniqueConstraint("ballot_id", "voter_key", name="uq_advisory_votes_voter"),
        CheckConstraint(one_of("choice", CHOICES), name="ck_advisory_votes_choice"),
        Index("ix_advisory_votes_tally", "ballot_id", "choice"),
        Index("ix_advisory_votes_voter", "voter_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ballot_id: int = Field(sa_column=_fk("advisory_ballots.id"))
    voter_id: int | None = Field(
        default=None, sa_column=_fk("users.id", nullable=True, ondelete="SET NULL")
    )
    voter_key: str | None = Field(default=None, max_length=64)
    choice: str = Field(max_length=10)
    cast_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    changed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class AuditEntry(SQLModel, table=True):
    """One link of a ballot's hash chain: `hash` covers `prev_hash` and this entry's content,
    so changing, removing or reordering any entry breaks every link after it."""

    __tablename__ = "audit_entries"
    __table_args__ = (UniqueConstraint("chain", "seq", name="uq_audit_entries_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    chain: str = Field(max_length=40)  # "council:<ballot id>" or "advisory:<ballot id>"
    seq: int
    kind: str = Field(max_length=20)  # cast, change, recuse, close
    payload: str = Field(sa_column=Column(Text, nullable=False))  # canonical JSON
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class CouncilQuestion(SQLModel, table=True):
    """A resident's question to the council (citizen interpellation): checked for
    admissibility by the clerk (`checks` holds the checklist as JSON), scheduled as a question
    item on a meeting's agenda, answered in the session (the text and the time in the
    recording), with one written reaction of the resident afterwards."""

    __tablename__ = "council_questions"
    __table_args__ = (
        CheckConstraint(
            one_of("status", _values(QuestionStatus)), name="ck_council_questions_status"
        ),
        Index("ix_council_questions_status", "status", "created_at"),
        Index("ix_council_questions_author", "author_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    author_id: int | None = Field(
        default=None, sa_column=_fk("users.id", nullable=True, ondelete="SET NULL")
    )
    title: str = Field(max_length=TITLE_MAX)
    question: str = Field(sa_column=Column(Text, nullable=False))
    explanation: str = Field(default="", sa_column=Column(Text, nullable=False))
    status: str = Field(default=QuestionStatus.submitted.value, max_length=12)
    checks: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    refusal_reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    item_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("agenda_items.id", ondelete="SET NULL"), nullable=True, unique=True
        ),
    )
    # The resident ticked "my name may be shown": the pages, the API and the minutes then name
    # the asker (as a Flemish council names a resident who asks in the session); else nobody.
    name_shown: bool = Field(default=False)
    # The resident's answer to "will you ask it in the session yourself?"; None: not yet.
    attending: bool | None = Field(default=None)
    answer: str = Field(default="", sa_column=Column(Text, nullable=False))
    answer_seconds: int | None = Field(default=None)  # where the answer starts in the recording
    answered_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    answered_by_id: int | None = Field(
        default=None, sa_column=_fk("users.id", nullable=True, ondelete="SET NULL")
    )
    reaction: str = Field(default="", sa_column=Column(Text, nullable=False))
    reacted_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
