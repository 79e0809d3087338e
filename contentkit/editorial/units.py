"""Self-contained units: what a format may show on its own.

* A sentence that opens with an anaphor (他们, 这, They, This...) is carried with the sentence
  before it; with nothing before it, it is marked not standalone.
* So is one that leans back past its first word: a pointer inside it (为此, 也不例外), a verb+了
  with its subject left out, a time word before a pronoun, an echo question (你觉得呢？, Why?),
  "For example," / "All this", a pronoun after a short time frame or a "this" after a clause.
* A sentence that opens with a droppable connective (但是，/ However, / Also, / In fact,) is
  rewritten without it.
* Signposts ("让我们来看看它。"), wordless sentences ("😮") and sentences wholly in brackets are
  never shown alone, and nothing is carried onto them.
* An announcement ("当年的一级庄只有四家：", "try three things:") travels with every item of
  the list or table that follows, compressed into one line when the items are short.
* A table becomes facts: one statement per row.
"""

from __future__ import annotations

import re
from dataclasses import replace

from contentkit.editorial.data import patterns, words
from contentkit.story import Callout, Code, ListBlock, ListItem, Paragraph, Quote, Section, Table, Unit
from contentkit.text import capitalised, cjk_count, is_cjk_text, join_sentences, lead_symbols, split_sentences

CARRY_MAX = {True: 110, False: 55}   # CJK characters / English words of a carried unit
SHORT_ITEM = {True: 24, False: 10}


def _n(text: str, cjk: bool) -> int:
    return cjk_count(text) if cjk else len(text.split())


_PRONOUN_AFTER_FRAME = re.compile(
    r"^[^，,。！？!?]{1,18}[，,]\s*(他们|她们|它们|他們|她們|它們|他|她|它|這些|这些|这|這|they|he|she|it|this|these)(?![A-Za-z乡鄉])"
    # "In the developer world, that’s a lifetime of…": that is what?
    r"|^(?:in|on|at|for|to|from|with|by)\s[^,.;:!?]{1,40},\s*(?:that|those)(?:['’]s|\s+(?:is|was|are|were|means|meant))\b", re.I)
# a pointer right after the word that opens a condition or a frame: "如果這 6 小時的營收無法…" (which
# six hours?), "在这种情况下", "对这些人来说" (not "那麼", "这么": so)
_ZH_FRAMED_POINTER = re.compile(r"^(?:如果|假如|要是|若是|若|當|当|在|因為|因为|由於|由于|對於|对于|對|对|把|從|从|"
                                r"為了|为了|經過|经过|透過|通过)(?:這|这|那|此)(?![麼么])")
# English: a pronoun as the subject after a subordinate clause ("If you run Assist already,
# this will be a big upgrade"), or after a short time frame with no comma ("For many decades
# they continued to hate tea").
_EN_PRONOUN_AFTER_CLAUSE = re.compile(
    r"^(?:if|when|while|although|though|because|since|as|once|after|before|until|unless|depending on|given|"
    r"based on|according to|in (?:that|this) case|with)\b[^.;:!?]{0,100},\s*"
    r"(?:this|these|that)\b", re.I)  # not "they": "When the Romans came, they planted vines"
_EN_THEY_AFTER_CLAUSE = re.compile(
    r"^(?:if|when|while|although|though|because|since|as|once|after|before|until|unless)\b([^.;:!?]{0,100}),\s*they\b", re.I)
# a plural in the clause that "they" can name: "When the Romans came", "once the guests left"
_EN_PLURAL = re.compile(r"\b(?:the|these|those|many|some|our|their|your|my|all|most|both|two|three|four|several|few|other)"
                        r"\s+(?:[\w'-]+\s+){0,2}[a-z'-]*[^s\W]s\b(?!\s+(?:down|up|out|in|back|to|from|with|on|off|a|an|the)\b)|\b[A-Z][a-z]+[^s\W]s\b|\b(?:people|children|men|women|folks|kids)\b")
_EN_PRONOUN_AFTER_TIME = re.compile(
    r"^(?:for|in|after|during|over|within|by|since|until|at)\s+(?:\S+\s+){0,4}?(?:they|he|she)\b", re.I)
# English openers of more than one word: leaning back (an example of what? as a result of
# what?) or droppable ("In fact, X" -> "X").
_EN_MULTI_LEAN = re.compile(r"^(?:for example|for instance|in other words|as a result|that said|on the other "
                            r"hand|in that case|in this case|to do so|to do this|even so|because of this|all (?:of )?(?:this|these|that|those)|"
                            r"the (?:latter|former|rest|others|other one)|"
                            # "One such Chinese monk brought back the seeds…": such as which?
                            r"(?:one|two|three|many|several|some|other|each|every|all|another|any) such|"
                            # "The chart below shows…", "Below is a screenshot…": a picture the post shows
                            r"(?:the |this |these )?(?:image|picture|photo|chart|figure|diagram|table|screenshot|graph|"
                            r"illustration)s? (?:below|above)|(?:below|above) (?:is|are|you can see)|as (?:shown|seen) (?:below|above)|"
                            # "Not only on our machines.": the rest of the sentence before, with no "but" of its own
                            r"not (?:only|just)\b(?![^.!?]*\bbut\b))", re.I)
_EN_MULTI_DROP = re.compile(r"^(?:(?:as (?:i )?mentioned(?: before| above| earlier)?|as noted(?: above)?|in fact|of course|in addition|above all|after all|in short|at the same time|"
                            r"most importantly|more importantly|best of all|first of all|on top of that),\s+"
                            # a spoken "OK but now…", "Okay, so…": the talk's turn, not the point
                            r"|(?:ok|okay|alright|all right|right|well)[,!.]?\s+(?:but|so|now|then)\b[,]?\s*)", re.I)


