"""Merge translations from a Python dict file into a catalogue: fill-translations.py DICT.py LOCALE.

A helper for translating many new texts at once; the .po file stays the source of truth.
"""

import runpy
import sys

from babel.messages.pofile import read_po, write_po

dict_file, locale = sys.argv[1], sys.argv[2]
translations = runpy.run_path(dict_file)[locale.upper()]
path = f"translations/{locale}/LC_MESSAGES/messages.po"
with open(path, "rb") as handle:
    catalog = read_po(handle, locale=locale)
for message in catalog:
    # A key is the msgid, or (context, msgid) for a text with a context such as pgettext("trainee", ...).
    key = (message.context, message.id) if message.context else message.id
    if message.id and key in translations:
        message.string = translations[key]
        message.flags.discard("fuzzy")
with open(path, "wb") as handle:
    write_po(handle, catalog, width=76)  # as pybabel update writes it
