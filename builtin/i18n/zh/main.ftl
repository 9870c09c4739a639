# 内置主题的界面文字（简体中文）。模板通过 t(key="…") 使用；网站自己的 i18n/zh/*.ftl
# 定义同名的键即可替换其中任何一条。
skip-to-content = 跳到正文
search-label = 搜索本站
search-placeholder = 搜索本站
search-button = 搜索
nav-languages = 语言
nav-main = 主导航
nav-breadcrumbs = 当前位置
on-this-page = 本页内容
updated-on = 更新于
not-found-title = 页面不存在
not-found-text = 您要找的页面不存在或已移动。请选择语言返回首页：
feed-title = Atom 订阅源
fallback-notice = 本页尚无中文版本，以下为原文。
print-address = 网页版：{ $url }
home-sections = 栏目
home-latest = 最新内容
