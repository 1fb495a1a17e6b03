"""Facts about how names are written, shared by the byline, people and region steps."""

import re

# "wrote for Emma publication", "in Politika Strany (Politics of the Country) publication": a
# name before a kind of medium is that medium's title, neither a person nor a place.
MEDIUM_AFTER = re.compile(
    r"\s+(?:\([^()]{1,60}\)\s+)?"
    r"(?:publication|magazine|newspaper|daily|weekly|tabloid|journal|website|broadcaster)\b",
    re.IGNORECASE,
)

# Lowercase words that belong inside names ("Michael von der Schulenburg", "Aravinda de Silva",
# "Ana e Silva").
NAME_PARTICLES = frozenset(
    {
        "von",
        "van",
        "der",
        "den",
        "de",
        "del",
        "des",
        "della",
        "di",
        "da",
        "dos",
        "das",
        "du",
        "la",
        "le",
        "bin",
        "ibn",
        "al",
        "el",
        "ter",
        "ten",
        "zu",
        "y",
        "e",
    }
)
