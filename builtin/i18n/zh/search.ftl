# 搜索页字符串（中文）。`{ $count }` 和 `{ $query }` 由 search.js 填入；中文只有 other 一种
# 数量形式，四个键保持一致，以便每种语言都有同样的键。
search-all-languages = 搜索所有语言
search-count-one = 找到 { $count } 个结果
search-count-few = 找到 { $count } 个结果
search-count-many = 找到 { $count } 个结果
search-count-other = 找到 { $count } 个结果
search-none = 没有找到与“{ $query }”相关的结果。
search-did-you-mean = 您是不是要找：{ $query }
search-loading = 正在搜索…
search-error = 无法加载搜索索引，请检查网络连接后重试。
search-more = 更多结果
search-tips-title = 建议：
search-tip-spelling = 检查输入是否有误。
search-tip-fewer = 减少关键词，或换用更常见的词语。
search-tip-language = 换一种语言：本站还有其他语言的页面。
search-elsewhere-title = 本站的其他语言版本有结果：
search-elsewhere = 在{ $language }版中搜索：{ $results }
search-noscript = 搜索功能需要启用 JavaScript。也可以从首页进入本站的各个栏目。
