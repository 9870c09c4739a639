# Строки страницы поиска (русский). `{ $count }` и `{ $query }` подставляет search.js; четыре
# формы числа соответствуют категориям Intl.PluralRules (one, few, many, other — для дробных).
search-all-languages = Искать на всех языках
search-count-one = { $count } результат
search-count-few = { $count } результата
search-count-many = { $count } результатов
search-count-other = { $count } результата
search-none = По запросу «{ $query }» ничего не найдено.
search-did-you-mean = Возможно, вы имели в виду: { $query }
search-loading = Идёт поиск…
search-error = Не удалось загрузить поисковый индекс. Проверьте подключение и попробуйте ещё раз.
search-more = Ещё результаты
search-tips-title = Советы:
search-tip-spelling = Проверьте написание.
search-tip-fewer = Попробуйте меньше слов или более общие слова.
search-tip-language = Попробуйте другой язык: на сайте есть страницы и на других языках.
search-elsewhere-title = В других языковых версиях сайта есть результаты:
search-elsewhere = Тот же поиск в версии «{ $language }»: { $results }
search-noscript = Для поиска нужен JavaScript. С главной страницы можно перейти во все разделы сайта.
