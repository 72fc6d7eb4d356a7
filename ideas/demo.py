"""Demo ideas for Demostad: categories, a few dozen ideas with supports, comments and answers.

Built through the same actions residents and clerks use; loading twice changes nothing.
"""

from __future__ import annotations

import random

from sqlmodel import Session, select

from ideas import actions
from ideas.forms import AnswerDraft, CommentDraft, IdeaDraft
from ideas.models import IdeaCategory
from participation.actions import user_by_email
from participation.database import Database
from participation.demo import DEMO_PASSWORD, demo_resident
from participation.models import User
from participation.passwords import hash_password

CATEGORIES = (
    ("demo-mobility", "Mobiliteit", "Mobilité", "Mobility"),
    ("demo-green", "Groen en natuur", "Espaces verts", "Green spaces"),
    ("demo-safety", "Verkeersveiligheid", "Sécurité routière", "Road safety"),
    ("demo-play", "Spelen en sport", "Jeux et sport", "Play and sport"),
    ("demo-culture", "Cultuur", "Culture", "Culture"),
    ("demo-clean", "Netheid", "Propreté", "Cleanliness"),
)

IDEAS = (
    ("Zebrapad aan de schoolpoort van De Vlinder", "demo-safety"),
    ("Meer fietsenstallingen aan het station", "demo-mobility"),
    ("Een speeltuin in het Citadelpark vernieuwen", "demo-play"),
    ("Bloemenweide in plaats van gazon langs de Leie", "demo-green"),
    ("Extra vuilnisbakken op de Korenmarkt", "demo-clean"),
    ("Zomerbar met lokale muziek op het Sint-Pietersplein", "demo-culture"),
    ("Fietsstraat in de Brugse Poort", "demo-mobility"),
    ("Watertappunten in de parken", "demo-green"),
    ("Trage weg tussen Muide en Meulestede openstellen", "demo-mobility"),
    ("Snelheidsremmers in de Kortrijksesteenweg", "demo-safety"),
    ("Basketbalveld aan de Blaarmeersen opknappen", "demo-play"),
    ("Gratis openluchtcinema in augustus", "demo-culture"),
    ("Geveltuintjes aanmoedigen met een premie", "demo-green"),
    ("Deelfietsen ook in de deelgemeenten", "demo-mobility"),
    ("Betere verlichting op het jaagpad", "demo-safety"),
    ("Petanquebaan in de Bijloke", "demo-play"),
    ("Sluikstorten aanpakken met camera's", "demo-clean"),
    ("Boomspiegels laten beplanten door buren", "demo-green"),
    ("Een buurtbibliotheek in een oude telefooncel", "demo-culture"),
    ("Autovrije zondag elke maand", "demo-mobility"),
    ("Schoolstraat voor de Sint-Barbaraschool", "demo-safety"),
    ("Skatepark onder de viaduct", "demo-play"),
    ("Hondenpoepzakjes aan elke parkingang", "demo-clean"),
    ("Muurschilderingen op blinde gevels", "demo-culture"),
    ("Meer zitbanken langs de Coupure", "demo-green"),
    ("Veilige oversteek aan de Dampoort", "demo-safety"),
    ("Repair café in het buurthuis", "demo-culture"),
    ("Composthoek per wijk", "demo-clean"),
    ("Overdekte fietsenstalling aan het zwembad", "demo-mobility"),
    ("Wandelroute langs de oude vestingen", "demo-green"),
)

BODY = (
    "Elke ochtend is het hier druk en onoverzichtelijk. **Kinderen en ouders** steken over "
    "tussen de auto's door.\n\nMijn voorstel:\n\n- een duidelijke markering\n- een "
    "verkeersbord dat van ver zichtbaar is\n- controle tijdens de eerste weken\n\nWie doet mee?"
)

COMMENTS = (
    ("Goed idee, ik fiets hier elke dag langs.", "for"),
    ("Ik vrees dat dit veel geld kost. Is er geen goedkopere oplossing?", "against"),
    ("Misschien eerst een proefperiode van drie maanden?", "neutral"),
    ("Helemaal mee eens, het is hoog tijd.", "for"),
)


def _neighbours(session: Session) -> list[User]:
    """Verified demo residents who support and discuss; one password hash shared by all."""
    password_hash = hash_password(DEMO_PASSWORD)
    return [
        demo_resident(session, f"buur{number}@demostad.example", f"Buur {number}", password_hash)
        for number in range(1, 13)
    ]


def load(db: Database) -> None:
    with db.read() as session:
        if session.exec(select(IdeaCategory).where(IdeaCategory.slug == "demo-mobility")).first():
            return
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    with db.write() as session:
        categories = {}
        for slug, nl, fr, en in CATEGORIES:
            category = IdeaCategory(slug=slug, name_nl=nl, name_fr=fr, name_en=en)
            session.add(category)
            session.flush()
            categories[slug] = category.id
        neighbours = _neighbours(session)
        clerk = user_by_email(session, "griffier@demostad.example")
        for number, (title, slug) in enumerate(IDEAS):
            author = neighbours[number % len(neighbours)]
            draft = IdeaDraft(
                title=title,
                body=BODY,
                category_id=categories[slug],
                latitude=round(51.0543 + rng.uniform(-0.03, 0.03), 6),
                longitude=round(3.7174 + rng.uniform(-0.05, 0.05), 6),
            )
            idea = actions.do_post_idea(session, author, draft, [])
            assert idea.id is not None
            for supporter in rng.sample(neighbours, rng.randint(0, len(neighbours))):
                actions.do_support(session, idea.id, supporter, threshold=100)
            parent = None
            for body, stance in COMMENTS[: rng.randint(0, len(COMMENTS))]:
                commenter = rng.choice(neighbours)
                reply_to: int | None = None
                if parent is not None and rng.random() < 0.4:
                    reply_to = parent.id
                comment = actions.do_comment(
                    session, idea.id, commenter, CommentDraft(body, stance, reply_to)
                )
                parent = comment if comment.depth == 0 else parent
            if clerk is not None and number % 4 == 0:
                status = ("under_review", "accepted", "in_progress", "rejected")[number // 4 % 4]
                answer = AnswerDraft(
                    status,
                    "Bedankt voor uw voorstel. De dienst Mobiliteit bekijkt het en "
                    "koppelt terug na de volgende gemeenteraad.",
                )
                actions.do_answer(session, idea.id, clerk, answer)
