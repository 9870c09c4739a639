# Long lists cut into pages, and tags (section.html, tag.html, tags.html, macros.html).
# Every key exists in all three languages.
list-pager-label = Pages
list-pager-status = Page { $current } of { $total }
list-pager-previous = Previous
list-pager-next = Next
list-pager-page = Page { $number }
tags-title = Tags
tag-heading = Tag: { $tag }
tag-count = { $count ->
    [one] ({ $count } page)
   *[other] ({ $count } pages)
}