# a thing named by pointing back, inside the sentence: "The baseline data is in that status
# field", "all of that data", "The browsers in question are…" (not "features that are…": a
# "that" after a preposition is a pointer, after a noun it opens a clause)
_EN_INNER_POINTER = re.compile(r"\b(?:in|of|on|at|from|with|into|inside|within|by|about|under|onto|through)\s+"
                               r"(?:all\s+)?(?:that|those)\s+(?!(?:days?|is|was|are|were|way|yet|too|either|now|again|anymore|though|later|before|much|many|"
                               r"far|and|or|but|to|in|on|of|for|as|with|at|by|it|this|the|a|an)\b)[a-z]"
                               r"|\b[a-z]+s?\s+in\s+question\b"
                               # "…often forget this when debugging.": "this" standing for what was said
                               r"|(?<!like)(?<!as)\s+this(?=\s*[.!?,;]|\s+(?:when|because|if|until|before|after|while|since|but|so|again|anymore)\b)"
                               # "Any of these can affect a stock price.": which?
                               r"|^(?:any|all|each|some|none|both|many|most|either|neither|one|few|several)\s+of\s+(?:these|those|them)\b"
                               # "The --force option allows this to work", "I saved this to a Gist"
                               r"|(?<=\w)\s+this\s+(?:to|is|was|will|would|can|could|works?|worked|means|meant)\b", re.I)
# "The initiative is being driven by…" after "…Baseline, a new initiative to help…": a noun
# brought in with "a" and then named with "the" is the same thing, which a card shown alone
# does not name
_EN_THE_NOUN = re.compile(r"^[\"“]?The\s+(?:(?:new|same|whole|main|key|entire)\s+)?([a-z][a-z-]{3,})\b")


def introduced(sentence: str, before: str) -> bool:
    """Whether an English sentence opens on "The <noun>" that the text just before it brought
    in as "a/an (…) <noun>"."""
    m = _EN_THE_NOUN.match(sentence.strip())
    if not m or not before:
        return False
    noun = re.escape(m.group(1))
    return bool(re.search(rf"\b(?:a|an)\s+(?:[\w-]+\s+){{0,2}}{noun}\b", before, re.I))


# how a procedure's steps are numbered in a Chinese unit (past ⑩ a recipe's "11.出锅" ran on
# from step 10: "…翻炒 40 秒11.出锅"); the bundled Noto CJK fonts draw all twenty
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def step_lines(text: str) -> str:
    """A procedure's steps ("①打蛋到碗里②打开计时器…", as ``add_steps`` numbers them) one to a
    line, numbered "1." (a note's own sections are ① ②); other text as it is."""
    if not re.match(f"[{CIRCLED}]", text) or not re.search(f"(?<=.)[{CIRCLED}]", text):
        return text
    return re.sub(f"[{CIRCLED}]", lambda m: ("" if m.start() == 0 else "\n") +
                  f"{CIRCLED.index(m.group(0)) + 1}. ", text)
_ENUMERATED = re.compile(rf"^\s*(?:[A-Za-z]|\d{{1,2}}|[{CIRCLED}])[.、．)）]\s*\S")
_TIME_PRONOUN = re.compile(r"([\u4e00-\u9fff]{1,4}?)(他们|她们|它们|他們|她們|它們|他|她|它)(?![乡鄉])")
# a sentence that ends on what it points at: "I found a pattern today for improving this."
# (improving what?), "我决定好好改进这个。"; not "that" or "it", which often point inside their sentence
_EN_END_POINTER = re.compile(r"\s(?:this|these|those)\s*[.!?]*[\"'”’)]*\s*$", re.I)
_ZH_END_POINTER = re.compile(r"(?:这个|這個|这些|這些|这样|這樣|那个|那個)[。！？!?…]*[”」]?$")
# a date, then what someone did with the someone left out: "2025 年 1 月率先出口冷藏豬肉…" (who did?
# the sentence before says: 嘉一香), "同年正式宣布…"; "1997 年 3 月，台灣爆發…" names its subject
_TIME_DID = re.compile(r"(?:\d{2,4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号號])?)?|\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号號])?"
                       r"|今年|去年|明年|前年|當年|当年|同年|隔年|次年|翌年|昨天|今天|當天|当天|隔天|次日|同月|當時|当时)"
                       r"\s*(?:年初|年底|年中|初|底|中旬|下旬|上旬)?\s*"
                       r"(?:率先|首次|首度|正式|再次|再度|相繼|相继|陸續|陆续|隨即|随即|隨後|随后|旋即|隨之|随之|"
                       r"又|才|便|已經|已经|已|曾經|曾经|曾|宣布|宣佈|推出|成功)")
_VERB_LE = re.compile(r"[\u4e00-\u9fff]{1,3}了")  # a verb and its 了 with the subject left out
_ASIDE_ONLY = re.compile(r"\s*[（(][^（）()]*[）)]\s*[。.!！?？]?\s*")
_STOPS = set("。！？.!?…；;：:”’」』\"'*~")
_WORDLESS = re.compile(r"[\w\u4e00-\u9fff]")
_INTERJECTION = re.compile(r"(?:u+h+-?h?u+h+|u+m+|h+m+|a+h+|o+h+|w+o+w+|y+a+y+|(?:h+a+){2,}h*|l+o+l+|e+r+m*|ugh+|meh)"
                           r"[\s,.!?…~]*|(?:哈{2,}|呵{2,}|嘿{2,}|嘻{2,}|嗯+|呃+|啊+|哦+|噢+|唉+|哇+)[\s，,。！!？?…~]*", re.I)


_ZH_AS_SAID = re.compile(r"^(?:如|正如|就像|像)(?:前面|前文|上文|上面|之前|我)[^，,。！？]{0,8}(?:提到|提過|提过|所述|所说|所說|说的|說的|说过|說過)的?[，,]\s*")
_ZH_AS_IN = re.compile(r"^如(?:近期|最近|下图|下圖|上图|上圖|图|圖)")
_ZH_NOT_THAT_BUT = re.compile(r"(?:可能|也许|也許|或许|或許|其实|其實)?(?:并|並)?不是[^，,。！？]{1,4}[，,]\s*(?:而是|是)")
_ZH_SUBJECTLESS_CAUSE = re.compile(
    r"(?:(?:真的|确实|確實|的确|的確|着实|著實|也|还|還|更)(?:带给|帶給|带来|帶來|让|讓|使|令)|带给|帶給|带来|帶來)"
    r"了?(?:我|你|他|她|人|大家|我们|我們|玩家|读者|讀者|观众|觀眾)")
