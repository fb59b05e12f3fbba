"""Cheap language detection: can the English rules read this text?

Looks at the first 2,000 characters only. Tells apart: empty text; text
with no words (only emoji, links, numbers or symbols); non-Latin scripts;
and, among Latin-script texts, English from a few common European languages
by their stop words. When in doubt between English and nothing, it says
English with lower confidence: the point is to refuse what the rules cannot
read, not to label every tweet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SAMPLE = 2000
URL_RE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|@\w+")
LETTER_RE = re.compile(r"[^\W\d_]")
LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
WORD_RE = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")

STOPWORDS = {
    "en": """the a an and or but is are was were be been am i you he she it we they my your
    our their this that these those to of in on at for with from by not no do does did have has
    had will would can could should me him her them what when where why how all any if so than
    just very there here please thanks thank can't don't i'm it's""",
    "es": """el la los las un una y o pero es son fue era está están de del en con por para
    que no se su sus mi mis yo tu él ella nosotros muy como pero más también gracias porque
    cuando donde hola esto esta este""",
    "fr": """le la les un une et ou mais est sont était de des du en dans avec pour par que
    qui ne pas se sa son ses mon ma mes je tu il elle nous vous ils très comme plus aussi
    merci parce quand où bonjour ce cette c'est j'ai""",
    "de": """der die das ein eine und oder aber ist sind war von zu mit für auf nicht sich
    sein ihr mein meine ich du er sie wir sehr wie mehr auch danke weil wenn wo hallo dieser
    diese dem den des bitte""",
    "pt": """o a os as um uma e ou mas é são foi era de do da dos das em no na com por para
    que não se seu sua meu minha eu você ele ela nós muito como mais também obrigado obrigada
    porque quando onde olá isso este esta""",
    "it": """il lo la i gli le un una e o ma è sono era di del della in con per che non si
    suo sua mio mia io tu lui lei noi molto come più anche grazie perché quando dove ciao
    questo questa""",
    "nl": """de het een en of maar is zijn was van te met voor op niet zich mijn ik jij hij
    zij wij heel hoe meer ook dank bedankt omdat wanneer waar hallo deze dit""",
}
STOP = {lang: frozenset(words.split()) for lang, words in STOPWORDS.items()}
NAMES = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "pt": "Portuguese",
    "it": "Italian",
    "nl": "Dutch",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
    "ar": "Arabic",
    "he": "Hebrew",
    "el": "Greek",
    "th": "Thai",
    "hi": "Hindi",
}
SCRIPTS = (  # (language or "und", script name, pattern)
    ("ja", "Japanese", re.compile(r"[\u3040-\u30ff]")),
    ("ko", "Korean", re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")),
    ("zh", "Chinese", re.compile(r"[\u4e00-\u9fff]")),
    ("ar", "Arabic", re.compile(r"[\u0600-\u06ff]")),
    ("he", "Hebrew", re.compile(r"[\u0590-\u05ff]")),
    ("el", "Greek", re.compile(r"[\u0370-\u03ff]")),
    ("th", "Thai", re.compile(r"[\u0e00-\u0e7f]")),
    ("hi", "Devanagari", re.compile(r"[\u0900-\u097f]")),
    ("und", "Cyrillic", re.compile(r"[\u0400-\u04ff]")),
)


@dataclass(frozen=True, slots=True)
class Language:
    code: str  # ISO 639-1 ("en", "es", ...) or "und" (undetermined)
    confidence: float  # how sure we are of `code`, 0..1
    readable: bool  # can the English rules judge this text?
    reason: str = ""  # why not, in one sentence, when not readable


ENGLISH = Language("en", 0.95, True)


def detect(text: str, words: frozenset[str] | None = None) -> Language:
    """Which language `text` is in, and whether the English rules can read it.

    `words` may pass the lower-cased word set of `text` (Doc.words): text
    with three or more English stop words is English without further work.
    """
    if words is not None and len(words & STOP["en"]) >= 3:  # plainly English: the common case
        return ENGLISH
    sample = text[:SAMPLE]
    if not sample.strip():
        return Language("und", 0.0, False, "Empty message: nothing to judge.")
    linky = "/" in sample or "@" in sample or "www" in sample
    stripped = URL_RE.sub(" ", sample) if linky else sample
    if stripped.isascii():
        if not WORD_RE.search(stripped):
            return Language(
                "und", 0.0, False, "No words to read (only emoji, links, numbers or symbols)."
            )
    else:
        letters = LETTER_RE.findall(stripped)
        if not letters:
            return Language(
                "und", 0.0, False, "No words to read (only emoji, links, numbers or symbols)."
            )
        n_letters = len(letters)
        latin = len(LATIN_RE.findall(stripped))
        if latin < n_letters * 0.5:
            for code, script, pattern in SCRIPTS:
                if len(pattern.findall(stripped)) >= (n_letters - latin) * 0.3:
                    return Language(
                        code,
                        0.8 if code != "und" else 0.3,
                        False,
                        f"Written in {script} script: the rules read English only.",
                    )
            return Language(
                "und", 0.3, False, "Not written in the Latin alphabet: the rules read English only."
            )
    tokens = WORD_RE.findall(stripped.lower().replace("\u2019", "'"))
    if not tokens:
        return Language(
            "und", 0.0, False, "No words to read (only emoji, links, numbers or symbols)."
        )
    return _by_stopwords(frozenset(tokens), len(tokens))


def _by_stopwords(words: frozenset[str], n: int) -> Language:
    if not words:
        return Language(
            "und", 0.0, False, "No words to read (only emoji, links, numbers or symbols)."
        )
    en = len(words & STOP["en"])
    if en >= 3:
        return Language("en", 0.95, True)
    other, best = max(
        ((lang, len(words & stop)) for lang, stop in STOP.items() if lang != "en"),
        key=lambda kv: kv[1],
    )
    if best >= 2 and best > en * 1.5 and best >= 0.15 * n:
        return Language(
            other,
            min(0.95, 0.5 + best / n),
            False,
            f"Looks like {NAMES[other]}: the rules read English only.",
        )
    if en == 0 and n >= 6 and best >= 1:  # another language's glue words, no English
        return Language(
            "und", 0.3, False, "Could not tell the language: the rules read English only."
        )
    confidence = 0.95 if en >= 2 or en >= 0.2 * n else 0.75 if en else 0.6
    return Language("en", confidence, True)
