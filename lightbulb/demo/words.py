"""Word lists for the demo council. Every name they make is invented.

Organisation and person names are built by combining these lists, so no demo
record names a real charity, company or person.
"""

from __future__ import annotations

# Ward and place names: a stem and an ending ("Mill" + "brook").
PLACE_STEMS = [
    "Mill", "Ash", "Oak", "Elm", "Hazel", "Wil", "Thorn", "Bram", "Kings", "Queens", "Church", "Brook",
    "Fern", "Holly", "Marsh", "Stone", "Red", "Black", "White", "Green", "Castle", "Bridge", "Rose", "Lark",
    "Swan", "Heron", "Beacon", "Cross", "Chapel", "Orchard", "Meadow", "Willow", "Cedar", "Alder", "Birch", "Linden",
    "Foxes", "Hart", "Wolds", "Sand", "Clay", "Flint", "Salt", "Wheat", "Barley", "Hay", "Coppice", "Dale",
    "Kestrel", "Plover", "Rook", "Wren", "Otter", "Badger", "Corn", "Hop", "Apple", "Cherry", "Pear", "Ivy",
]  # fmt: skip
PLACE_ENDINGS = [
    "brook", "field", "ford", "ley", "wood", "ton", "bury", "ham", "well", "side", "gate", "hill", "combe",
    "mere", "moor", "thorpe", "worth", "stead", "croft", "dene", "hurst", "low", "marsh", "borough", " Green",
    " Park", " Vale", " Heath", " Common", " End",
]  # fmt: skip
# Saints' names give wards such as "St Anne's".
SAINTS = ["Anne", "Mary", "Luke", "John", "Peter", "Agnes", "Bride", "Hilda", "Aidan", "Chad", "Cuthbert", "Margaret"]
PLACE_QUALIFIERS = ["", " North", " South", " East", " West", " Central", " Upper", " Lower"]

LOCALITY_NAMES = [
    "North Anytown", "Riverside", "Old Town", "Eastfields", "Southgate", "Westbrook Valley", "The Uplands", "Harbourside",
]  # fmt: skip

STREET_STEMS = [
    "Mill", "Church", "Station", "Chapel", "School", "Park", "Victoria", "Albert", "Orchard", "Market", "Bridge",
    "Castle", "Meadow", "Willow", "Cedar", "Rowan", "Spring", "Well", "Garden", "Manor", "Abbey", "Forge", "Tannery",
    "Weavers", "Ropewalk", "Canal", "Quarry", "Granary", "Foundry", "Kiln",
]  # fmt: skip
STREET_ENDINGS = ["Street", "Road", "Lane", "Close", "Avenue", "Way", "Terrace", "Row", "Place", "Crescent", "Walk", "Gardens"]

FIRST_NAMES = [
    "Amara", "Ben", "Chidi", "Dana", "Eilidh", "Farah", "Gareth", "Hana", "Idris", "Jess", "Kofi", "Lena", "Mo",
    "Niamh", "Owen", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Vik", "Wendy", "Yusuf", "Zara", "Alex",
    "Bea", "Callum", "Deepa", "Ellis", "Fern", "Gus", "Harriet", "Imran", "Joy", "Kai", "Lottie", "Marek", "Nell",
    "Ola", "Pat", "Ruth", "Sol", "Tess", "Ravi", "Agnieszka", "Bryony", "Declan", "Esme", "Femi",
]  # fmt: skip
LAST_NAMES = [
    "Ashworth", "Bellamy", "Okonjo", "Pennington", "Quayle", "Rahman", "Sandford", "Thistlewood", "Underhill",
    "Varga", "Whitlock", "Yardley", "Abara", "Brightwell", "Cartwright", "Dunmore", "Ellery", "Fairbairn",
    "Gallagher", "Haddow", "Ingleby", "Jaswal", "Kettering", "Lindqvist", "Mensah", "Nowak", "Oyelaran",
    "Petrakis", "Rowntree", "Sowerby", "Tanaka", "Venn", "Wickham", "Mbeki", "Castellano", "Drinkwater",
    "Fenwick", "Greaves", "Holloway", "Iqbal", "Kowalczyk", "Lambourne", "Marchetti", "Norrington", "Osei",
]  # fmt: skip

PARTIES = ["Labour", "Conservative", "Liberal Democrat", "Green", "Independent", "Anytown Residents' Association"]

