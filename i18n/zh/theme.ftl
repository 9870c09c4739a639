# 默认主题的界面文字（中文）：首页数字、页脚、打印版和措施之间的翻页。每个键在三种语言中都有。
home-fact-poles = 个增长极
home-fact-measures = 项措施
home-fact-groups = 组措施
footer-nav = 关于本指南
pager-label = 上一项和下一项措施
pager-previous = 上一项
pager-next = 下一项
# 标签后的冒号和列表中的分隔符：中文页面用全角标点。
label-separator = { "：" }
list-separator = { "、" }
