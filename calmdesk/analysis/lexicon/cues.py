"""Calmdesk's hand-written cue lexicons for customer-service signals.

Each cue is a regular expression run on the folded (lower-cased) text, a
weight 0..1 (how sure the words alone make us) and a gate: the cue only runs
when one of its gate words is in the message, so calm messages cost a single
set intersection. Patterns are linear: no nested unbounded repeats; gaps are
bounded (`(?:\\s+\\S+){0,3}?`).

`own=True` (the default) means the cue is the customer's own statement and
is dropped when negated, quoted or reported ("your agent said I should
cancel"). Written from support-coaching knowledge, not fitted to any data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from calmdesk.analysis.lexicon import split_words


@dataclass(frozen=True, slots=True)
class Cue:
    pattern: re.Pattern[str]
    weight: float
    gate: frozenset[str]
    own: bool = True
    word_start: bool = False  # the match must start at a word boundary (checked by the caller)
    need: frozenset[str] = frozenset()  # if set, one of these words must be present too


def cue(pattern: str, weight: float, gate: str, *, own: bool = True, need: str = "") -> Cue:
    # A leading \b defeats the regex engine's first-character scan (about 5x
    # slower), so it is dropped here and checked on each match instead.
    word_start = pattern.startswith(r"\b")
    if word_start:
        pattern = pattern[2:]
    return Cue(
        re.compile(pattern),
        weight,
        frozenset(gate.split()),
        own,
        word_start,
        frozenset(need.split()),
    )


GAP = r"(?:\s+\S+){0,3}?"
OBJ = r"(?:account|subscription|membership|contract|plan|service|order|purchase|policy|booking|card|package|deal)s?"
CANCEL = "cancel canceling cancelling cancellation cancelation cancels cancelled canceled"

CUES: dict[str, tuple[Cue, ...]] = {
    "churn_threat": (
        cue(
            rf"\b(?:cancel(?:l?ing|s)?|cancell?ation)(?:\s+(?:of\s+)?(?:my|the|our|this|that|all|your|these|those|me|an?)){{0,2}}(?:\s+(?:\w+\s+)?{OBJ})?\b",
            0.7,
            CANCEL,
        ),
        cue(
            rf"\b(?:i|we)(?:'ve|\s+have|\s+just|\s+already)?\s+cancell?ed(?:\s+(?:my|our|the|this))?(?:\s+{OBJ})?\b",
            0.7,
            CANCEL,
        ),
        cue(
            r"\b(?:close|delete|terminate|deactivate|remove|end|shut\s+down)\s+(?:my|our|the|this)\s+(?:\w+\s+)?(?:account|subscription|membership|contract|profile)s?\b",
            0.85,
            "close delete terminate deactivate remove end shut",
            need="account subscription membership contract profile accounts subscriptions memberships contracts profiles",
        ),
        cue(
            r"\b(?:switch(?:ing)?|mov(?:e|ing)|go(?:ing)?|chang(?:e|ing)|jump(?:ing)?\s+ship)\s+(?:over\s+)?to\s+(?:a\s+|an\s+|your\s+)?(?:competitors?|competition|another\s+\w+|(?:a\s+)?different\s+\w+|someone\s+else)\b",
            0.8,
            "competitor competitors competition another different else",
            need="switch switching move moving go going change changing ship",
        ),
        cue(
            r"\b(?:take|taking)\s+my\s+(?:business|money|custom)\s+(?:elsewhere|somewhere\s+else)\b",
            0.9,
            "elsewhere somewhere",
            need="elsewhere else",
        ),
        cue(
            r"\b(?:go(?:ing)?|shop(?:ping)?|look(?:ing)?|buy(?:ing)?)\s+(?:\w+\s+)?(?:elsewhere|somewhere\s+else)\b",
            0.7,
            "elsewhere somewhere",
            need="elsewhere else",
        ),
        cue(
            rf"\b(?:never|won't|wont|will\s+not|not\s+going\s+to|not\s+gonna)\s+(?:be\s+)?(?:buy|order|shop|use|fly|come|return|renew|do\s+business|recommend|deal)\w*{GAP}\s+(?:again|anymore|any\s+more)\b",
            0.85,
            "again anymore",
            own=False,
        ),
        cue(
            r"\b(?:not|won't|wont|will\s+not|never)\s+(?:be\s+)?renew(?:ing|ed)?\b",
            0.8,
            "renew renewing renewed",
            own=False,
        ),
        cue(
            r"\bno\s+longer\s+(?:be\s+)?(?:a\s+)?(?:customer|use|using|need|want|shop|order|buy)\w*\b",
            0.7,
            "longer",
            need="no",
            own=False,
        ),
        cue(
            r"\b(?:lost|losing|lose)\s+(?:a|another|one|me\s+as\s+a|this)\s+(?:(?:loyal|long[\s-]time|good)\s+)?customer\b",
            0.85,
            "customer",
        ),
        cue(
            r"\b(?:i'm|i\s+am|we're|we\s+are)\s+(?:so\s+|completely\s+|totally\s+)?done\s+with\s+(?:you|your|this)\b",
            0.7,
            "done",
            need="with",
        ),
        cue(
            r"\bleav(?:e|ing)\s+(?:you|your\s+(?:company|service|bank|business)|this\s+(?:company|service|bank|business))\b",
            0.75,
            "leave leaving",
            need="you your this",
        ),
        cue(r"\bport(?:ing)?\s+(?:my|our)\s+numbers?\b", 0.8, "port porting"),
        cue(r"\b(?:get|want|getting)\s+out\s+of\s+(?:my|this|the)\s+contract\b", 0.8, "contract"),
    ),
    "review_threat": (
        cue(
            r"\b(?:one|1|zero|0|no|a\s+single)[\s-]*stars?\b",
            0.8,
            "star stars single",
            need="one 1 zero 0 no single",
        ),
        cue(
            r"\b(?:bad|terrible|negative|horrible|awful|scathing|honest|poor|damning|nasty)\s+(?:\w+\s+)?(?:reviews?|ratings?|feedback)\b",
            0.8,
            "review reviews rating ratings feedback",
        ),
        cue(
            r"\b(?:leave|leaving|write|writing|post|posting|put|putting|give|giving|submit|submitting)\s+(?:you\s+)?(?:a|an|my|this|the)?\s*(?:\w+\s+)?reviews?\b",
            0.35,
            "review reviews",
        ),
        cue(
            r"\b(?:post|posting|put|putting|share|sharing|tweet|tweeting|blast|blasting|write|writing|spread|spreading|tell|telling)\w*(?:\s+\S+){0,4}?\s+(?:on|all\s+over|to|across|in)\s+(?:\w+\s+)?(?:social\s+media|twitter|facebook|instagram|tiktok|reddit|yelp|google|trustpilot|youtube|linkedin|the\s+internet|my\s+(?:blog|channel|followers))\b",
            0.8,
            "social twitter facebook instagram tiktok reddit yelp google trustpilot youtube linkedin internet blog channel followers",
            need="post posting put putting share sharing tweet tweeting blast blasting write writing spread spreading tell telling",
        ),
        cue(
            r"\b(?:post|posting|put|putting|share|sharing|spread|spreading|plaster|plastering)\w*(?:\s+\S+){0,3}?\s+(?:everywhere|online)\b",
            0.75,
            "everywhere online",
        ),
        cue(
            r"\btell(?:ing)?\s+(?:every(?:one|body)(?:\s+i\s+know)?|all\s+my\s+(?:friends|family|followers|contacts|colleagues)|the\s+(?:world|whole\s+world)|my\s+(?:friends|followers))\b",
            0.75,
            "everyone everybody all world friends followers",
            need="tell telling",
        ),
        cue(
            r"\b(?:go(?:ing)?\s+to|contact(?:ing)?|call(?:ing)?|tell(?:ing)?)\s+(?:the\s+)?(?:press|media|news(?:paper)?s?|journalists?|reporters?)\b",
            0.85,
            "press media news newspaper newspapers journalist journalists reporter reporters",
            need="go going contact contacting call calling tell telling",
        ),
        cue(r"\bgo(?:ing)?\s+public\b", 0.8, "public"),
        cue(
            r"\bwarn(?:ing)?\s+(?:other|others|everyone|people|potential|future)\b",
            0.7,
            "warn warning",
            need="other others everyone people potential future",
        ),
        cue(r"\b(?:better\s+business\s+bureau|bbb)\b", 0.6, "bbb bureau"),
        cue(r"\bgo(?:es|ing)?\s+viral\b", 0.7, "viral"),
    ),
    "legal_threat": (
        cue(
            r"\b(?:sue|suing|lawsuit|class[\s-]+action|litigation|legal\s+(?:action|proceedings|steps)|take\s+(?:you|this|them|it|your\s+\w+)\s+to\s+court|small[\s-]+claims(?:\s+court)?|see\s+you\s+in\s+court)\b",
            0.9,
            "sue suing lawsuit class litigation legal court claims",
            need="sue suing lawsuit action litigation proceedings steps court claims",
        ),
        cue(
            r"\b(?:my\s+|a\s+|our\s+)?(?:lawyers?|attorneys?|solicitors?|legal\s+(?:team|counsel|advice|department|representative))\b",
            0.75,
            "lawyer lawyers attorney attorneys solicitor solicitors legal",
        ),
        cue(
            r"\b(?:ombudsman|regulators?|ftc|fcc|cfpb|ofcom|ofgem|attorney\s+general|trading\s+standards|consumer\s+(?:protection|rights|affairs|council|authority|ombudsman))\b",
            0.8,
            "ombudsman regulator regulators ftc fcc cfpb ofcom ofgem attorney trading consumer",
        ),
        cue(
            r"\breport\w*\s+(?:you|this|it|your\s+\w+)\s+to\s+(?:the\s+)?(?:authorities|police|regulator|government)\b",
            0.8,
            "authorities police regulator government",
        ),
        cue(
            r"\b(?:breach\s+of\s+contract|my\s+(?:legal|consumer|statutory)\s+rights|illegal|unlawful)\b",
            0.45,
            "breach rights illegal unlawful",
            need="breach legal consumer statutory illegal unlawful",
        ),
    ),
    "chargeback_threat": (
        cue(r"\bcharge[\s-]?backs?\b", 0.95, "chargeback chargebacks charge"),
        cue(
            r"\b(?:dispute|disputing|reverse|reversing|contest|contesting)\s+(?:the|this|that|these|those|my|a|all)?\s*(?:\w+\s+)?(?:charges?|payments?|transactions?|debits?)\b",
            0.85,
            "dispute disputing reverse reversing contest contesting",
        ),
        cue(
            r"\b(?:call|calling|contact|contacting|talk(?:ing)?\s+to|go(?:ing)?\s+to|tell(?:ing)?)\s+(?:my|the)\s+(?:bank|credit\s+card\s+(?:company|provider|issuer)|card\s+(?:company|issuer|provider))\b",
            0.75,
            "bank card",
            need="call calling contact contacting talk talking go going tell telling",
        ),
        cue(
            r"\b(?:file|filing|open|opening|raise|raising)\s+(?:a\s+)?(?:dispute|claim)\s+(?:with|through)\s+(?:my\s+|the\s+)?(?:bank|card|credit\s+card|paypal|visa|mastercard|amex)\b",
            0.9,
            "dispute claim",
        ),
        cue(r"\bpaypal\s+(?:dispute|claim)\b", 0.9, "paypal"),
        cue(r"\b(?:stop|cancel)\s+(?:the\s+)?payment\b", 0.55, "payment"),
    ),
    "escalation_request": (
        cue(
            r"\b(?:speak|talk|chat|get|want|need|demand|put\s+me\s+through|transfer\s+me|connect\s+me|let\s+me|give\s+me|see|request|escalate|bring)\w*(?:\s+\S+){0,4}?\s+(?:a\s+|the\s+|your\s+|an\s+)?(?:manager|supervisor|superior|boss|team\s+lead(?:er)?|higher[\s-]+ups?|someone\s+(?:more\s+)?(?:senior|higher|in\s+charge)|somebody\s+(?:senior|in\s+charge)|head\s+of\s+\w+|ceo|complaints?\s+department)\b",
            0.85,
            "manager supervisor superior boss lead leader higher someone somebody head ceo complaints complaint",
            need="speak talk chat get want need demand put transfer connect let give see request escalate bring",
        ),
        cue(r"\bescalat(?:e|ed|ing|ion)\b", 0.7, "escalate escalated escalating escalation"),
        cue(
            r"\b(?:speak|talk|chat|get|want|need|connect\s+me|transfer\s+me|put\s+me\s+through|reach|contact)\w*(?:\s+\S+){0,3}?\s+(?:to|with|through\s+to)\s+(?:a\s+|an\s+|some\s+)?(?:real\s+|live\s+|actual\s+)?(?:human|person|agent|representative|rep|operator|somebody|someone|customer\s+service|support\s+agent)\b",
            0.6,
            "human person agent representative rep operator somebody someone service",
            need="speak talk chat get want need connect transfer put reach contact",
        ),
        cue(
            r"\b(?:real|live|actual)\s+(?:human|person|people|agent)\b|\bhuman\s+(?:agent|being|operator|representative|support)\b",
            0.6,
            "human person people agent",
            need="real live actual human",
        ),
    ),
    "repeat_contact": (
        cue(
            r"\b(?:third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|umpteenth|nth|\d+(?:rd|th))\s+(?:time|attempt|call|email|message|request|letter|chat)\b",
            0.9,
            "third fourth fifth sixth seventh eighth ninth tenth umpteenth nth rd th",
            need="time attempt call email message request letter chat",
        ),
        cue(
            r"\bsecond\s+(?:time|attempt|call|email|message|request)\b",
            0.7,
            "second",
            need="time attempt call email message request",
        ),
        cue(
            r"\b(?:called|phoned|emailed|written|wrote|contacted|asked|messaged|chatted|tried|explained|told|complained|rang|requested|reported|been\s+on\s+the\s+phone)(?:\s+\S+){0,4}?\s+(?:two|three|four|five|six|seven|eight|nine|ten|twenty|\d+|several|multiple|many|numerous|countless|so\s+many|dozens\s+of|a\s+dozen)\s+times\b",
            0.85,
            "times",
            need="two three four five six seven eight nine ten twenty 2 3 4 5 6 7 8 9 10 12 15 20 several multiple many numerous countless so dozens dozen",
        ),
        cue(
            r"\bstill\s+(?:waiting|haven't|hasn't|have\s+not|has\s+not|not|no|nothing|didn't|don't|isn't|doesn't|can't|unresolved|broken|missing|nobody|no\s+one)\b",
            0.7,
            "still",
            need="waiting haven't hasn't have has not no nothing didn't don't isn't doesn't can't unresolved broken missing nobody one",
        ),
        cue(r"\b(?:yet|once)\s+again\b", 0.6, "again"),
        cue(
            r"\b(?:writing|calling|contacting|asking|emailing|messaging|chasing|complaining|explaining|reporting)\s+(?:you\s+|this\s+|about\s+this\s+)?again\b",
            0.7,
            "again",
        ),
        cue(
            r"\balready\s+(?:called|phoned|emailed|written|wrote|contacted|told|explained|asked|sent|complained|spoke|talked|reported|raised|submitted|provided|given)\b",
            0.7,
            "already",
            need="called phoned emailed written wrote contacted told explained asked sent complained spoke talked reported raised submitted provided given",
        ),
        cue(
            r"\b(?:how\s+many\s+(?:more\s+)?times|every\s+single\s+time|keep\s+(?:calling|asking|writing|emailing|chasing|getting\s+told|being\s+told|having\s+to))\b",
            0.6,
            "times keep",
            need="many single calling asking writing emailing chasing getting being having",
        ),
        cue(
            r"\bwait(?:ed|ing)?\s+(?:for\s+)?(?:over\s+|more\s+than\s+|almost\s+|nearly\s+)?(?:(?:\d+|two|three|four|five|six|several|a\s+few|many)\s+(?:days|weeks|months|hours)|weeks|months|ages|forever)\b",
            0.55,
            "wait waited waiting",
            need="days weeks months hours ages forever",
        ),
        cue(
            r"\bas\s+i\s+(?:said|mentioned|explained|told\s+you|wrote)\s+(?:before|earlier|previously|already|last\s+time)\b",
            0.6,
            "said mentioned explained told wrote",
            need="as",
            own=False,
        ),
    ),
    "urgency": (
        cue(
            r"\b(?:asap|urgent(?:ly)?|immediately|right\s+(?:now|away)|at\s+once|as\s+soon\s+as\s+possible|emergency|time[\s-]sensitive|without\s+(?:further\s+)?delay)\b",
            0.8,
            "asap urgent urgently immediately right once soon emergency sensitive delay",
            need="asap urgent urgently immediately now away at possible emergency time without",
        ),
        cue(
            r"\b(?:by|before|until)\s+(?:today|tonight|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(?:day|week)|eod|noon|\d{1,2}\s*(?:am|pm)|\d{1,2}:\d\d)\b",
            0.6,
            "today tonight tomorrow monday tuesday wednesday thursday friday saturday sunday end eod noon am pm",
            need="by before until",
        ),
        cue(
            r"\b(?:within|in\s+the\s+next)\s+(?:\d+|one|two|three|an?)\s+(?:hours?|minutes?|mins?|days?)\b",
            0.55,
            "hour hours minute minutes mins min day days",
            need="within next",
        ),
        cue(
            r"\b(?:need|want|must\s+have|require|expect)\s+(?:it|this|them|a\s+\w+|the\s+\w+|my\s+\w+)?\s*(?:\w+\s+)?(?:today|tonight|now|tomorrow)\b",
            0.6,
            "today tonight now tomorrow",
            need="need want must require expect",
        ),
        cue(r"\b(?:deadline|last\s+chance)\b", 0.5, "deadline chance", need="deadline last"),
        cue(r"\bnow\s*!", 0.6, "now", need="!"),
    ),
    "threat_of_harm": (
        cue(
            r"\b(?:kill|hurt|harm|punch|beat\s+up|beat|stab|shoot|strangle|smack|slap|choke|attack|murder|assault|break|smash)\s+(?:you|him|her|them|someone|somebody|everyone|every\s+one\s+of\s+you|you\s+all|your\s+(?:\w+\s+)?(?:staff|agents?|manager|boss|employees?|people|workers|face|family|kids))\b",
            1.0,
            "kill hurt harm punch beat stab shoot strangle smack slap choke attack murder assault break smash",
            need="you him her them someone somebody everyone every all your",
        ),
        cue(
            r"\b(?:burn|blow\s+up|bomb|smash|torch|trash|wreck|shoot\s+up)\s+(?:down\s+)?(?:your|the|this|that)\s+(?:\w+\s+)?(?:store|shop|office|building|place|headquarters|hq|branch|warehouse|house)(?:\s+down)?\b",
            1.0,
            "burn blow bomb smash torch trash wreck shoot",
        ),
        cue(
            r"\b(?:i\s+know|i'll\s+find|i\s+will\s+find|find\s+out)\s+where\s+(?:you|your\s+\w+)\s+(?:live|lives|work|works|sleep)\b",
            1.0,
            "where",
            need="live lives work works sleep",
        ),
        cue(
            r"\b(?:watch\s+your\s+back|you(?:'ll|\s+will)\s+(?:regret|pay\s+for)\s+(?:this|it)|you(?:'re|\s+are)\s+(?:dead|going\s+to\s+(?:die|pay))|you\s+(?:had\s+)?better\s+watch\s+out|i'll\s+make\s+you\s+pay|i\s+will\s+make\s+you\s+pay)\b",
            0.8,
            "back regret pay dead die watch",
            need="you your",
        ),
        cue(
            r"\b(?:hope|wish)\s+(?:you|your\s+\w+)\s+(?:all\s+)?(?:die|dies|get\s+hurt|gets\s+hurt|burn|rot|suffer|get\s+cancer)\b|\bgo\s+(?:and\s+)?die\b|\bkys\b",
            0.9,
            "die dies hurt burn rot suffer cancer kys",
            need="hope wish go kys",
        ),
    ),
    "sarcasm": (
        cue(r"\b(?:yeah|ya|yea)\s*,?\s*right\b", 0.7, "yeah ya yea", need="right", own=False),
        cue(
            r"\bthanks?\s+(?:you\s+)?(?:so\s+much\s+|a\s+lot\s+)?for\s+nothing\b",
            0.9,
            "nothing",
            need="thanks thank",
            own=False,
        ),
        cue(
            r"\b(?:oh|ah|wow|gee)\s*,?\s+(?:great|wonderful|fantastic|perfect|brilliant|lovely|joy|marvel+ous|super|how\s+(?:nice|lovely|great|wonderful|convenient))\b",
            0.6,
            "oh ah wow gee",
            need="great wonderful fantastic perfect brilliant lovely joy marvelous marvellous super how",
            own=False,
        ),
        cue(r"(?:^|\s)/s\b", 0.9, "s", need="/", own=False),
        cue(
            r"\bwhat\s+a\s+(?:surprise|shock|shocker)\b|\bsurprise,?\s+surprise\b",
            0.6,
            "surprise shock shocker",
            need="what surprise",
            own=False,
        ),
        cue(
            r"\b(?:thanks|thank\s+you)\s+(?:so\s+much\s+)?for\s+(?:wasting|ruining|losing|nothing|making\s+my\s+day\s+worse|the\s+runaround|ignoring)\b",
            0.8,
            "wasting ruining losing nothing worse runaround ignoring",
            own=False,
        ),
        cue(
            r"\b(?:great|good|nice|fantastic|brilliant|amazing|excellent|stellar|awesome)\s+(?:job|work|service|customer\s+service|going)\b[^.!?\n]{0,40}?\b(?:los(?:t|ing)|late|again|never|broke(?:n)?|wrong|ignor(?:ed|ing)|wasting|waiting|still|twice|charging|charged)\b",
            0.6,
            "job work service going",
            need="great good nice fantastic brilliant amazing excellent stellar awesome",
            own=False,
        ),
        cue(
            r'"(?:help|helpful|support|service|customer\s+service|fast|free|express|quick|priority|premium|guaranteed?|expert|experts|specialist|team)"',
            0.6,
            "help helpful support service fast free express quick priority premium guarantee guaranteed expert experts specialist team",
            own=False,
            need='"',
        ),
    ),
    "complaint": (
        cue(
            r"\b(?:complain|complaining|complaint|complaints)\b",
            0.6,
            "complain complaining complaint complaints",
        ),
        cue(
            r"\b(?:unacceptable|outrageous|disgraceful|ridiculous|appalling|shocking)\b",
            0.5,
            "unacceptable outrageous disgraceful ridiculous appalling shocking",
            own=False,
        ),
    ),
}

# Single words, checked with a set lookup; the target rules are in signals.py.
PROFANITY = {
    **dict.fromkeys(
        split_words("""fuck fucking fucked fucker fuckers fucks fuckin fuckup fuckery motherfucker motherfuckers
        motherfucking shit shitty shits shitting bullshit horseshit shithole shitshow cunt cunts twat
        twats wanker wankers asshole assholes arsehole arseholes bitch bitches bitching dickhead
        dickheads wtf stfu omfg ffs fck fk fking fcking fuk fukin effing scumbag"""),
        0.9,
    ),
    **dict.fromkeys(
        split_words("""damn damned dammit goddamn goddamned crap crappy hell bloody piss pissed pissing ass
        arse bastard bastards douche douchebag prick pricks jackass dumbass"""),
        0.45,
    ),
}
MASKED_PROFANITY_RE = re.compile(
    r"\b(?:f[*@#$]+c?k\w*|f[*]+\w*|sh[*!1]+t\w*|a[*$]{2}\w*|b[*]+tch\w*)", re.IGNORECASE
)
INSULTS = {
    **dict.fromkeys(
        split_words("""idiot idiots idiotic moron morons moronic imbecile imbeciles cretin cretins retard
        retarded retards dimwit dimwits halfwit halfwits clown clowns muppet muppets loser losers
        scum scumbags liar liars thief thieves crook crooks scammer scammers scammy fraudster
        fraudsters criminals cowards coward parasite parasites pig pigs"""),
        0.8,
    ),
    **dict.fromkeys(
        split_words("""stupid dumb incompetent useless pathetic clueless brainless worthless garbage trash
        ignorant inept hopeless disgrace joke jokes amateurs amateur cowboys lying fools fool
        scam fraud ripoff thieving crooked shameless disgusting"""),
        0.6,
    ),
}
# Words an insult can be aimed at (staff or company).
INSULT_TARGETS = frozenset(
    split_words("""you your you're youre ur u yall y'all company staff agent agents employee employees
    people team support service rep reps representative representatives store business
    management manager managers guys firm bank airline shop department""")
)
# Insults that accuse the company even without "you" ("what a scam").
ACCUSATIONS = frozenset(
    split_words(
        "scam scammers scammy fraud fraudsters ripoff thieves crooks liars thieving crooked criminals"
    )
)
ABUSE_GATE = frozenset(PROFANITY) | frozenset(INSULTS)