_ZH_GLUED_ADDITIVE = ("除此之外", "除此以外", "此外", "另外", "而且", "并且", "並且")


# a verdict with no subject: a degree word and a short predicate, the whole sentence ("很有趣的。",
# "太好吃了！"); not "很多人…" (many), "好几次…"
_ZH_BARE_VERDICT = re.compile(r"(?:真的|确实|確實|实在|實在|也|都)?(?:很|挺|太|真|好|非常|超级|超級|超|特别|特別|蛮|蠻|相当|相當|十分)(?![多少久几幾的])"
                              r"[\u4e00-\u9fff]{1,6}[的了啊呀呢哦喔啦]?[。！!…~～]*$")
_EN_WHEN = re.compile(r"(?:next|first|second|third)\s+(?:time|times|week|weekend|month|year|day|morning|"
                     r"evening|night|season|summer|winter|spring|autumn|fall)\b", re.I)


_ZH_COUNTED_BACK = re.compile(r"(?:这|這|那|上述|前述)(?:[两兩二三四五六七八九十几幾]|\d{1,2})\s*"
                              r"(?:种|種|个|個|点|點|项|項|条|條|位|家|款|步|类|類|样|樣|件|次|天)")


_ZH_SURPRISE = re.compile(r"(?:出乎意料|出乎意料之外|意外|意想不到|令人驚訝|令人惊讶|沒想到|没想到)(?:的|地|之)?"
                          r"(?:好吃|好喝|美味|難吃|难吃|好看|好玩|便宜|貴|贵|好|棒|順利|顺利|多|少|快|慢)")
_ZH_THEN_IS = re.compile(r"[\u4e00-\u9fff]{1,4}?(?<![規规原否法準准细細守總总實实])(?:則是|则是)")


# a line of speech in quotation marks, whole: one turn of a dialogue
_SPOKEN_LINE = re.compile(r"^\s*(?:[\w\u4e00-\u9fff]{1,8}\s*[:：]\s*)?[「『“\"].*[」』”\"]\s*$", re.S)


def opener_kind(text: str, cjk: bool) -> str | None:
    """'anaphor', 'connective' or None for the first words of a sentence. A pronoun right after a
    short opening frame ("在最近的公告中，他们…", "In 1773, they…") counts too."""
    t = re.sub(r"^[\s\"'“”‘’「『（(【\[—–\-•*]+", "", text)
    # an enumerated point's number is no word of it: "（1）它无所不在。" opens on 它
    t = re.sub(rf"^(?:\d{{1,2}}[）)、.．]|[{CIRCLED}])\s*(?=\S)", "", t)
    if _PRONOUN_AFTER_FRAME.match(t) or _ZH_FRAMED_POINTER.match(t):
        return "anaphor"
    if any(p.match(t.strip()) for p in patterns("openers", "echo_questions")):
        return "anaphor"  # "你觉得呢？" answers the sentence before it
    if any(w in t for w in words("openers", "zh_inner_anaphors")):
        return "anaphor"  # "你必须为此支付额外费用": for what?
    if _ZH_COUNTED_BACK.search(t) and not t.rstrip().endswith(("：", ":")):
        # "你可以生成这四种颜色的调色板": which four? ("试试这三件事：" names them next)
        return "anaphor"
    if not t:
        return None
    if is_cjk_text(t[:6]) or (cjk and not re.match(r"[A-Za-z]", t)):
        for w in words("openers", "zh_connectives"):
            if t.startswith(w) and len(t) > len(w) + 1 and t[len(w)] in "，,、 ":
                return "connective"
        if _ZH_AS_SAID.match(t):
            return "connective"  # "如前面我提到的，老宋的…": as said before, which a post has not
        if _ZH_AS_IN.match(t):
            return "anaphor"  # "如近期的四國小城放浪記，…": an example of the sentence before
        for w in _ZH_GLUED_ADDITIVE:
            # "另外網頁版的功能…" drops its "another thing:" as "另外，" does; "另外一個自然提升的
            # 方法" is "another way", another than the one before it
            if t.startswith(w) and len(t) > len(w) + 3:
                return "connective" if t[len(w)] not in "一的两兩几幾个個些位种種件样樣半次" else "anaphor"
        if re.match(r"(?:我们|我們|我|你们|你們|你|大家|咱们|咱們)(?:也|又)(?![许許])", t):
            return "anaphor"  # "我们也可以更为量化的来…": also, as well as what?
        if re.match(r"(?:还是|還是)(?:不|没|沒)", t):
            return "anaphor"  # "還是不行的話，…": if it still does not work, after what?
        if any(t.startswith(w) for w in words("openers", "zh_not_anaphors")):
            return None
        for w in words("openers", "zh_anaphors"):
            if t.startswith(w):
                return "anaphor"
        for w in ("但", "而", "可是", "然而", "不过", "不過", "所以", "因此", "于是", "於是", "最后", "最後",
                  "再来", "再來", "接下来", "接下來"):
            if t.startswith(w) and not t.startswith(("最后一", "最後一")):  # "最後一公里": the last one
                return "anaphor"  # a connective glued to its clause cannot simply be dropped
        if _ZH_NOT_THAT_BUT.match(t):
            return "anaphor"  # "可能不是熟悉，而是它有一种…魔力": not the feeling just named, but…
        if _ZH_SUBJECTLESS_CAUSE.match(t):
            return "anaphor"  # "真的带给我一种很特别的情感。": what did?
        if _ZH_SURPRISE.match(t) or _ZH_THEN_IS.match(t):
            return "anaphor"  # "出乎意料的好吃": what was? "晚上則是吃了…": as against what?
        if _ZH_BARE_VERDICT.match(t):
            return "anaphor"  # "很有趣的。", "太好吃了！": what is?
        if re.match(r"(?:结果|結果)(?:这|這|那|他|她|它|我|你|大家|好不容易|就|却|卻|竟然|居然|还是|還是|又|才|被|反而|倒是)", t):
            # "结果这里也在意想之外了", "结果好不容易…出机场，就遇到…": as it turned out, after
            # what? (not "结果显示…", "结果不理想")
            return "anaphor"
        m = _TIME_PRONOUN.match(t)
        if m:
            from contentkit.editorial.lexicon import tagged

            if tagged(t[: m.end(1)])[0][1] == "t":
                return "anaphor"  # "昨晚他们在微信群里感慨": who are they?
        if _TIME_DID.match(t) or _ZH_END_POINTER.search(t):
            return "anaphor"
        if _VERB_LE.match(t):
            from contentkit.editorial.lexicon import tagged

            tags = tagged(t[:12])
            if len(tags) >= 3 and tags[0][1] == "v" and tags[1][0] == "了" and tags[2][1] not in ("t", "m", "x"):
                return "anaphor"  # "搭配了英特尔的顶级处理器…": who did? (not "到了唐代，…")
        return None
    if re.match(r"(?:we|i|you|they|it|he|she|this|that)\s+also\b", t, re.I):
        return "anaphor"  # "We also use conflicted to…": as well as what?
    if re.match(r"because\b", t, re.I) and not re.search(r"[,;:]", t):
        return "anaphor"  # "Because of what I call the developer gap.": the answer to a question before it
    m = _EN_THEY_AFTER_CLAUSE.match(t)
    if m and not _EN_PLURAL.search(m.group(1)):
        return "anaphor"  # "If the stock price comes down a little, they buy…": who? ("When the Romans came, they…")
    if _EN_PRONOUN_AFTER_CLAUSE.match(t) or _EN_PRONOUN_AFTER_TIME.match(t) or _EN_MULTI_LEAN.match(t) \
            or _EN_END_POINTER.search(t) or _EN_INNER_POINTER.search(t) \
            or re.match(r"(?!even\b)[A-Za-z]+,?\s+though\b", t, re.I):
        return "anaphor"  # "Honestly though I feel…": a contrast with what was said (not "Even though…")
    if _EN_MULTI_DROP.match(t):
        return "connective"
    m = re.match(r"([A-Za-z]+)(\W?)", t)
    if not m:
        return None
    w, punct = m.group(1).lower(), m.group(2)
    if _EN_WHEN.match(t):
        return None  # "Next time you raise a glass, …": a time, not "next, …"
    if w in words("openers", "en_comma_adverbs"):
        return "connective" if punct == "," else None
    if w in words("openers", "en_connectives"):
        if punct != "," and re.match(r"(?:so\s+(?:far|much|many|long|called)|yet\s+(?:another|again)|now\s+that)\b", t, re.I):
            return None  # "So far so good.", "Yet another tool": an idiom, nothing to drop
        return "connective" if punct == "," or w in ("also", "and", "but", "so", "plus", "yet") else "anaphor"
    if w in words("openers", "en_anaphors"):
        return "anaphor"
    return None


