"""The pact text: generated from the proposal and the assessment (parties, object,
commitments of each party, resources, period, safety and insurance, publicity), in the
municipality's default language, as Markdown that pages show through the `markdown` filter.

The text is stored in versions (PactText): the latest unfrozen version follows the pact while
it is prepared; signing freezes it; any later change (ending early) adds a new version, frozen
at once, since it records what happened to a signed pact. A frozen version never changes.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from sqlmodel import Session, col, select

from pacts.models import (
    ORGANISATION_KIND_LABELS,
    RESOURCE_KIND_LABELS,
    Organisation,
    OrganisationKind,
    Pact,
    PactResource,
    PactStatus,
    PactStep,
    PactText,
    ResourceKind,
    category_label,
)
from pacts.queries import resources_of
from participation.database import utcnow
from participation.i18n import gettext, use_language
from participation.profiles import public_names

# The ending's date in the text: the zone of the municipalities Inspraak serves (a frozen text
# cannot follow a later change of the setting anyway).
_ZONE = ZoneInfo("Europe/Brussels")


def _quote(value: str) -> str:
    """User text as a Markdown block quote, so that its lines stay inside its section."""
    return "\n".join(f"> {line}" if line.strip() else ">" for line in value.strip().split("\n"))


def _heading(value: str) -> str:
    """A section heading: bold, since the Markdown filter shows no headings."""
    return f"**{value.replace('*', '')}**"


def _resource_line(resource: PactResource) -> str:
    line = f"- {gettext(RESOURCE_KIND_LABELS[ResourceKind(resource.kind)])}: {resource.description}"
    if resource.budget_eur is not None:
        line += " " + gettext("(up to € %(amount)d)") % {"amount": resource.budget_eur}
    if resource.city_note:
        line += f" ({resource.city_note})"
    return line


def _parties(session: Session, pact: Pact, municipality: str) -> list[str]:
    city = gettext("The municipality of %(name)s") % {"name": municipality}
    if pact.department:
        city += ", " + gettext("for its department %(department)s") % {
            "department": pact.department
        }
    lines = [f"- {city};"]
    names = public_names(session, [pact.author_id] if pact.author_id else [])
    author = names.get(pact.author_id or 0, gettext("a resident"))
    organisation = session.get(Organisation, pact.organisation_id) if pact.organisation_id else None
    if organisation is not None:
        kind = gettext(ORGANISATION_KIND_LABELS[OrganisationKind(organisation.kind)])
        lines.append(
            "- "
            + gettext("%(organisation)s (%(kind)s), represented by %(name)s, the proposers.")
            % {"organisation": organisation.name, "kind": kind.lower(), "name": author}
        )
    else:
        lines.append("- " + gettext("%(name)s, the proposer.") % {"name": author})
    return lines


def _period(pact: Pact, language: str) -> str:
    def day(value: dt.date) -> str:
        return format_date(value, format="long", locale=language)

    if pact.starts_on and pact.ends_on:
        return gettext("This pact runs from %(start)s to %(end)s.") % {
            "start": day(pact.starts_on),
            "end": day(pact.ends_on),
        }
    if pact.starts_on:
        return gettext("This pact runs from %(start)s, for as long as both parties agree.") % {
            "start": day(pact.starts_on)
        }
    return gettext("This pact runs from its signing, for as long as both parties agree.")


def _ending(session: Session, pact: Pact, language: str) -> list[str]:
    if pact.status != PactStatus.ended:
        return []
    step = session.exec(
        select(PactStep)
        .where(PactStep.pact_id == pact.id, PactStep.kind == "ended")
        .order_by(col(PactStep.id).desc())
    ).first()
    if step is None:
        return []
    when = format_datetime(step.created_at, format="long", tzinfo=_ZONE, locale=language)
    return [
        _heading(gettext("Ended early")),
        gettext("This pact was ended early on %(when)s, for this reason:") % {"when": when},
        _quote(step.reason),
    ]


def generate_text(session: Session, pact: Pact, language: str, municipality: str) -> str:
    """The pact text as Markdown, in `language`, for the pact as it is now. User text is
    quoted as it was typed; the Markdown filter escapes and sanitises it when shown."""
    assert pact.id is not None
    with use_language(language):
        resources = resources_of(session, pact.id)
        granted = [_resource_line(r) for r in resources if r.decision == "granted"]
        refused = [_resource_line(r) for r in resources if r.decision == "refused"]
        parts = [
            _heading(gettext("Collaboration pact: %(title)s") % {"title": pact.title}),
            _heading(gettext("1. The parties")),
            gettext("This pact is made between:"),
            "\n".join(_parties(session, pact, municipality)),
            _heading(gettext("2. The object")),
            gettext("Category: %(category)s.") % {"category": category_label(pact.category)},
            _quote(pact.description),
        ]
        if pact.latitude is not None and pact.longitude is not None:
            parts.append(
                gettext("Place: latitude %(lat)s, longitude %(lng)s.")
                % {"lat": f"{pact.latitude:.6f}", "lng": f"{pact.longitude:.6f}"}
            )
        parts += [
            _heading(gettext("3. What the proposers commit to")),
            _quote(pact.commitments)
            if pact.commitments.strip()
            else gettext(
                "To carry out the project described above, with care for the place "
                "and the people around it."
            ),
            _heading(gettext("4. What the municipality contributes")),
            "\n".join(granted) if granted else gettext("No resources beyond this agreement."),
        ]
        if refused:
            parts += [gettext("Requested but not granted:"), "\n".join(refused)]
        parts += [
            _heading(gettext("5. The period")),
            _period(pact, language),
            _heading(gettext("6. Safety and insurance")),
            gettext(
                "The proposers follow the safety instructions of the municipality and use the "
                "materials and spaces with care. The municipality insures the volunteers of this "
                "pact for civil liability and bodily accidents under its volunteer insurance, for "
                "the activities described in this pact."
            ),
            _heading(gettext("7. Publicity")),
            gettext(
                "This pact, its timeline and its progress reports are public on the participation "
                "platform of the municipality. Both parties may mention the pact in their "
                "communication, naming each other."
            ),
        ]
        if pact.advice_response.strip():
            parts += [
                _heading(gettext("8. The public consultation")),
                gettext("How the advice from the public consultation was taken into account:"),
                _quote(pact.advice_response),
            ]
        parts += _ending(session, pact, language)
    return "\n\n".join(parts) + "\n"


def text_versions(session: Session, pact_id: int) -> list[PactText]:
    """Every version, oldest first."""
    return list(
        session.exec(
            select(PactText).where(PactText.pact_id == pact_id).order_by(col(PactText.version))
        ).all()
    )


def current_text(session: Session, pact_id: int) -> PactText | None:
    """The latest stored version, or None before the consultation."""
    return session.exec(
        select(PactText).where(PactText.pact_id == pact_id).order_by(col(PactText.version).desc())
    ).first()


def refresh_text(session: Session, pact: Pact, language: str, municipality: str) -> PactText:
    """Make the stored text match the pact: replace the unfrozen latest version, or add a new
    version (frozen at once) after a frozen one; an unchanged text stays as it is."""
    assert pact.id is not None
    body = generate_text(session, pact, language, municipality)
    latest = current_text(session, pact.id)
    if latest is not None and latest.body == body:
        return latest
    if latest is not None and latest.frozen_at is None:
        latest.body = body
        latest.created_at = utcnow()
        session.add(latest)
        return latest
    version = PactText(
        pact_id=pact.id,
        version=1 if latest is None else latest.version + 1,
        body=body,
        frozen_at=None if latest is None else utcnow(),
    )
    session.add(version)
    session.flush()
    return version


def freeze_text(session: Session, pact: Pact, language: str, municipality: str) -> PactText:
    """Refresh, then freeze the latest version (at signing)."""
    latest = refresh_text(session, pact, language, municipality)
    if latest.frozen_at is None:
        latest.frozen_at = utcnow()
        session.add(latest)
        session.flush()
    return latest
