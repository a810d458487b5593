"""The 地域の状況 view: a bar chart per function (areas by facilities per 1,000 residents aged 75+, the chosen area
highlighted, the prefecture's figure as a line) and the table, as escaped HTML (pure; no chart library needed)."""

from __future__ import annotations

from html import escape

from assistant.regional import LACKING_RULE, LEVEL_LABELS, AreaFigures, RegionalTable

BAR_H = 22
LABEL_W = 130
CHART_W = 240
VALUE_W = 110


def chart_svg(table: RegionalTable, key: str, highlight: str = "") -> str:
    """One function's bars: one per area, the highlighted area in the accent colour, the prefecture as a dashed
    line; each bar carries its number as text (the chart is readable without colour)."""
    label = next((i.label for i in table.indicators if i.key == key), key)
    rows = [(r, r.figure(key)) for r in table.rows]
    values = [f.per_1k_75 or 0.0 for _, f in rows if f is not None]
    whole = table.whole.figure(key)
    line = whole.per_1k_75 if whole is not None else None
    top = max([*values, line or 0.0, 0.01])
    height = BAR_H * len(rows) + 30
    width = LABEL_W + CHART_W + VALUE_W
    parts = [f'<svg class="kakari-region-chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'aria-label="{escape(label)}：75歳以上人口1千人あたりの医療機関数（{escape(LEVEL_LABELS[table.level])}ごと）">']
    for i, (row, fig) in enumerate(rows):
        y = 20 + i * BAR_H
        value = (fig.per_1k_75 or 0.0) if fig is not None else 0.0
        length = CHART_W * value / top
        chosen = highlight and row.area.name == highlight
        css = "kakari-bar-chosen" if chosen else ("kakari-bar-lacking" if fig is not None and fig.lacking else "kakari-bar")
        count = fig.count if fig is not None else 0
        mark = "　不足の目安" if fig is not None and fig.lacking else ""
        parts.append(f'<text x="{LABEL_W - 6}" y="{y + 15}" text-anchor="end" class="kakari-bar-label">'
                     f'{escape(row.area.name)}</text>')
        parts.append(f'<rect x="{LABEL_W}" y="{y + 3}" width="{length:.1f}" height="{BAR_H - 6}" class="{css}">'
                     f'<title>{escape(row.area.name)}：{count}か所（{value:.2f}）{mark}</title></rect>')
        parts.append(f'<text x="{LABEL_W + length + 4:.1f}" y="{y + 15}" class="kakari-bar-value">'
                     f'{value:.2f}（{count}）{escape(mark)}</text>')
    if line is not None:
        x = LABEL_W + CHART_W * line / top
        parts.append(f'<line x1="{x:.1f}" y1="14" x2="{x:.1f}" y2="{height - 4}" class="kakari-bar-whole"/>')
        parts.append(f'<text x="{x:.1f}" y="11" text-anchor="middle" class="kakari-bar-value">'
                     f'{escape(table.prefecture)} {line:.2f}</text>')
    parts.append("</svg>")
    return (f'<figure class="kakari-region-figure"><figcaption>{escape(label)}'
            "（75歳以上人口1千人あたりの医療機関数、括弧内は医療機関数）</figcaption>" + "".join(parts) + "</figure>")


def table_html(table: RegionalTable, highlight: str = "") -> str:
    """Functions (rows) × areas (columns, the prefecture last): count and per 1,000 aged 75+, lacking in words."""
    areas = (*table.rows, table.whole)
    chosen = ' class="kakari-row-chosen"'
    head = "".join(
        f"<th scope='col'{chosen if highlight and r.area.name == highlight else ''}>"
        f"{escape(r.area.name)}<br><small>人口 {r.area.population:,}<br>75歳以上 {r.area.population_75plus:,}<br>"
        f"医療機関 {r.facilities}</small></th>" for r in areas)
    body = "".join(f"<tr><th scope='row'>{escape(i.label)}</th>{''.join(_cell(r, i.key) for r in areas)}</tr>"
                   for i in table.indicators)
    return ('<div class="kakari-region-table-wrap"><table class="kakari-region-table"><thead><tr><th scope="col">機能</th>'
            f"{head}</tr></thead><tbody>{body}</tbody></table></div>")


def _cell(row: AreaFigures, key: str) -> str:
    fig = row.figure(key)
    if fig is None:
        return "<td>－</td>"
    rate = "－" if fig.per_1k_75 is None else f"{fig.per_1k_75:.2f}"
    mark = "<br><strong>不足の目安</strong>" if fig.lacking else ""
    return f"<td>{fig.count}か所<br><small>{rate}</small>{mark}</td>"


def view_html(table: RegionalTable, key: str, highlight: str = "") -> str:
    """The whole view: notice, basis, the chart of one function and the table."""
    notice = ('<p class="kakari-notice">⚠ サンプル（架空）データによる集計です。実在の医療機関の状況ではありません。</p>'
              if table.sample else "")
    outside = ("" if table.covered else f'<p class="kakari-empty">{escape(table.prefecture)}の医療機関は、いまのデータに'
               "含まれていません（数はすべて0になります）。</p>")
    basis = (f"<p><small>データ：{escape(table.source)}（報告基準日 {escape(table.as_of or '不明')}）／人口：住民基本台帳"
             f"（{escape(table.population_date)}現在）。{escape(LACKING_RULE)}</small></p>")
    credits = "".join(f"<li>{escape(c)}</li>" for c in table.credits)
    return (notice + outside + chart_svg(table, key, highlight) + basis + table_html(table, highlight)
            + f'<ul class="kakari-credits">{credits}</ul>')
