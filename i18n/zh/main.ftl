# 本指南自己的界面文字（简体中文），加在内置文字（builtin/i18n/zh/）之上；两处都有的键
# （search-label、search-placeholder、feed-title 及下面搜索页的几条）以这里为准。每个键在三种语言中都要有。
search-label = 搜索本指南
search-placeholder = 输入关键词，如“保税”
footer-source = 依据：武威市商务局等十五个部门和单位《关于促进外资稳存量扩增量提质量的实施方案》（武商发〔2023〕109号，2023年10月13日）。
footer-disclaimer = 本指南为解读材料，具体以政策原文及责任单位的解释为准。
home-start-here = 栏目导航
feed-title = 更新动态（Atom）
feed-subscribe = 通过 Atom 订阅更新
measure-number = 第{ $number }项措施
measure-titled = 第{ $number }项措施：{ $title }
group-number = 第{ $number }组
responsible-departments = 责任单位
county-note = 各项任务均需各县区政府落实。
check-eligibility = 用资格自测看看哪些措施可能适用于您的项目
poles-compared = 五个增长极一览
pole-sectors = 产业方向
pole-measures = 相关措施
sector-manufacturing = 制造业
sector-energy = 能源化工
sector-agrifood = 绿色有机食品
sector-logistics = 物流与贸易
sector-health = 康养
sector-tourism = 文化旅游
sector-digital = 数字经济与新型基础设施
sector-other = 其他
departments-caption = 责任单位及其负责的措施
department = 单位
measures = 措施
# 本指南对内置主题同名文字的措辞（搜索页）。
search-all-languages = 同时搜索三种语言
search-tip-language = 换一种语言：本指南有中文、英文和俄文三个版本。
search-elsewhere-title = 本指南的其他语言版本有结果：
search-noscript = 搜索功能需要启用 JavaScript。也可以通过菜单浏览本指南的所有页面。
