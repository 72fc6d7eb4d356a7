"""The Dutch words the seeded database is written in: category names, the word lists and
sentence templates for idea titles, bodies and comments, residents' names, and `Text`, which
strings them together. COMMON_WORD is in many ideas, RARE_WORD in only a few (for search)."""

from __future__ import annotations

import random

COMMON_WORD = "fietspad"
RARE_WORD = "klaprozenweide"

CATEGORIES = (
    ("mobility", "Mobiliteit", "Mobilité", "Mobility"),
    ("green", "Groen en natuur", "Espaces verts", "Green spaces"),
    ("safety", "Verkeersveiligheid", "Sécurité routière", "Road safety"),
    ("play", "Spelen en sport", "Jeux et sport", "Play and sport"),
    ("culture", "Cultuur", "Culture", "Culture"),
    ("clean", "Netheid", "Propreté", "Cleanliness"),
    ("housing", "Wonen", "Logement", "Housing"),
    ("care", "Zorg en welzijn", "Soins et bien-être", "Care and welfare"),
)

# Nouns with a weight: a few are everywhere (COMMON_WORD the most), most are occasional.
NOUNS = {
    "fietspad": 40,
    "speeltuin": 14,
    "zebrapad": 12,
    "zitbank": 10,
    "bloemenweide": 8,
    "vuilnisbak": 9,
    "fietsenstalling": 9,
    "wandelpad": 7,
    "parkeerplaats": 8,
    "laadpaal": 6,
    "bushalte": 7,
    "drinkwaterfontein": 4,
    "hondenweide": 4,
    "skatepark": 3,
    "moestuin": 4,
    "straatverlichting": 6,
    "stoep": 6,
    "kruispunt": 7,
    "rotonde": 4,
    "speelplein": 5,
    "buurthuis": 4,
    "bibliotheek": 3,
    "zwembad": 3,
    "sporthal": 3,
    "geveltuin": 4,
    "deelfiets": 3,
    "deelauto": 3,
    "snelheidsremmer": 5,
    "schoolstraat": 5,
    "fietsstraat": 5,
    "voetgangersbrug": 2,
    "picknicktafel": 3,
    "openbaar toilet": 3,
    "boomgaard": 2,
    "petanquebaan": 1,
    "basketbalveld": 2,
    "overdekte fietsenstalling": 2,
    "glasbol": 2,
    "ondergrondse container": 2,
    "buurtfeest": 2,
    "zomerbar": 1,
    "markt": 3,
    "terras": 2,
    "bomenrij": 3,
    "waterpartij": 1,
    "kunstwerk": 2,
    "muurschildering": 1,
    "repair café": 1,
    "tuinstraat": 1,
    "wadi": 1,
}
PLACES = (
    "de Korenmarkt",
    "de Vrijdagmarkt",
    "het Sint-Pietersplein",
    "het Citadelpark",
    "de Brugse Poort",
    "de Muide",
    "Ledeberg",
    "Gentbrugge",
    "Sint-Amandsberg",
    "Oostakker",
    "Wondelgem",
    "Mariakerke",
    "Drongen",
    "Zwijnaarde",
    "het Rabot",
    "de Dampoort",
    "de Kouter",
    "de Coupure",
    "de Watersportbaan",
    "de Blaarmeersen",
    "het Patershol",
    "de Bijloke",
    "het Zuid",
    "Sluizeken",
    "Nieuw Gent",
    "Moscou",
    "de Heirnis",
    "Meulestede",
    "de Kortrijksesteenweg",
    "de Dendermondsesteenweg",
    "het Van Eyckzwembad",
    "de Leie",
    "de Schelde",
    "de Oude Dokken",
    "Tolhuis",
    "Macharius",
)
ADJECTIVES = (
    "veiligere",
    "groenere",
    "bredere",
    "nieuwe",
    "betere",
    "extra",
    "overdekte",
    "verlichte",
    "autovrije",
    "kindvriendelijke",
    "toegankelijke",
    "rustigere",
    "propere",
)
GROUPS = (
    "kinderen",
    "ouderen",
    "fietsers",
    "voetgangers",
    "buurtbewoners",
    "jongeren",
    "gezinnen",
    "mensen met een rolstoel",
    "scholieren",
    "handelaars",
    "hondenbezitters",
)
MOMENTS = (
    "in de zomer",
    "'s avonds",
    "tijdens het weekend",
    "bij regenweer",
    "op schooldagen",
    "tijdens de spits",
    "op marktdag",
    "in de winter",
)
TITLES = (
    "{Adj} {noun} aan {place}",
    "Meer ruimte voor {group} aan {place}",
    "Een {noun} in {place}",
    "{Noun} aan {place} vernieuwen",
    "Maak van {place} een plek voor {group}",
    "{Noun} en {noun2} voor {place}",
    "Graag een {adj} {noun} bij {place}",
    "Veilig naar school langs {place}",
    "{Noun} voor {group} in {place}",
)
SENTENCES = (
    "Ik woon al jaren in de buurt van {place} en zie elke dag hoe {group} er moeite hebben.",
    "Een {adj} {noun} zou het verschil maken voor {group}.",
    "Vooral {moment} is het er druk en onoverzichtelijk.",
    "De {noun} die er nu ligt, is versleten en niet meer van deze tijd.",
    "Mijn voorstel: leg een {noun} aan en zet er ook een {noun2} bij.",
    "Dat kost niet veel en de hele wijk heeft er iets aan.",
    "In andere steden werkt dit al goed, kijk maar naar Leuven of Mechelen.",
    "De buren hebben al handtekeningen verzameld en willen graag meehelpen.",
    "Misschien kan de stad dit samen met de school en het buurthuis uitwerken.",
    "Nu rijden auto's er veel te snel, zeker {moment}.",
    "Er is te weinig groen en in de zomer wordt het er heel warm.",
    "Met een {noun} en wat bomen wordt {place} weer een plek om elkaar te ontmoeten.",
    "Ook {group} en {group2} zouden er dagelijks gebruik van maken.",
    "Wie er {moment} passeert, ziet meteen dat er iets moet veranderen.",
    "Het {noun} aan de overkant is een mooi voorbeeld van hoe het kan.",
    "Graag zou ik zien dat de stad hier werk van maakt voor de volgende zomer.",
)
COMMENTS = (
    "Helemaal mee eens, ik fiets hier elke dag langs.",
    "Goed idee, maar wie gaat dat onderhouden?",
    "Dit is al jaren nodig in {place}.",
    "Ik twijfel: er is nu al te weinig plaats voor {group}.",
    "Een {noun} zou inderdaad veel helpen, zeker {moment}.",
    "Kan dit niet gecombineerd worden met een {noun}?",
    "Ik steun dit voorstel voor de kinderen van de school.",
    "Liever eerst de stoepen herstellen, vind ik.",
    "Wij wonen om de hoek en zouden graag meehelpen.",
    "Waarom niet proberen met een tijdelijke opstelling?",
    "In Leuven hebben ze dat ook gedaan, met succes.",
    "Eindelijk iemand die dit aankaart!",
)
FIRST_NAMES = (
    "Anna",
    "Bram",
    "Charlotte",
    "Dries",
    "Els",
    "Fien",
    "Geert",
    "Hanne",
    "Ilse",
    "Jonas",
    "Karim",
    "Lotte",
    "Mohamed",
    "Nina",
    "Olivier",
    "Pieter",
    "Rania",
    "Sofie",
    "Tom",
    "Vincent",
    "Wout",
    "Yasmine",
    "Zoë",
    "Lucas",
    "Emma",
    "Noor",
)
LAST_NAMES = (
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
    "Dubois",
    "Van Damme",
    "El Amrani",
    "Vermeulen",
    "De Clercq",
    "Aerts",
    "Hermans",
    "Verstraete",
    "Yilmaz",
    "Lambert",
)


