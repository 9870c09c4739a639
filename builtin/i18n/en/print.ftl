# Strings of the menu button, the print edition and link previews (English). Every key exists
# in all three languages.
nav-menu-button = Menu
print-link = Print or save as PDF
print-title = Print edition
print-contents = Contents
print-button = Print or save as PDF
print-hint = To keep a PDF, choose “Save as PDF” as the printer.
print-chapter-address = Online:
