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

# ---------------------------------------------------------------- commissioning

# Services the council funds: (title, purpose, KPI (description, unit, yearly target), output, outcome).
FUNDED_SERVICES = [
    ("Community transport for older residents", "door-to-door transport so older and disabled residents can reach shops, clinics and clubs",
     ("Journeys provided", "journeys", 2400), ("Volunteer drivers recruited", "drivers", 12), ("Passengers who feel less isolated", "%", 80)),
    ("Holiday activities and food programme", "free holiday clubs with a healthy meal for children receiving free school meals",
     ("Children attending", "children", 300), ("Days of holiday provision", "days", 40), ("Parents reporting less money worry", "%", 70)),
    ("Youth club sessions", "open-access youth sessions and detached youth work on weekday evenings",
     ("Young people attending", "young people", 250), ("Sessions delivered", "sessions", 120), ("Young people gaining a recognised award", "young people", 30)),
    ("Food bank and advice hub", "emergency food parcels with benefits, debt and energy advice in the same place",
     ("Households supported", "households", 900), ("Food parcels given", "parcels", 2500), ("Households with income gains", "households", 150)),
    ("Befriending service", "weekly visits and telephone befriending for lonely and isolated adults",
     ("People befriended", "people", 120), ("Befriending contacts", "contacts", 4000), ("People reporting less loneliness", "%", 75)),
    ("Carers' support service", "information, breaks and peer support for unpaid carers",
     ("Carers supported", "carers", 400), ("Carers' assessments supported", "assessments", 150), ("Carers reporting better wellbeing", "%", 65)),
    ("Domestic abuse outreach", "outreach, safety planning and group work for survivors of domestic abuse",
     ("Survivors supported", "people", 180), ("Safety plans completed", "plans", 160), ("Survivors reporting feeling safer", "%", 85)),
    ("Employment support programme", "one-to-one coaching, training and work placements for people furthest from work",
     ("Participants enrolled", "people", 150), ("Qualifications gained", "qualifications", 60), ("Participants into work", "people", 45)),
    ("Mental health peer support", "peer support groups and a drop-in for adults living with mental ill health",
     ("People attending groups", "people", 220), ("Group sessions run", "sessions", 150), ("People reporting improved wellbeing", "%", 70)),
    ("Community garden and growing project", "a community garden where residents grow food, learn and volunteer together",
     ("Volunteer hours", "hours", 3000), ("Growing sessions held", "sessions", 80), ("Volunteers reporting better health", "%", 60)),
    ("Digital inclusion classes", "free classes and drop-ins helping residents get online safely",
     ("Learners supported", "learners", 300), ("Devices lent", "devices", 60), ("Learners able to use online services", "%", 80)),
    ("Welfare benefits advice", "specialist benefits advice, form-filling and representation at appeals",
     ("Clients advised", "clients", 800), ("Appeals represented", "appeals", 60), ("Income gained for clients", "£", 900000)),
    ("Homelessness prevention service", "early help for households at risk of losing their home",
     ("Households supported", "households", 250), ("Tenancies sustained", "tenancies", 150), ("Households kept out of temporary accommodation", "%", 75)),
    ("Summer play scheme", "supervised play and sport in parks and estates during the summer holidays",
     ("Children attending", "children", 400), ("Play sessions", "sessions", 90), ("Parents rating the scheme good or better", "%", 85)),
    ("Community arts festival", "a free weekend arts festival made with local groups and artists",
     ("Attendances", "attendances", 5000), ("Local groups taking part", "groups", 25), ("Visitors from the most deprived wards", "%", 40)),
    ("Sport for all sessions", "low-cost and free sport and exercise sessions for inactive adults",
     ("Participants", "people", 350), ("Sessions delivered", "sessions", 200), ("Participants active weekly after 12 weeks", "%", 50)),
    ("Refugee welcome and English classes", "conversation classes, orientation and casework for refugees and asylum seekers",
     ("Learners attending", "learners", 150), ("Hours of tuition", "hours", 900), ("Learners moving up a level", "%", 60)),
    ("Dementia-friendly activities", "memory cafés and dementia-friendly activities with support for families",
     ("People with dementia attending", "people", 90), ("Memory café sessions", "sessions", 96), ("Carers reporting they cope better", "%", 70)),
    ("Community centre running costs", "keeping the community centre open for local groups and activities",
     ("Hours the centre is open", "hours", 2500), ("Groups using the centre", "groups", 30), ("Bookings from new groups", "bookings", 12)),
    ("Recovery support for alcohol and drugs", "peer-led recovery groups, mentoring and activities",
     ("People in recovery supported", "people", 140), ("Mentoring sessions", "sessions", 600), ("People sustaining recovery at 6 months", "%", 55)),
]  # fmt: skip