class Text:
    """Dutch titles, bodies and comments from the word lists above. Titles are made one by
    one; bodies and comments are strung together from pools of filled-in sentences, which
    is much faster and, at thousands of distinct sentences, reads no less real."""

    POOL = 4096

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.nouns = list(NOUNS)
        self.weights = list(NOUNS.values())
        self.sentences = [self._fill(rng.choice(SENTENCES)) for _ in range(self.POOL)]
        self.remarks = [self._fill(rng.choice(COMMENTS)) for _ in range(self.POOL)]

    def _fill(self, template: str) -> str:
        rng = self.rng
        noun, noun2 = rng.choices(self.nouns, self.weights, k=2)
        adjective = rng.choice(ADJECTIVES)
        text = template.format(
            noun=noun,
            noun2=noun2,
            Noun=noun.capitalize(),
            adj=adjective,
            Adj=adjective.capitalize(),
            place=rng.choice(PLACES),
            group=rng.choice(GROUPS),
            group2=rng.choice(GROUPS),
            moment=rng.choice(MOMENTS),
        )
        return text[0].upper() + text[1:]

    def title(self) -> str:
        return self._fill(self.rng.choice(TITLES))

    def body(self, rare: bool) -> str:
        rng = self.rng
        sentences = rng.choices(self.sentences, k=rng.randint(3, 8))
        if rare:
            sentences.insert(rng.randrange(len(sentences)), f"Denk ook aan een {RARE_WORD}.")
        half = len(sentences) // 2
        return " ".join(sentences[:half]) + "\n\n" + " ".join(sentences[half:])

    def comment(self) -> str:
        rng = self.rng
        return " ".join(rng.choices(self.remarks, k=rng.randint(1, 3)))