AREAS_OF_WORK = [
    "Advice and advocacy", "Arts, culture and heritage", "Carers", "Children and young people", "Community safety",
    "Disability", "Employment, skills and learning", "Environment and green spaces", "Faith", "Food",
    "Health and wellbeing", "Housing and homelessness", "Mental health", "Older people", "Refugees and migrants",
    "Sport and physical activity",
]  # fmt: skip

# Organisation name patterns: (pattern, legal forms it suits, areas of work it suggests).
# {place} is a ward or place name, {street} a street stem, {person} a surname.
ORGANISATION_PATTERNS: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("{place} Community Pantry", ("unincorporated", "cio", "charity"), ("Food",)),
    ("{place} Food Bank", ("charity", "cio", "charitable_company"), ("Food", "Housing and homelessness")),
    ("Friends of {place} Park", ("unincorporated", "charity"), ("Environment and green spaces",)),
    ("{place} Youth Club", ("unincorporated", "charity", "cio"), ("Children and young people", "Sport and physical activity")),
    ("{place} Older People's Forum", ("unincorporated", "charity"), ("Older people",)),
    ("{place} Tenants' and Residents' Association", ("unincorporated",), ("Housing and homelessness", "Community safety")),
    ("{place} Men's Shed", ("unincorporated", "cio"), ("Mental health", "Older people")),
    ("{place} Community Choir", ("unincorporated", "charity"), ("Arts, culture and heritage",)),
    ("{place} Carers' Circle", ("cio", "charity", "unincorporated"), ("Carers", "Health and wellbeing")),
    ("{place} Baptist Church", ("faith", "charity"), ("Faith",)),
    ("{place} Methodist Chapel", ("faith", "charity"), ("Faith",)),
    ("{place} Gurdwara Community Kitchen", ("faith", "charity"), ("Faith", "Food")),
    ("{place} Islamic Centre", ("faith", "charity"), ("Faith", "Children and young people")),
    ("{place} Credit Union", ("cooperative", "cbs"), ("Advice and advocacy", "Employment, skills and learning")),
    ("{place} Community Energy", ("cbs",), ("Environment and green spaces",)),
    ("{place} Community Shop", ("cbs", "cooperative"), ("Food", "Older people")),
    ("{place} Advice Centre", ("charitable_company", "charity"), ("Advice and advocacy",)),
    ("{place} Wellbeing Hub", ("cic", "cio"), ("Health and wellbeing", "Mental health")),
    ("{place} Heritage Society", ("charity", "unincorporated"), ("Arts, culture and heritage",)),
    ("{place} Football Club", ("clg", "unincorporated"), ("Sport and physical activity", "Children and young people")),
    ("{place} Allotment Society", ("unincorporated", "cbs"), ("Environment and green spaces", "Food")),
    ("{place} Parent and Toddler Group", ("unincorporated",), ("Children and young people",)),
    ("{place} Refugee Welcome", ("cio", "unincorporated"), ("Refugees and migrants", "Advice and advocacy")),
    ("{place} Disability Forum", ("charity", "cio"), ("Disability", "Advice and advocacy")),
    ("{place} Village Hall Trust", ("charity",), ("Arts, culture and heritage", "Older people")),
    ("{street} Street Arts CIC", ("cic",), ("Arts, culture and heritage", "Children and young people")),
    ("{street} Works Training CIC", ("cic",), ("Employment, skills and learning",)),
    ("{street} House Hospice Shop", ("charitable_company",), ("Health and wellbeing",)),
    ("{street} Lane Housing Co-operative", ("cooperative",), ("Housing and homelessness",)),
    ("{person} Memorial Trust", ("charity",), ("Children and young people", "Employment, skills and learning")),
    ("{person} Foundation for Young Carers", ("cio",), ("Carers", "Children and young people")),
    ("{place} Mental Health Peer Support", ("cio", "unincorporated"), ("Mental health",)),
    ("{place} Safer Streets Partnership", ("clg", "unincorporated"), ("Community safety",)),
    ("{place} Mutual Aid", ("unincorporated", "mutual"), ("Food", "Older people")),
    ("{place} Town Council", ("parish",), ("Community safety", "Environment and green spaces")),
]  # fmt: skip

CONTACT_ROLES = ["Chair", "Secretary", "Treasurer", "Co-ordinator", "Chief executive", "Volunteer lead", "Trustee"]
CONTACT_PURPOSES = [
    "Main contact for funding agreements and monitoring returns",
    "Contact for safeguarding and partnership meetings",
    "Contact for community events and consultations",
    "Contact for asset and premises matters",
]
