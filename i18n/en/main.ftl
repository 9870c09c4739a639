# The guide's own interface strings (English), added to the built-in ones (builtin/i18n/en/);
# a key defined in both (search-label, search-placeholder, feed-title, the search page's below)
# is the guide's wording. Every key exists in all three languages.
search-label = Search the guide
search-placeholder = for example bonded, land quota
footer-source = Source: Implementation Plan for Promoting the Retention, Expansion and Upgrading of Foreign Investment (Wu Shang Fa [2023] No. 109), issued on 13 October 2023 by Wuwei's Municipal Bureau of Commerce and fourteen other departments and bodies.
footer-disclaimer = This guide explains the plan; the policy text and the responsible departments' interpretation prevail.
home-start-here = Explore the guide
feed-title = Updates (Atom)
feed-subscribe = Follow the updates with Atom
measure-number = Measure { $number }
measure-titled = Measure { $number }: { $title }
group-number = Group { $number }:
responsible-departments = Responsible departments
county-note = County and district governments also carry out every task of the plan.
check-eligibility = See which measures may apply to your project
poles-compared = The five growth poles at a glance
pole-sectors = Focus
pole-measures = Measures that concern it
sector-manufacturing = Manufacturing
sector-energy = Energy and chemicals
sector-agrifood = Green and organic food
sector-logistics = Logistics and trade
sector-health = Health
sector-tourism = Culture and tourism
sector-digital = Digital economy and new infrastructure
sector-other = Other
departments-caption = Responsible departments and the measures they handle
department = Department
measures = Measures
# The guide's own wording of strings the built-in theme also defines (search page).
search-all-languages = Search all three languages
search-tip-language = Try another language: the guide is written in Chinese, English and Russian.
search-elsewhere-title = Other languages of the guide have results:
search-noscript = Search needs JavaScript. Every page of the guide can also be reached from the menu.