def heading_alone(heading: str, cjk: bool) -> str:
    """A section heading as a card shows it, on its own: without a leading connective that
    ties it to the part before ("但缺點也許比優點多" -> "缺點也許比優點多", "But why?" -> "Why?")."""
    h = heading.strip()
    if opener_kind(h, cjk) is None:
        return heading
    d = drop_connective(h, cjk)
    if d == h or _n(d, cjk) < 2 or opener_kind(d, cjk) is not None:
        return heading
    return d if cjk else capitalised(d)


def drop_connective(text: str, cjk: bool) -> str:
    """The sentence without its leading connective ('However, X' -> 'X')."""
    t = text.lstrip()
    if cjk and (m := _ZH_AS_SAID.match(t)):
        return t[m.end():].lstrip()
    if cjk and not re.match(r"[A-Za-z]", t):
        for w in words("openers", "zh_connectives"):
            if t.startswith(w):
                return t[len(w):].lstrip("，,、 ")
        return t
    m = _EN_MULTI_DROP.match(t) or re.match(r"[A-Za-z]+,?\s+", t)
    if not m:
        return t
    rest = t[m.end():]
    if opener_kind(rest, cjk) == "connective":
        return drop_connective(rest, cjk)
    return capitalised(rest)


def announces(text: str, cjk: bool) -> bool:
    """A sentence that ends on a colon: it announces what follows."""
    return text.rstrip().endswith((":", "：")) and len(text.strip()) > 2


def _join_items(items: list[str], cjk: bool) -> str:
    items = [i.strip().rstrip("。.;；，,") for i in items if i.strip()]
    # an item with its own label ("隨機照片：每次開新分頁…") is no short item: "、" would run
    # "…照片、下載照片：若看到…" together as one list of things
    short = all(_n(i, cjk) <= SHORT_ITEM[cjk] and not re.search(r"[。！？.!?]\s*\S|[：:]", i) for i in items)
    end = "" if items and items[-1][-1:] in "！？!?…" else "。"  # "…均衡多了！" takes no "。" after it
    if cjk:
        return ("、" if short and all("、" not in i for i in items) else "；").join(items) + end
    return ("; " if not short or any("," in i for i in items) else ", ").join(items) + (end and ".")


def item_line(item: ListItem, cjk: bool) -> str:
    """A list item with what is nested under it, as one line: "前端架構：響應式設計，確保多裝置
    支援；模組化元件設計；狀態管理系統", never the label "前端架構" alone with its content cut."""
    text = item.text.plain.strip()
    kids = [k for c in item.children for k in (item_line(x, cjk) for x in c.items) if k]
    if not kids:
        return text
    kids = [k.rstrip("。.;；，,") for k in kids]
    short = all(_n(k, cjk) <= SHORT_ITEM[cjk] and not re.search(r"[，,、：:]", k) for k in kids)
    joined = (("、" if short else "；") if cjk else (", " if short else "; ")).join(kids)
    if not text:
        return joined
    return text.rstrip("：:") + ("：" if cjk else ": ") + joined


def table_facts(table: Table, cjk: bool) -> list[str]:
    """One statement per row: 'row label: header value, header value'."""
    facts = []
    header = list(table.header)
    for row in table.rows:
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        label, rest = cells[0], cells[1:]
        pairs = []
        for j, v in enumerate(rest, start=1):
            if not v:
                continue
            h = header[j].strip() if j < len(header) else ""
            pairs.append((f"{h}：{v}" if cjk else f"{h}: {v}") if h else v)
        if not label and not pairs:
            continue
        body = ("；" if cjk else "; ").join(pairs)
        if cjk:
            facts.append(f"{label}——{body}。" if label and body else f"{label or body}。")
        else:
            facts.append(f"{label}: {body}." if label and body else f"{label or body}.")
    return facts


