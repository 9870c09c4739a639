# Strings of the default theme's layout (English): home page figures, footer, print view and
# the pager between measures. Every key exists in all three languages.
home-fact-poles = { $count ->
    [one] growth pole
   *[other] growth poles
}
home-fact-measures = { $count ->
    [one] measure
   *[other] measures
}
home-fact-groups = { $count ->
    [one] group of measures
   *[other] groups of measures
}
footer-nav = About this guide
pager-label = Previous and next measure
pager-previous = Previous
pager-next = Next
# The colon after a label and the separator between list items, as each language writes them.
label-separator = { ": " }
list-separator = { ", " }
