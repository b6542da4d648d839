"""Dutch for the evaluation texts, to merge into translations/nl/LC_MESSAGES/messages.po."""

NL = {
    # criteria and their hints (placements/evaluation_forms.py)
    "Conversation skills": "Gespreksvaardigheden",
    "Knowledge of the Wet inburgering and the PIP": "Kennis van de Wet inburgering en het PIP",
    "Cultural sensitivity": "Oog voor cultuurverschillen",
    "Dutch at work": "Nederlands op het werk",
    "Independence": "Zelfstandigheid",
    "Cooperation": "Samenwerken",
    "Listens well, asks good questions and explains things clearly to clients.": (
        "Luistert goed, stelt goede vragen en legt dingen duidelijk uit aan klanten."
    ),
    "Knows the rules of civic integration, the broad intake, the routes and the personal plan.": (
        "Kent de regels van de inburgering, de brede intake, de leerroutes en het persoonlijk plan (PIP)."
    ),
    "Understands and respects differences in culture and background.": (
        "Begrijpt en respecteert verschillen in cultuur en achtergrond."
    ),
    "Speaks and writes Dutch well enough for the work.": (
        "Spreekt en schrijft goed genoeg Nederlands voor het werk."
    ),
    "Plans their own work, takes initiative and asks for help in time.": (
        "Plant het eigen werk, neemt zelf initiatief en vraagt op tijd om hulp."
    ),
    "Works well with colleagues and partners, keeps agreements.": (
        "Werkt goed samen met collega's en partners en houdt zich aan afspraken."
    ),
    # the score scale
    "Not yet sufficient": "Nog onvoldoende",
    "Almost sufficient": "Bijna voldoende",
    "Sufficient": "Voldoende",
    "Good": "Goed",
    "Excellent": "Uitstekend",
    # kinds
    "Mid-term evaluation": "Tussenevaluatie",
    "Final evaluation": "Eindevaluatie",
    # the form
    "What goes well, and what can the intern improve?": "Wat gaat goed, en wat kan de stagiair beter doen?",
    "Write a few sentences. The intern can read this. At most 5000 characters.": (
        "Schrijf een paar zinnen. De stagiair kan dit lezen. Hoogstens 5000 tekens."
    ),
    "Give a score from 1 to 5 for each point: 1 means not yet sufficient, 5 means excellent. "
    "The intern and the programme manager can read this evaluation.": (
        "Geef elk onderdeel een score van 1 tot en met 5. 1 betekent nog onvoldoende, 5 betekent "
        "uitstekend. De stagiair en de programmamanager kunnen deze evaluatie lezen."
    ),
    "This evaluation was sent on %(date)s by %(name)s. If you send it again, your new answers "
    "replace the old ones.": (
        "Deze evaluatie is verstuurd op %(date)s door %(name)s. Verstuurt u hem opnieuw? Dan komen uw "
        "nieuwe antwoorden in de plaats van de oude."
    ),
    "Send the evaluation": "Evaluatie versturen",
    "Internship at %(municipality)s": "Stage bij %(municipality)s",
    "Supervisor: %(name)s": "Werkbegeleider: %(name)s",
    "Due in the week of %(date)s": "Invullen in de week van %(date)s",
    # messages of the service and the views
    "Choose a score.": "Kies een score.",
    "Choose a score from 1 to 5.": "Kies een score van 1 tot en met 5.",
    "Unknown kind of evaluation.": "Dit soort evaluatie bestaat niet.",
    "This internship is not confirmed or has stopped. It has no evaluation.": (
        "Deze stage is niet bevestigd of is gestopt. Er is geen evaluatie voor."
    ),
    "The evaluation is not saved yet. Check the marked fields.": (
        "De evaluatie is nog niet opgeslagen. Kijk naar de velden met een melding."
    ),
    "Someone else changed this at the same moment. Try again.": (
        "Iemand anders heeft dit op hetzelfde moment veranderd. Probeer het opnieuw."
    ),
    "Thank you. The evaluation is saved.": "Dank u wel. De evaluatie is opgeslagen.",
    "the supervisor": "de werkbegeleider",
    "%(name)s, through the e-mail link": "%(name)s, via de link in de e-mail",
    "The link is not complete or is too old: a link works for 30 days. "
    "Ask the programme manager for a new link.": (
        "De link is niet compleet of te oud. Een link werkt 30 dagen. "
        "Vraag de programmamanager om een nieuwe link."
    ),
    # reading an evaluation
    "Sent on %(date)s by %(name)s.": "Verstuurd op %(date)s door %(name)s.",
    "Scores from 1 (not yet sufficient) to 5 (excellent)": (
        "Scores van 1 (nog onvoldoende) tot en met 5 (uitstekend)"
    ),
    "Point": "Onderdeel",
    "Score": "Score",
    "Comments": "Opmerkingen",
    "The supervisor has not filled in this evaluation yet.": (
        "De werkbegeleider heeft deze evaluatie nog niet ingevuld."
    ),
    "Change the evaluation": "Evaluatie aanpassen",
    "Fill in the evaluation": "Evaluatie invullen",
    # the manager's list of missing evaluations
    "Missing evaluations": "Evaluaties die ontbreken",
    "These evaluations are due and the supervisor has not filled them in yet. Send the supervisor "
    "the link: it works for 30 days, without logging in.": (
        "Deze evaluaties moeten nu ingevuld worden, maar de werkbegeleider heeft dat nog niet gedaan. "
        "Stuur de werkbegeleider de link. De link werkt 30 dagen, zonder inloggen."
    ),
    "Municipality": "Gemeente",
    "Evaluation": "Evaluatie",
    "Due in the week of": "In te vullen in de week van",
    "Supervisor": "Werkbegeleider",
    "Link for the supervisor": "Link voor de werkbegeleider",
    "No evaluations are missing.": "Er ontbreken geen evaluaties.",
    # the municipality portal's partial
    "Evaluations to fill in": "Evaluaties om in te vullen",
    "Please fill in these evaluations of your interns.": "Wilt u deze evaluaties van uw stagiairs invullen?",
    "No evaluations to fill in at the moment.": "U hoeft nu geen evaluaties in te vullen.",
}
