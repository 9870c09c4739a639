# The built-in theme's interface strings (English). Templates use them through t(key="…");
# a site's own i18n/en/*.ftl may replace any of them by defining the same key.
skip-to-content = Skip to content
search-label = Search this site
search-placeholder = Search this site
search-button = Search
nav-languages = Language
nav-main = Main
nav-breadcrumbs = Breadcrumbs
on-this-page = On this page
updated-on = Updated
not-found-title = Page not found
not-found-text = The page you are looking for does not exist or has moved. Choose a language to go to the home page:
feed-title = Atom feed
fallback-notice = This page has not been translated into English yet; it is shown in its original language.
print-address = Online version: { $url }
home-sections = Sections
home-latest = Latest pages
