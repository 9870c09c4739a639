#!/usr/bin/env python3
"""Writes a synthetic trilingual site (zh, en, ru) that both invest-guide and Hugo can build.

usage: bench/gen_tree.py N OUTDIR

OUTDIR gets:
  site.yaml                      invest-guide's configuration
  hugo.toml, layouts/            Hugo's configuration and a minimal theme close to
                                 invest-guide's default one (no taxonomies, no RSS)
  content/_index.LANG.md         home page of each language
  content/sNN/_index.LANG.md     10 sections s01..s10
  content/sNN/page-NNNNN.LANG.md N pages per language, spread over the sections

Every page has the same key in the three languages, so each is a translation of the others.
Front matter uses only title, date, weight, tags and summary. Bodies are 400-600 words of
generated text in the page's language with 3-5 `##` headings, a list, a table, bold,
italic, a code span and two relative links `../page-NNNNN/` to sibling pages of the same
section (they resolve the same way in invest-guide and Hugo).

Only the standard library; the output depends on N alone (every page is seeded by its
language and number), so two runs with the same N write the same bytes.
"""

import datetime
import json
import os
import random
import shutil
import sys

SEED = "invest-guide-bench-1"
SECTIONS = 10
LANGS = ["zh", "en", "ru"]

LANGUAGES = {
    "zh": {"name": "中文", "title": "基准", "weight": 1},
    "en": {"name": "English", "title": "Benchmark", "weight": 2},
    "ru": {"name": "Русский", "title": "Бенчмарк", "weight": 3},
}

EN_WORDS = """
investment investor capital market fund trade export import logistics port railway
corridor customs bonded warehouse zone park industry industrial energy chemical solar
wind power grid water land lease tax rebate subsidy incentive policy measure department
approval licence permit registration company enterprise branch office partner joint
venture equity share acquisition merger contract agreement project plan programme
quarterly annual budget revenue profit cost price value growth output production
manufacturing factory machine equipment technology research development innovation
service consulting finance bank loan credit insurance guarantee risk return yield
agriculture food processing tourism culture heritage health medical clinic hospital
education training talent worker labour employment salary housing transport road highway
airport freight container shipment route network digital platform data cloud software
province city county district region border foreign domestic local national regional
""".split()

EN_GLUE = "the a of to and in for with on by from under over within across per".split()

RU_WORDS = """
инвестиция инвестор капитал рынок фонд торговля экспорт импорт логистика порт железная
дорога коридор таможня склад зона парк промышленность энергия химия солнце ветер сеть
вода земля аренда налог льгота субсидия стимул политика мера ведомство одобрение лицензия
разрешение регистрация компания предприятие филиал офис партнёр совместное доля покупка
слияние договор соглашение проект план программа бюджет выручка прибыль стоимость цена
рост выпуск производство завод станок оборудование технология исследование разработка
услуга консалтинг финансы банк кредит страхование гарантия риск доходность сельское
хозяйство пищевая переработка туризм культура наследие здоровье медицина клиника больница
образование обучение кадры работник занятость зарплата жильё транспорт шоссе аэропорт
груз контейнер отправка маршрут платформа данные облако программа провинция город уезд
район регион граница иностранный местный национальный региональный
""".split()

RU_GLUE = "и в на по для с от до при из под над через без о".split()

ZH_WORDS = """
投资 投资者 资本 市场 基金 贸易 出口 进口 物流 港口 铁路 通道 海关 保税 仓库 园区
产业 工业 能源 化工 光伏 风电 电网 水利 土地 租赁 税收 退税 补贴 奖励 政策 措施 部门
审批 许可 登记 公司 企业 分支 办公 合作 合资 股权 并购 合同 协议 项目 计划 规划 季度
年度 预算 收入 利润 成本 价格 价值 增长 产出 生产 制造 工厂 设备 技术 研发 创新 服务
咨询 金融 银行 贷款 信贷 保险 担保 风险 回报 农业 食品 加工 旅游 文化 遗产 健康 医疗
诊所 医院 教育 培训 人才 劳动 就业 薪酬 住房 交通 公路 机场 货运 集装箱 航线 网络
数字 平台 数据 云端 软件 省级 城市 县域 地区 区域 边境 外资 国内 地方 国家 开放 发展
""".split()

ZH_GLUE = "的 和 与 在 对 为 按 将 由 向 及 从".split()

TEXT = {
    "en": {
        "page": "Page",
        "section": "Section",
        "home_intro": "Synthetic benchmark site with pages in three languages.",
        "table_head": ["Item", "Amount", "Status"],
        "status": ["open", "closed", "pending", "approved"],
        "see": "see also",
    },
    "ru": {
        "page": "Страница",
        "section": "Раздел",
        "home_intro": "Синтетический сайт для замеров скорости на трёх языках.",
        "table_head": ["Пункт", "Сумма", "Статус"],
        "status": ["открыт", "закрыт", "ожидает", "одобрен"],
        "see": "см. также",
    },
    "zh": {
        "page": "页面",
        "section": "栏目",
        "home_intro": "用于性能基准测试的三语合成站点。",
        "table_head": ["项目", "金额", "状态"],
        "status": ["开放", "关闭", "待定", "批准"],
        "see": "另见",
    },
}

TAGS = {
    "en": ["energy", "logistics", "industry", "finance", "tourism", "health", "policy", "trade"],
    "ru": ["энергия", "логистика", "промышленность", "финансы", "туризм", "здоровье", "политика", "торговля"],
    "zh": ["能源", "物流", "产业", "金融", "旅游", "健康", "政策", "贸易"],
}


def yaml_str(s):
    """A double-quoted YAML scalar (JSON strings are valid YAML)."""
    return json.dumps(s, ensure_ascii=False)


class Writer:
    """Generates text in one language and counts the words it produced."""

    def __init__(self, lang, rng):
        self.lang = lang
        self.rng = rng
        self.words = 0
        if lang == "zh":
            self.vocab, self.glue = ZH_WORDS, ZH_GLUE
        elif lang == "ru":
            self.vocab, self.glue = RU_WORDS, RU_GLUE
        else:
            self.vocab, self.glue = EN_WORDS, EN_GLUE

    def word(self):
        self.words += 1
        if self.rng.random() < 0.25:
            return self.rng.choice(self.glue)
        return self.rng.choice(self.vocab)

    def phrase(self, lo, hi):
        n = self.rng.randint(lo, hi)
        sep = "" if self.lang == "zh" else " "
        return sep.join(self.word() for _ in range(n))

    def sentence(self, extra=None):
        """8-16 words; `extra` (already-formatted inline Markdown) is put in the middle."""
        parts = [self.phrase(4, 8)]
        if extra:
            parts.append(extra)
        parts.append(self.phrase(4, 8))
        if self.lang == "zh":
            return "，".join(parts) + "。"
        text = " ".join(parts)
        if text[0].isalpha():
            text = text[0].upper() + text[1:]
        return text + "."

    def paragraph(self, extras=()):
        extras = list(extras)
        n = max(3, len(extras)) + self.rng.randint(0, 2)
        sentences = []
        for i in range(n):
            sentences.append(self.sentence(extras[i] if i < len(extras) else None))
        sep = "" if self.lang == "zh" else " "
        return sep.join(sentences)

    def heading(self):
        text = self.phrase(2, 4)
        if self.lang != "zh":
            text = text[0].upper() + text[1:]
        return text


def section_of(i, n):
    """1-based section number of page i (1..n): contiguous blocks of about n/10 pages."""
    return (i - 1) * SECTIONS // n + 1