def table_names(table: Table) -> list[str]:
    return [r[0].strip() for r in table.rows if r and r[0].strip()]


# "这款笔记本电脑…", "This laptop…" as a story's first words point at the title, not back.
_DEICTIC_START = re.compile(r"^(这|這)(款|个|個|家|位|本|部|篇|台|座|次|道|种|種|件|套|些)|^(this|these)\s+(?!is\b|was\b|are\b|were\b)\w", re.I)
_ZH_DEICTIC = re.compile(r"^[“\"「]?(这|這)(款|个|個|家|位|本|部|篇|台|座|次|道|种|種|件|套|些)")
_EN_DEICTIC = re.compile(r"^[“\"]?(this|these)\s+([A-Za-z][\w-]*)", re.I)


def title_subject(title: str, cjk: bool) -> str:
    """What a title is about, when it says so ("X 是…" / "X is the…" / "X: …"); else ''."""
    t = re.sub(r"\s+", " ", title).strip().strip("《》「」“”\"")
    if cjk:
        for m in re.finditer(r"是|：|:", t):
            head = t[:m.start()].strip()
            if m.group(0) == "是" and (head[-1:] in "于於但还還就都也不总總可只倒要便" or t[m.end():m.end() + 1] in "否"):
                continue
            if 2 <= cjk_count(head) + len(re.findall(r"[A-Za-z0-9]+", head)) and len(head) <= 32:
                return head
            return ""
        return ""
    e = re.search(r"\s+(?:is|are|was|were)\s+|:\s+|\s+[–—-]\s+", t)
    if e and 1 <= len(t[:e.start()].split()) <= 6:
        return t[:e.start()].strip()
    return ""


def name_referent(sentence: str, subject: str, title: str, cjk: bool) -> str | None:
    """A story's first sentence that points at the title's subject ("这款笔记本电脑拥有…"
    under "TUXEDO Stellaris 16 是…笔记本电脑") with the subject named in place of the pointer,
    so the sentence stands wherever it is shown; None when the title does not name it."""
    if not subject:
        return None
    if cjk:
        m = _ZH_DEICTIC.match(sentence)
        if not m:
            return None
        rest = sentence[m.end():]
        noun = rest[:2]
        if len(noun) < 2 or not is_cjk_text(noun) or noun not in title:
            return None
        for k in range(min(len(subject), len(rest)), 1, -1):
            if subject.endswith(rest[:k]):   # "这家咖啡馆" under "某某咖啡馆是…": not twice
                rest = rest[k:]
                break
        # a space between Latin and Han where the author puts one ("16 笔记本", "RTX 4090 和")
        spaced = re.search(r"[A-Za-z0-9] [\u4e00-\u9fff]|[\u4e00-\u9fff] [A-Za-z0-9]", title + sentence)
        glue = " " if re.search(r"[A-Za-z0-9]$", subject) and (spaced or re.match(r"[A-Za-z0-9]", rest)) else ""
        return sentence[:m.start(1)] + subject + glue + rest
    m = _EN_DEICTIC.match(sentence)
    if not m or m.group(2).lower().rstrip("s") not in title.lower():
        return None
    return sentence[:m.start(1)] + subject + sentence[m.end(2):]


_ZH_COUNT = re.compile(r"(?:兩|两|二|三|四|五|六|七|八|九|十|\d{1,2})\s*(?:個|个|種|种|點|点|項|项|大|類|类|條|条|件|方面|步)")
_EN_COUNT = re.compile(r"\b(?:two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\b", re.I)
_ZH_NUM = {"兩": 2, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_EN_NUM = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}


def _label_of(sentence: str, strong: set[str], cjk: bool) -> str:
    """The bold label a sentence opens with ("**配銷制度**：總部…" -> "配銷制度"), or ''."""
    for p in sorted(strong, key=lambda x: (-len(x), x)):  # the longest first, in a fixed order
        if sentence.startswith(p) and sentence[len(p):len(p) + 1] in "：:" and 0 < _n(p, cjk) <= (16 if cjk else 6):
            return p
    return ""


def paragraph_sentences(blocks: list) -> dict[int, list[str]]:
    """Each paragraph's sentences by its index in ``blocks``: split once (pysbd is not cheap)
    for ``counted_labels`` and the caller's own reading."""
    return {bi: split_sentences(b.text.plain) for bi, b in enumerate(blocks) if isinstance(b, Paragraph)}


def counted_labels(blocks: list, sentences: dict[int, list[str]], cjk: bool) -> dict[tuple[int, int], str]:
    """Announcements of a count followed by as many bold-labelled sentences ("三個結構性爭議反覆
    出現。**配銷制度**：… **鄰店競爭**：… **促銷攤提**：…"), rewritten to name them ("三個結構性爭議反覆
    出現：配銷制度、鄰店競爭、促銷攤提。"): a post that shows the announcement with the first of them
    showed one of three. Keyed by (block index, sentence index); ``sentences`` is
    ``paragraph_sentences(blocks)``."""
    out: dict[tuple[int, int], str] = {}
    if not any(isinstance(b, Paragraph) and b.text.strong_parts for b in blocks):
        return out  # no bold, no labels
    paras = [(bi, blocks[bi], sents) for bi, sents in sorted(sentences.items())]
    for k, (bi, b, sents) in enumerate(paras):
        for si, sent in enumerate(sents):
            m = (_ZH_COUNT if cjk else _EN_COUNT).search(sent)
            if not m or not sent.rstrip().endswith(("。", ".", "！", "!")):
                continue
            strong = set(b.text.strong_parts)
            if _label_of(sent, strong, cjk):
                continue
            labels = [lab for x in sents[si + 1:] if (lab := _label_of(x, strong, cjk))]
            nxt = k + 1
            # the items may go on in the paragraphs that follow, each opening on its label
            while nxt < len(paras) and paras[nxt][0] == paras[nxt - 1][0] + 1 and paras[nxt][2]:
                bold = set(paras[nxt][1].text.strong_parts)
                if not _label_of(paras[nxt][2][0], bold, cjk):
                    break
                labels += [x for y in paras[nxt][2] if (x := _label_of(y, bold, cjk))]
                nxt += 1
            word = m.group(0)
            digits = re.match(r"\d+", word)
            n = int(digits.group(0)) if digits else (_ZH_NUM.get(word[0], 0) if cjk else _EN_NUM.get(word.lower(), 0))
            if len(labels) >= 2 and len(labels) == n:
                out[(bi, si)] = sent.rstrip().rstrip("。.！!") + ("：" if cjk else ": ") + _join_items(labels, cjk)
    return out


