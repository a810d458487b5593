"""Safety rules: emergencies first, no diagnosis or medication advice, embedded instructions ignored."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Thoughts of suicide (the answer adds the telephone counselling lines to 119), in hiragana/kanji.
_SUICIDE_WORDS = (
    r"自殺|死にたい|しにたい|死の(う|うと)|死ぬ(方法|こと(ばかり|ばっかり|を考)|しか(ない|な))|しぬ(ほうほう|こと)|"
    r"(消|き)え(たい|てしまいたい|てなくなりたい)|いなくなりたい|(自分|私|わたし|僕|ぼく|俺|おれ|あたし)(なんか|なんて|は|が|など)?.{0,4}?(い|居)ない(ほう|方)が(いい|よい|まし)|"
    r"生きて(いる|る)の(が)?(つら|辛|しんど)|生きて(いたく|いく意味|る意味|いる意味)|生きる(意味|気力)が(ない|無い)|"
    r"死んでしまいたい|命を絶|首を(吊|つ)|楽になりたい"
)
# Phrases that mean "act now": the answer must start with the emergency numbers. Patterns are written in
# hiragana/kanji; messages are NFKC-folded and katakana is folded to hiragana first (ケイレン → けいれん).
# Stroke signs follow the FAST check (顔のゆがみ・腕や足のまひ・言葉の障害).
_SYMPTOMS = _SUICIDE_WORDS + "|" + (
    # chest, breathing, consciousness
    r"(胸|むね)(が|の)?.{0,6}?(痛|いた|苦し|くるし|締め付け|締めつけ|しめつけ|圧迫|ぎゅ)|胸痛|"
    r"(意識|いしき)(が|は)?(ない|無い|なく|ありません|もうろう|朦朧|おかしい|戻らな|もどらな|薄|遠のい|低下)|意識不明|意識障害|"
    r"意識を(失|うしな|なくし)|気を(失|うしな)|失神|気絶|"
    r"呼吸(が|を)?(苦し|くるし|でき|止ま|とま|おかしい|していな|してな|困難)|(息|いき)(が|を|も)?.{0,4}?(できな|苦し|くるし|止ま|とま|していな|してな)|"
    r"息苦し|いきぐるし|"
    # no response, collapse, choking
    r"反応(が|は)?(ない|無い|ありません|しな)|呼びかけ(に|て)(も)?.{0,8}?(反応|応え|こたえ|答え)|返事(が|を)?(ない|しな)|"
    r"(倒|たお)れ(て|た)|窒息|(喉|のど)に(詰|つま)|誤飲|誤嚥|"
    # stroke (FAST)
    r"ろれつ|呂律|言葉が(出な|でな|出てこな|でてこな|おかしい)|(急に|突然)(話せな|しゃべれな|喋れな)|"
    r"(顔|口|口元|口もと)(の(右|左)?(片側|半分|片方|側))?(が|も)?(ゆが|歪|曲が|まが|下が|さが|垂れ|たれ)|"
    r"(片(側|方)?|かたがわ|かたほう)(の)?(手足|てあし|腕|うで|足|手)(が|に)?(動かな|うごかな|しびれ|痺れ|まひ|麻痺|力が入らな)|"
    r"(手足|てあし|腕|うで)(まで|が|の|に)?.{0,3}?(しびれ|痺れ|まひ|麻痺|動かな|うごかな|力が入らな)|麻痺|脳卒中の(疑|症状|サイン)|"
    r"(左|右|ひだり|みぎ|片)?(半身|はんしん|体の(左|右|片)(側|半分)?)(が|に|の)?.{0,4}?(しびれ|痺れ|まひ|麻痺|動かな|うごかな|力が入らな)|"
    # seizures, bleeding, pain, injuries
    r"けいれん|痙攣|ひきつけ|引きつけ|引き付け|血が(止まらな|とまらな)|大量(に)?(出血|の血)|吐血|下血|血を吐|"
    r"激しい(頭痛|腹痛|胸の痛み)|(突然|急に)の?(激しい|ひどい)|今までにない(頭痛|痛み)|"
    r"大やけど|やけどがひどい|溺れ|おぼれ|あなふぃらきしー|"
    # what people see or feel, in everyday words
    r"(顔色|唇|くちびる)(が)?(真っ青|まっさお|青白|紫|むらさき)|冷や汗|脂汗|"
    r"(目を|目が)(覚まさな|さまさな|開けな|あけな)|(起きな|起こしても)(い|起きな)|ぐったり(して)?(動かな|反応|返事)|"
    r"白目|泡を(吹|ふ)|(体|手足)(が|を)?(がくがく|ガクガク|ぴくぴく|ぴくぴく|震わせ)|"
    r"血が(どくどく|だらだら|噴き|ふき|吹き|あふれ|溢れ)|血(が|で)?(止まらな|とまらな)|(頭|あたま)を(強く|思いきり|ひどく)?(打|ぶつけ)|"
    r"(電池|ぼたん電池|洗剤|漂白剤|たばこ|タバコ|殺虫剤|灯油|農薬)(を)?.{0,4}?(飲|のみ|食べ|たべ|口に)|"
    r"(薬|くすり)を(大量|たくさん|いっぱい|一度に|まとめて|全部|ぜんぶ|全て|すべて|一箱|ひと箱|一瓶|[0-9]+錠).{0,4}(飲|のん)|"
    r"飲み込(んだ|んじゃ)|のみこ(んだ|んじゃ)|(もうろう|朦朧)(と)?(して|としてい)|"
    r"(熱湯|油|お湯|おゆ)(が|を)?.{0,4}(かか|浴び|こぼ)|やけど(を)?(した|して)|"
    r"(息|いき)(が|を)?(ぜーぜー|ひゅーひゅー|吸えな|すえな|吐けな)|(喉|のど)(が)?(腫れ|はれ|ふさが|詰ま|つま|ひゅー)|"
    r"(蜂|はち)に刺され|全身(に)?(じんましん|蕁麻疹|ぶつぶつ)|熱中症|(暑さ|あつさ)で.{0,6}(倒|ぐったり|意識)|"
    r"(水|お風呂|おふろ|プール|川|海)(に|で)(沈|溺|落ち|おぼ)|(ろれつ|呂律)|(片方|片側|半分)(の|が)?.{0,6}?(動かな|下が|垂れ|しびれ)|"
    r"言葉(が)?(うまく)?(出な|でな|話せな|しゃべれな)|(急に|突然)(立てな|歩けな|見えな|視界)|"
    r"息(を)?(していな|してな|してい?ない)|心臓(が)?(止ま|とま|ばくばく|バクバク)|脈(が)?(ない|とれな|触れな)|"
    r"(炎天下|暑い中|猛暑|真夏).{0,20}?(ふらふら|ぐったり|ぼんやり|倒|意識|けいれん|吐)|"
    # a fall that leaves someone unable to get up or walk (a broken hip is common in older people)
    r"(転ん|ころん|転倒し|転げ落ち|落ち|おち|滑って|すべって)(で|て|た)[^。？?]{0,14}?"
    r"(起き上がれな|おきあがれな|立ち上がれな|たちあがれな|立てな|たてな|動けな|うごけな|歩けな|あるけな)|"
)
# The same signs said in English (a visitor, a carer from abroad): recall first, the answer is in Japanese and English
# numbers are the same.
_EMERGENCY_EN = (
    r"collaps|not respond|unresponsive|unconscious|passed out|faint(ed|ing)|not breathing|can'?t breathe|"
    r"cannot breathe|short(ness)? of breath|chest pain|heart attack|stroke|face (is )?droop|slurred|seizure|"
    r"convuls|bleeding (heavily|a lot|badly)|won'?t stop bleeding|overdose|swallowed|chok(e|ing)|"
    r"severe (burn|allergic)|anaphyla|suicid|kill myself|want to die|drown"
)
_EMERGENCY = re.compile(_SYMPTOMS.rstrip("|") + "|" + _EMERGENCY_EN)
# A symptom named as the *topic* of a search or question (「胸痛の診療をしている診療所」, 「麻痺のリハビリ」) is not
# an emergency by itself; the answer still carries a one-line 119 pointer (see SYMPTOM_NOTE).
_TOPIC_AFTER = re.compile(r"^(の|を|に|が|で|も|や|・)?(診療|診察|治療|外来|専門|検査|りはびり|対応|予防|相談|について|"
                          r"とは|に関する|(を|が)?(診て|みて|診る|みる|診れ|扱)|のある|できる)")
_ACUTE = re.compile(r"急に|突然|いきなり|今(?!のうち|後|度|回|年|月|週|まで|から(備|準備))|いま(すぐ|さっき)|さっき|先ほど|ひどい|激しい|止まらな|とまらな|苦し|くるし|"
                    r"助けて|たすけて|どうしたら|どうすれば|倒れ|動かな|呼んで|救急車")
_CHILD = re.compile(r"子ども|子供|こども|赤ちゃん|赤ん坊|乳児|幼児|娘|息子|小児|うちの子|我が子|お子さん|孫")
_FEVER = re.compile(r"熱(?!心|中|意|烈|帯|量|湯)|ねつ(?!ちゅう|しん)|発熱|吐いて|吐いた|嘔吐|下痢|泣き止まな|なきやまな|ぐったり")
_HIGH_FEVER = re.compile(r"高熱|高い熱|熱が高|(39|40|41|42)(\.\d)?\s*(度|℃|°)")
_NIGHT = re.compile(r"夜|よなか|よる|しんや|深夜|夜間|休日|日曜|祝日|土曜|週末|連休|年末年始|今すぐ|いますぐ|今晩|今夜")

# 診断・投薬 questions: the assistant is not a doctor or pharmacist.
_MEDICATION = re.compile(
    r"(薬|くすり|クスリ|錠剤|市販薬|サプリ)(を|は|の|って)?.{0,8}?(飲|のん|減ら|増や|やめ|止め|変え|量|併用|一緒に)|"
    r"飲み合わせ|副作用|何錠|\d+\s*(mg|ミリグラム|錠)|服用|服薬|処方(して|を変|量)|薬の量|薬を出して|"
    r"(剤|錠|カプセル|抗生物質|抗生剤|睡眠薬|ロキソニン|バファリン|カロナール|イブ|ステロイド|インスリン|湿布|目薬|漢方)"
    r".{0,16}?(飲|のん|のま|やめ|止め|減ら|増や|量|一緒|続け|割って|使っ)|"
    r"処方(された|されて|の).{0,20}?(やめ|止め|減ら|増や|飲)|(の|飲)み(忘|わす)れ|(飲|の)(んで|ませて)(も)?(いい|平気|大丈夫|問題|よい|良い)|"
    # asking leave to change a medicine, however far the verb sits from the word 薬 in the sentence
    # (「血圧の薬、最近調子いいからもうやめてもいいですか」)
    r"(薬|くすり|クスリ|錠|剤|サプリ)[^。？?！!]{0,30}?(やめ|止め|減ら|増や|変え|飲まなく|のまなく|飲まず|切り替え|半分に)"
    r"(て|た)?(も|ても|たら|ちゃ)?(いい|よい|良い|大丈夫|平気|問題|構わ|かまわ|だめ|ダメ|まず)"
)
_DIAGNOSIS = re.compile(
    r"何の病気|なんの病気|病名(は|を)|(?<!健康)診断して|(?<!健康)診断を(して|つけ)|(病気|がん|癌|感染症)(でしょうか|ですか|かな|なの)|"
    r"治(り|る)ますか|治し方|治療法(は|を教)|症状(から|で).{0,10}(わかり|分かり|判断)|受診すべき|病院に行くべき|"
    r"(病|症|炎|がん|癌)(なん)?(でしょうか|ですか|かな[？?]?$|かも(しれ|です)|なの(かな|でしょうか|ですか)?[？?]?$)|"
    r"(病|症|炎|がん|癌)(って|という)こと(ですか|でしょうか|なの|かな)?(ね|よね)?[？?]?$|"
    r"(病|症|炎|がん|癌)(の)?(可能性|疑い)(は|が)?(ある|あり|高い)|"
    r"(悪い|悪く)(って|という)?(こと)?(ですか|でしょうか|なの)|"
    r"(何|なん)(の|という)?(病気|病名)|(病|症|炎|がん|癌)(って|という)こと(ですか|でしょうか|なの|かな)?[？?]?$|"
    r"(病|症|炎|がん|癌)(は|って|が|の)?(確定|決定|確実|確定診断)(なん|です|でしょう|ですか|なの|か)|"
    # the cause of what one notices is asked (「何度も目を覚ますのは、何かの病気のせいでしょうか」)
    r"(病気|病|症|炎|がん|癌)(の)?(せい|ため|症状|サイン|兆候|前兆|可能性|疑い|始まり)(なん|って)?(でしょうか|ですか|かな|なの|ある|あり)|"
    r"(病気|病|症|炎|がん|癌)(が)?(原因|隠れて)|"
    # which illness it is, asked as a choice (「ただの風邪？それとも別の病気？」「疲れなのか病気なのか」)
    r"(ただの|単なる)(風邪|かぜ|疲れ|つかれ|寝不足|[^。？?]{0,6}?(病|症|炎))[^。]{0,6}?(なの|です|でしょう|かな|[？?])|"
    r"(それとも|あるいは|または)[^。？?]{0,10}?(病気|病|症|炎|がん|癌)|(風邪|かぜ)(なん|って)?(でしょうか|ですか|かな|なの)"
)
# Forms of a diagnosis question that are only one with a word of health in the message (「…かどうか判断して」
# also asks about the system: 「努力義務の対象かどうか、どう判断すれば」).
_DIAGNOSIS_WEAK = re.compile(r"かどうか.{0,6}?(判断|診|教え|見て)|(なのか|か、).{0,24}?(判断|診断|見分け|見極め)(して|を)?"
                             r"|大丈夫(でしょうか|ですか)|様子を見て(も|いい)")
_HEALTH = re.compile(r"病(?!院|床|診|棟)|症|痛|熱|がん|癌|体調|具合|検査|数値|血圧|血糖|咳|せき|かゆ|しびれ|めまい|物忘れ|ふるえ|震え|腫れ|"
                     r"発疹|湿疹|下痢|便秘|吐き気|だるい|疲れ")
_INJECTION = re.compile(
    r"(以前|これまで|今まで|上記|前)の(指示|命令|ルール|設定)(を|は)(無視|忘れ)|指示(を|は)無視|ルール(を|は)無視|"
    r"ignore (all |the )?(previous|above|prior) (instructions|rules)|system prompt|システムプロンプト|"
    r"あなたは今から|今から(あなた|君)は|開発者モード|developer mode|jailbreak|"
    r"(と|って)(答え|回答|出力)(て|ろ|しなさい|してください)|ように(答え|回答|出力)(て|ろ|しなさい|してください)|"
    r"【\s*(システム|system|指示|命令)\s*】|\[\s*(system|システム)\s*\]|(内部|社内|隠し|秘密)(の)?(ルール|設定|指示|プロンプト)|"
    r"(必ず|常に|全件|すべて|全部).{0,20}?(と(書|記載|表示|出力|追記|付け|つけ)(き足|き加え|加え|足)?(く|す|る)?(こと|ように|して|なさい)|(書|記載)くこと)|"
    r"(回答|返答|答え)(の|に)(最後|最初|冒頭|末尾|先頭|前|後ろ)(に|には|へ|で)(は)?.{0,30}?(書|付け|つけ|加え|足|入れ|添え)|"
    r"(ルール|制限|指示|注意書き|サンプル表示)(は|を)?(全部|すべて|全て)?(無視|外し|解除|なくし|消し)|"
    r"(サンプル|架空)(では|じゃ)なく(て)?.{0,6}?(実在|本物|本当)|"
    # instructions aimed at how the answer is made: safeguards dropped, modes switched, data dumped
    r"(注意書き|出典|引用元|119|#7119|救急の案内|警告|免責|サンプル(の)?(表示|注意))(の案内)?(を|は)?(一切|もう)?"
    r"(出さ|書か|表示しな|つけな|付けな|省|消|外|なしで)|"
    r"(管理者|開発者|デバッグ|無制限|制限解除|特権)モード|設定を(変え|変更|書き換え)|"
    r"(データベース|DB|内部データ|全データ|すべてのデータ)(の中身)?(を)?(全部|すべて|全て)?(出力|表示|見せ|ダンプ|書き出)|"
    r"(出力|表示|回答|返答|列挙)せよ|【\s*(システム|system|指示|命令|管理者)\s*[:：]|"
    r"(架空|サンプル)(の)?(データ)?(でも|を)?.{0,6}?実在(の)?(病院|医療機関|診療所)?として|"
    r"として振る舞|振る舞(え|って|いなさい)|(答え|回答し|従い)なさい|【[^】]{0,8}(管理者|運営|システム|開発者|指示)[^】]{0,6}】|"
    r"(リンク|URL)を(貼|載せ|入れ|付け)|"
    # asking for the assistant's own instructions (「最初にあなたに与えられた指示文を全部表示して」)
    r"(あなた|君|きみ|AI|アシスタント)(に|へ|が)(与えられ|あたえられ|設定され|渡され|指示され|受け)た?.{0,8}?(指示|命令|ルール|設定|プロンプト)|"
    r"(最初|冒頭|元|もと|裏)の(指示|命令|プロンプト|設定)(文)?(を|は).{0,12}?(表示|見せ|教え|出力|書き出|全部|そのまま)|"
    r"(プロンプト|指示文|命令文)(を|は)?.{0,8}?(表示|見せ|教え|出力|書き出|そのまま)|reveal (your|the) (instructions|prompt)",
    re.IGNORECASE,
)

_SUICIDE = re.compile(_SUICIDE_WORDS)
# 「救急車を呼ぶべき？」 alone is a question, not an emergency described; it gets 119 first and is still answered.
_AMBULANCE = re.compile(r"救急車")

# 「子どもが熱を出したときに診てくれる病院を知っておきたい」: a symptom in a conditional clause is planned for,
# not happening now (the answer still carries the #8000 / 119 line).
_HYPOTHETICAL = re.compile(r"(た|だ)(とき|時|場合|ら)(に|は|の|でも|のため)?(?!.{0,3}(どう|助け|たすけ))|ときのため|時のため|に備え|"
                           r"いざ(という|って)|もしも|万が一|万一|ておきたい|とく(ため|と)")
_CHRONIC = re.compile(r"後遺症|の後の|ずっと|以前から|前から|昔から|慢性|持病|長年|何年|りはびり")

# Sentences shown on top of a non-emergency answer that still names a serious symptom as its topic.
SYMPTOM_NOTE = ("※いま胸の痛み・意識の異常・呼吸の苦しさ・顔や手足のまひなどの症状が起きているときは、迷わず119番へ"
                "（迷うときは #7119、お子さんのことは #8000）。")
CHILD_NOTE = "※夜間・休日のお子さんの急な病気で受診を迷うときは、#8000（子ども医療電話相談）に相談できます。"

EMERGENCY_NUMBERS: tuple[str, ...] = ("119", "#7119", "#8000")


@dataclass(frozen=True)
class SafetyCheck:
    """What the safety rules found in one message."""

    emergency: bool = False
    child_night: bool = False
    medication: bool = False
    diagnosis: bool = False
    injection: bool = False
    symptom_topic: bool = False  # a serious symptom named as a topic (「胸痛の診療をしている診療所」)
    suicide: bool = False  # thoughts of suicide: 119 and the telephone counselling lines

    @property
    def medical_advice(self) -> bool:
        """A diagnosis or medication question (refused with a pointer)."""
        return self.medication or self.diagnosis

    @property
    def notes(self) -> tuple[str, ...]:
        """Safety lines to put on top of a non-emergency answer."""
        if self.emergency:
            return ()
        return ((SYMPTOM_NOTE,) if self.symptom_topic else ()) + ((CHILD_NOTE,) if self.child_night else ())


def fold(text: str) -> str:
    """NFKC, lower case, katakana → hiragana: the form the symptom patterns are written in."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


