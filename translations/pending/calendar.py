"""Dutch for the calendar-feed texts, to merge into translations/nl/LC_MESSAGES/messages.po."""

NL = {
    # sessions/feed_service.py: calendar content, in the subscriber's language
    "Training day": "Trainingsdag",
    "Return day": "Terugkomdag",
    "Extra meeting": "Extra bijeenkomst",
    "Meeting": "Bijeenkomst",
    "Cancelled: %(title)s": "Gaat niet door: %(title)s",
    "Trainer: %(name)s": "Trainer: %(name)s",
    "Schedule – %(cohort)s": "Rooster – %(cohort)s",
    # sessions/feeds.py: after "Make a new link"
    "You have a new calendar link. The old link no longer works. Add the new link to your calendar.":
        "U heeft een nieuwe agenda-link. De oude link werkt niet meer. "
        "Voeg de nieuwe link toe aan uw agenda.",
    # templates/sessions/_calendar_link.html
    "Your schedule in your calendar": "Uw rooster in uw agenda",
    "Put your schedule in the calendar on your phone. Copy this link and add it as a calendar "
    "subscription.":
        "Zet uw rooster in de agenda van uw telefoon. Kopieer deze link en voeg hem toe als "
        "agenda-abonnement.",
    "Calendar link": "Agenda-link",
    "Keep this link to yourself. Anyone who has the link can see your schedule.":
        "Houd deze link voor uzelf. Iedereen die de link heeft, kan uw rooster zien.",
    "Subscribe in your calendar": "Abonneer in uw agenda",
    "Make a new link": "Nieuwe link maken",
    "Does someone else have your link? Then make a new link. The old link stops working at once, "
    "also in your calendar. After that, add the new link to your calendar.":
        "Heeft iemand anders uw link? Maak dan een nieuwe link. De oude link werkt dan meteen niet "
        "meer, ook niet in uw agenda. Voeg daarna de nieuwe link toe aan uw agenda.",
    "Yes, make a new link": "Ja, maak een nieuwe link",
}