def section_range(s, n):
    """Page numbers that fall in section s."""
    # smallest i with (i-1)*SECTIONS//n + 1 == s
    first = -(-(s - 1) * n // SECTIONS) + 1
    last = -(-s * n // SECTIONS)
    return first, last


def page_body(lang, i, n, rng):
    w = Writer(lang, rng)
    t = TEXT[lang]
    target = rng.randint(400, 600)
    s = section_of(i, n)
    first, last = section_range(s, n)
    siblings = [j for j in range(first, last + 1) if j != i]
    if len(siblings) >= 2:
        targets = ["../page-%05d/" % j for j in rng.sample(siblings, 2)]
    elif siblings:
        targets = ["../page-%05d/" % siblings[0], "../"]
    else:
        targets = ["../", "../"]  # the section page
    links = ["[%s %s](%s)" % (t["see"], w.phrase(1, 2), url) for url in targets]

    blocks = []
    blocks.append(
        w.paragraph(
            [
                "**%s**" % w.phrase(1, 3),
                "*%s*" % w.phrase(1, 2),
                "`%s_%d`" % ("cfg", rng.randint(1, 999)),
            ]
        )
    )
    headings = rng.randint(3, 5)
    for h in range(headings):
        blocks.append("## " + w.heading())
        if h == 0:
            blocks.append(w.paragraph([links[0]]))
            blocks.append(
                "\n".join("- " + w.phrase(3, 7) for _ in range(rng.randint(4, 6)))
            )
        elif h == 1:
            blocks.append(w.paragraph(["**%s**" % w.phrase(1, 2)]))
            head = t["table_head"]
            rows = [
                "| %s | %s | %s |" % tuple(head),
                "| --- | ---: | --- |",
            ]
            for _ in range(rng.randint(3, 5)):
                rows.append(
                    "| %s | %d | %s |"
                    % (w.phrase(1, 3), rng.randint(1, 500) * 1000, rng.choice(t["status"]))
                )
            blocks.append("\n".join(rows))
        elif h == 2:
            blocks.append(w.paragraph([links[1], "*%s*" % w.phrase(1, 2)]))
        else:
            blocks.append(w.paragraph())
    # Fill up to the target word count, spreading paragraphs over the sections.
    h_positions = [k for k, b in enumerate(blocks) if b.startswith("## ")]
    turn = 0
    while w.words < target:
        pos = h_positions[turn % len(h_positions)]
        # insert right after the heading's block group (before the next heading)
        nxt = next((k for k in h_positions if k > pos), len(blocks))
        blocks.insert(nxt, w.paragraph())
        h_positions = [k for k, b in enumerate(blocks) if b.startswith("## ")]
        turn += 1
    return "\n\n".join(blocks) + "\n"


def front(title, date=None, weight=None, tags=None, summary=None):
    lines = ["---", "title: " + yaml_str(title)]
    if date:
        lines.append("date: " + date)
    if weight is not None:
        lines.append("weight: %d" % weight)
    if tags:
        lines.append("tags: [" + ", ".join(yaml_str(x) for x in tags) + "]")
    if summary:
        lines.append("summary: " + yaml_str(summary))
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def site_yaml():
    lines = [
        "# Synthetic benchmark site written by bench/gen_tree.py.",
        'base_url: "https://bench.example.org/"',
        "default_language: zh",
        "languages:",
    ]
    for lang in LANGS:
        l = LANGUAGES[lang]
        lines.append(
            "  %s: { name: %s, title: %s }" % (lang, yaml_str(l["name"]), yaml_str(l["title"]))
        )
    return "\n".join(lines) + "\n"


def hugo_toml():
    lines = [
        "# Synthetic benchmark site written by bench/gen_tree.py.",
        'baseURL = "https://bench.example.org/"',
        'title = "%s"' % LANGUAGES["zh"]["title"],
        'defaultContentLanguage = "zh"',
        "defaultContentLanguageInSubdir = true",
        'contentDir = "content"',
        'disableKinds = ["taxonomy", "term", "RSS"]',
        "enableRobotsTXT = false",
        "",
        "[markup.tableOfContents]",
        "  startLevel = 2",
        "  endLevel = 2",
        "",
        "[languages]",
    ]
    for lang in LANGS:
        l = LANGUAGES[lang]
        lines += [
            "  [languages.%s]" % lang,
            '    languageName = "%s"' % l["name"],
            '    title = "%s"' % l["title"],
            "    weight = %d" % l["weight"],
        ]
    return "\n".join(lines) + "\n"


# Hugo layouts close to invest-guide's default theme: <html lang>, title, canonical and
# hreflang links, language switcher, breadcrumbs, table of contents, content, listing.
BASEOF = """<!DOCTYPE html>
<html lang="{{ .Site.Language.Lang }}" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ .Site.Title }}{{ else }}{{ .Title }} · {{ .Site.Title }}{{ end }}</title>
{{ with .Params.summary }}<meta name="description" content="{{ . }}">
{{ end }}<link rel="canonical" href="{{ .Permalink }}">
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">
{{ end }}{{ range .AllTranslations }}{{ if eq .Language.Lang "zh" }}<link rel="alternate" hreflang="x-default" href="{{ .Permalink }}">
{{ end }}{{ end }}</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
  <div class="wrap header-row">
    <a class="site-title" href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a>
    <nav class="lang-switch" aria-label="Languages">
      <ul>{{ $here := .Language.Lang }}{{ range .AllTranslations }}
        <li><a href="{{ .RelPermalink }}" lang="{{ .Language.Lang }}" hreflang="{{ .Language.Lang }}"{{ if eq .Language.Lang $here }} aria-current="page"{{ end }}>{{ .Language.LanguageName }}</a></li>{{ end }}
      </ul>
    </nav>
  </div>
</header>
{{ if not .IsHome }}<nav class="breadcrumbs wrap" aria-label="Breadcrumbs">
  <ol>{{ range .Ancestors.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}<li aria-current="page">{{ .Title }}</li></ol>
</nav>{{ end }}
<main id="main" class="wrap" tabindex="-1">
{{ block "main" . }}{{ end }}
</main>
<footer class="site-footer">
  <div class="wrap"><p>Synthetic benchmark site.</p></div>
</footer>
</body>
</html>
"""

SINGLE = """{{ define "main" }}
<article data-index>
  <h1>{{ .Title }}</h1>
  {{ with .Date }}{{ if not .IsZero }}<p class="meta"><time datetime="{{ .Format "2006-01-02" }}">{{ .Format "2006-01-02" }}</time></p>{{ end }}{{ end }}
  {{ with .Params.summary }}<p class="lead">{{ . }}</p>{{ end }}
  <h2 id="toc-title">On this page</h2>
  {{ .TableOfContents }}
  <div class="prose">{{ .Content }}</div>
</article>
{{ end }}
"""

LIST = """{{ define "main" }}
<article data-index>
  <h1>{{ .Title }}</h1>
  {{ with .Params.summary }}<p class="lead">{{ . }}</p>{{ end }}
  <div class="prose">{{ .Content }}</div>
</article>
{{ with .Sections }}<ul class="cards">{{ range . }}
  <li class="card"><h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>{{ with .Params.summary }}<p>{{ . }}</p>{{ end }}</li>{{ end }}
</ul>{{ end }}
{{ with .RegularPages }}<ul class="cards">{{ range . }}
  <li class="card"><h2 class="card-title"><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>{{ with .Date }}{{ if not .IsZero }}<p class="meta"><time datetime="{{ .Format "2006-01-02" }}">{{ .Format "2006-01-02" }}</time></p>{{ end }}{{ end }}{{ with .Params.summary }}<p>{{ . }}</p>{{ end }}</li>{{ end }}
</ul>{{ end }}
{{ end }}
"""

INDEX = """{{ define "main" }}
<article data-index>
  <h1>{{ .Title }}</h1>
  {{ with .Params.summary }}<p class="lead">{{ . }}</p>{{ end }}
  <div class="prose">{{ .Content }}</div>
</article>
{{ with .Sections }}<section>
  <ul class="cards">{{ range . }}
    <li class="card"><h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>{{ with .Params.summary }}<p>{{ . }}</p>{{ end }}</li>{{ end }}
  </ul>
</section>{{ end }}
{{ end }}
"""


def main(argv):
    if len(argv) != 3 or not argv[1].isdigit() or int(argv[1]) < 1:
        sys.stderr.write("usage: gen_tree.py N OUTDIR   (N >= 1 pages per language)\n")
        return 2
    n = int(argv[1])
    out = argv[2]
    if n > 99999:
        sys.stderr.write("N must be at most 99999 (page numbers have 5 digits)\n")
        return 2
    content = os.path.join(out, "content")
    if os.path.isdir(content):
        shutil.rmtree(content)
    os.makedirs(content, exist_ok=True)

    write(os.path.join(out, "site.yaml"), site_yaml())
    write(os.path.join(out, "hugo.toml"), hugo_toml())
    layouts = os.path.join(out, "layouts")
    write(os.path.join(layouts, "_default", "baseof.html"), BASEOF)
    write(os.path.join(layouts, "_default", "single.html"), SINGLE)
    write(os.path.join(layouts, "_default", "list.html"), LIST)
    write(os.path.join(layouts, "index.html"), INDEX)

    base_date = datetime.date(2020, 1, 1)
    files = 0
    for lang in LANGS:
        t = TEXT[lang]
        rng = random.Random("%s:%s:home" % (SEED, lang))
        w = Writer(lang, rng)
        write(
            os.path.join(content, "_index.%s.md" % lang),
            front(LANGUAGES[lang]["title"], summary=t["home_intro"])
            + w.paragraph() + "\n",
        )
        files += 1
        for s in range(1, SECTIONS + 1):
            rng = random.Random("%s:%s:s%02d" % (SEED, lang, s))
            w = Writer(lang, rng)
            write(
                os.path.join(content, "s%02d" % s, "_index.%s.md" % lang),
                front("%s %02d" % (t["section"], s), weight=s, summary=w.sentence())
                + w.paragraph() + "\n",
            )
            files += 1
        for i in range(1, n + 1):
            rng = random.Random("%s:%s:%d" % (SEED, lang, i))
            s = section_of(i, n)
            w = Writer(lang, rng)
            title = "%s %d: %s" % (t["page"], i, w.heading())
            date = (base_date + datetime.timedelta(days=(i * 7) % 1500)).isoformat()
            tags = rng.sample(TAGS[lang], rng.randint(1, 3))
            summary = w.sentence()
            body = page_body(lang, i, n, rng)
            write(
                os.path.join(content, "s%02d" % s, "page-%05d.%s.md" % (i, lang)),
                front(title, date=date, weight=i, tags=tags, summary=summary) + body,
            )
            files += 1
    print("%d Markdown files (%d pages per language, %d sections) in %s"
          % (files, n, SECTIONS, out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