def _topical(text: str, match: re.Match[str]) -> bool:
    """The symptom is what a search or question is about, or planned for, not something happening now."""
    return bool(_TOPIC_AFTER.match(text[match.end():]) or _CHRONIC.search(text)
                or _HYPOTHETICAL.search(text[match.end():match.end() + 16]))


def check(text: str) -> SafetyCheck:
    """Classify a message against the safety rules (emergency wins over everything else)."""
    folded = fold(text)
    acute = bool(_ACUTE.search(folded))
    hits = list(_EMERGENCY.finditer(folded))
    topic = bool(hits) and not acute and all(_topical(folded, m) for m in hits)
    child = bool(_CHILD.search(folded))
    fever = bool(_FEVER.search(folded) or _HIGH_FEVER.search(folded))
    child_urgent = child and fever and bool(_NIGHT.search(folded) or _HIGH_FEVER.search(folded))
    # 「夜間に子どもの発熱を診てくれる病院」 is a search: it gets the #8000 line, not the emergency answer.
    child_topic = child_urgent and not acute and any(_topical(folded, m) for m in _FEVER.finditer(folded))
    return SafetyCheck(
        emergency=(bool(hits) and not topic) or (child_urgent and not child_topic),
        child_night=child_urgent,
        medication=bool(_MEDICATION.search(text)),
        diagnosis=bool(_DIAGNOSIS.search(text) or (_DIAGNOSIS_WEAK.search(text) and _HEALTH.search(text))),
        injection=bool(_INJECTION.search(text)),
        symptom_topic=topic or (not hits and bool(_AMBULANCE.search(folded))),
        suicide=bool(_SUICIDE.search(folded)),
    )


