# 分页的长列表和标签（section.html、tag.html、tags.html、macros.html）。每个键在三种语言中都有。
list-pager-label = 分页
list-pager-status = 第{ $current }页，共{ $total }页
list-pager-previous = 上一页
list-pager-next = 下一页
list-pager-page = 第{ $number }页
tags-title = 标签
tag-heading = 标签：{ $tag }
tag-count = （{ $count }篇）
