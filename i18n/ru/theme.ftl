# Строки макета темы по умолчанию (русский): цифры на главной, подвал, версия для печати и
# переход между мерами. Каждый ключ есть во всех трёх языках.
home-fact-poles = { $count ->
    [one] полюс роста
    [few] полюса роста
    [many] полюсов роста
   *[other] полюса роста
}
home-fact-measures = { $count ->
    [one] мера
    [few] меры
    [many] мер
   *[other] меры
}
home-fact-groups = { $count ->
    [one] группа мер
    [few] группы мер
    [many] групп мер
   *[other] группы мер
}
footer-nav = О путеводителе
print-address = Электронная версия: { $url }
pager-label = Предыдущая и следующая мера
pager-previous = Предыдущая
pager-next = Следующая