DEPARTMENTS = [
    ("Communities and partnerships", "COM"),
    ("Adult social care", "ASC"),
    ("Children's services", "CHS"),
    ("Public health", "PHE"),
    ("Housing", "HSG"),
    ("Culture and leisure", "CUL"),
]

# Accountable officers besides the demo officer: (name, job title, department index).
COMMISSIONING_OFFICERS = [
    ("Marcus Ellery", "Commissioning manager", 1),
    ("Sunita Rahman", "Senior commissioning officer", 2),
    ("Joe Whitlock", "Public health commissioner", 3),
    ("Grace Okonjo", "Housing partnerships officer", 4),
    ("Tom Haddow", "Culture and leisure development officer", 5),
    ("Aisha Mbeki", "Grants officer", 0),
]

REPORTING_DUTIES = [
    "Send a monitoring return with figures for each KPI and a short narrative each reporting period",
    "Send an annual report and certified accounts within six months of the year end",
    "Tell the accountable officer within five working days of any serious incident or complaint",
]
INSURANCE_DUTIES = [
    "Hold public liability insurance of at least £5 million",
    "Hold employer's liability insurance of at least £10 million and public liability of at least £5 million",
]
SAFEGUARDING_DUTIES = [
    "Keep a safeguarding policy reviewed every year, and enhanced DBS checks for staff and volunteers working with children",
    "Follow the Anytown Safeguarding Adults Board procedures and name a designated safeguarding lead",
]

TRANSITION_REASONS = {
    "approved": ["Approved by the commissioning panel", "Approved under delegated authority", "Budget confirmed by finance; approved"],
    "awarded": ["Award letter sent and accepted", "Contract signed by both parties", "Grant agreement signed"],
    "live": ["Delivery started", "Service mobilised on the start date", "First activities under way"],
    "under_review": ["Six-month review before the end of the term", "Annual review of performance", "Review ahead of recommissioning"],
    "extended": ["Extended to finish delivery after a late start", "Extended while the service is redesigned", "Term extended by agreement"],
    "recommissioned": ["Recommissioned after review; a new agreement follows", "Service redesigned and recommissioned"],
    "decommissioned": ["Decommissioned after notice, impact assessment and consideration of the response"],
    "closed": ["Final return accepted and final payment made", "Term ended; records closed", "Closed after the final review"],
    "withdrawn": ["Withdrawn before award: the organisation could not go ahead", "Closed: the funding was not confirmed"],
}

RETURN_NARRATIVES = [
    "Delivery went to plan this period. Numbers were up on last quarter thanks to new referral routes from the GP surgeries.",
    "A quieter period over the holidays, made up later. Two new volunteers trained; one member of staff left and has been replaced.",
    "We met most targets. Attendance dipped while the venue was being repaired but recovered once we moved back.",
    "Strong period: a partnership with the library brought in people we had not reached before. Case studies attached on request.",
]
QUERY_NOTES = [
    "The figures do not add up to the totals in the narrative: please check the number of sessions and resubmit.",
    "Please explain why attendance fell by half compared with the last period.",
    "The return is missing the outcome figure: please add it and resubmit.",
]
HOLD_REASONS = [
    "Held until the overdue monitoring return arrives",
    "Held while a query about the last return is answered",
    "Held pending updated insurance certificates",
]
CLAWBACK_REASONS = [
    "Underspend at the end of the term returned under clause 9 of the agreement",
    "Sessions not delivered during the venue closure; the unspent amount was recovered",
]
