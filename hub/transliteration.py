"""Latin transliterations of names in other scripts, shown beside the original.

Record names are shown in the script the sources attest them in; a reader who
cannot read that script gets a transliteration beside it (never instead of
it). Each script follows a published standard, through a maintained library:

- Chinese: Hanyu Pinyin without tone marks (``pypinyin``), ü kept as ü, the
  syllables of a word written together and each word capitalised, an
  apostrophe before a syllable starting with a, o or e inside a word (Xi'an):
  三一重工股份有限公司 → "Sanyi Zhonggong Gufen Youxian Gongsi".
  Chinese is written without spaces, so the word boundaries are a heuristic:
  a short list of common longer words, and otherwise two characters to a word,
  which is how most words of firm names are built. The readings come from
  pypinyin, which resolves many characters with several readings by context
  (重工 zhonggong, 银行 yinhang).
- Ukrainian: the national standard, Resolution No. 55 of the Cabinet of
  Ministers of Ukraine of 27 January 2010 (KMU 2010), through ``translitua``:
  Білоріченська → "Bilorichenska".
- Russian: the English Wikipedia romanisation (a modified BGN/PCGN system, the
  one English-language readers meet in the press), through ``iuliia``'s
  ``WIKIPEDIA`` schema: Белореченская → "Belorechenskaya".

``transliterate(text, language)`` returns "" when there is nothing to
transliterate (the text is already Latin), so that templates can skip it.
"""

import re
import unicodedata
from functools import lru_cache

# The CJK Unified Ideographs, their extension A and the compatibility block,
# then the supplementary-plane extensions.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
HAN_RUN = re.compile(f"[{_HAN}]+")
CYRILLIC = re.compile("[\u0400-\u04ff\u0500-\u052f]")
UKRAINIAN_ONLY_LETTERS = set("іїєґІЇЄҐ")

# Words of names that are not two characters long, longest first in matching.
# Everything else in a run of characters is cut into words of two.
CHINESE_WORDS = frozenset(
    {
        # Administrative and organisational words of three or more characters
        "委员会",
        "研究院",
        "研究所",
        "办事处",
        "分公司",
        "子公司",
        "代表处",
        "联合会",
        "基金会",
        "商会",
        # Place names of three or more characters
        "内蒙古",
        "黑龙江",
        "哈尔滨",
        "石家庄",
        "乌鲁木齐",
        "呼和浩特",
        "连云港",
        "张家口",
        "齐齐哈尔",
        "香港",
        "澳门",
    }
)
_LONGEST_WORD = max(len(word) for word in CHINESE_WORDS)

# Chinese punctuation that NFKC leaves alone, as Latin punctuation.
CHINESE_PUNCTUATION = str.maketrans(
    {"、": ", ", "。": ". ", "《": "«", "》": "»", "「": "“", "」": "”", "·": " ", "・": " "}
)


def is_latin(text):
    """True when every letter of `text` is a Latin letter (or there is none)."""
    return all(unicodedata.name(char, "").startswith("LATIN") for char in text if char.isalpha())


@lru_cache(maxsize=4096)
def transliterate(text, language=""):
    """The Latin transliteration of `text`, or "" when it is already Latin.

    `language` is the BCP 47 code of the name ("zh", "uk", "ru"): it picks the
    scheme for Cyrillic (Ukrainian and Russian spell the same letters
    differently). Without it, Cyrillic with і, ї, є or ґ is read as Ukrainian
    and any other Cyrillic as Russian. Chinese characters are always pinyin.
    """
    text = (text or "").strip()
    if not text or is_latin(text):
        return ""
    result = text
    if HAN_RUN.search(result):
        result = chinese_to_pinyin(result)
    if CYRILLIC.search(result):
        ukrainian = _is_ukrainian(result, language)
        result = ukrainian_kmu_2010(result) if ukrainian else russian_wikipedia(result)
    return result


def _is_ukrainian(text, language):
    code = (language or "").lower().split("-")[0]
    if code in ("uk", "ru"):
        return code == "uk"
    return any(char in UKRAINIAN_ONLY_LETTERS for char in text)


def ukrainian_kmu_2010(text):
    """Ukrainian Cyrillic by the KMU 2010 national standard (translitua)."""
    import translitua

    return translitua.translit(text, translitua.UkrainianKMU)


def russian_wikipedia(text):
    """Russian Cyrillic by the English Wikipedia romanisation (iuliia)."""
    import iuliia

    return iuliia.WIKIPEDIA.translate(text)


def chinese_to_pinyin(text):
    """Every run of Chinese characters in `text` as capitalised, tone-less pinyin words."""
    text = unicodedata.normalize("NFKC", text).translate(CHINESE_PUNCTUATION)
    pieces = []
    position = 0
    for match in HAN_RUN.finditer(text):
        pieces.append(text[position : match.start()])
        pieces.append(" " + " ".join(_pinyin_words(match.group())) + " ")
        position = match.end()
    pieces.append(text[position:])
    result = "".join(pieces)
    # No space inside brackets or quotes, none before punctuation, one between words.
    result = re.sub(r"([(\[«“])\s+", r"\1", result)
    result = re.sub(r"\s+([)\]»”,.;:!?])", r"\1", result)
    return re.sub(r"\s+", " ", result).strip()


def _pinyin_words(run):
    from pypinyin import Style, lazy_pinyin

    # One syllable per character; a character pypinyin does not know stays as it is.
    syllables = lazy_pinyin(run, style=Style.NORMAL, v_to_u=True, errors=lambda chars: list(chars))
    if len(syllables) != len(run):  # pragma: no cover - pypinyin keeps one per character
        return [" ".join(syllables)]
    words = []
    for start, end in _word_spans(run):
        word = ""
        for syllable in syllables[start:end]:
            if word and syllable[:1] in "aoe":
                word += "'"
            word += syllable
        words.append(word[:1].upper() + word[1:])
    return words


def _word_spans(run):
    """(start, end) of each word: listed words first, otherwise two characters at a time."""
    spans = []
    index = 0
    while index < len(run):
        for length in range(min(_LONGEST_WORD, len(run) - index), 1, -1):
            if run[index : index + length] in CHINESE_WORDS:
                break
        else:
            length = min(2, len(run) - index)
        spans.append((index, index + length))
        index += length
    return spans


def latin_names(record):
    """The Latin transliterations of `record`'s non-Latin names, one per line, for search.

    The record's model says which fields hold names, in which language
    (`NAME_LANGUAGES`); each line of a field (aliases hold one per line) is
    transliterated on its own, and each result is kept once.
    """
    return latin_forms(
        (getattr(record, field) or "", language)
        for field, language in record.NAME_LANGUAGES.items()
    )


def latin_forms(names):
    """latin_names of (text, language) pairs: a record's, or a row's about to be written."""
    forms = []
    for text, language in names:
        for line in text.splitlines():
            latin = transliterate(line, language)
            if latin and latin not in forms:
                forms.append(latin)
    return "\n".join(forms)
