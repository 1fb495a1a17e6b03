"""Facts about how personal names are written, shared by the byline and the people steps."""

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
