"""Parse and validate the problem report form: a category, a place, a description, a contact
preference. Errors go back per field, with what the resident typed kept."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from participation.forms import Form, parse_location
from participation.i18n import gettext
from problems import geo
from problems.geocoding import Lookup
from problems.models import DESCRIPTION_MAX, Contact

ADDRESS_MAX = 200
CONTACT_VALUES = tuple(c.value for c in Contact)


@dataclass(frozen=True)
class ReportDraft:
    category_id: int
    latitude: float
    longitude: float
    address: str
    description: str
    contact: str


def outside_message() -> str:
    return gettext(
        "This place is outside the municipality. Put the pin where the problem is, within the"
        " municipality's borders."
    )


def parse_report(
    form: Form,
    category_ids: set[int],
    boundary: Sequence[tuple[float, float]] = (),
    *,
    anonymous: bool = False,
    lookup: Lookup = Lookup.not_asked,
) -> ReportDraft | None:
    """The draft, or None with the form's errors set. A place is required: a pin, typed
    coordinates, or an address that the geocoder found (`lookup` says how that went).
    An anonymous reporter has no address to be written to, so their contact is "none"."""
    raw_category = form.data.get("category_id", "").strip()
    category_id = int(raw_category) if raw_category.isdigit() else 0
    if category_id not in category_ids:
        form.error("category_id", gettext("Choose the kind of problem."))
    latitude, longitude = parse_location(form)
    address = form.text("address", max_length=ADDRESS_MAX, required=False)
    if latitude is None or longitude is None:
        if not form.errors.keys() & {"latitude", "longitude"}:
            if lookup == Lookup.not_found:
                message = gettext(
                    "We could not find this address in the municipality. Check it, or put a"
                    " pin on the map."
                )
            elif lookup == Lookup.unavailable:
                message = gettext(
                    "The address search is not available right now. Put a pin on the map, or"
                    " type the latitude and longitude."
                )
            elif address:
                message = gettext(
                    "We cannot find a place from an address alone. Put a pin on the map, or"
                    " type the latitude and longitude."
                )
            else:
                message = gettext(
                    "Show where the problem is: put a pin on the map, or type the latitude"
                    " and longitude."
                )
            form.error("location", message)
    elif not geo.inside(latitude, longitude, boundary):
        form.error("location", outside_message())
    description = form.text("description", max_length=DESCRIPTION_MAX, multiline=True)
    contact = Contact.none.value
    if not anonymous:
        contact = form.data.get("contact") or Contact.none.value
        if contact not in CONTACT_VALUES:
            form.error("contact", gettext("Choose one of the options."))
    if not form.ok or latitude is None or longitude is None:
        return None
    return ReportDraft(category_id, latitude, longitude, address, description, contact)


@dataclass(frozen=True)
class NearbyQuery:
    category_id: int
    latitude: float
    longitude: float


def parse_nearby(form: Form) -> NearbyQuery | None:
    """What the nearby list needs; None while the resident has not chosen both yet."""
    raw_category = form.data.get("category_id", "").strip()
    latitude, longitude = parse_location(form)
    if not raw_category.isdigit() or latitude is None or longitude is None or not form.ok:
        return None
    return NearbyQuery(int(raw_category), latitude, longitude)