def _labelled(block: Paragraph, sents: list[str], cjk: bool) -> list[str]:
    """A paragraph led by a bold label of its own sentence ("**台灣的「濃純香」偏好**。台灣消費者…",
    "**Japan's grading.** Japanese…"): the label is no point on its own, it heads the sentence
    after it ("台灣的「濃純香」偏好：台灣消費者…")."""
    lead = ""
    for sp in block.text.spans:
        if not sp.text.strip() and not lead:
            continue
        if not sp.strong:
            break
        lead += sp.text
    label = lead.strip().rstrip("。.．!！")
    if len(sents) < 2 or not label or sents[0].rstrip("。.．!！").strip() != label:
        return sents
    if (cjk_count(label) > 24 if cjk else len(label.split()) > 10) or re.search(r"[：:，,；;]$", label):
        return sents
    glue = "：" if cjk else ": "
    return [label + glue + sents[1], *sents[2:]]


_URL = r"(?:https?://|www\.)[^\s，。！？；、）)」”]+"
_URL_TAIL = re.compile(rf"\s*[：:]\s*{_URL}\s*(?P<end>[。.!！?？]?)\s*$")  # after a colon: what it names
_URL_ASIDE = re.compile(rf"\s*[（(]\s*{_URL}\s*[）)]")


_URL_ITEM_TAIL = re.compile(rf"\s*(?:[-–—:：|]\s*[<(（]?{_URL}[>)）]?|[<(（]{_URL}[>)）])\s*$")


def bare_urls_dropped(s: str) -> str:
    """A sentence without the web addresses written out in it ("…寫了一份計畫的說明：https://
    github.com/…" -> "…寫了一份計畫的說明。"): a card, a caption or a talking point shows an
    address nobody can click or say. One the sentence needs ("The feed is at http://…") stays.
    The article keeps its links; this is the shown text."""
    if "http" not in s and "www." not in s:
        return s
    out = _URL_ASIDE.sub("", s)
    m = _URL_TAIL.search(out)
    if m and m.start() > 0:
        head = out[: m.start()].rstrip("：:，, ")
        cjk = bool(re.search(r"[\u4e00-\u9fff]", head))
        out = head + (m.group("end") or ("。" if cjk else "."))
    return out if _WORDLESS.search(re.sub(_URL, "", out)) else ""


_SALUTATION = re.compile(r"(?:(?:dear|hi|hey|hello|to)\s+)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2}\s*,|"
                         r"(?:亲爱的|親愛的|致|给|給)[^\s，,。：:]{1,10}[：:，,]|(?:dear|hi|hey|hello)\s+[\w'’ -]{1,30},", re.I)


_BARE_CONNECTIVES = {"或", "或者", "或是", "还是", "還是", "和", "以及", "然后", "然後", "接着", "接著", "或者是",
                     "or", "and", "then", "also", "alternatively", "or else", "and then"}


def link_label(s: str) -> bool:
    """A label over a link ("下載連結：Unsplash Instant", "GitHub: contentkit"): a place to
    click in the article; with the link gone, nothing to show, say or post."""
    return any(p.match(s.strip()) for p in patterns("openers", "link_labels"))


