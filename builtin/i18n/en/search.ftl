# Search page strings (English). `{ $count }` and `{ $query }` are filled in by search.js; the
# four count forms follow Intl.PluralRules categories (English uses one and other).
search-all-languages = Search all languages
search-count-one = { $count } result
search-count-few = { $count } results
search-count-many = { $count } results
search-count-other = { $count } results
search-none = No results for “{ $query }”.
search-did-you-mean = Did you mean { $query }?
search-loading = Searching…
search-error = The search index could not be loaded. Check your connection and try again.
search-more = More results
search-tips-title = Suggestions:
search-tip-spelling = Check the spelling.
search-tip-fewer = Try fewer or more general words.
search-tip-language = Try another language: the site has pages in other languages too.
search-elsewhere-title = Other languages of this site have results:
search-elsewhere = Same search in { $language }: { $results }
search-noscript = Search needs JavaScript. The home page links to every section of the site.