def strip_injection(text: str) -> str:
    """Drop the sentences that try to give the assistant instructions; keep the real question."""
    parts = re.split(r"(?<=[。．!?！？\n])", text)
    return "".join(p for p in parts if not _INJECTION.search(p)).strip()


def emergency_text(child: bool, asked_for_place: bool = False, suicide: bool = False) -> str:
    """The emergency guidance, numbers first (消防庁 #7119, 厚生労働省 #8000)."""
    lines = [
        "**命に関わるおそれがあります。迷わず119番で救急車を呼んでください。**",
        "- 119：救急車（胸の痛み、意識がない、呼吸が苦しい、けいれん、顔のゆがみ・ろれつが回らない・手足のまひ、"
        "激しい頭痛などはすぐに）",
        "- #7119：救急安心センター（救急車を呼ぶべきか迷うとき。実施していない地域もあります）",
        "- #8000：子ども医療電話相談（夜間・休日のお子さんの急な病気の相談）",
    ]
    if suicide:
        lines.insert(1, "つらい気持ちを一人で抱えないでください。すぐに命の危険があるときは119番へ。話を聞いてもらえる窓口："
                        "こころの健康相談統一ダイヤル 0570-064-556、いのちの電話 0120-783-556、"
                        "よりそいホットライン 0120-279-338（厚生労働省「まもろうよ こころ」にも相談窓口の一覧があります）。")
    if child:
        lines.insert(1, "お子さんの高熱やぐったりしている様子が夜間・休日に続くときは、#8000 に相談できます。"
                        "呼びかけに反応しない・けいれんが止まらない・呼吸が苦しそうなときはすぐ119番へ。")
    if asked_for_place:
        # Searching for a hospital first delays care: the ambulance team chooses where to take the patient.
        lines.append("")
        lines.append("病院を探して自分で向かうより、まず119番に電話してください。救急隊が症状に合った受け入れ先を探します。")
    lines.append("")
    lines.append("このアシスタントは診断や救急の判断はできません。落ち着いてから、かかりつけ医にも相談してください。")
    return "\n".join(lines)