class _Builder:
    def __init__(self, cjk: bool, story_start: bool = False, title: str = "", prior: str = "") -> None:
        self.cjk = cjk
        self.prior = prior  # the end of the part before: what a first sentence may point back at
        self.units: list[Unit] = []
        self.story_start = story_start
        self.title = title
        self.subject = title_subject(title, cjk) if story_start else ""

    def add_sentence(self, s: str, kind: str = "sentence") -> None:
        s = bare_urls_dropped(s.strip())
        if not s:
            return
        cjk = self.cjk
        if self.cjk and kind in ("sentence", "quote") and not cjk_count(s) and len(re.findall(r"[A-Za-z]+", s)) >= 2:
            # "Why is Medium the bad guy here?" quoted in a Chinese story: read in the article,
            # never a point, a hook or a line for a Chinese voice to say
            self.units.append(Unit(s, kind, False, "other language"))
            return
        if not _WORDLESS.search(s) or _INTERJECTION.fullmatch(s.strip()):
            # "😮", "……", "Uhhh-huh.", "哈哈哈！": a reaction, not something to show or say
            self.units.append(Unit(s, kind, False, "no words"))
            return
        if _ASIDE_ONLY.fullmatch(s):  # "（根据实际情况调整）": a remark on what is around it
            self.units.append(Unit(s, kind, False, "aside"))
            return
        if any(p.match(s.strip("“\"「」”")) for p in patterns("openers", "signposts")):
            self.units.append(Unit(s, kind, False, "signpost"))
            return
        if s.strip(" 。.,，:：;；!！?？…").lower() in _BARE_CONNECTIVES:
            # "或" alone between two commands: the choice between the blocks around it
            self.units.append(Unit(s, kind, False, "connective alone"))
            return
        if link_label(s):
            self.units.append(Unit(s, kind, False, "link label"))
            return
        if _SALUTATION.fullmatch(s.strip("“\"「」”")):
            # "Bootstrapper," over a note, "親愛的讀者：": whom a letter greets, no point of it
            self.units.append(Unit(s, kind, False, "salutation"))
            return
        ok = opener_kind(s, cjk)
        if ok is None and not cjk and introduced(s, " ".join([self.prior] + [u.text for u in self.units[-2:]])):
            ok = "anaphor"
        if ok == "anaphor" and self.story_start and not self.units and _DEICTIC_START.match(s.lstrip("“\"「")):
            named = name_referent(s, self.subject, self.title, cjk)
            if named is not None:
                self.units.append(Unit(named, kind, not announces(named, cjk), "named from the title"))
                return
        if ok == "connective":
            s2 = drop_connective(s, cjk)
            if opener_kind(s2, cjk) is None and _n(s2, cjk) >= 3:
                self.units.append(Unit(s2, kind, not announces(s2, cjk), "rewritten"))
                return
            ok = "anaphor"
        if ok == "anaphor":
            prev = self.units[-1] if self.units else None
            if prev is not None and prev.kind == kind and _n(prev.text, cjk) + _n(s, cjk) <= CARRY_MAX[cjk] \
                    and not announces(prev.text, cjk) and prev.note not in ("signpost", "no words", "aside"):
                # carried onto an announcement it announces too: "…官网。他在订阅页面上，看到了
                # 三个选项：" is no passage to show without the options
                self.units[-1] = Unit(join_sentences([prev.text, s]), kind, prev.standalone and not announces(s, cjk),
                                      "carried", prev.item)
                return
            self.units.append(Unit(s, kind, False, "needs context"))
            return
        self.units.append(Unit(s, kind, not announces(s, cjk), "announce" if announces(s, cjk) else ""))

    def add_steps(self, items: list[str], labels: list[str] | None = None, nested: bool = False) -> None:
        """An ordered list (steps of a procedure) travels whole when it is short enough."""
        cjk = self.cjk
        items = [i.strip() for i in items if i.strip()]
        prev = self.units[-1] if self.units else None
        if prev is not None and announces(prev.text, cjk):
            self.add_items(items, "list", labels, nested)
            return
        numbered = [f"{i}. {t}" if not cjk else f"{CIRCLED[i - 1] if i <= len(CIRCLED) else str(i) + '. '}{t}"
                    for i, t in enumerate(items, start=1)]
        whole = (" " if not cjk else "").join(numbered)
        if len(items) >= 2 and _n(whole, cjk) <= (220 if cjk else 100):
            self.units.append(Unit(whole, "list", True, "steps"))
            return
        self.add_items(items, "list")

    def add_items(self, items: list[str], kind: str, labels: list[str] | None = None,
                  nested: bool = False) -> None:
        """A list or table's items: with the announcement before them, or as one line, or one
        unit per long item. An announced list too long to show whole is shown by its items'
        bold labels when each has one ("…4 batteries…: super short term battery; short term
        battery; long term battery; lean body mass")."""
        cjk = self.cjk
        # "Toronto - http://toronto.bixi.com/…" is Toronto where an address cannot be clicked
        items = [_URL_ITEM_TAIL.sub("", i) if _URL_ITEM_TAIL.search(i) and _URL_ITEM_TAIL.sub("", i).strip()
                 else bare_urls_dropped(i) for i in items]
        items = _continued(items)
        if not items:
            return
        prev = self.units[-1] if self.units else None
        if prev is not None and announces(prev.text, cjk):
            # the list completes the announcement, not what it points back at: "接著有關於這個
            # 計畫進行的方式，當初的流程是這樣：…" still needs the plan it is about
            alone = prev.note not in ("needs context", "other language") and opener_kind(prev.text, cjk) != "anaphor"
            line = prev.text.rstrip() + ("" if cjk else " ") + _join_items(items, cjk)
            # a list of headed groups ("前端框架與語言" over its four languages) is said by its
            # groups unless the whole is short: all of it is the article's
            fits = _n(line, cjk) <= ((80 if cjk else 40) if nested else (160 if cjk else 80))
            if not fits and labels and len(labels) == len(items) and len(items) >= 2:
                named = prev.text.rstrip() + ("" if cjk else " ") + _join_items(labels, cjk)
                if _n(named, cjk) <= (160 if cjk else 80):
                    self.units[-1] = Unit(named, kind, alone, "labels")
                    return
            self.units[-1] = Unit(line, kind, fits and alone, ("compressed" if fits else "announce: too long to show whole")
                                  if alone else "needs context")
            return
        short = [_n(i, cjk) <= SHORT_ITEM[cjk] for i in items]
        if all(short) and len(items) >= 2:
            self.units.append(Unit(_join_items(items, cjk), kind, True, "items"))
            return
        # mostly short items with a longer one among them ("锅铲", "筷子", "花生油（不要使用菜籽油…）"):
        # still one list, as long as it fits; shown item by item, a card or a note would carry
        # a few of them and drop the rest
        joined = _join_items(items, cjk)
        if len(items) >= 3 and 2 * sum(short) >= len(items) and _n(joined, cjk) <= (160 if cjk else 80) \
                and not any(re.search(r"[。！？.!?]\s*\S", i) for i in items):
            self.units.append(Unit(joined, kind, True, "items"))
            return
        for it in items:
            start = len(self.units)
            it = it.rstrip()
            if it[-1] not in _STOPS:  # "鸡蛋也可以用常温的" ends where the item ends: a sentence's end
                it += "。" if cjk else "."
            if not cjk and it[:1].islower():  # shown as a sentence: "super short term battery." opened a card
                it = capitalised(it)
            for s in split_sentences(it):
                self.add_sentence(s, "sentence")
            for k in range(start, len(self.units)):
                self.units[k] = replace(self.units[k], item=True)


def _continued(items: list[str]) -> list[str]:
    """Items with an item that ends on a comma joined to the next one: "…培育了新一代的猎魔人，"
    over "最后角色等级37。" is one sentence an editor broke over two bullets (it had read
    "…猎魔人，。最后角色等级37。")."""
    out: list[str] = []
    for it in (i.strip() for i in items):
        if not it:
            continue
        if out and out[-1][-1:] in ("，", ",", "、"):
            out[-1] = out[-1] + ("" if out[-1][-1] != "," else " ") + it
        else:
            out.append(it)
    if out and out[-1][-1:] in ("，", ",", "、"):
        out[-1] = out[-1][:-1]
    return out


