# 默认主题的界面文字（中文）：首页数字、页脚、打印版和措施之间的翻页。每个键在三种语言中都有。
home-fact-poles = 个增长极
home-fact-measures = 条措施
home-fact-groups = 组措施
footer-nav = 关于本指南
pager-label = 上一条和下一条措施
pager-previous = 上一条
pager-next = 下一条
