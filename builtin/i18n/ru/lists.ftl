# Длинные списки по страницам и теги (section.html, tag.html, tags.html, macros.html).
# Каждый ключ есть во всех трёх языках.
list-pager-label = Страницы списка
list-pager-status = Страница { $current } из { $total }
list-pager-previous = Назад
list-pager-next = Далее
list-pager-page = Страница { $number }
tags-title = Теги
tag-heading = Тег: { $tag }
tag-count = { $count ->
    [one] ({ $count } страница)
    [few] ({ $count } страницы)
    [many] ({ $count } страниц)
   *[other] ({ $count } страницы)
}
