# Строки интерфейса встроенной темы (русский). Шаблоны берут их через t(key="…"); файл
# сайта i18n/ru/*.ftl может заменить любую из них, определив тот же ключ.
skip-to-content = Перейти к содержанию
search-label = Поиск по сайту
search-placeholder = Поиск по сайту
search-button = Найти
nav-languages = Язык
nav-main = Основная навигация
nav-breadcrumbs = Навигационная цепочка
on-this-page = На этой странице
updated-on = Обновлено
not-found-title = Страница не найдена
not-found-text = Такой страницы нет или она перемещена. Выберите язык, чтобы перейти на главную:
feed-title = Лента Atom
fallback-notice = Эта страница ещё не переведена на русский язык и показана на языке оригинала.
print-address = Электронная версия: { $url }
home-sections = Разделы
home-latest = Последние страницы