def refusal_text(kind: str = "medication") -> str:
    """A polite refusal that says where to ask instead (medication, diagnosis or personal data)."""
    if kind == "personal_data":
        body = ("申し訳ありませんが、患者さんや医師個人の氏名・住所・連絡先・受診の有無など、個人に関する情報はお答えできません"
                "（このアシスタントはそうした情報を持っていません）。ご自身の保険証の番号・生年月日なども覚えておくことはできませんので、"
                "入力しないでください。医療機関の公表されている機能（報告内容）なら調べられます。")
    elif kind == "diagnosis":
        body = ("申し訳ありませんが、症状から病気を判断したり、受診の要否を決めたりすることはできません。"
                "かかりつけ医に相談してください（お薬のことは薬局の薬剤師にも相談できます）。受診を迷うときは #7119（救急安心センター）、"
                "お子さんのことなら #8000 に相談できます。"
                "急な強い症状があるときは迷わず119番へ。")
    else:
        body = ("申し訳ありませんが、お薬の飲み方・量・やめ方・飲み合わせについてはお答えできません。"
                "処方したかかりつけ医（主治医）か、お薬を受け取った薬局の薬剤師に相談してください。"
                "夜間・休日で受診を迷うときは #7119（救急安心センター）、お子さんのことなら #8000 も利用できます。")
    return body + ("\n\nこのアシスタントでは、かかりつけ医機能報告制度の内容や、在宅医療・時間外対応などの機能を持つ"
                   "医療機関探しをお手伝いできます。")


def greeting_text() -> str:
    """The reply to a greeting or thanks: what the assistant can do, without calling it a refused question."""
    return ("こんにちは。このアシスタントでは次のことをお手伝いできます。\n"
            "- かかりつけ医機能報告制度（ガイドライン・Ｑ＆Ａ集・取組事例集）についての質問\n"
            "- 「高知市で24時間往診してくれる診療所」のような、機能を条件にした医療機関探し\n"
            "急な病気やけがで迷うときは 119（救急）、#7119（救急安心センター）、お子さんは #8000 へ。")


def out_of_scope_text() -> str:
    """What to say when a question is outside the assistant's area."""
    return (
        "この質問にはお答えできません。このアシスタントがお手伝いできるのは次のことです。\n"
        "- かかりつけ医機能報告制度（ガイドライン・Ｑ＆Ａ集・取組事例集）についての質問\n"
        "- 「高知市で24時間往診してくれる診療所」のような、機能を条件にした医療機関探し"
    )


INJECTION_NOTE = "（質問に含まれていた、回答の方法を変えるような指示には従いません。）"
