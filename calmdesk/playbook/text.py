"""Reading the customer's words: the issue, what they want, the root cause.

`extract_issue` finds the clause that states the problem in the latest
inbound messages ("my order #4411 has not arrived") and `second_person`
turns it round for the reply ("your order #4411 has not arrived"). All
heuristics are deterministic and work on plain English text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from calmdesk.playbook.compiled import any_match, compiled
from calmdesk.playbook.policy import Policy
from calmdesk.playbook.views import ConversationView, MessageView

_SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+")
_CLAUSES = re.compile(
    r"\s*[;:]\s+|\s+[-\u2013\u2014]+\s+"
    r"|,?\s+(?:and|but|so|because|plus)\s+(?=(?:my|our|I|I'm|I've|the|your|it|this|that|you|nobody|no one|now|still|they|we)\b)"
    r"|,\s+(?=(?:my|our|I|I'm|I've|it|this|the|you|nobody|no one|now|still|they|we)\b)",
    re.IGNORECASE,
)
_NOUNS = (
    r"order|package|parcel|delivery|item|product|refund|charge[ds]?|payment|invoice|bill|account"
    r"|password|login|subscription|booking|reservation|app|website|card|money|replacement|return"
    r"|courier|tracking|size|fee|price|phone|laptop|sofa|device|machine|service|appointment"
    r"|driver|staff|agent|shop|store|jacket|zip|kettle|call|email|reply|answer"
)
_PROBLEM_NOUNS = re.compile(rf"\b(?:{_NOUNS})\b", re.IGNORECASE)
_PROBLEM_STATES = re.compile(
    r"\b(?:not|never|no|n't|no longer|still|missing|broken|damaged|faulty|wrong|late|lost|twice|double"
    r"|cancel(?:l?ed)?|refused|failed|stopped|stuck|locked|overcharged|charged|waiting|waited"
    r"|arrived|delivered|crash\w*|freez\w*|keeps|fails|error|cracked|defective|declined|rejected|expired"
    r"|rude|on hold|ignored|overdue)\b|n't\b",
    re.IGNORECASE,
)
_LEADING = re.compile(
    r"^(?:(?:and|but|so|also|now|plus|then|well|ok|okay|honestly|seriously|look|listen|hi|hello"
    r"|yes|no|again|anyway)\b[,!\s]*)+",
    re.IGNORECASE,
)
_ABUSIVE = re.compile(
    r"\b(?:fuck\w*|shit\w*|damn\w*|bloody|crap\w*|hell|stupid|idiot\w*|useless|incompetent|pathetic"
    r"|ridiculous|moron\w*|clowns?|joke|scam\w*|wtf|freaking|frigging)\b\s*",
    re.IGNORECASE,
)
_PRONOUNS = re.compile(
    r"\b(?:I'm|I've|I'd|I'll|I am|I was|I wasn't|I|me|my|mine|myself|we're|we've|we|us|our|ours"
    r"|ourselves|you're|you've|you|your|yours|yourself|yourselves)\b",
    re.IGNORECASE,
)
_SWAP = {
    "i'm": "you're", "i've": "you've", "i'd": "you'd", "i'll": "you'll", "i am": "you are",
    "i was": "you were", "i wasn't": "you weren't", "i": "you", "me": "you", "my": "your",
    "mine": "yours", "myself": "yourself", "we're": "you're", "we've": "you've", "we": "you",
    "us": "you", "our": "your", "ours": "yours", "ourselves": "yourselves", "you're": "we're",
    "you've": "we've", "your": "our", "yours": "ours", "yourself": "ourselves",
    "yourselves": "ourselves",
}  # fmt: skip
_OBJECT_SLOT = re.compile(
    r"\b(?:to|for|with|at|from|by|of|about|than|told|asked|called|emailed|contacted|gave|paid|sent"
    r"|charged|let|thank|trusted|\w+ed)\s+$",
    re.IGNORECASE,
)
_LOWER_FIRST = frozenset(
    [
        "your",
        "you",
        "we",
        "our",
        "the",
        "it",
        "this",
        "that",
        "there",
        "nobody",
        "no",
        "nothing",
        "a",
        "an",
        "my",
        "since",
        "after",
        "still",
        "every",
        "i",
    ]
)
_VERBISH = re.compile(
    r"\b(?:is|are|was|were|has|have|had|did|does|do|got|gets|keeps|can|cannot|can't|won't|will|would"
    r"|should|says|said|shows|took|came|went|sent|charged|arrived|broke|stopped|never|not|n't)\b"
    r"|\b\w+ed\b|n't\b",
    re.IGNORECASE,
)
_STARTS_WITH_VERB = re.compile(
    r"^(?:\w+ed|still|never|got|paid|bought|ordered|sent|went|came|spent|tried|waited)\b",
    re.IGNORECASE,
)
STOPWORDS = frozenset(
    [
        "about",
        "after",
        "again",
        "also",
        "been",
        "being",
        "could",
        "does",
        "doing",
        "done",
        "from",
        "have",
        "having",
        "here",
        "into",
        "just",
        "more",
        "most",
        "much",
        "only",
        "other",
        "over",
        "same",
        "some",
        "such",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "very",
        "want",
        "what",
        "when",
        "where",
        "which",
        "while",
        "will",
        "with",
        "would",
        "your",
        "yours",
        "you're",
        "we're",
        "still",
        "never",
        "really",
        "please",
        "thanks",
        "thank",
        "hello",
        "dear",
    ]
)
_WORD = re.compile(r"[#\w][\w'-]*")


@dataclass(frozen=True)
class Issue:
    customer_words: str  # the clause as the customer wrote it
    restated: str  # turned round to second person, cleaned
    message_index: int


def _cleanup(clause: str) -> str:
    clause = _ABUSIVE.sub("", clause)
    clause = re.sub(r"[!?.,;:]+$", "", clause.strip()).strip(" \"'()")
    clause = _LEADING.sub("", clause)
    clause = re.sub(
        r"\b([A-Z]{2,})\b",
        lambda m: m.group(1) if len(m.group(1)) <= 3 else m.group(1).lower(),
        clause,
    )
    return re.sub(r"\s{2,}", " ", clause).strip()


_FIRST_PERSON = re.compile(r"\b(?:I|my|our|me)\b", re.IGNORECASE)


_INTENT = re.compile(
    r"^(?:if|unless|otherwise|or else)\b|\bI(?:'ll| will| am going to|'m going to)\b", re.IGNORECASE
)


def _score(clause: str) -> int:
    """How much a clause reads like a problem statement (threats and questions score 0)."""
    if clause.endswith("?") or len(clause.split()) < 3 or _INTENT.search(clause):
        return 0
    nouns = len(_PROBLEM_NOUNS.findall(clause))
    states = len(_PROBLEM_STATES.findall(clause))
    if not nouns and not states:
        return 0
    personal = 1 if _FIRST_PERSON.search(clause) else 0
    return (
        2 * min(nouns, 2) + 2 * min(states, 2) + personal + (1 if _VERBISH.search(clause) else -2)
    )


def second_person(clause: str) -> str:
    """'my order has not arrived' -> 'your order has not arrived'; 'you charged me' -> 'we charged you'."""

    def swap(m: re.Match[str]) -> str:
        word = m.group(0)
        key = re.sub(r"\s+", " ", word.lower())
        if key == "you":
            return "us" if _OBJECT_SLOT.search(clause[: m.start()]) else "we"
        return _SWAP.get(key, word)

    out = _PRONOUNS.sub(swap, clause)
    first = out.split(" ", 1)[0]
    if first.lower() in _LOWER_FIRST:
        out = out[0].lower() + out[1:]
    if _STARTS_WITH_VERB.match(out):
        out = "you " + out[0].lower() + out[1:]
    return out


_THING = re.compile(rf"\b(?:my|our|an?|the) ((?:new |replacement )?(?:{_NOUNS}))\b", re.IGNORECASE)
_IT = re.compile(r"^(?:it|it's|it is|it was|it has)\b", re.IGNORECASE)


def _resolve_it(clause: str, thing: str | None) -> str:
    """'It was delivered damaged' after 'I ordered a sofa' -> 'my sofa was delivered damaged'."""
    if thing and _IT.match(clause):
        rest = clause[2:]
        if rest.startswith("'s"):
            rest = " is" + rest[2:]
        return f"my {thing}{rest}"
    return clause


def extract_issue(messages: list[MessageView]) -> Issue | None:
    """The clause stating the problem in these inbound messages, if any."""
    best: tuple[int, int, str] | None = None
    for idx, msg in enumerate(messages):
        thing: str | None = None
        for sentence in _SENTENCES.split(msg.body.replace("\u2019", "'")):
            for raw in _CLAUSES.split(sentence):
                if not raw or len(raw.split()) > 40:
                    continue
                clause = _resolve_it(_cleanup(raw), thing)
                if raw.rstrip().endswith("?"):
                    clause += "?"
                found = _THING.search(raw)
                if found:
                    thing = found.group(1).lower()
                score = _score(clause)
                if score >= 4 and (best is None or score > best[0]):
                    best = (score, idx, clause)
    if best is None:
        return None
    _, idx, clause = best
    restated = second_person(clause)
    if not _VERBISH.search(restated):
        return None
    return Issue(customer_words=clause, restated=restated, message_index=idx)


def conversation_issue(conversation: ConversationView) -> Issue | None:
    return extract_issue(conversation.latest_inbound()) or extract_issue(conversation.inbound())


def content_words(text: str) -> set[str]:
    words = {w.lower().strip("#'") for w in _WORD.findall(text)}
    return {w for w in words if (len(w) >= 4 or w.isdigit()) and w not in STOPWORDS}


_SUFFIX = re.compile(r"(?:'s|ing|ed|es|s)$")


def stem(word: str) -> str:
    """A crude stem good enough to match 'waited' with 'wait', 'delivered' with 'delivery'."""
    return (_SUFFIX.sub("", word) if len(word) > 4 else word)[:5]


def mentions_any(reply: str, words: set[str]) -> bool:
    reply_words = {stem(w) for w in content_words(reply)}
    return any(stem(w) in reply_words for w in words)


def root_cause(text: str, policy: Policy) -> str:
    """The taxonomy key whose cues appear most in `text` ('other' if none)."""
    best, best_n = "other", 0
    for key, regex in compiled(policy).root_causes.items():
        n = len(regex.findall(text)) if regex is not None else 0
        if n > best_n:
            best, best_n = key, n
    return best


_WANTS = (
    ("a refund", re.compile(r"\b(?:refund|money back|reimburs)", re.IGNORECASE)),
    ("a replacement", re.compile(r"\b(?:replace(?:ment)?|new one|exchange)\b", re.IGNORECASE)),
    (
        "compensation",
        re.compile(r"\b(?:compensat\w*|voucher|discount|credit|goodwill)\b", re.IGNORECASE),
    ),
    ("to cancel", re.compile(r"\bcancel", re.IGNORECASE)),
    (
        "to speak to someone senior",
        re.compile(r"\b(?:manager|supervisor|someone senior|your boss|in charge)\b", re.IGNORECASE),
    ),
    (
        "their order delivered",
        re.compile(
            r"\bwhere is\b|\bnot (?:yet )?(?:arrived|delivered)|hasn't arrived\b", re.IGNORECASE
        ),
    ),
    ("an explanation", re.compile(r"\bwhy\b|\bexplain\b", re.IGNORECASE)),
    ("a call back", re.compile(r"\bcall me\b|\bphone me\b|\bcall back\b", re.IGNORECASE)),
)


def customer_wants(conversation: ConversationView) -> list[str]:
    text = "\n".join(m.body for m in conversation.inbound()).replace("\u2019", "'")
    return [label for label, regex in _WANTS if regex.search(text)]


def wants_remedy(conversation: ConversationView, policy: Policy) -> bool:
    text = "\n".join(m.body for m in conversation.inbound()).replace("\u2019", "'")
    return any_match(compiled(policy).remedy, text) is not None
