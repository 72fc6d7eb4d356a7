"""Collaboration pacts (the Bologna model): organisations, proposals with the resources they
ask for, the pact's lifecycle on a public timeline, the pact text in versions, and progress
reports with photos."""

from __future__ import annotations

import datetime as dt
import enum
from functools import cache

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
from participation.i18n import N_, current_language, gettext, pgettext
from participation.visibility import visibility_column

TITLE_MAX = 150
TEXT_MAX = 10_000
NAME_MAX = 120


def _values(kind: type[enum.StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in kind)


def _user_fk(*, nullable: bool = True, ondelete: str = "SET NULL") -> Column[int]:
    return Column(Integer, ForeignKey("users.id", ondelete=ondelete), nullable=nullable)


def _pact_fk() -> Column[int]:
    return Column(Integer, ForeignKey("pacts.id", ondelete="CASCADE"), nullable=False)


class OrganisationKind(enum.StrEnum):
    informal_group = "informal_group"
    association = "association"
    school = "school"
    company = "company"


ORGANISATION_KIND_LABELS = {
    OrganisationKind.informal_group: N_("Informal group"),
    OrganisationKind.association: N_("Association"),
    OrganisationKind.school: N_("School"),
    OrganisationKind.company: N_("Company"),
}


class Organisation(SQLModel, table=True):
    """A group that proposes pacts; its members co-manage them."""

    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint(one_of("kind", _values(OrganisationKind)), name="ck_organisations_kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=NAME_MAX)
    kind: str = Field(max_length=20)
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_by_id: int | None = Field(default=None, sa_column=_user_fk())
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OrganisationMember(SQLModel, table=True):
    __tablename__ = "organisation_members"
    __table_args__ = (
        UniqueConstraint("organisation_id", "user_id", name="uq_organisation_members"),
        Index("ix_organisation_members_user", "user_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False
        )
    )
    user_id: int = Field(sa_column=_user_fk(nullable=False, ondelete="CASCADE"))
    added_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PactCategory(enum.StrEnum):
    green_space = "green_space"
    cleaning = "cleaning"
    graffiti = "graffiti"
    furniture = "furniture"
    social = "social"
    culture = "culture"
    other = "other"


CATEGORY_LABELS = {
    PactCategory.green_space: N_("Care of green space"),
    PactCategory.cleaning: N_("Cleaning"),
    PactCategory.graffiti: N_("Graffiti removal"),
    PactCategory.furniture: N_("Public-space furniture"),
    PactCategory.social: N_("Social project"),
    PactCategory.culture: N_("Culture"),
    PactCategory.other: N_("Other"),
}


class PactStatus(enum.StrEnum):
    draft = "draft"
    submitted = "submitted"
    in_assessment = "in_assessment"
    changes_requested = "changes_requested"
    rejected = "rejected"
    consultation = "consultation"
    awaiting_signatures = "awaiting_signatures"  # the consultation closed
    active = "active"  # signed by both parties
    completed = "completed"
    ended = "ended"  # ended early


@cache
def _status_labels(language: str) -> dict[PactStatus, str]:
    """The statuses' names in `language` (the current one), said of a pact: in French a pact
    is masculine (“Soumis”, “Refusé”) where an idea or a proposal is feminine."""
    return {
        PactStatus.draft: pgettext("pact", "Draft"),
        PactStatus.submitted: pgettext("pact", "Submitted"),
        PactStatus.in_assessment: pgettext("pact", "In assessment"),
        PactStatus.changes_requested: pgettext("pact", "Changes requested"),
        PactStatus.rejected: pgettext("pact", "Rejected"),
        PactStatus.consultation: pgettext("pact", "Public consultation"),
        PactStatus.awaiting_signatures: pgettext("pact", "Awaiting signatures"),
        PactStatus.active: pgettext("pact", "Active"),
        PactStatus.completed: pgettext("pact", "Completed"),
        PactStatus.ended: pgettext("pact", "Ended early"),
    }


def status_label(status: str) -> str:
    return _status_labels(current_language())[PactStatus(status)]


def category_label(category: str) -> str:
    return gettext(CATEGORY_LABELS[PactCategory(category)])


class Pact(SQLModel, table=True):
    __tablename__ = "pacts"
    __table_args__ = (
        CheckConstraint(one_of("status", _values(PactStatus)), name="ck_pacts_status"),
        CheckConstraint(one_of("category", _values(PactCategory)), name="ck_pacts_category"),
        CheckConstraint("latitude IS NULL OR latitude BETWEEN -90 AND 90", name="ck_pacts_lat"),
        CheckConstraint("longitude IS NULL OR longitude BETWEEN -180 AND 180", name="ck_pacts_lng"),
        CheckConstraint(
            "(latitude IS NULL) = (longitude IS NULL)", name="ck_pacts_lat_lng_together"
        ),
        CheckConstraint(
            "starts_on IS NULL OR ends_on IS NULL OR starts_on <= ends_on", name="ck_pacts_period"
        ),
        CheckConstraint("consultation_days BETWEEN 1 AND 90", name="ck_pacts_consultation_days"),
        # The map and the bounding-box API: public pacts with a place, by position.
        Index("ix_pacts_place", "latitude", "longitude"),
        Index("ix_pacts_status", "status", "id"),
        Index("ix_pacts_category", "category", "id"),
        Index("ix_pacts_author", "author_id"),
        Index("ix_pacts_consultation_due", "status", "consultation_closes_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=TITLE_MAX)
    description: str = Field(sa_column=Column(Text, nullable=False))
    category: str = Field(default=PactCategory.other.value, max_length=20)
    latitude: float | None = Field(default=None)
    longitude: float | None = Field(default=None)
    starts_on: dt.date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    ends_on: dt.date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    commitments: str = Field(default="", sa_column=Column(Text, nullable=False))
    status: str = Field(default=PactStatus.draft.value, max_length=24)
    # The proposer, named `author_id` as in every moderatable table.
    author_id: int | None = Field(default=None, sa_column=_user_fk())
    organisation_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("organisations.id", ondelete="SET NULL"), nullable=True
        ),
    )
    # The city's side: who assesses it, for which department, and what it contributes.
    assessor_id: int | None = Field(default=None, sa_column=_user_fk())
    department: str = Field(default="", max_length=NAME_MAX)
    consultation_days: int = Field(default=14)
    consultation_opens_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    consultation_closes_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    # How the advice from the consultation was taken into account, before signing.
    advice_response: str = Field(default="", sa_column=Column(Text, nullable=False))
    city_signed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    city_signed_by_id: int | None = Field(default=None, sa_column=_user_fk())
    proposer_signed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    proposer_signed_by_id: int | None = Field(default=None, sa_column=_user_fk())
    final_report: str = Field(default="", sa_column=Column(Text, nullable=False))
    comment_count: int = Field(default=0)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    visibility: str = Field(default="public", sa_column=visibility_column("pacts"))

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class ResourceKind(enum.StrEnum):
    materials = "materials"
    space = "space"
    technical_advice = "technical_advice"
    budget = "budget"


RESOURCE_KIND_LABELS = {
    ResourceKind.materials: N_("Materials"),
    ResourceKind.space: N_("A space"),
    ResourceKind.technical_advice: N_("Technical advice"),
    ResourceKind.budget: N_("Budget"),
}


class ResourceDecision(enum.StrEnum):
    requested = "requested"
    granted = "granted"
    refused = "refused"


class PactResource(SQLModel, table=True):
    """One thing the proposers ask of the city, and what the city decided to contribute."""

    __tablename__ = "pact_resources"
    __table_args__ = (
        CheckConstraint(one_of("kind", _values(ResourceKind)), name="ck_pact_resources_kind"),
        CheckConstraint(
            one_of("decision", _values(ResourceDecision)), name="ck_pact_resources_decision"
        ),
        CheckConstraint("budget_eur IS NULL OR budget_eur >= 0", name="ck_pact_resources_budget"),
        Index("ix_pact_resources_pact", "pact_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pact_id: int = Field(sa_column=_pact_fk())
    position: int = Field(default=0)
    kind: str = Field(max_length=20)
    description: str = Field(max_length=500)
    budget_eur: int | None = Field(default=None)  # whole euros, for a budget
    decision: str = Field(default=ResourceDecision.requested.value, max_length=12)
    city_note: str = Field(default="", max_length=1000)


class PactStep(SQLModel, table=True):
    """A step on the pact's public timeline: who did what, when and why."""

    __tablename__ = "pact_steps"
    __table_args__ = (Index("ix_pact_steps_pact", "pact_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    pact_id: int = Field(sa_column=_pact_fk())
    kind: str = Field(max_length=40)  # e.g. "submitted", "city_signed", "progress"
    status: str = Field(max_length=24)  # the pact's status after the step
    actor_id: int | None = Field(default=None, sa_column=_user_fk())
    automatic: bool = Field(default=False)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PactText(SQLModel, table=True):
    """The pact text in versions: generated before signing, frozen once signed; a change
    after that is a new version."""

    __tablename__ = "pact_texts"
    __table_args__ = (UniqueConstraint("pact_id", "version", name="uq_pact_texts_version"),)

    id: int | None = Field(default=None, primary_key=True)
    pact_id: int = Field(sa_column=_pact_fk())
    version: int
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    frozen_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class ProgressReport(SQLModel, table=True):
    """What was done, by the proposers or the city; the last one of a completed pact is its
    final report."""

    __tablename__ = "pact_progress_reports"
    __table_args__ = (
        CheckConstraint("hours IS NULL OR hours >= 0", name="ck_pact_progress_hours"),
        Index("ix_pact_progress_pact", "pact_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pact_id: int = Field(sa_column=_pact_fk())
    author_id: int | None = Field(default=None, sa_column=_user_fk())
    by_city: bool = Field(default=False)
    body: str = Field(sa_column=Column(Text, nullable=False))
    hours: int | None = Field(default=None)  # volunteer hours this report accounts for
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    visibility: str = Field(default="public", sa_column=visibility_column("pact_progress_reports"))


class PactPhoto(SQLModel, table=True):
    """A photo of the proposal, or of a progress report when `report_id` is set."""

    __tablename__ = "pact_photos"
    __table_args__ = (Index("ix_pact_photos_pact", "pact_id", "report_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    pact_id: int = Field(sa_column=_pact_fk())
    report_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("pact_progress_reports.id", ondelete="CASCADE"), nullable=True
        ),
    )
    position: int = Field(default=0)
    name: str = Field(max_length=200)
    thumb_name: str = Field(max_length=200)
    width: int
    height: int
