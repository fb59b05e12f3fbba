"""Generated complaints with planted clusters (known answers for discovery tests)."""

from __future__ import annotations

import random

PLANTED = {
    "voucher": [
        "My voucher code is not working at the till, it says the voucher balance is zero.",
        "The voucher I got for my birthday shows invalid code, the voucher was never activated.",
        "Voucher rejected again. The code on the back of the voucher does not work.",
    ],
    "loyalty": [
        "My loyalty points disappeared, I had 4000 loyalty points last week.",
        "Where are my loyalty points? The points from my last purchase never showed up.",
        "You took away my loyalty points without telling me, the points balance is wrong.",
    ],
    "price_match": [
        "You promised price match but refused to match the lower price from your competitor.",
        "Your price match guarantee is a lie, the shop would not match the price I showed.",
        "Asked for a price match on the TV and the man said price match does not apply.",
    ],
}
OPENERS = ["Honestly,", "Unbelievable.", "Hi,", "Seriously?", "Hello team,", "Listen,", ""]
CLOSERS = ["Fix it now.", "I am so angry.", "This is ridiculous!", "Sort it out.", "", "Not happy."]
NOISE_FRAMES = [
    "I noticed {}.",
    "Did you know {}?",
    "Just so you are aware, {}.",
    "{}, which is odd.",
    "Someone should tell the manager {}.",
    "Apparently {}.",
    "Fun fact: {}.",
]
NOISE_TOPICS = [
    "the music in your advert is too loud",
    "the parking lot lights are broken",
    "a cashier sneezed on my receipt",
    "your newsletter font is tiny",
    "the lift smelled odd",
    "my umbrella was left at the cafe",
    "the playlist repeats all day",
    "the mirror is cracked",
    "a pigeon got into the shop",
    "the chairs in the waiting area wobble",
    "the hand dryer is deafening",
    "the carpet near the door is torn",
    "your mascot scared my child",
    "the radio advert mispronounced my town",
    "the calendar you sent has the wrong year",
    "the vending machine ate my coins",
    "the wifi password on the wall is wrong",
    "the plants by the entrance are dead",
    "the clock in aisle four is slow",
    "your van blocked my driveway",
]


def planted_corpus(per_cluster: int = 15, noise: int = 40, seed: int = 7):
    """(texts, truth) where truth[i] is the planted cluster name or "" for noise."""
    rng = random.Random(seed)
    texts, truth = [], []
    for name, templates in PLANTED.items():
        for _ in range(per_cluster):
            body = rng.choice(templates)
            texts.append(" ".join(p for p in (rng.choice(OPENERS), body, rng.choice(CLOSERS)) if p))
            truth.append(name)
    for i in range(noise):
        topic = NOISE_TOPICS[i % len(NOISE_TOPICS)]
        frame = rng.choice(NOISE_FRAMES)
        texts.append(f"{rng.choice(OPENERS)} {frame.format(topic)} {rng.choice(CLOSERS)}".strip())
        truth.append("")
    order = list(range(len(texts)))
    rng.shuffle(order)
    return [texts[i] for i in order], [truth[i] for i in order]