def item_labels(block: ListBlock, cjk: bool) -> list[str]:
    """Each item's bold lead ("**long term battery**. Adipose tissue…"), or [] unless every
    top-level item has a short one."""
    own = [it.text.plain.strip().rstrip("。.:：;；，,") for it in block.items]
    if all(it.children for it in block.items) and all(o and _n(o, cjk) <= (16 if cjk else 6) for o in own):
        return own  # "1. 前端框架與語言" over its sub-items: the item's own line names it
    out = []
    for it in block.items:
        spans = [sp for sp in it.text.spans if sp.text.strip()]
        if not spans or not spans[0].strong:
            return []
        label = spans[0].text.strip().rstrip("。.:：;；，,")
        if not label or _n(label, cjk) > (16 if cjk else 6) or len(spans) < 2:
            return []
        out.append(label)
    return out


def _merged_quotes(blocks: list) -> list:
    """Quotes in a row that each hold one numbered line ("> **1. We now have…**", "> **2. Your
    audience…**") as one quote: the list they are, said whole or not at all, never "3. No more
    popups…" on its own."""
    out: list = []
    for block in blocks:
        prev = out[-1] if out else None
        if isinstance(block, Quote) and isinstance(prev, Quote) and not prev.attribution \
                and _ENUMERATED.match(block.text.plain) and all(_ENUMERATED.match(p.plain) for p in prev.paragraphs):
            out[-1] = Quote(paragraphs=prev.paragraphs + block.paragraphs, attribution=block.attribution, line=prev.line)
        else:
            out.append(block)
    return out


AUTHOR_NUMBER = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"  # an author's list number: "3", "十二"
PARA_NUMBER = re.compile(rf"^(?:{AUTHOR_NUMBER}、|[（(]{AUTHOR_NUMBER}[）)])\s*(?=\S)")


def flat_blocks(blocks) -> list:
    """The blocks with each note box or quote that holds a list (a ``Callout`` other than the
    author's keypoint/hook/cta steers) opened into its own blocks, each then read as it is."""
    out: list = []
    for block in blocks:
        if isinstance(block, Callout) and block.role not in ("keypoint", "hook", "cta"):
            out.extend(flat_blocks(block.blocks))
        else:
            out.append(block)
    return out


def section_units(sec: Section, cjk: bool, story_start: bool = False, title: str = "",
                  prior: str = "") -> tuple[Unit, ...]:
    """A section's units; ``prior`` is the text that ends the section before it."""
    b = _Builder(cjk, story_start, title, prior)
    blocks = _merged_quotes(flat_blocks(sec.blocks))
    sentences = paragraph_sentences(blocks)
    counted = counted_labels(blocks, sentences, cjk)
    for bi, block in enumerate(blocks):
        if isinstance(block, Paragraph):
            sents = _labelled(block, [counted.get((bi, k), x) for k, x in enumerate(sentences[bi])], cjk)
            if sents and PARA_NUMBER.match(sents[0]) and PARA_NUMBER.sub("", sents[0]).strip():
                # "2、一种中国设计的激光灭蚊器…", "（1）所有任务都要…": the author's count of
                # paragraphs, which a point shown alone or out of order must not carry
                sents[0] = PARA_NUMBER.sub("", sents[0])
            run: list[str] = []  # lines led by a marker ("✔️ 復古風", "✔️ 插座"): the author's list
            lines = block.text.plain.split("\n")
            # "`list` and `field` are DOM elements.": a sentence that opens on an identifier
            # explains the code beside it, which no note, card or voice shows
            idents = tuple(sp.text.strip() for sp in block.text.spans if sp.code and sp.text.strip())
            for s in sents + [""]:
                if s and lead_symbols(s) and any(ln.strip().startswith(s) for ln in lines):
                    run.append(s)
                    continue
                if len(run) >= 2:
                    b.add_items([x[lead_symbols(x):] for x in run], "list")
                else:
                    for x in run:
                        b.add_sentence(x)
                run = []
                if s and idents and s.startswith(idents) and not cjk and s[:1].islower():
                    b.units.append(Unit(s, "sentence", False, "explains code"))
                elif s:
                    b.add_sentence(s)
        elif isinstance(block, ListBlock):
            items, labels = [item_line(it, cjk) for it in block.items], item_labels(block, cjk)
            nested = all(it.children for it in block.items)  # headed groups of sub-items
            if block.ordered:
                b.add_steps(items, labels, nested)
            else:
                b.add_items(items, "list", labels, nested)
        elif isinstance(block, Table):
            names = table_names(block)
            prev = b.units[-1] if b.units else None
            if prev is not None and announces(prev.text, cjk) and names:
                b.add_items(names, "table")
            for f in table_facts(block, cjk):
                b.units.append(Unit(f, "table", True, "table row"))
        elif isinstance(block, Quote):
            prev = b.units[-1] if b.units else None
            lines = split_sentences(block.text.plain)
            paras = [p.plain.strip() for p in block.paragraphs if p.plain.strip()]
            if len(paras) >= 2 and all(_ENUMERATED.match(x) for x in paras):
                lines = paras  # numbered paragraphs of more than one sentence each
            if prev is not None and announces(prev.text, cjk) and len(lines) >= 2 \
                    and all(_ENUMERATED.match(x) for x in lines):
                # "看到了三个选项：" over a quote of "A. 电子版——59美元。" lines: the quote is
                # the list that was announced, shown with it
                b.add_items(lines, "list")
                continue
            if len(paras) >= 3 and sum(1 for x in paras if _SPOKEN_LINE.match(x)) >= len(paras) - 1:
                # a dialogue, one line a turn ("「哈，uncle，我會唔會死噶？」" / "「你要好耐好耐之後先
                # 會死噶。」" / …): its first line may open; a reply alone answers no one
                for k, x in enumerate(paras):
                    for s in split_sentences(x):
                        if k == 0:
                            b.add_sentence(s, "quote")
                        else:
                            b.units.append(Unit(s, "quote", False, "a turn of a dialogue"))
                continue
            for s in split_sentences(block.text.plain):
                b.add_sentence(s, "quote")
        elif isinstance(block, Callout) and block.text:
            for s in split_sentences(block.text.plain):
                b.add_sentence(s)
        elif isinstance(block, Code) and b.units and announces(b.units[-1].text, cjk) and b.units[-1].standalone:
            # "改成這樣：" over a code block no format shows: it announces nothing it can show
            last = b.units[-1]
            b.units[-1] = Unit(last.text, last.kind, False, "announces code")
    return tuple(b.units)

