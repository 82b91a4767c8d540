"""What people write on Buurtplein (titles, descriptions, names of voorzieningen, activities and
organisations, messages, questions) is in Dutch, also on an English page. Saying so lets a screen
reader pronounce it as Dutch and a translation tool offer to translate it, instead of the page
pretending it is English. The one rule for it, used by every template that shows such data:

- ``{{ value|nl }}`` prints the value inside ``<span lang="nl">`` (escaped; nothing for empty);
- the ``field`` macro gives a text input or textarea that shows stored data ``lang="nl"``
  (``field_lang``); an empty field is left alone, as the writer may write in their own language.
"""

from __future__ import annotations

from markupsafe import Markup, escape

DATA_LANGUAGE = "nl"
TEXT_FIELDS = ("StringField", "TextAreaField")


def in_data_language(value) -> Markup:
    if value is None or value == "":
        return Markup("")
    return Markup('<span lang="%s">%s</span>') % (DATA_LANGUAGE, escape(value))


def field_lang(field) -> dict[str, str]:
    """Extra attributes for a form field: lang for a text field that holds what was stored."""
    if field.type in TEXT_FIELDS and field.object_data:
        return {"lang": DATA_LANGUAGE}
    return {}


def register(app) -> None:
    app.add_template_filter(in_data_language, "nl")
    app.add_template_global(field_lang, "field_lang")
