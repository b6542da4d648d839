"""Dutch for the programme template pages, to merge into translations/nl/LC_MESSAGES/messages.po."""

NL = {
    "%(day)s from week %(week)d": "%(day)s vanaf week %(week)d",
    "A programme sets the phases, the training days and the return day. "
    "A new group starts with the settings of its programme.": (
        "Een programma legt de fasen, de lesdagen en de terugkomdag vast. "
        "Een nieuwe groep begint met de instellingen van zijn programma."
    ),
    "Add a programme": "Programma toevoegen",
    "Another programme already uses this short name.": "Een ander programma heeft deze korte naam al.",
    "Choose a week from 1 to %(n)d.": "Kies een week van 1 tot en met %(n)d.",
    "Default": "Standaard",
    "Default programme for new groups": "Standaardprogramma voor nieuwe groepen",
    "Groups that already use this programme keep their planning until you plan them again.": (
        "Groepen die dit programma al gebruiken, houden hun planning tot u ze opnieuw plant."
    ),
    "Groups use this programme, so its short name cannot change.": (
        "Er zijn groepen met dit programma. Daarom kan de korte naam niet meer veranderen."
    ),
    "Lowercase letters, digits and hyphens, for example wet-inburgering. "
    "Other systems use it to name the programme.": (
        "Kleine letters, cijfers en streepjes, bijvoorbeeld wet-inburgering. "
        "Andere systemen gebruiken deze naam voor het programma."
    ),
    "No programmes yet.": "Nog geen programma's.",
    "No return day": "Geen terugkomdag",
    "One programme is always the default. To change that, make another programme the default.": (
        "Er is altijd één standaardprogramma. Wilt u dat veranderen? Maak dan een ander programma "
        "de standaard."
    ),
    "Programmes": "Programma's",
    "Return day ends at": "Terugkomdag eindigt om",
    "Return day from week": "Terugkomdag vanaf week",
    "Return day starts at": "Terugkomdag begint om",
    "Short name": "Korte naam",
    "The return day falls on a training day in weeks %(first)d to %(last)d. "
    "Choose another day or a later week.": (
        "De terugkomdag valt op een lesdag in week %(first)d tot en met %(last)d. "
        "Kies een andere dag of een latere week."
    ),
    "The return day is every week, from this week until the end.": (
        "De terugkomdag is elke week, vanaf deze week tot het einde."
    ),
    "Training days end at": "Lesdagen eindigen om",
    "Training days start at": "Lesdagen beginnen om",
    "Use lowercase letters, digits and hyphens only, for example wet-inburgering.": (
        "Gebruik alleen kleine letters, cijfers en streepjes, bijvoorbeeld wet-inburgering."
    ),
    "Weeks of guided work": "Weken begeleid werken",
}
